/**
 * Billing cycles (domain.md §3). Expectations are derived from the domain text, never from the code:
 * a small oracle below does the Asia/Shanghai calendar with plain UTC arithmetic (China has used a fixed
 * UTC+8 without daylight saving since 1992), independent of luxon and of the process time zone.
 *
 * billing-cycle.zone.spec.ts checks that processes in other zones give the same answers (test/support/zones.ts).
 */
import fc from 'fast-check';
import {
  addInZone,
  BillingCycle,
  BillingCycleRule,
  cycleContaining,
  cycleForLabel,
  dayInZone,
  firstOfNextMonth,
  formatInZone,
  isoInZone,
  monthDayCycle,
  naturalMonth,
  nextCycle,
  parseLocalDateTime,
  previousCycle,
  recentCycles,
  startOfDayInZone,
} from './billing-cycle';
import { SHANGHAI, UTC } from './carrier';
import { DomainValidationError } from './errors';

// ---------- oracle: Shanghai wall clock by hand (fixed +08:00) ----------
const H8 = 8 * 3600 * 1000;
/** The instant of wall-clock y-m-d h:mi in Shanghai. Month and day may overflow (Date.UTC normalizes). */
function sh(y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  return new Date(Date.UTC(y, m - 1, d, h, mi, s, ms) - H8);
}
function wall(instant: Date, offsetMs: number) {
  const w = new Date(instant.getTime() + offsetMs);
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate(), h: w.getUTCHours(), mi: w.getUTCMinutes() };
}
function ym(y: number, m: number): string {
  const n = new Date(Date.UTC(y, m - 1, 1));
  return `${n.getUTCFullYear()}-${String(n.getUTCMonth() + 1).padStart(2, '0')}`;
}
/** The CUCC cycle (27th of the previous month to the 26th 24:00) containing an instant, by hand. */
function expectedCuccCycle(t: Date): { start: Date; end: Date; label: string } {
  const { y, m, d } = wall(t, H8);
  if (d >= 27) return { start: sh(y, m, 27), end: sh(y, m + 1, 27), label: ym(y, m + 1) };
  return { start: sh(y, m - 1, 27), end: sh(y, m, 27), label: ym(y, m) };
}
function expectedNaturalCycle(t: Date, offsetMs: number): { start: Date; end: Date; label: string } {
  const { y, m } = wall(t, offsetMs);
  return {
    start: new Date(Date.UTC(y, m - 1, 1) - offsetMs),
    end: new Date(Date.UTC(y, m, 1) - offsetMs),
    label: ym(y, m),
  };
}

const cucc = monthDayCycle(27, SHANGHAI);
const chinaNatural = naturalMonth(SHANGHAI);
const overseas = naturalMonth(UTC);

