import { ROWS, lifecycleOfRows } from './card-view.lifecycle-rows';

/**
 * The lifecycle part of the card JSON, per status × platform, against answers written by hand from domain.md §1
 * (and the decisions of docs/architecture.md where it is silent: month ends clamp to the month's last day, the
 * cancellation instant is the expiry's wall time 90 days later, overseas test periods count from the opening or,
 * on 1NCE, from simgate's first sight). Nothing here is computed with the code under test.
 *
 * Platform facts (the real manifests): OneLink, Jasper and CTCC state the opening; none of them states test months
 * (assumed 3 when a card is or was in a test period), the silent period (6) or the term (assumed 12); CTCC `3`
 * is a card past its test period; 1NCE states the expiry, no opening (first sight), 10-year term assumed.
 */
type B = 'CARRIER' | 'RULE' | 'ESTIMATED' | null;
function f(
  openedAt: string | null, openedB: B,
  testEndsAt: string | null, testEndsBy: 'TIME' | 'VOLUME' | null, testB: B,
  forcedActivationAt: string | null, forcedB: B,
  expiresAt: string | null, expiresB: B,
  cancellationAt: string | null, cancelB: B,
) {
  return {
    openedAt, testEndsAt, forcedActivationAt, expiresAt, cancellationAt, testEndsBy,
    basis: { openedAt: openedB, testEndsAt: testB, forcedActivationAt: forcedB, expiresAt: expiresB, cancellationAt: cancelB },
  };
}
const _ = null;
const E = 'ESTIMATED' as const;
const R = 'RULE' as const;
const C = 'CARRIER' as const;

