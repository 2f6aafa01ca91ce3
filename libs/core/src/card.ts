import type { Carrier, PlatformId } from './carrier';
import type { Plan } from './plan';
import { SuspendReason } from './suspend-reason';

/** The six lifecycle stages of domain.md §1, plus UNKNOWN for raw values no mapping knows. */
export enum CardStatus {
  TEST = 'TEST',
  INVENTORY = 'INVENTORY',
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  DEACTIVATED = 'DEACTIVATED',
  CANCELLED = 'CANCELLED',
  UNKNOWN = 'UNKNOWN',
}

/** Chinese labels of each stage (data for mapping console labels; raw codes are mapped by the adapters). */
export const STATUS_LABELS: Readonly<Record<CardStatus, readonly string[]>> = {
  [CardStatus.TEST]: ['可测试', '测试期', '测试激活'],
  [CardStatus.INVENTORY]: ['未使用', '沉默期', '可激活', '库存', '待激活'],
  [CardStatus.ACTIVE]: ['使用中', '在用', '已激活', '正常'],
  [CardStatus.SUSPENDED]: ['已停用', '停机'],
  [CardStatus.DEACTIVATED]: ['已停机', '套餐到期', '预销户', '预销号'],
  [CardStatus.CANCELLED]: ['已销户', '拆机', '销号'],
  [CardStatus.UNKNOWN]: [],
};

/** Statuses that carry a suspend reason. */
export function carriesReason(status: CardStatus): boolean {
  return status === CardStatus.SUSPENDED || status === CardStatus.DEACTIVATED;
}

/** Usage is shown only for activated cards: ACTIVE or SUSPENDED (domain.md §4). */
export function usageVisible(status: CardStatus): boolean {
  return status === CardStatus.ACTIVE || status === CardStatus.SUSPENDED;
}

/** Terminal: a cancelled card can never be used again. */
export function isTerminal(status: CardStatus): boolean {
  return status === CardStatus.CANCELLED;
}

/** What an adapter reads about one card: normalized values next to the raw carrier values. */
export interface CardRecord {
  iccid: string;
  msisdn: string | null;
  imsi: string | null;
  imei: string | null;
  status: CardStatus;
  /** The primary reason (hardest to recover); set only for SUSPENDED or DEACTIVATED. */
  suspendReason: SuspendReason | null;
  /** Every reason the carrier gave, hardest first. */
  suspendReasons: SuspendReason[];
  /** The carrier's raw status value, verbatim (`'2'`, `'ACTIVATED'`, `'Enabled'`). */
  rawStatus: string;
  /** The carrier's raw reason value, verbatim (`'000000002000'`, `'违规停机'`), when it gave one. */
  rawReason: string | null;
  activatedAt: Date | null;
  /** Account opening (开户) or shipping date: the start of the silent period. */
  openedAt: Date | null;
  plan: Plan | null;
  poolId: string | null;
  /** When the carrier says this was true. */
  asOf: Date;
  /** Further raw fields worth keeping (plan names, flags); never secrets. */
  raw?: Record<string, unknown>;
}

/** The stored card: the record plus where it comes from and when simgate last confirmed it. */
export interface Card extends CardRecord {
  accountId: string;
  platform: PlatformId;
  carrier: Carrier;
  syncedAt: Date;
}

/** Builds a status/reason pair that obeys the rule "reason only when SUSPENDED or DEACTIVATED". */
export function statusWithReasons(
  status: CardStatus,
  reasons: readonly SuspendReason[],
  primary: (r: readonly SuspendReason[]) => SuspendReason | null,
): { status: CardStatus; suspendReason: SuspendReason | null; suspendReasons: SuspendReason[] } {
  if (!carriesReason(status)) return { status, suspendReason: null, suspendReasons: [] };
  const list = reasons.length ? [...reasons] : [SuspendReason.UNKNOWN];
  return { status, suspendReason: primary(list), suspendReasons: list };
}
