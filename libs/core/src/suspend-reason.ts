/**
 * Why a card is suspended (停用原因), with its recovery guidance as data (domain.md §2).
 */

export enum SuspendReason {
  MANUAL = 'MANUAL',
  DEVICE_REBIND = 'DEVICE_REBIND',
  REAL_NAME = 'REAL_NAME',
  CARRIER_CONTROL = 'CARRIER_CONTROL',
  VIOLATION = 'VIOLATION',
  CREDIT_CONTROL = 'CREDIT_CONTROL',
  USAGE_CAP = 'USAGE_CAP',
  OVER_QUOTA = 'OVER_QUOTA',
  POOL_EXHAUSTED = 'POOL_EXHAUSTED',
  PLAN_EXPIRED = 'PLAN_EXPIRED',
  POOL_FROZEN = 'POOL_FROZEN',
  POOL_THRESHOLD = 'POOL_THRESHOLD',
  UNKNOWN = 'UNKNOWN',
}

/** Who can lift the suspension. */
export type RecoveryActor = 'CUSTOMER' | 'CARD_USER' | 'CARRIER' | 'NOBODY' | 'TIME';

export interface RecoveryGuidance {
  reason: SuspendReason;
  /** Chinese labels seen in carrier consoles and payloads for this reason (data, not code). */
  labels: readonly string[];
  /** Who acts to recover. */
  actor: RecoveryActor;
  /** What to do, in English, for the console. */
  action: string;
  /** Whether the console's resume (复机) operation is allowed. Only `MANUAL` allows it. */
  resumeAllowed: boolean;
  /** Whether the card returns to 在用 by itself at the next billing cycle. */
  liftsAtNextCycle: boolean;
  /** Whether the card can ever be used again. */
  recoverable: boolean;
  /** Recovery rank: a higher rank is harder to recover (used to pick the primary reason). */
  severity: number;
}

const R = SuspendReason;

/** A row of the table: the reason is its key; unless it says otherwise, no console resume, no lifting by itself, recoverable. */
type Row = Pick<RecoveryGuidance, 'labels' | 'actor' | 'severity' | 'action'> & Partial<RecoveryGuidance>;

/**
 * The recovery table. `severity` follows carriers.md §5: VIOLATION, CARRIER_CONTROL, DEVICE_REBIND,
 * PLAN_EXPIRED, CREDIT_CONTROL, OVER_QUOTA, POOL_EXHAUSTED, USAGE_CAP, MANUAL (hardest first). Reasons that
 * list does not rank sit where their recovery puts them: REAL_NAME and POOL_FROZEN need the customer's
 * action outside the platform (beside CREDIT_CONTROL), POOL_THRESHOLD lifts at the next cycle (beside
 * USAGE_CAP), UNKNOWN is ranked highest so that nothing is ever resumed on a guess.
 *
 * Decision (domain.md is ambiguous): §2 says CREDIT_CONTROL recovers by "top up, then resume" and USAGE_CAP
 * by "raise the threshold, or self resume", while §2 (MANUAL) and §6 say the console's resume works **only**
 * for MANUAL. The console operation follows the explicit rule: `resumeAllowed` is true for MANUAL alone, and
 * the "resume" in those two rows is read as the carrier restoring the card once the cause is removed.
 */
