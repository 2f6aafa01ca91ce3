import * as path from 'node:path';
import { itAnswersTheSameInEveryZone } from '../../../test/support/zones';
import type * as billingCycle from './billing-cycle';

/**
 * Zone independence of billing cycles (domain.md §3): cycle arithmetic happens in the platform's zone
 * whatever the server's zone. billing-cycle.spec.ts checks the answers; this file checks that processes
 * running in other zones (Los Angeles, UTC, Shanghai, UTC+14) give exactly the same ones, for every helper of
 * billing-cycle.ts: natural months and 27th-cycles in Shanghai, UTC and a zone with DST (Los Angeles), at
 * instants spread over 1990–2100 and at the edges where zones disagree (month ends, midnights, DST changes).
 */
const check = (m: typeof billingCycle) => {
  // No outer names: this function also runs, as source, in the child processes.
  const zones = ['Asia/Shanghai', 'UTC', 'America/Los_Angeles'];
  const instants: number[] = [];
  let seed = 20260401;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 40; i++) instants.push(Date.UTC(1990, 0, 1) + Math.floor(next() * (Date.UTC(2100, 0, 1) - Date.UTC(1990, 0, 1))));
  for (const y of [2026, 2028]) {
    for (let mo = 0; mo < 12; mo++) {
      const first = Date.UTC(y, mo, 1);
      for (const d of [-16, -8, -1, 0]) instants.push(first + d * 3_600_000, first + d * 3_600_000 - 1);
    }
  }
  instants.push(Date.UTC(2026, 2, 8, 10), Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2026, 10, 1, 9));
  const typed = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      return `throws ${(e as { code?: string }).code ?? String(e)}`;
    }
  };
  const out: Record<string, unknown[]> = {};
  for (const zone of zones) {
    const rules = [m.naturalMonth(zone), m.monthDayCycle(27, zone)];
    out[zone] = instants.map((ms) => {
      const at = new Date(ms);
      const cycles = rules.map((rule) => {
        const c = m.cycleContaining(rule, at);
        return [c, m.nextCycle(rule, c).start, m.previousCycle(rule, c).start, m.cycleForLabel(rule, c.label).end, m.recentCycles(rule, at, 3).map((r) => r.label)];
      });
      const local = m.formatInZone(at, zone, 'yyyy-MM-dd HH:mm:ss');
      return [
        cycles,
        m.isoInZone(at, zone),
        m.dayInZone(at, zone),
        m.startOfDayInZone(at, zone),
        local,
        m.formatInZone(at, zone, 'yyyyMMddHHmmss'),
        m.parseLocalDateTime(local, zone),
        m.addInZone(at, zone, { months: 1 }),
        m.addInZone(at, zone, { months: -1, days: 1 }),
        m.firstOfNextMonth(at, zone),
        m.fixedOffsetAt(zone, ms),
      ];
    });
  }
  out.edges = [
    typed(() => m.parseLocalDateTime('2026-02-30', 'Asia/Shanghai')),
    typed(() => m.parseLocalDateTime('20261127', 'Asia/Shanghai')),
    typed(() => m.dayInZone(new Date(NaN), 'Asia/Shanghai')),
    typed(() => m.cycleContaining(m.naturalMonth('Not/AZone'), new Date(0))),
    typed(() => m.cycleForLabel(m.naturalMonth('UTC'), '2026-13')),
  ];
  return out;
};

describe('billing cycles are independent of the process time zone', () => {
  itAnswersTheSameInEveryZone(path.join(__dirname, 'billing-cycle.ts'), check);
});
