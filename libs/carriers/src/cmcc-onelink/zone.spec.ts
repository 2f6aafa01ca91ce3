import * as path from 'node:path';
import { runInZone } from '../testing/run-in-zone';

/**
 * Zone independence, for real: the mappers run in a child Node process whose TZ is America/Los_Angeles
 * (Jest's sandbox copies process.env, so setting TZ inside a spec does not reach V8), and must give the
 * same instants as here. TypeScript is compiled on the fly with @swc/core; `@simgate/*` resolve as in tsconfig.
 */
const SCRIPT = `
  const m = require(${JSON.stringify(path.join(__dirname, 'map.ts'))});
  const at = new Date('2026-03-31T17:30:00Z');
  const ct = m.mapUsage('x', { dataAmount: '1' }, null, 'CT', at);
  const pb = m.mapUsage('x', { dataAmount: '1' }, null, 'PB', at);
  const card = m.mapCard({ iccid: 'x', info: { status: '0' }, status: { cardStatus: '2' },
    basic: { activeDate: '2025-01-02 03:04:05', openDate: '2024-12-01 00:00:00' } }, at);
  const monthly = m.mapMonthlyUsage('x', { dataAmount: '1' }, '2026-02', at);
  process.stdout.write(JSON.stringify({
    zoneOffset: new Date('2026-01-01T00:00:00Z').getTimezoneOffset(),
    ct: [ct.asOf, ct.cycleStart, ct.cycleEnd], pb: [pb.asOf, pb.cycleStart, pb.cycleEnd],
    card: [card.activatedAt, card.openedAt], monthly: [monthly.cycleStart, monthly.cycleEnd],
  }));
`;

describe('OneLink mappers are zone-independent', () => {
  it('give the same instants in a Los Angeles process', () => {
    const got = runInZone('America/Los_Angeles', SCRIPT) as Record<string, unknown>;
    expect(got).toEqual({
      zoneOffset: 480,
      ct: ['2026-03-31T17:30:00.000Z', '2026-03-31T16:00:00.000Z', '2026-04-30T16:00:00.000Z'],
      pb: ['2026-03-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z', '2026-04-30T16:00:00.000Z'],
      card: ['2025-01-01T19:04:05.000Z', '2024-11-30T16:00:00.000Z'],
      monthly: ['2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z'],
    });
  });
});