const TABLE: Record<SuspendReason, Row> = {
  [R.UNKNOWN]: { labels: [], actor: 'CARRIER', severity: 100,
    action: 'The carrier did not say why. Check the raw status and reason, then contact carrier support.' },
  [R.VIOLATION]: { labels: ['违规停机', '机卡分离', '在手机内使用', '高危地区使用'], actor: 'CARRIER', severity: 90,
    action: 'Contact carrier support. A card used in a phone cannot be recovered at all.' },
  [R.CARRIER_CONTROL]: { labels: ['异常停用', '运营商管控'], actor: 'CARRIER', severity: 80,
    action: 'Carrier control: it cannot be self-recovered. Contact carrier support.' },
  [R.DEVICE_REBIND]: { labels: ['换绑停用', '机卡分离'], actor: 'CUSTOMER', severity: 70,
    action: 'Unbind and rebind the card to its new device (IMEI). CMCC within 3 business days; CUCC via the carrier in 1–3 business days; CTCC at most 2 unbinds per natural month.' },
  [R.PLAN_EXPIRED]: { labels: ['套餐到期停机', '过期停机', '套餐到期'], actor: 'CUSTOMER', severity: 60,
    action: 'Renew the plan; without renewal the card is cancelled 90 days after expiry.' },
  [R.REAL_NAME]: { labels: ['实名停用', '未实名制违规停机'], actor: 'CARD_USER', severity: 55,
    action: 'The card user completes personal real-name verification; the card then returns to 在用 automatically.' },
  [R.POOL_FROZEN]: { labels: ['流量池冻结停机'], actor: 'CUSTOMER', severity: 52,
    action: 'Top up the account: arrears froze the backward pool.' },
  [R.CREDIT_CONTROL]: { labels: ['信控停用', '欠费停机'], actor: 'CUSTOMER', severity: 50,
    action: 'Recharge an add-on pack (叠加包) or top up the balance, then resume.' },
  [R.OVER_QUOTA]: { labels: ['超流量停机', '自动超停'], actor: 'TIME', severity: 40, liftsAtNextCycle: true,
    action: 'Buy an add-on pack for this month, or wait: the card returns to 在用 next cycle.' },
  [R.POOL_EXHAUSTED]: { labels: ['流量池停机'], actor: 'TIME', severity: 30, liftsAtNextCycle: true,
    action: 'Activate inactive pool cards, add same-plan cards, buy a pool add-on pack, or wait for the next cycle.' },
  [R.POOL_THRESHOLD]: { labels: ['后向流量池超阈值停机'], actor: 'TIME', severity: 25, liftsAtNextCycle: true,
    action: 'A backward-pool automation rule stopped the card; it returns to 在用 next cycle, or change the rule.' },
  [R.USAGE_CAP]: { labels: ['达量停用', '超流量阈值停机', '达量断网'], actor: 'CUSTOMER', severity: 20, liftsAtNextCycle: true,
    action: 'Raise or remove the usage threshold, or resume it yourself; it returns to 在用 next cycle.' },
  [R.MANUAL]: { labels: ['主动停用', '人工停用', '已停用（主动停机）', '主动停机'], actor: 'CUSTOMER', severity: 10, resumeAllowed: true,
    action: 'Resume (复机) the card in the console.' },
};

export const RECOVERY: Readonly<Record<SuspendReason, RecoveryGuidance>> = Object.fromEntries(
  Object.entries(TABLE).map(([reason, row]) => [
    reason,
    { reason: reason as SuspendReason, resumeAllowed: false, liftsAtNextCycle: false, recoverable: true, ...row },
  ]),
) as Record<SuspendReason, RecoveryGuidance>;

export function recoveryOf(reason: SuspendReason): RecoveryGuidance {
  return RECOVERY[reason];
}

/** Only `MANUAL` suspensions may be resumed through the console (domain.md §2, §6). */
export function canResume(reasons: readonly SuspendReason[]): boolean {
  return reasons.length > 0 && reasons.every((r) => RECOVERY[r].resumeAllowed);
}

/** The primary reason of several: the hardest to recover. Empty input gives null. */
export function primaryReason(reasons: readonly SuspendReason[]): SuspendReason | null {
  let best: SuspendReason | null = null;
  for (const r of reasons) if (best === null || RECOVERY[r].severity > RECOVERY[best].severity) best = r;
  return best;
}

/** Sorted, de-duplicated reasons, hardest to recover first. */
export function normalizeReasons(reasons: readonly SuspendReason[]): SuspendReason[] {
  return [...new Set(reasons)].sort((a, b) => RECOVERY[b].severity - RECOVERY[a].severity);
}

/**
 * The reasons a Chinese label names. Labels are matched whole first, then as parts of a longer text
 * (carriers write e.g. `已停用（违规停机）`). Ambiguous labels (`机卡分离`) give both readings.
 */
export function reasonsFromLabel(label: string): SuspendReason[] {
  const text = label.trim();
  if (!text) return [];
  const exact = Object.values(RECOVERY).filter((g) => g.labels.includes(text)).map((g) => g.reason);
  if (exact.length) return normalizeReasons(exact);
  // Longest labels first, and a matched label is blanked out before shorter ones are tried: otherwise
  // `已停用（未实名制违规停机）` would also read as 违规停机 (VIOLATION) and hide REAL_NAME behind it.
  let rest = text;
  const parts: SuspendReason[] = [];
  for (const l of LABELS_LONGEST_FIRST) {
    if (!rest.includes(l)) continue;
    for (const g of Object.values(RECOVERY)) if (g.labels.includes(l)) parts.push(g.reason);
    rest = rest.split(l).join('\u0000');
  }
  return normalizeReasons(parts);
}

const LABELS_LONGEST_FIRST: readonly string[] = [...new Set(Object.values(RECOVERY).flatMap((g) => g.labels))].sort(
  (a, b) => b.length - a.length,
);
