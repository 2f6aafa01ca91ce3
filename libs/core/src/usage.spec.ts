/** Usage (domain.md §4): remaining can be negative; units; history windows. */
import fc from 'fast-check';
import { cycleForLabel, monthDayCycle } from './billing-cycle';
import { SHANGHAI } from './carrier';
import { MB } from './plan';
import { DAILY_HISTORY_MONTHS, MONTHLY_HISTORY_CYCLES, units, usageSnapshot } from './usage';

const cycle = cycleForLabel(monthDayCycle(27, SHANGHAI), '2026-12');
const asOf = new Date('2026-12-09T16:00:00Z'); // yesterday 24:00 Shanghai

describe('usage snapshots', () => {
  it('remaining = quota − used, negative when over (the overage)', () => {
    const s = usageSnapshot('x', 120 * MB, 100 * MB, cycle, asOf);
    expect(s.remainingBytes).toBe(-20 * MB);
    expect(usageSnapshot('x', 30 * MB, 100 * MB, cycle, asOf).remainingBytes).toBe(70 * MB);
    expect(usageSnapshot('x', 100 * MB, 100 * MB, cycle, asOf).remainingBytes).toBe(0);
  });
  it('an unknown quota gives an unknown remaining, not zero', () => {
    const s = usageSnapshot('x', 5, null, cycle, asOf);
    expect(s.quotaBytes).toBeNull();
    expect(s.remainingBytes).toBeNull();
  });
  it('carries the cycle bounds and the carrier as-of time; raw only when given', () => {
    const s = usageSnapshot('x', 5, 10, cycle, asOf);
    expect(s).toEqual({ iccid: 'x', usedBytes: 5, quotaBytes: 10, remainingBytes: 5, cycleStart: cycle.start, cycleEnd: cycle.end, asOf });
    expect('raw' in s).toBe(false);
    expect(usageSnapshot('x', 5, 10, cycle, asOf, { a: 1 }).raw).toEqual({ a: 1 });
  });
  it('property: used + remaining = quota', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), (used, quota) => {
        const s = usageSnapshot('x', used, quota, cycle, asOf);
        expect(s.usedBytes + s.remainingBytes!).toBe(quota);
        expect(s.remainingBytes! < 0).toBe(used > quota);
      }),
    );
  });
});

describe('units → integer bytes', () => {
  it('kilobytes × 1024, megabytes × 1,048,576, rounded', () => {
    expect(units.kilobytes(1)).toBe(1024);
    expect(units.kilobytes(1.5)).toBe(1536);
    expect(units.kilobytes(0.0004)).toBe(0);
    expect(units.megabytes(6)).toBe(6 * 1024 * 1024);
    expect(units.megabytes(0.01)).toBe(10486); // 10485.76 rounded
  });
  it('property: always whole numbers, within half a byte', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (x) => {
        for (const [f, k] of [
          [units.kilobytes, 1024],
          [units.megabytes, 1024 * 1024],
        ] as const) {
          const b = f(x);
          expect(Number.isInteger(b)).toBe(true);
          expect(Math.abs(b - x * k)).toBeLessThanOrEqual(0.5 + 1e-6 * x * k);
        }
      }),
    );
  });
});

describe('history windows', () => {
  it('monthly usage: the last 6 months; daily trend: the last 2 months', () => {
    expect(MONTHLY_HISTORY_CYCLES).toBe(6);
    expect(DAILY_HISTORY_MONTHS).toBe(2);
  });
});
