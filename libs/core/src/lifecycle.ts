import { addInZone, firstOfNextMonth, startOfDayInZone } from './billing-cycle';
import { CardStatus } from './card';
import { Carrier } from './carrier';
import { MB } from './plan';

/**
 * Lifecycle forecasts (domain.md §1). Pure: every instant is passed in; calendar arithmetic happens in the
 * platform's zone (Asia/Shanghai for Chinese platforms, UTC for 1NCE).
 */

/** Test data allowance for the whole test period. */
export const TEST_PERIOD_BYTES = 6 * MB;
/** Silent period of Chinese carriers, in natural months from account opening. */
export const SILENT_MONTHS = 6;
/** Overseas physical cards: a 6-month test period, then forced activation (no silent period). */
export const OVERSEAS_TEST_MONTHS = 6;
/** Days after plan expiry at which a Chinese carrier cancels the card unless renewed. */
export const CANCELLATION_DAYS = 90;
/** A test period lasts 1–9 months. */
export const TEST_MONTHS_RANGE = [1, 9] as const;

export interface LifecycleFacts {
  carrier: Carrier;
  zone: string;
  status: CardStatus;
  /** Account opening (开户): start of the test or silent period. */
  openedAt: Date | null;
  /** Test period length in months when a test period is enabled (1–9), else null. */
  testMonths: number | null;
  /** Test data used so far, in bytes. */
  testUsedBytes: number | null;
  activatedAt: Date | null;
  /** Purchased term in months, counted from activation. */
  termMonths: number | null;
  /** Silent period in natural months; default SILENT_MONTHS (Chinese carriers; overseas cards have none). */
  silentMonths?: number;
  /** Days after expiry at which the card is cancelled unless renewed; default CANCELLATION_DAYS for Chinese carriers, none overseas. */
  cancellationDays?: number | null;
  /** The plan's expiry as the carrier states it (1NCE `expiry_date`); wins over activation + term. */
  expiresAt?: Date | null;
}

export interface LifecycleForecast {
  /** When the test period ends (by time, or now when 6 MB are used); null when no test period applies. */
  testEndsAt: Date | null;
  testEndsBy: 'TIME' | 'VOLUME' | null;
  /** When an unused card is force-activated; null once activated or when unknown. */
  forcedActivationAt: Date | null;
  /** Plan expiry: activation + term. */
  expiresAt: Date | null;
  /** Automatic cancellation: 90 natural days after expiry (Chinese carriers only). */
  cancellationAt: Date | null;
}

/** End of the test period: test start + months, or `now` if the 6 MB test allowance is used up. */
export function testPeriodEnd(
  openedAt: Date,
  testMonths: number,
  testUsedBytes: number,
  now: Date,
  zone: string,
): { endsAt: Date; by: 'TIME' | 'VOLUME' } {
  const byTime = addInZone(openedAt, zone, { months: testMonths });
  if (testUsedBytes >= TEST_PERIOD_BYTES && now < byTime) return { endsAt: now, by: 'VOLUME' };
  return { endsAt: byTime, by: 'TIME' };
}

/**
 * Forced activation of an unused card. Chinese carriers: the silent period is 6 natural months from
 * opening (test months + 6 with a test period); the card is force-activated on the 1st day of the month
 * after the buffer ends. The buffer is counted in whole days from the opening day (its time of day does
 * not matter) and ends at the exclusive instant opening day + months, so its last day is the day before:
 * opened 2026-01-15 → buffer ends 2026-07-15 → forced 2026-08-01; opened 2026-01-01 (at any hour) → last
 * silent day 2026-06-30 → forced 2026-07-01.
 * Overseas: force-activated when the 6-month test period ends.
 */
export function forcedActivationAt(
  carrier: Carrier,
  openedAt: Date,
  testMonths: number | null,
  zone: string,
  silentMonths: number = SILENT_MONTHS,
): Date {
  if (carrier === Carrier.OVERSEAS) return addInZone(openedAt, zone, { months: OVERSEAS_TEST_MONTHS });
  // Day granularity: a card opened on the 1st at 09:00 must not be pushed a whole month later than one
  // opened at 00:00 the same day (the silent period is a count of natural months, not of instants).
  const bufferEnd = addInZone(startOfDayInZone(openedAt, zone), zone, { months: (testMonths ?? 0) + silentMonths });
  return firstOfNextMonth(new Date(bufferEnd.getTime() - 1), zone);
}

/**
 * Plan expiry: validity is the purchased term counted from activation, not from ordering.
 * Decision (domain.md gives no rule): a term that would end on a day the month lacks ends on that month's
 * last day (activated 01-31, 1 month → 02-28), at the activation's time of day, in the platform zone.
 */
export function planExpiresAt(activatedAt: Date, termMonths: number, zone: string): Date {
  return addInZone(activatedAt, zone, { months: termMonths });
}

/**
 * Automatic cancellation 90 natural days after expiry (Chinese carriers); null for overseas. Decision (domain.md
 * gives no instant): the expiry's wall-clock time 90 calendar days later, in the platform zone.
 */
export function cancellationAt(
  carrier: Carrier,
  expiresAt: Date,
  zone: string,
  days: number | null = carrier === Carrier.OVERSEAS ? null : CANCELLATION_DAYS,
): Date | null {
  if (days === null) return null;
  return addInZone(expiresAt, zone, { days });
}

export function forecastLifecycle(facts: LifecycleFacts, now: Date): LifecycleForecast {
  const out: LifecycleForecast = {
    testEndsAt: null,
    testEndsBy: null,
    forcedActivationAt: null,
    expiresAt: null,
    cancellationAt: null,
  };
  if (facts.status === CardStatus.CANCELLED) return out;
  const notActivated = facts.status === CardStatus.TEST || facts.status === CardStatus.INVENTORY;
  const overseas = facts.carrier === Carrier.OVERSEAS;
  const testMonths = overseas ? OVERSEAS_TEST_MONTHS : facts.status === CardStatus.TEST ? facts.testMonths : null;
  // Overseas cards never activated are in their 6-month test period whatever the platform calls them (1NCE: INVENTORY).
  const inTest = facts.status === CardStatus.TEST || (overseas && notActivated);
  if (inTest && facts.openedAt && testMonths) {
    const t = testPeriodEnd(facts.openedAt, testMonths, facts.testUsedBytes ?? 0, now, facts.zone);
    out.testEndsAt = t.endsAt;
    out.testEndsBy = t.by;
  }
  if (notActivated && facts.openedAt) {
    out.forcedActivationAt = forcedActivationAt(facts.carrier, facts.openedAt, facts.testMonths, facts.zone, facts.silentMonths);
  }
  if (facts.expiresAt) out.expiresAt = facts.expiresAt;
  else if (facts.activatedAt && facts.termMonths) out.expiresAt = planExpiresAt(facts.activatedAt, facts.termMonths, facts.zone);
  if (out.expiresAt) out.cancellationAt = cancellationAt(facts.carrier, out.expiresAt, facts.zone, facts.cancellationDays);
  return out;
}
