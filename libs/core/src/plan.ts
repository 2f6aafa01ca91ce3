/**
 * A plan is either a monthly allowance that resets at every billing cycle (Chinese carriers) or a lifetime
 * volume valid for a term (1NCE sells e.g. 500 MB for 10 years). Both are represented.
 */
export type Plan =
  | {
      kind: 'MONTHLY';
      name: string | null;
      /** Allowance granted per billing cycle. */
      monthlyBytes: number;
      /** Purchased term from activation, in months (e.g. 12 or 36), when known. */
      termMonths: number | null;
      /** The plan's expiry as the carrier states it (ISO 8601), on platforms that state one. */
      expiresAt?: string;
    }
  | {
      kind: 'LIFETIME';
      name: string | null;
      /** Volume for the whole term. */
      totalBytes: number;
      /** Term in months (e.g. 120 for 10 years), when known. */
      termMonths: number | null;
      /** The plan's expiry as the carrier states it (ISO 8601; 1NCE `expiry_date`), on platforms that state one. */
      expiresAt?: string;
    };

export const MB = 1024 * 1024;
export const KB = 1024;

export function monthlyPlan(monthlyBytes: number, termMonths: number | null = null, name: string | null = null): Plan {
  return { kind: 'MONTHLY', name, monthlyBytes, termMonths };
}

export function lifetimePlan(totalBytes: number, termMonths: number | null = null, name: string | null = null): Plan {
  return { kind: 'LIFETIME', name, totalBytes, termMonths };
}

/** The allowance that a usage snapshot is measured against: per cycle, or over the lifetime. */
export function planQuotaBytes(plan: Plan | null): number | null {
  if (!plan) return null;
  return plan.kind === 'MONTHLY' ? plan.monthlyBytes : plan.totalBytes;
}

/** Cards with a plan ≤ 100 MB that are not pooled use general (non-directed) data (domain.md §5). */
export function usesGeneralData(plan: Plan | null, pooled: boolean): boolean {
  return !pooled && plan !== null && plan.kind === 'MONTHLY' && plan.monthlyBytes <= 100 * MB;
}