// ---------- arbitraries ----------
const MIN = new Date('2000-01-01T00:00:00Z');
const MAX = new Date('2100-01-01T00:00:00Z');
const anyInstant = fc.date({ min: MIN, max: MAX, noInvalidDate: true });
/** Instants close to the interesting edges: the 26th/27th, month ends and starts, around midnight Shanghai. */
const edgeInstant = fc
  .record({
    y: fc.integer({ min: 2001, max: 2098 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.constantFrom(1, 2, 25, 26, 27, 28, 29, 30, 31),
    h: fc.constantFrom(0, 7, 8, 15, 16, 23),
    mi: fc.constantFrom(0, 59),
    s: fc.constantFrom(0, 59),
    ms: fc.constantFrom(0, 1, 999),
  })
  .map(({ y, m, d, h, mi, s, ms }) => sh(y, m, d, h, mi, s, ms));
const instant = fc.oneof(anyInstant, edgeInstant);
const startDay = fc.integer({ min: 1, max: 28 });
const zone = fc.constantFrom(SHANGHAI, UTC, 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney');
const rule: fc.Arbitrary<BillingCycleRule> = fc.oneof(
  fc.constant(cucc),
  fc.constant(chinaNatural),
  fc.constant(overseas),
  fc.tuple(startDay, zone).map(([d, z]) => monthDayCycle(d, z)),
);
const RUNS = { numRuns: 400 };

const same = (a: BillingCycle, b: BillingCycle) => {
  expect(a.start.toISOString()).toBe(b.start.toISOString());
  expect(a.end.toISOString()).toBe(b.end.toISOString());
  expect(a.label).toBe(b.label);
};

describe('billing cycles (domain.md §3)', () => {
  describe('rules', () => {
    it('CUCC is a 27th–26th cycle in Asia/Shanghai', () => {
      expect(cucc).toEqual({ kind: 'MONTH_DAY', startDay: 27, zone: SHANGHAI });
    });
    it('a cycle starting on the 1st is the natural month', () => {
      expect(monthDayCycle(1, SHANGHAI)).toEqual(naturalMonth(SHANGHAI));
    });
    it.each([0, 29, 31, -1, 1.5, NaN])('refuses start day %p with a typed error', (d) => {
      expect(() => monthDayCycle(d, SHANGHAI)).toThrow(DomainValidationError);
      try {
        monthDayCycle(d, SHANGHAI);
      } catch (e) {
        expect((e as DomainValidationError).code).toBe('INVALID_CYCLE_START_DAY');
        expect((e as DomainValidationError).message).toContain('1..28');
      }
    });
  });

  describe('the December-2026 CUCC cycle: 2026-11-27 00:00 to 2026-12-26 24:00 +08:00', () => {
    const start = new Date('2026-11-27T00:00:00+08:00');
    // "2026-12-26 24:00": ES date strings accept T24:00 as the end of that day, i.e. the 27th 00:00.
    const end = new Date('2026-12-26T24:00:00+08:00');

    it('is named 2026-12 and found by its label', () => {
      const c = cycleForLabel(cucc, '2026-12');
      expect(c.start).toEqual(start);
      expect(c.end).toEqual(end);
      expect(c.label).toBe('2026-12');
      expect(c.zone).toBe(SHANGHAI);
    });
    it.each([
      ['its first instant', '2026-11-27T00:00:00.000+08:00'],
      ['the 1st of December', '2026-12-01T12:00:00+08:00'],
      ['the last millisecond of the 26th', '2026-12-26T23:59:59.999+08:00'],
      ['an instant late on 2026-11-26 UTC that is already the 27th in Shanghai', '2026-11-26T16:00:00Z'],
    ])('contains %s', (_, iso) => {
      const c = cycleContaining(cucc, new Date(iso));
      expect(c.start).toEqual(start);
      expect(c.end).toEqual(end);
      expect(c.label).toBe('2026-12');
    });
    it.each([
      ['the last millisecond of 2026-11-26 Shanghai', '2026-11-26T23:59:59.999+08:00', '2026-11'],
      ['2026-11-26 15:59:59.999 UTC (still the 26th in Shanghai)', '2026-11-26T15:59:59.999Z', '2026-11'],
      ['2026-12-27 00:00 Shanghai', '2026-12-27T00:00:00+08:00', '2027-01'],
      ['2026-12-26 16:00 UTC (the 27th in Shanghai)', '2026-12-26T16:00:00Z', '2027-01'],
    ])('does not contain %s', (_, iso, label) => {
      expect(cycleContaining(cucc, new Date(iso)).label).toBe(label);
    });
    it('prints with the +08:00 offset (carriers.md §5)', () => {
      const c = cycleForLabel(cucc, '2026-12');
      expect(isoInZone(c.start, SHANGHAI)).toBe('2026-11-27T00:00:00.000+08:00');
      expect(isoInZone(c.end, SHANGHAI)).toBe('2026-12-27T00:00:00.000+08:00');
    });
    it('is followed by the January-2027 cycle across the year end, preceded by November 2026', () => {
      const c = cycleForLabel(cucc, '2026-12');
      const n = nextCycle(cucc, c);
      expect(n.start).toEqual(new Date('2026-12-27T00:00:00+08:00'));
      expect(n.end).toEqual(new Date('2027-01-27T00:00:00+08:00'));
      expect(n.label).toBe('2027-01');
      const p = previousCycle(cucc, c);
      expect(p.start).toEqual(new Date('2026-10-27T00:00:00+08:00'));
      expect(p.end).toEqual(start);
      expect(p.label).toBe('2026-11');
    });
    it('spans February correctly (2027-01-27 to 2027-02-27, then to 2027-03-27)', () => {
      expect(cycleForLabel(cucc, '2027-02').start).toEqual(new Date('2027-01-27T00:00:00+08:00'));
      expect(cycleForLabel(cucc, '2027-02').end).toEqual(new Date('2027-02-27T00:00:00+08:00'));
      expect(cycleForLabel(cucc, '2027-03').end).toEqual(new Date('2027-03-27T00:00:00+08:00'));
    });
  });

  describe('natural months', () => {
    it('CMCC/CTCC months start at 00:00 Shanghai, which is 16:00 UTC the day before', () => {
      const c = cycleContaining(chinaNatural, new Date('2026-01-31T16:30:00Z')); // 2026-02-01 00:30 Shanghai
      expect(c.label).toBe('2026-02');
      expect(c.start).toEqual(new Date('2026-01-31T16:00:00Z'));
      expect(c.end).toEqual(new Date('2026-02-28T16:00:00Z'));
      expect(isoInZone(c.start, SHANGHAI)).toBe('2026-02-01T00:00:00.000+08:00');
    });
    it('the same instant is still January for an overseas (UTC) platform', () => {
      const c = cycleContaining(overseas, new Date('2026-01-31T16:30:00Z'));
      expect(c.label).toBe('2026-01');
      expect(c.start).toEqual(new Date('2026-01-01T00:00:00Z'));
      expect(c.end).toEqual(new Date('2026-02-01T00:00:00Z'));
      expect(isoInZone(c.start, UTC)).toBe('2026-01-01T00:00:00.000Z');
    });
    it('a leap February is 29 days long', () => {
      const c = cycleForLabel(chinaNatural, '2028-02');
      expect(c.end.getTime() - c.start.getTime()).toBe(29 * 86400_000);
    });
  });

  describe('cycle labels', () => {
    it.each(['2026-13', '2026-00', '202612', '26-12', '', '2026-1'])('refuses label %p with a typed error', (l) => {
      expect(() => cycleForLabel(cucc, l)).toThrow(DomainValidationError);
    });
  });

  describe('recent cycles (monthly usage: the last 6 months, domain.md §4)', () => {
    it('gives the 6 CUCC cycles up to the current one, oldest first', () => {
      const cs = recentCycles(cucc, new Date('2026-12-26T16:00:00Z'), 6);
      expect(cs.map((c) => c.label)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01']);
      expect(cs[0].start).toEqual(new Date('2026-07-27T00:00:00+08:00'));
    });
  });

  describe('properties', () => {
    const expectSameCycle = (c: { start: Date; end: Date; label: string }, e: { start: Date; end: Date; label: string }) => {
      expect(c.start.toISOString()).toBe(e.start.toISOString());
      expect(c.end.toISOString()).toBe(e.end.toISOString());
      expect(c.label).toBe(e.label);
    };
    it('CUCC: the cycle containing t is the 27th–26th cycle computed by hand, in Shanghai', () => {
      fc.assert(
        fc.property(instant, (t) => {
          expectSameCycle(cycleContaining(cucc, t), expectedCuccCycle(t));
        }),
        RUNS,
      );
    });
    it('natural months: the cycle containing t is the calendar month by hand (Shanghai and UTC)', () => {
      fc.assert(
        fc.property(instant, (t) => {
          for (const [r, off] of [
            [chinaNatural, H8],
            [overseas, 0],
          ] as const) {
            expectSameCycle(cycleContaining(r, t), expectedNaturalCycle(t, off));
          }
        }),
        RUNS,
      );
    });
    it('every instant lies in [start, end) of its cycle', () => {
      fc.assert(
        fc.property(rule, instant, (r, t) => {
          const c = cycleContaining(r, t);
          expect(c.start.getTime()).toBeLessThanOrEqual(t.getTime());
          expect(t.getTime()).toBeLessThan(c.end.getTime());
        }),
        RUNS,
      );
    });
    it('next(prev(c)) = c and prev(next(c)) = c', () => {
      fc.assert(
        fc.property(rule, instant, (r, t) => {
          const c = cycleContaining(r, t);
          same(nextCycle(r, previousCycle(r, c)), c);
          same(previousCycle(r, nextCycle(r, c)), c);
        }),
        RUNS,
      );
    });
    it('cycles tile time: each cycle ends where the next starts, 28–31 days long, labels one month apart', () => {
      fc.assert(
        fc.property(rule, instant, fc.integer({ min: 1, max: 14 }), (r, t, k) => {
          let c = cycleContaining(r, t);
          for (let i = 0; i < k; i++) {
            const n = nextCycle(r, c);
            expect(n.start.getTime()).toBe(c.end.getTime());
            const days = (c.end.getTime() - c.start.getTime()) / 86400_000;
            // 28–31 calendar days, ±1 hour where the zone has daylight saving
            expect(days).toBeGreaterThanOrEqual(28 - 1 / 24);
            expect(days).toBeLessThanOrEqual(31 + 1 / 24);
            const [y, m] = c.label.split('-').map(Number);
            expect(n.label).toBe(ym(y, m + 1));
            c = n;
          }
        }),
        RUNS,
      );
    });
    it('cycles of 27th-rules start at 00:00 on the 27th in their zone; CUCC at 00:00 +08:00', () => {
      fc.assert(
        fc.property(instant, (t) => {
          const c = cycleContaining(cucc, t);
          expect(isoInZone(c.start, SHANGHAI)).toMatch(/^\d{4}-\d{2}-27T00:00:00\.000\+08:00$/);
          expect(isoInZone(c.end, SHANGHAI)).toMatch(/^\d{4}-\d{2}-27T00:00:00\.000\+08:00$/);
        }),
        RUNS,
      );
    });
    it('a cycle is labelled with the month it ends in (the month of its last instant)', () => {
      fc.assert(
        fc.property(rule, instant, (r, t) => {
          const c = cycleContaining(r, t);
          const lastDay = dayInZone(new Date(c.end.getTime() - 1), r.zone);
          expect(c.label).toBe(lastDay.slice(0, 7));
        }),
        RUNS,
      );
    });
    it('cycleForLabel(label of c) = c', () => {
      fc.assert(
        fc.property(rule, instant, (r, t) => {
          const c = cycleContaining(r, t);
          same(cycleForLabel(r, c.label), c);
        }),
        RUNS,
      );
    });
    it('recentCycles(n) gives n contiguous cycles ending with the current one', () => {
      fc.assert(
        fc.property(rule, instant, fc.integer({ min: 1, max: 12 }), (r, t, n) => {
          const cs = recentCycles(r, t, n);
          expect(cs).toHaveLength(n);
          same(cs[n - 1], cycleContaining(r, t));
          for (let i = 1; i < n; i++) expect(cs[i].start.getTime()).toBe(cs[i - 1].end.getTime());
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('zone helpers', () => {
    it('dayInZone gives the Shanghai calendar day of an instant', () => {
      expect(dayInZone(new Date('2026-11-26T16:00:00Z'), SHANGHAI)).toBe('2026-11-27');
      expect(dayInZone(new Date('2026-11-26T15:59:59.999Z'), SHANGHAI)).toBe('2026-11-26');
      expect(dayInZone(new Date('2026-11-26T16:00:00Z'), UTC)).toBe('2026-11-26');
    });
    it('startOfDayInZone is 00:00 Shanghai = 16:00 UTC the day before', () => {
      expect(startOfDayInZone(new Date('2026-11-27T03:00:00Z'), SHANGHAI)).toEqual(new Date('2026-11-26T16:00:00Z'));
    });
    it('parseLocalDateTime reads Shanghai wall clock in every carrier format', () => {
      const want = sh(2026, 11, 27, 8, 30, 5);
      expect(parseLocalDateTime('2026-11-27 08:30:05', SHANGHAI)).toEqual(want);
      expect(parseLocalDateTime('20261127083005', SHANGHAI)).toEqual(want);
      expect(parseLocalDateTime('2026-11-27T08:30:05', SHANGHAI)).toEqual(want);
      expect(parseLocalDateTime(' 2026-11-27 ', SHANGHAI)).toEqual(sh(2026, 11, 27));
      expect(parseLocalDateTime('20261127', SHANGHAI)).toEqual(sh(2026, 11, 27));
      expect(parseLocalDateTime('not a date', SHANGHAI)).toBeNull();
      expect(parseLocalDateTime('2026-02-30', SHANGHAI)).toBeNull();
    });
    it('formatInZone writes Shanghai wall clock', () => {
      expect(formatInZone(new Date('2026-11-26T16:00:00Z'), SHANGHAI, 'yyyyMMddHHmmss')).toBe('20261127000000');
    });
    it('firstOfNextMonth is computed in the zone', () => {
      // 2026-01-31 20:00 UTC is 2026-02-01 04:00 in Shanghai: the next month there is March.
      expect(firstOfNextMonth(new Date('2026-01-31T20:00:00Z'), SHANGHAI)).toEqual(new Date('2026-03-01T00:00:00+08:00'));
      expect(firstOfNextMonth(new Date('2026-01-31T20:00:00Z'), UTC)).toEqual(new Date('2026-02-01T00:00:00Z'));
    });
    it('addInZone adds calendar months in the zone, clamped to the month end', () => {
      expect(addInZone(sh(2026, 1, 31, 10), SHANGHAI, { months: 1 })).toEqual(sh(2026, 2, 28, 10));
      expect(addInZone(sh(2028, 1, 31, 10), SHANGHAI, { months: 1 })).toEqual(sh(2028, 2, 29, 10));
      expect(addInZone(sh(2026, 12, 31, 23, 59), SHANGHAI, { days: 1 })).toEqual(sh(2027, 1, 1, 23, 59));
    });
    it('an invalid instant or zone gives a typed error', () => {
      expect(() => dayInZone(new Date(NaN), SHANGHAI)).toThrow(DomainValidationError);
      expect(() => cycleContaining(naturalMonth('Not/AZone'), new Date())).toThrow(DomainValidationError);
    });
  });
});
