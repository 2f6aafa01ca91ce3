import type { BillingCycle } from './billing-cycle';

/** Usage of one card in one billing cycle. Remaining can be negative: the overage (domain.md §4). */
export interface UsageSnapshot {
  iccid: string;
  usedBytes: number;
  /** The allowance measured against (monthly or lifetime), or null when the platform serves none. */
  quotaBytes: number | null;
  /** quota − used; negative when over; null when the quota is unknown. */
  remainingBytes: number | null;
  cycleStart: Date;
  cycleEnd: Date;
  /** When the carrier says the figure was true (e.g. yesterday 24:00). */
  asOf: Date;
  raw?: Record<string, unknown>;
}

/** Usage of one card on one calendar day of the platform's zone. */
export interface DailyUsage {
  iccid: string;
  /** `yyyy-MM-dd` in the platform's zone. */
  day: string;
  usedBytes: number;
  raw?: Record<string, unknown>;
}

export function usageSnapshot(
  iccid: string,
  usedBytes: number,
  quotaBytes: number | null,
  cycle: Pick<BillingCycle, 'start' | 'end'>,
  asOf: Date,
  raw?: Record<string, unknown>,
): UsageSnapshot {
  return {
    iccid,
    usedBytes,
    quotaBytes,
    remainingBytes: quotaBytes === null ? null : quotaBytes - usedBytes,
    cycleStart: cycle.start,
    cycleEnd: cycle.end,
    asOf,
    ...(raw ? { raw } : {}),
  };
}

/** Carrier units → bytes (integers). */
export const units = {
  kilobytes: (kb: number): number => Math.round(kb * 1024),
  megabytes: (mb: number): number => Math.round(mb * 1024 * 1024),
};

/** Monthly usage history is kept for the last 6 cycles; the daily series for the last 2 months. */
export const MONTHLY_HISTORY_CYCLES = 6;
export const DAILY_HISTORY_MONTHS = 2;
