import fc from 'fast-check';
import { parseTimestamptz, pgDefaultTimestamptz as postgresDate } from './timestamptz';

const same = (text: string) => {
  const a = parseTimestamptz(text);
  const b = postgresDate(text);
  if (a instanceof Date && b instanceof Date) expect(a.getTime()).toEqual(b.getTime());
  else expect(a).toEqual(b);
};

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('parseTimestamptz = postgres-date (pg default for timestamptz)', () => {
  it('on the forms PostgreSQL prints (any fraction length, ±HH and ±HH:MM offsets)', () => {
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 100, max: 9999 }),
          mo: fc.integer({ min: 1, max: 12 }),
          d: fc.integer({ min: 1, max: 31 }),
          h: fc.integer({ min: 0, max: 23 }),
          mi: fc.integer({ min: 0, max: 59 }),
          s: fc.integer({ min: 0, max: 59 }),
          frac: fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: null }),
          sign: fc.constantFrom('+', '-'),
          oh: fc.integer({ min: 0, max: 15 }),
          om: fc.option(fc.constantFrom(0, 15, 30, 45), { nil: null }),
        }),
        ({ y, mo, d, h, mi, s, frac, sign, oh, om }) => {
          same(`${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac === null ? '' : '.' + frac}${sign}${pad(oh, 2)}${om === null ? '' : ':' + pad(om, 2)}`);
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('on every millisecond fraction of 3 and 6 digits (rounding of 1000 * parseFloat)', () => {
    for (let f = 0; f < 1000; f++) {
      same(`2026-11-22 05:10:48.${pad(f, 3)}+00`);
      same(`2026-11-22 05:10:48.${pad(f, 3)}999+08`);
      same(`2026-11-22 05:10:48.${pad(f, 3)}5-03:30`);
    }
  });

  it('hands everything else to postgres-date', () => {
    for (const t of [
      'infinity',
      '-infinity',
      '0099-01-01 00:00:00+00',
      '12026-01-01 00:00:00+00',
      '2026-01-01 00:00:00+00 BC',
      '1900-01-01 00:00:00+08:05:43',
      '2026-01-01 00:00:00',
      '2026-01-01',
      '2026-01-01 00:00:00.+00',
      '2026-01-01T00:00:00Z',
      'garbage',
    ]) {
      same(t);
    }
  });
});

describe('pg default', () => {
  it('is postgres-date, not parseTimestamptz', () => {
    expect(postgresDate).not.toBe(parseTimestamptz);
    expect(postgresDate.name).toBe('parseDate');
  });
});
