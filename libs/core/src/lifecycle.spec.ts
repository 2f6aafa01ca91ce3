/**
 * Lifecycle forecasts (domain.md §1). Expected dates come from the domain text, computed by hand with
 * plain UTC arithmetic for Asia/Shanghai (fixed UTC+8 since 1992), never with the code under test.
 */
import fc from 'fast-check';
import vm from 'vm';
import { isoInZone } from './billing-cycle';
import { CardStatus } from './card';
import { Carrier, SHANGHAI, UTC } from './carrier';
import {
  CANCELLATION_DAYS,
  cancellationAt,
  forcedActivationAt,
  forecastLifecycle,
  LifecycleFacts,
  OVERSEAS_TEST_MONTHS,
  planExpiresAt,
  SILENT_MONTHS,
  TEST_PERIOD_BYTES,
  testPeriodEnd,
} from './lifecycle';
import { MB } from './plan';

// ---------- oracle ----------
const H8 = 8 * 3600 * 1000;
const DAY = 86400_000;
function sh(y: number, m: number, d: number, h = 0, mi = 0): Date {
  return new Date(Date.UTC(y, m - 1, d, h, mi) - H8);
}
function wall(t: Date, off: number) {
  const w = new Date(t.getTime() + off);
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate(), tod: w.getTime() % DAY };
}
/** t + n calendar months at the same wall time, clamped to the month's last day. */
function addMonths(t: Date, n: number, off: number): Date {
  const { y, m, d, tod } = wall(t, off);
  const idx = y * 12 + (m - 1) + n;
  const ty = Math.floor(idx / 12);
  const tm = idx % 12;
  const dim = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(ty, tm, Math.min(d, dim)) + tod - off);
}
/**
 * "Force-activated on the 1st day of the month after the buffer (N natural months from opening) ends":
 * a card opened on day d of month m is silent through the day before day d of month m+N; that last day
 * lies in month m+N when d > 1, and in month m+N−1 when d = 1.
 */
function expectedForced(opened: Date, bufferMonths: number): Date {
  const { y, m, d } = wall(opened, H8);
  return sh(y, m + bufferMonths + (d === 1 ? 0 : 1), 1);
}