const EXPECTED: Record<keyof typeof ROWS, ReturnType<typeof f>> = {
  // Opened 2026-01-15: six natural months end 2026-07-14 → forced on the 1st of the month after: 2026-08-01.
  // No test months declared: whether a test period ran is unknown, so the date is an estimate.
  cmccInventoryMidMonth: f('2026-01-15T14:00:00.000+08:00', C, _, _, _, '2026-08-01T00:00:00.000+08:00', E, _, _, _, _),
  // The account declares no test period: the same date by the rule.
  cmccInventoryDeclaredNoTest: f('2026-01-15T14:00:00.000+08:00', C, _, _, _, '2026-08-01T00:00:00.000+08:00', R, _, _, _, _),
  // Opened on the 1st (any hour): the six months end 2026-06-30 → 2026-07-01, not 2026-08-01.
  cmccInventoryFirstOfMonth: f('2026-01-01T09:00:00.000+08:00', C, _, _, _, '2026-07-01T00:00:00.000+08:00', E, _, _, _, _),
  // 00:00 Shanghai on the 1st is still 2025-12-31 in UTC: the platform zone decides.
  cmccInventoryFirstMidnight: f('2026-01-01T00:00:00.000+08:00', C, _, _, _, '2026-07-01T00:00:00.000+08:00', E, _, _, _, _),
  // Opened on the 31st at 23:30 (15:30 UTC): months end 2026-07-30 → 2026-08-01.
  cmccInventoryMonthEnd: f('2026-01-31T23:30:00.000+08:00', C, _, _, _, '2026-08-01T00:00:00.000+08:00', E, _, _, _, _),
  // Opened 08-31: six months later is "02-31", clamped to 02-28; last silent day 02-27 → 2026-03-01 (not April).
  cmccInventoryAug31: f('2025-08-31T12:00:00.000+08:00', C, _, _, _, '2026-03-01T00:00:00.000+08:00', E, _, _, _, _),
  // Into a leap February: 2028-02-29 → last day 02-28 → 2028-03-01.
  cmccInventoryToLeapFeb: f('2027-08-31T08:00:00.000+08:00', C, _, _, _, '2028-03-01T00:00:00.000+08:00', E, _, _, _, _),
  // Opened on the leap day: 2028-08-29 → last day 08-28 → 2028-09-01.
  cmccInventoryLeapDay: f('2028-02-29T08:00:00.000+08:00', C, _, _, _, '2028-09-01T00:00:00.000+08:00', E, _, _, _, _),
  // TEST, 3 test months assumed: test over 2027-02-25 10:00; stock buffer 3 + 6 = 9 months → 2027-09-01.
  cmccTest: f('2026-11-25T10:00:00.000+08:00', C, '2027-02-25T10:00:00.000+08:00', 'TIME', E, '2027-09-01T00:00:00.000+08:00', E, _, _, _, _),
  // Declared 3 + 6 from 08-31: test over 11-30 (clamped); buffer ends 2027-05-31, last day 05-30 → 2027-06-01.
  cmccTestDeclaredSilent: f('2026-08-31T10:00:00.000+08:00', C, '2026-11-30T10:00:00.000+08:00', 'TIME', R, '2027-06-01T00:00:00.000+08:00', R, _, _, _, _),
  // Activated on the leap day, 12 months: 2029-02-28 (clamped); + 90 days: Mar 31 (+31), Apr 30 (+61), May 29 (+90).
  cmccActiveLeap: f('2027-12-01T10:00:00.000+08:00', C, _, _, _, _, _, '2029-02-28T10:00:00.000+08:00', R, '2029-05-29T10:00:00.000+08:00', R),
  // A 1-month term declared from 03-31: 04-30 (clamped); + 90: May 31 (+31), Jun 30 (+61), Jul 29 (+90).
  cmccSuspendedOneMonth: f(_, _, _, _, _, _, _, '2026-04-30T12:00:00.000+08:00', R, '2026-07-29T12:00:00.000+08:00', R),
  // 12-month plan from 2025-08-30: expired 2026-08-30; + 90: Aug 31 (+1), Sep 30 (+31), Oct 31 (+62), Nov 28 (+90).
  cmccDeactivated: f(_, _, _, _, _, _, _, '2026-08-30T10:00:00.000+08:00', R, '2026-11-28T10:00:00.000+08:00', R),
  // No plan read: the 12-month term is assumed, both dates estimates.
  cmccDeactivatedNoPlan: f(_, _, _, _, _, _, _, '2026-08-30T10:00:00.000+08:00', E, '2026-11-28T10:00:00.000+08:00', E),
  // Terminal: nothing to forecast; the opening is still shown.
  cmccCancelled: f('2020-05-05T10:00:00.000+08:00', C, _, _, _, _, _, _, _, _, _),
  // Jasper's 27th–26th cycle plays no part: the test and silent periods are natural months. 05-27 + 3 → 08-27;
  // + 9 → 2027-02-27, last day 02-26 → 2027-03-01.
  cuccTestOn27th: f('2026-05-27T00:00:00.000+08:00', C, '2026-08-27T00:00:00.000+08:00', 'TIME', E, '2027-03-01T00:00:00.000+08:00', E, _, _, _, _),
  // Opened 05-26 23:59: + 6 → 11-26, last day 11-25 → 2026-12-01.
  cuccInventoryOn26th: f('2026-05-26T23:59:00.000+08:00', C, _, _, _, '2026-12-01T00:00:00.000+08:00', E, _, _, _, _),
  // No term anywhere: 12 months assumed. 2027-01-27; + 90: Jan 31 (+4), Feb 28 (+32), Mar 31 (+63), Apr 27 (+90).
  cuccActiveDefaultTerm: f(_, _, _, _, _, _, _, '2027-01-27T00:00:00.000+08:00', E, '2027-04-27T00:00:00.000+08:00', E),
  // The plan's own declaration (36) wins over the account's (24): 2029-01-27; + 90 → 2029-04-27.
  cuccActivePlanTerm: f(_, _, _, _, _, _, _, '2029-01-27T00:00:00.000+08:00', R, '2029-04-27T00:00:00.000+08:00', R),
  // Activated 11-26 23:00 Shanghai (15:00 UTC): expired 2026-11-26 23:00; + 90: Nov 30 (+4), Dec 31 (+35), Jan 31 (+66), Feb 24 (+90).
  cuccRetired: f(_, _, _, _, _, _, _, '2026-11-26T23:00:00.000+08:00', R, '2027-02-24T23:00:00.000+08:00', R),
  // CTCC `3` (test over, not activated): its buffer includes the test months: 2026-11-25 + 9 → 2027-09-01 (issue 17's card).
  ctccTestDeactivated: f('2026-11-25T10:00:00.000+08:00', C, _, _, _, '2027-09-01T00:00:00.000+08:00', E, _, _, _, _),
  // CTCC `1` (activatable, never tested): six months → 2027-06-01.
  ctccActivatable: f('2026-11-25T10:00:00.000+08:00', C, _, _, _, '2027-06-01T00:00:00.000+08:00', E, _, _, _, _),
  // 6 MB exactly used before the declared 2 months are over: the test period is over now (2026-11-22 13:00 Shanghai),
  // by volume; buffer 2 + 6 = 8 months → 2027-06-05, last day 06-04 → 2027-07-01.
  ctccTest6MbExactly: f('2026-10-05T09:00:00.000+08:00', C, '2026-11-22T13:00:00.000+08:00', 'VOLUME', R, '2027-07-01T00:00:00.000+08:00', R, _, _, _, _),
  // One byte less: by time, 2026-12-05 09:00.
  ctccTestJustUnder6Mb: f('2026-10-05T09:00:00.000+08:00', C, '2026-12-05T09:00:00.000+08:00', 'TIME', R, '2027-07-01T00:00:00.000+08:00', R, _, _, _, _),
  // Activated 02-28 23:59:59 Shanghai (15:59:59 UTC): 2027-02-28; + 90: Mar 31 (+31), Apr 30 (+61), May 29 (+90).
  ctccStoppedRaw5: f(_, _, _, _, _, _, _, '2027-02-28T23:59:59.000+08:00', R, '2027-05-29T23:59:59.000+08:00', R),
  // 1NCE gives no opening: first sight 2026-11-20 10:00Z, an estimate; the overseas 6-month test period ends with
  // forced activation on 2027-05-20 10:00Z (INVENTORY on 1NCE, yet in its test period).
  intlInventoryFirstSeen: f('2026-11-20T10:00:00.000Z', E, '2027-05-20T10:00:00.000Z', 'TIME', E, '2027-05-20T10:00:00.000Z', E, _, _, _, _),
  // From 08-31 23:00Z: six months → 2027-02-28 23:00Z (clamped).
  intlInventoryMonthEnd: f('2026-08-31T23:00:00.000Z', E, '2027-02-28T23:00:00.000Z', 'TIME', E, '2027-02-28T23:00:00.000Z', E, _, _, _, _),
  // expiry_date stated by 1NCE (the 89882281390000004770): carrier-stated; never cancelled automatically; an
  // activated card's first sight is not its opening.
  intlActiveStatedExpiry: f(_, _, _, _, _, _, _, '2035-12-13T01:36:07.000Z', C, _, _),
  intlDeactivated: f(_, _, _, _, _, _, _, '2026-01-01T00:00:00.000Z', C, _, _),
  // No quota read: 1NCE's 10-year product assumed from the leap day: 2038-02-28 08:00Z (clamped).
  intlSuspendedNoQuotaLeap: f(_, _, _, _, _, _, _, '2038-02-28T08:00:00.000Z', E, _, _),
};

describe('card JSON lifecycle: status × platform, hand-written from domain.md', () => {
  const got = lifecycleOfRows();
  it.each(Object.keys(EXPECTED))('%s', (id) => {
    expect(got[id]).toEqual(EXPECTED[id as keyof typeof ROWS]);
  });
  it('every row has its expectation', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ROWS).sort());
  });
});
