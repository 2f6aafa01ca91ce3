/**
 * The fixed-offset fast paths of billing-cycle.ts (isoInZone, addInZone, startOfDayInZone, firstOfNextMonth
 * without luxon for Asia/Shanghai since 1992 and UTC) against the exact slow path: luxon with the IANA zone,
 * which asks Intl for the offset of every instant. Zones without a fast path must go through luxon unchanged.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addInZone, firstOfNextMonth, fixedOffsetAt, isoInZone, startOfDayInZone } from './billing-cycle';

const iana = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone });
const slow = {
  iso: (i: Date, zone: string) => {
    const dt = iana(i, zone);
    return dt.offset === 0 ? dt.toUTC().toISO()!.replace('+00:00', 'Z') : dt.toISO()!;
  },
  add: (i: Date, zone: string, amount: { months?: number; days?: number }) => iana(i, zone).plus(amount).toJSDate().getTime(),
  startOfDay: (i: Date, zone: string) => iana(i, zone).startOf('day').toJSDate().getTime(),
  firstOfNextMonth: (i: Date, zone: string) => iana(i, zone).startOf('month').plus({ months: 1 }).toJSDate().getTime(),
};

const ZONES = ['Asia/Shanghai', 'UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Los_Angeles'];
/** 1900–2200, with a bias to month ends and Shanghai midnights (where clamping and day starts happen). */
const H8 = 8 * 3600_000;
const anyMs = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
const edgeMs = fc
  .record({
    y: fc.integer({ min: 1985, max: 2100 }),
    m: fc.integer({ min: 0, max: 11 }),
    d: fc.constantFrom(1, 28, 29, 30, 31),
    h: fc.constantFrom(0, 7, 8, 15, 16, 23),
    ms: fc.constantFrom(0, 1, 59_999, 3_599_999),
    shift: fc.constantFrom(0, H8),
  })
  .map(({ y, m, d, h, ms, shift }) => Date.UTC(y, m, d, h) + ms - shift);
const instant = fc.oneof(anyMs, edgeMs).map((ms) => new Date(ms));
const zone = fc.constantFrom(...ZONES);

describe('fixed-offset fast paths = luxon with the IANA zone', () => {
  it('fixedOffsetAt: Shanghai +480 from 1992 on, UTC always, other zones never', () => {
    expect(fixedOffsetAt('Asia/Shanghai', Date.UTC(1992, 0, 1))).toBe(480);
    expect(fixedOffsetAt('Asia/Shanghai', Date.UTC(1992, 0, 1) - 1)).toBeNull();
    expect(fixedOffsetAt('UTC', Date.UTC(1, 0, 1))).toBe(0);
    expect(fixedOffsetAt('Europe/Berlin', Date.UTC(2026, 0, 1))).toBeNull();
    expect(fixedOffsetAt('Asia/Shanghai', NaN)).toBeNull();
  });

  it('isoInZone', () => {
    fc.assert(
      fc.property(instant, zone, (i, z) => {
        expect(isoInZone(i, z)).toBe(slow.iso(i, z));
      }),
      { numRuns: 20_000 },
    );
  });

  it('addInZone (months, days, both, negative)', () => {
    fc.assert(
      fc.property(instant, zone, fc.integer({ min: -130, max: 130 }), fc.integer({ min: -400, max: 400 }), fc.nat(3), (i, z, months, days, which) => {
        const amount = which === 0 ? { months } : which === 1 ? { days } : which === 2 ? { months, days } : {};
        expect(addInZone(i, z, amount).getTime()).toBe(slow.add(i, z, amount));
      }),
      { numRuns: 20_000 },
    );
  });

  it('startOfDayInZone and firstOfNextMonth', () => {
    fc.assert(
      fc.property(instant, zone, (i, z) => {
        expect(startOfDayInZone(i, z).getTime()).toBe(slow.startOfDay(i, z));
        expect(firstOfNextMonth(i, z).getTime()).toBe(slow.firstOfNextMonth(i, z));
      }),
      { numRuns: 20_000 },
    );
  });

  it('lifecycle cases: month-end clamping, leap days, the 1991/1992 Shanghai edge', () => {
    const cases: [string, { months?: number; days?: number }][] = [
      ['2026-01-30T16:00:00.000Z', { months: 1 }], // 01-31 Shanghai → 02-28
      ['2024-02-28T16:30:00.000Z', { months: 12 }], // 02-29 → 2025-02-28
      ['2026-12-31T15:59:59.999Z', { days: 90 }],
      ['1992-01-01T00:00:00.000Z', { months: -1 }], // result before the fixed period: luxon's path
      ['1991-12-31T23:59:59.999Z', { months: 1 }], // input before it: luxon's path
      ['9999-12-31T00:00:00.000Z', { months: 1 }], // past year 9999: luxon's path
    ];
    for (const [at, amount] of cases) {
      for (const z of ZONES) expect(addInZone(new Date(at), z, amount).getTime()).toBe(slow.add(new Date(at), z, amount));
    }
    expect(startOfDayInZone(new Date('1992-01-01T00:00:00Z'), 'Asia/Shanghai').toISOString()).toBe('1991-12-31T16:00:00.000Z');
  });

  it('keeps the errors and non-integer amounts of the slow path', () => {
    expect(() => addInZone(new Date(NaN), 'UTC', { days: 1 })).toThrow();
    expect(() => isoInZone(new Date(NaN), 'Asia/Shanghai')).toThrow();
    expect(() => startOfDayInZone(new Date(NaN), 'UTC')).toThrow();
    const i = new Date('2026-05-31T12:00:00Z');
    expect(addInZone(i, 'UTC', { months: 1.5 }).getTime()).toBe(slow.add(i, 'UTC', { months: 1.5 }));
  });
});