const opened = fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true });
/** Openings on month edges in Shanghai: the 1st at various hours, the 28th–31st, and late UTC evenings. */
const edgeOpened = fc
  .record({
    y: fc.integer({ min: 2001, max: 2089 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.constantFrom(1, 2, 28, 29, 30, 31),
    h: fc.constantFrom(0, 7, 8, 9, 23),
    mi: fc.constantFrom(0, 59),
  })
  .map(({ y, m, d, h, mi }) => sh(y, m, d, h, mi));
const anyOpened = fc.oneof(opened, edgeOpened);
const chinese = fc.constantFrom(Carrier.CMCC, Carrier.CUCC, Carrier.CTCC);
const RUNS = { numRuns: 300 };

function facts(over: Partial<LifecycleFacts>): LifecycleFacts {
  return {
    carrier: Carrier.CMCC,
    zone: SHANGHAI,
    status: CardStatus.INVENTORY,
    openedAt: null,
    testMonths: null,
    testUsedBytes: null,
    activatedAt: null,
    termMonths: null,
    ...over,
  };
}

describe('lifecycle forecasts (domain.md §1)', () => {
  it('constants: 6 MB test data, 6-month silent period, 6-month overseas test, 90-day cancellation', () => {
    expect(TEST_PERIOD_BYTES).toBe(6 * 1024 * 1024);
    expect(SILENT_MONTHS).toBe(6);
    expect(OVERSEAS_TEST_MONTHS).toBe(6);
    expect(CANCELLATION_DAYS).toBe(90);
  });

  describe('end of the test period', () => {
    const open = new Date('2026-01-15T10:00:00+08:00');
    const byTime = new Date('2026-04-15T10:00:00+08:00'); // 3 months later
    const now = new Date('2026-02-01T12:00:00+08:00');

    it('ends by time after the test months when less than 6 MB is used', () => {
      expect(testPeriodEnd(open, 3, 6 * MB - 1, now, SHANGHAI)).toEqual({ endsAt: byTime, by: 'TIME' });
      expect(testPeriodEnd(open, 3, 0, now, SHANGHAI)).toEqual({ endsAt: byTime, by: 'TIME' });
    });
    it('ends by volume, before its time, as soon as 6 MB is used', () => {
      expect(testPeriodEnd(open, 3, 6 * MB, now, SHANGHAI)).toEqual({ endsAt: now, by: 'VOLUME' });
      expect(testPeriodEnd(open, 3, 9 * MB, now, SHANGHAI)).toEqual({ endsAt: now, by: 'VOLUME' });
    });
    it('a period already over by time stays over by time, whatever was used afterwards', () => {
      const later = new Date('2026-05-01T00:00:00+08:00');
      expect(testPeriodEnd(open, 3, 6 * MB, later, SHANGHAI)).toEqual({ endsAt: byTime, by: 'TIME' });
    });
    it.each([1, 9])('a %i-month test period (1–9 months) counts calendar months in Shanghai', (n) => {
      // Opened 2026-01-31 20:00 UTC = 2026-02-01 04:00 Shanghai.
      const o = new Date('2026-01-31T20:00:00Z');
      const end = testPeriodEnd(o, n, 0, o, SHANGHAI).endsAt;
      expect(end).toEqual(sh(2026, 2 + n, 1, 4));
    });
    it('property: by time = opening + test months; by volume only when ≥ 6 MB before that', () => {
      fc.assert(
        fc.property(anyOpened, fc.integer({ min: 1, max: 9 }), fc.nat({ max: 12 * MB }), fc.integer({ min: 0, max: 400 }), (o, n, used, days) => {
          const now = new Date(o.getTime() + days * DAY);
          const r = testPeriodEnd(o, n, used, now, SHANGHAI);
          const time = addMonths(o, n, H8);
          if (used >= 6 * MB && now < time) expect(r).toEqual({ endsAt: now, by: 'VOLUME' });
          else expect(r).toEqual({ endsAt: time, by: 'TIME' });
          expect(r.endsAt.getTime()).toBeLessThanOrEqual(time.getTime());
        }),
        RUNS,
      );
    });
  });

  describe('forced activation (Chinese carriers: 1st of the month after the silent period)', () => {
    it.each([
      ['opened mid-month: 6 months end 2026-07-14', '2026-01-15T10:00:00+08:00', null, '2026-08-01T00:00:00+08:00'],
      ['opened on the 1st at 00:00: last silent day 2026-06-30', '2026-01-01T00:00:00+08:00', null, '2026-07-01T00:00:00+08:00'],
      ['opened on the 1st at 09:00: still the same last silent day', '2026-01-01T09:00:00+08:00', null, '2026-07-01T00:00:00+08:00'],
      ['opened on the last day of a month', '2026-03-31T12:00:00+08:00', null, '2026-10-01T00:00:00+08:00'],
      ['opened on 2026-01-31 UTC evening = 2026-02-01 Shanghai', '2026-01-31T17:00:00Z', null, '2026-08-01T00:00:00+08:00'],
      ['opened on 2026-02-28 UTC evening = 2026-03-01 Shanghai', '2026-02-28T16:00:00Z', null, '2026-09-01T00:00:00+08:00'],
      ['3-month test + 6 silent months = 9 months of stock buffer', '2026-01-15T10:00:00+08:00', 3, '2026-11-01T00:00:00+08:00'],
      ['3-month test + 6 silent, opened on the 1st', '2026-01-01T10:00:00+08:00', 3, '2026-10-01T00:00:00+08:00'],
      ['over the year end', '2026-09-10T10:00:00+08:00', null, '2027-04-01T00:00:00+08:00'],
    ])('%s', (_, openedIso, testMonths, want) => {
      for (const c of [Carrier.CMCC, Carrier.CUCC, Carrier.CTCC]) {
        expect(forcedActivationAt(c, new Date(openedIso), testMonths, SHANGHAI)).toEqual(new Date(want));
      }
    });
    it('property: the 1st of a month at 00:00 Asia/Shanghai, the one after the buffer months end', () => {
      fc.assert(
        fc.property(chinese, anyOpened, fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }), (c, o, test) => {
          const months = (test ?? 0) + 6;
          const f = forcedActivationAt(c, o, test, SHANGHAI);
          expect(isoInZone(f, SHANGHAI)).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000\+08:00$/);
          expect(f).toEqual(expectedForced(o, months));
          // strictly after the last instant of the buffer (opening day + months, exclusive end) …
          const { y, m, d } = wall(o, H8);
          const bufferEnd = addMonths(sh(y, m, d), months, H8);
          expect(f.getTime()).toBeGreaterThanOrEqual(bufferEnd.getTime());
          // … and the first month start that is: less than a month later.
          expect(f.getTime() - bufferEnd.getTime()).toBeLessThanOrEqual(31 * DAY);
          // Never before the opening + 6 silent months themselves.
          expect(f.getTime()).toBeGreaterThan(addMonths(o, months, H8).getTime() - DAY);
        }),
        RUNS,
      );
    });
    it('overseas: no silent period; forced at the end of the 6-month test period', () => {
      const o = new Date('2026-01-15T10:00:00Z');
      expect(forcedActivationAt(Carrier.OVERSEAS, o, null, UTC)).toEqual(new Date('2026-07-15T10:00:00Z'));
      // the enabled test months of Chinese cards do not apply
      expect(forcedActivationAt(Carrier.OVERSEAS, o, 3, UTC)).toEqual(new Date('2026-07-15T10:00:00Z'));
      fc.assert(
        fc.property(anyOpened, (t) => {
          expect(forcedActivationAt(Carrier.OVERSEAS, t, null, UTC)).toEqual(addMonths(t, 6, 0));
        }),
        RUNS,
      );
    });
  });

  describe('plan expiry and automatic cancellation', () => {
    it('expiry = activation + term, counted from activation in Shanghai', () => {
      const a = new Date('2026-03-15T10:00:00+08:00');
      expect(planExpiresAt(a, 12, SHANGHAI)).toEqual(new Date('2027-03-15T10:00:00+08:00'));
      expect(planExpiresAt(a, 36, SHANGHAI)).toEqual(new Date('2029-03-15T10:00:00+08:00'));
      // 2026-02-28 20:00 UTC is 2026-03-01 04:00 in Shanghai: a month later is 2026-04-01 04:00 there.
      expect(planExpiresAt(new Date('2026-02-28T20:00:00Z'), 1, SHANGHAI)).toEqual(new Date('2026-04-01T04:00:00+08:00'));
    });
    it('a month from the 31st ends on the last day of a shorter month (clamped)', () => {
      expect(planExpiresAt(sh(2026, 1, 31, 12), 1, SHANGHAI)).toEqual(sh(2026, 2, 28, 12));
      expect(planExpiresAt(sh(2027, 2, 28, 12), 12, SHANGHAI)).toEqual(sh(2028, 2, 28, 12));
    });
    it('cancellation 90 natural days after expiry for CMCC, CUCC and CTCC; none for overseas', () => {
      const e = new Date('2027-03-15T10:00:00+08:00');
      for (const c of [Carrier.CMCC, Carrier.CUCC, Carrier.CTCC]) {
        expect(cancellationAt(c, e, SHANGHAI)).toEqual(new Date('2027-06-13T10:00:00+08:00'));
      }
      expect(cancellationAt(Carrier.OVERSEAS, e, UTC)).toBeNull();
    });
    it('property: expiry = activation + term months; cancellation − expiry = 90 days exactly', () => {
      fc.assert(
        fc.property(chinese, anyOpened, fc.integer({ min: 1, max: 120 }), (c, a, term) => {
          const e = planExpiresAt(a, term, SHANGHAI);
          expect(e).toEqual(addMonths(a, term, H8));
          expect(cancellationAt(c, e, SHANGHAI)!.getTime() - e.getTime()).toBe(90 * DAY);
        }),
        RUNS,
      );
    });
  });

  describe('forecastLifecycle', () => {
    const now = new Date('2026-02-01T12:00:00+08:00');
    const openedAt = new Date('2026-01-15T10:00:00+08:00');
    const activatedAt = new Date('2026-03-15T10:00:00+08:00');

    it('a TEST card: test end and forced activation, no expiry', () => {
      const f = forecastLifecycle(facts({ status: CardStatus.TEST, openedAt, testMonths: 3, testUsedBytes: MB }), now);
      expect(f).toEqual({
        testEndsAt: new Date('2026-04-15T10:00:00+08:00'),
        testEndsBy: 'TIME',
        forcedActivationAt: new Date('2026-11-01T00:00:00+08:00'), // 3 test + 6 silent months
        expiresAt: null,
        cancellationAt: null,
      });
    });
    it('a TEST card that used its 6 MB: test over now, by volume', () => {
      const f = forecastLifecycle(facts({ status: CardStatus.TEST, openedAt, testMonths: 3, testUsedBytes: 6 * MB }), now);
      expect(f.testEndsAt).toEqual(now);
      expect(f.testEndsBy).toBe('VOLUME');
    });
    it('an INVENTORY card: forced activation only; the buffer still includes its test months', () => {
      const f = forecastLifecycle(facts({ status: CardStatus.INVENTORY, openedAt }), now);
      expect(f).toEqual({ testEndsAt: null, testEndsBy: null, forcedActivationAt: new Date('2026-08-01T00:00:00+08:00'), expiresAt: null, cancellationAt: null });
      const g = forecastLifecycle(facts({ status: CardStatus.INVENTORY, openedAt, testMonths: 3 }), now);
      expect(g.testEndsAt).toBeNull();
      expect(g.forcedActivationAt).toEqual(new Date('2026-11-01T00:00:00+08:00'));
    });
    it.each([CardStatus.ACTIVE, CardStatus.SUSPENDED, CardStatus.DEACTIVATED])(
      'an activated (%s) card: no forced activation; expiry from activation (not from opening), cancellation 90 days later',
      (status) => {
        const f = forecastLifecycle(facts({ status, openedAt, activatedAt, termMonths: 12 }), now);
        expect(f.forcedActivationAt).toBeNull();
        expect(f.testEndsAt).toBeNull();
        expect(f.expiresAt).toEqual(new Date('2027-03-15T10:00:00+08:00'));
        expect(f.cancellationAt).toEqual(new Date('2027-06-13T10:00:00+08:00'));
        // the opening date plays no part in expiry
        const g = forecastLifecycle(facts({ status, openedAt: new Date('2020-01-01T00:00:00Z'), activatedAt, termMonths: 12 }), now);
        expect(g.expiresAt).toEqual(f.expiresAt);
      },
    );
    it('a CANCELLED card is terminal: nothing to forecast', () => {
      const f = forecastLifecycle(facts({ status: CardStatus.CANCELLED, openedAt, activatedAt, termMonths: 12 }), now);
      expect(f).toEqual({ testEndsAt: null, testEndsBy: null, forcedActivationAt: null, expiresAt: null, cancellationAt: null });
    });
    it('unknown facts give nulls, not guesses', () => {
      expect(forecastLifecycle(facts({ status: CardStatus.INVENTORY }), now).forcedActivationAt).toBeNull();
      expect(forecastLifecycle(facts({ status: CardStatus.ACTIVE, activatedAt }), now).expiresAt).toBeNull();
    });
    it('overseas: the 6-month test period, forced activation at its end, no 90-day cancellation', () => {
      const o = new Date('2026-01-15T10:00:00Z');
      const f = forecastLifecycle(
        facts({ carrier: Carrier.OVERSEAS, zone: UTC, status: CardStatus.TEST, openedAt: o, testMonths: null, testUsedBytes: 0 }),
        new Date('2026-02-01T00:00:00Z'),
      );
      expect(f.testEndsAt).toEqual(new Date('2026-07-15T10:00:00Z'));
      expect(f.testEndsBy).toBe('TIME');
      expect(f.forcedActivationAt).toEqual(f.testEndsAt);
      const a = forecastLifecycle(
        facts({ carrier: Carrier.OVERSEAS, zone: UTC, status: CardStatus.DEACTIVATED, activatedAt: o, termMonths: 120 }),
        new Date('2026-02-01T00:00:00Z'),
      );
      expect(a.expiresAt).toEqual(new Date('2036-01-15T10:00:00Z'));
      expect(a.cancellationAt).toBeNull();
    });
    it('overseas: a card never activated that the platform calls INVENTORY is in its 6-month test period', () => {
      const o = new Date('2026-08-31T23:00:00Z');
      const f = forecastLifecycle(facts({ carrier: Carrier.OVERSEAS, zone: UTC, status: CardStatus.INVENTORY, openedAt: o }), new Date('2026-09-01T00:00:00Z'));
      // 08-31 + 6 months: "02-31", clamped to 2027-02-28, same UTC time.
      expect(f).toMatchObject({ testEndsAt: new Date('2027-02-28T23:00:00Z'), testEndsBy: 'TIME', forcedActivationAt: new Date('2027-02-28T23:00:00Z') });
    });
    it('declared values: silent months, cancellation days, a carrier-stated expiry winning over activation + term', () => {
      // Opened 2026-01-15 Shanghai, 2 test + 4 silent months: buffer ends 2026-07-15, last day 07-14 → 2026-08-01.
      const f = forecastLifecycle(facts({ status: CardStatus.TEST, openedAt: sh(2026, 1, 15, 14), testMonths: 2, testUsedBytes: 0, silentMonths: 4 }), sh(2026, 2, 1));
      expect(f.forcedActivationAt).toEqual(sh(2026, 8, 1));
      expect(f.testEndsAt).toEqual(sh(2026, 3, 15, 14));
      // Expiry stated 2026-03-10 09:00 Shanghai; 30 days: 2026-04-09 09:00; null days: never cancelled.
      const stated = sh(2026, 3, 10, 9);
      const g = forecastLifecycle(facts({ status: CardStatus.DEACTIVATED, activatedAt: sh(2025, 1, 1), termMonths: 12, expiresAt: stated, cancellationDays: 30 }), sh(2026, 5, 1));
      expect(g).toMatchObject({ expiresAt: stated, cancellationAt: sh(2026, 4, 9, 9) });
      expect(forecastLifecycle(facts({ status: CardStatus.DEACTIVATED, expiresAt: stated, cancellationDays: null }), sh(2026, 5, 1)).cancellationAt).toBeNull();
    });
  });

  describe('independent of the process time zone', () => {
    // Jest gives each test file a copy of process.env; Node watches the host's own process.env for TZ.
    const host = vm.runInThisContext('process') as NodeJS.Process;
    const saved = host.env.TZ;
    const setZone = (z: string | undefined) => {
      if (z === undefined) delete host.env.TZ;
      else host.env.TZ = z;
    };
    afterAll(() => setZone(saved));

    it('the zone switch really reaches Date', () => {
      setZone('America/Los_Angeles');
      expect(new Date(0).getTimezoneOffset()).toBe(480);
      setZone('Pacific/Kiritimati');
      expect(new Date(0).getTimezoneOffset()).toBe(640); // 1970: UTC−10:40
      setZone(saved);
    });

    it('property: every forecast is the same under America/Los_Angeles, Pacific/Kiritimati and UTC', () => {
      const status = fc.constantFrom(CardStatus.TEST, CardStatus.INVENTORY, CardStatus.ACTIVE, CardStatus.SUSPENDED, CardStatus.DEACTIVATED);
      fc.assert(
        fc.property(
          fc.constantFrom(Carrier.CMCC, Carrier.CUCC, Carrier.CTCC, Carrier.OVERSEAS),
          status,
          anyOpened,
          fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
          fc.nat({ max: 8 * MB }),
          fc.integer({ min: 0, max: 800 }),
          fc.integer({ min: 1, max: 60 }),
          (carrier, st, o, test, used, days, term) => {
            const zone = carrier === Carrier.OVERSEAS ? UTC : SHANGHAI;
            const activatedAt = new Date(o.getTime() + days * DAY);
            const f = facts({ carrier, zone, status: st, openedAt: o, testMonths: test, testUsedBytes: used, activatedAt, termMonths: term });
            const now = new Date(o.getTime() + (days >> 1) * DAY);
            const results = ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC'].map((z) => {
              setZone(z);
              return JSON.stringify(forecastLifecycle(f, now));
            });
            setZone(saved);
            expect(results[1]).toBe(results[0]);
            expect(results[2]).toBe(results[0]);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
