import * as path from 'node:path';
import { itAnswersTheSameInEveryZone } from '../../../test/support/zones';
import * as scenario from './testing/zone-scenario';

/** 1NCE speaks UTC, whatever the zone of the process running the simulator. */
describe('intl-1nce under other process time zones', () => {
  let reference: Record<string, unknown>;

  beforeAll(async () => {
    reference = await scenario.monthBoundary();
  });

  it('starts April at 00:00 UTC and keeps the 6-month usage window in UTC days (in-process)', () => {
    const march = JSON.parse(reference.march as string) as { stats: Array<{ date: string }> };
    expect(march.stats.map((s) => s.date)).toEqual(['2026-03-29', '2026-03-30', '2026-03-31']);
    const april = JSON.parse(reference.april as string) as { stats: Array<{ date: string; data: { volume: string } }> };
    expect(april.stats.map((s) => s.date)).toEqual(['2026-04-01']);
    expect(Number(april.stats[0].data.volume)).toBeGreaterThan(0);
    expect(reference.tooOld).toBe(400);
    expect(reference.oldest).toBe(200);
    expect(reference.tooOldInApril).toBe(400);
    expect(reference.oldestInApril).toBe(200);
    for (const [shipped, forced] of reference.forced as Array<[number, number]>) {
      const a = new Date(shipped);
      const b = new Date(forced);
      expect((b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()).toBe(6);
      expect(b.getUTCDate()).toBe(Math.min(a.getUTCDate(), new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + 1, 0)).getUTCDate()));
    }
    const shipped = new Date(reference.shippedAt as number);
    const forced = new Date(reference.forceActivateAt as number);
    expect((forced.getUTCFullYear() - shipped.getUTCFullYear()) * 12 + forced.getUTCMonth() - shipped.getUTCMonth()).toBe(6);
    expect(forced.getUTCHours()).toBe(shipped.getUTCHours());
  });

  itAnswersTheSameInEveryZone(path.join(__dirname, 'testing/zone-scenario.ts'), (m: typeof scenario) => m.monthBoundary(), {
    zones: ['America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'],
  });
});
