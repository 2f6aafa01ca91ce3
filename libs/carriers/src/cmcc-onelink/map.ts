import {
  CardStatus,
  cycleContaining,
  cycleForLabel,
  naturalMonth,
  normalizeReasons,
  OperationState,
  parseLocalDateTime,
  PoolState,
  PoolType,
  primaryReason,
  Rejected,
  SHANGHAI,
  startOfDayInZone,
  statusWithReasons,
  SuspendReason,
  Transient,
  usageSnapshot,
  type CardRecord,
  type DailyUsage,
  type OperationItemProgress,
  type OperationProgress,
  type PoolRecord,
  type UsageSnapshot,
} from '@simgate/core';
import { manifest } from './manifest';
import type {
  BatchDataAmount,
  BatchResultInfo,
  GroupDataMargin,
  GroupDataUsage,
  Offering,
  OrderInfo,
  SimBasicInfo,
  SimCardInfo,
  SimDataMargin,
  SimDataUsage,
  SimStatus,
  SimStopReason,
} from './wire';

/**
 * OneLink wire → core, carriers.md §5. Pure functions: time comes in as `at`. The client validated every
 * payload against wire.ts already; a value the schema lets through but that makes no sense (a negative
 * kilobyte amount) throws `Transient` (a malformed answer).
 */

export const ONELINK_CYCLE = naturalMonth(SHANGHAI);

function bad(what: string): Transient {
  return new Transient(`OneLink: malformed ${what}`, { platform: manifest.id });
}

/** Items of a batch answer keyed by the ICCID asked for: by `iccid` when given, else by position. */
export function byIccid<T extends { iccid: string | null }>(asked: readonly string[], items: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) if (it.iccid) out.set(it.iccid, it);
  if (out.size === 0 && items.length === asked.length) asked.forEach((iccid, i) => out.set(iccid, items[i]));
  return out;
}

// ---------------------------------------------------------------------------------------------- status

/** Which OneLink platform opened the card: CT codes are one digit, PB codes two. */
export type CodeSet = 'CT' | 'PB';

interface StatusRule {
  codeSet: CodeSet;
  label: string;
  status: CardStatus;
  /** `BITS`: the reason comes from `stopReason`; otherwise a fixed reason, or none. */
  reason: 'BITS' | SuspendReason | null;
}

/** `cardStatus` → status, carriers.md §1 and §5 (both code sets). */
export const CARD_STATUS: Readonly<Record<string, StatusRule>> = {
  '1': { codeSet: 'CT', label: '待激活', status: CardStatus.INVENTORY, reason: null },
  '2': { codeSet: 'CT', label: '已激活', status: CardStatus.ACTIVE, reason: null },
  '4': { codeSet: 'CT', label: '停机', status: CardStatus.SUSPENDED, reason: 'BITS' },
  '6': { codeSet: 'CT', label: '可测试', status: CardStatus.TEST, reason: null },
  '7': { codeSet: 'CT', label: '库存', status: CardStatus.INVENTORY, reason: null },
  '8': { codeSet: 'CT', label: '预销户', status: CardStatus.DEACTIVATED, reason: SuspendReason.PLAN_EXPIRED },
  '9': { codeSet: 'CT', label: '已销户', status: CardStatus.CANCELLED, reason: null },
  '00': { codeSet: 'PB', label: '正常', status: CardStatus.ACTIVE, reason: null },
  '01': { codeSet: 'PB', label: '单向停机', status: CardStatus.SUSPENDED, reason: 'BITS' },
  '02': { codeSet: 'PB', label: '停机', status: CardStatus.SUSPENDED, reason: 'BITS' },
  '03': { codeSet: 'PB', label: '预销号', status: CardStatus.DEACTIVATED, reason: SuspendReason.PLAN_EXPIRED },
  '04': { codeSet: 'PB', label: '销号', status: CardStatus.CANCELLED, reason: null },
  '06': { codeSet: 'PB', label: '休眠', status: CardStatus.INVENTORY, reason: null },
  '07': { codeSet: 'PB', label: '待激活', status: CardStatus.INVENTORY, reason: null },
  '99': { codeSet: 'PB', label: '号码不存在', status: CardStatus.UNKNOWN, reason: null },
};

/** The table row of a raw code (own keys only: `toString` is not a status). */
export function statusRule(cardStatus: string): StatusRule | undefined {
  return Object.hasOwn(CARD_STATUS, cardStatus) ? CARD_STATUS[cardStatus] : undefined;
}

/** The code set of a raw status; unknown codes by their width (one digit CT, two PB), else null. */
export function codeSetOf(cardStatus: string | null | undefined): CodeSet | null {
  if (typeof cardStatus !== 'string') return null;
  const known = statusRule(cardStatus);
  if (known) return known.codeSet;
  if (/^\d$/.test(cardStatus)) return 'CT';
  if (/^\d\d$/.test(cardStatus)) return 'PB';
  return null;
}

/** Whether the card is stopped, so that `sim-stop-reason` has something to say. */
export function isStopped(cardStatus: string): boolean {
  return statusRule(cardStatus)?.reason === 'BITS';
}

interface StopBit {
  /** Position in the 12-character bitmap, from the left. */
  index: number;
  mask: string;
  reason: SuspendReason;
  label: string;
}

function bit(index: number, reason: SuspendReason, label: string): StopBit {
  return { index, mask: '0'.repeat(index) + '2' + '0'.repeat(11 - index), reason, label };
}

/** `stopReason` bits → reasons, carriers.md §1 and §5. */
export const STOP_REASON_BITS: readonly StopBit[] = [
  bit(0, SuspendReason.PLAN_EXPIRED, 'product expired'),
  bit(1, SuspendReason.DEVICE_REBIND, '机卡分离'),
  bit(3, SuspendReason.CARRIER_CONTROL, 'M2M management stop'),
  bit(4, SuspendReason.CREDIT_CONTROL, '信控停机'),
  bit(8, SuspendReason.MANUAL, '主动停机'),
  bit(9, SuspendReason.VIOLATION, '区域限制'),
  bit(10, SuspendReason.CARRIER_CONTROL, 'forced stop'),
];
const PRODUCT_EXPIRED_INDEX = 0;

export interface StopReasonReading {
  reasons: SuspendReason[];
  productExpired: boolean;
  /** Bits set that no row knows (they add UNKNOWN), or the whole value when it is not a 12-character 0/2 map. */
  unknownBits: number[];
  malformed: boolean;
}

/**
 * Reads the bitmap. Known bits give their reasons; a set bit no row knows, or a value that is not twelve
 * `0`/`2` characters, adds `UNKNOWN` (never guess a resumable reason). No bit set gives no reason.
 */
export function readStopReason(stopReason: string | null | undefined): StopReasonReading {
  if (stopReason === null || stopReason === undefined || stopReason === '') {
    return { reasons: [], productExpired: false, unknownBits: [], malformed: false };
  }
  if (!/^[02]{12}$/.test(stopReason)) {
    return { reasons: [SuspendReason.UNKNOWN], productExpired: false, unknownBits: [], malformed: true };
  }
  const reasons: SuspendReason[] = [];
  const unknownBits: number[] = [];
  for (let i = 0; i < 12; i++) {
    if (stopReason[i] !== '2') continue;
    const known = STOP_REASON_BITS.find((b) => b.index === i);
    if (known) reasons.push(known.reason);
    else unknownBits.push(i);
  }
  if (unknownBits.length) reasons.push(SuspendReason.UNKNOWN);
  return {
    reasons: normalizeReasons(reasons),
    productExpired: stopReason[PRODUCT_EXPIRED_INDEX] === '2',
    unknownBits,
    malformed: false,
  };
}

export interface MappedStatus {
  status: CardStatus;
  suspendReason: SuspendReason | null;
  suspendReasons: SuspendReason[];
  codeSet: CodeSet | null;
}

/**
 * `cardStatus` (+ `stopReason` for stopped cards) → status and reasons. CT `4` with the product-expired bit
 * is DEACTIVATED; several bits keep every reason, the primary being the hardest to recover (§5 order).
 */
export function mapStatus(cardStatus: string, stopReason: string | null | undefined): MappedStatus {
  const rule = statusRule(cardStatus);
  const codeSet = codeSetOf(cardStatus);
  if (!rule) return { ...statusWithReasons(CardStatus.UNKNOWN, [], primaryReason), codeSet };
  if (rule.reason !== 'BITS') {
    return { ...statusWithReasons(rule.status, rule.reason ? [rule.reason] : [], primaryReason), codeSet };
  }
  const bits = readStopReason(stopReason);
  const status = cardStatus === '4' && bits.productExpired ? CardStatus.DEACTIVATED : rule.status;
  return { ...statusWithReasons(status, bits.reasons, primaryReason), codeSet };
}

// ---------------------------------------------------------------------------------------------- values

/** A kilobyte decimal string → bytes (× 1024, rounded). Anything but a non-negative number is malformed. */
export function kilobytesToBytes(value: string, what = 'data amount'): number {
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) throw bad(`${what} '${value}'`);
  const bytes = Math.round(Number(text) * 1024);
  if (!Number.isSafeInteger(bytes)) throw bad(`${what} '${value}'`);
  return bytes;
}

function localDate(text: string | null): Date | null {
  return text ? parseLocalDateTime(text, SHANGHAI) : null;
}

/** `asOf` of a usage figure: now for OneLink-CT cards, the start of today (Asia/Shanghai) for PB cards. */
export function usageAsOf(codeSet: CodeSet | null, at: Date): Date {
  // A card whose code set is unknown gets the older of the two: never claim fresher data than we have.
  return codeSet === 'CT' ? at : startOfDayInZone(at, SHANGHAI);
}

// ---------------------------------------------------------------------------------------------- cards

export interface CardInputs {
  /** The ICCID simgate asked for. */
  iccid: string;
  /** A `sim-card-info/batch` item (status "0"). */
  info: SimCardInfo;
  /** A `sim-status/batch` item. */
  status: SimStatus;
  /** A `sim-stop-reason` result, for stopped cards. */
  stop?: SimStopReason;
  /** A `sim-basic-info` result, when dates were asked for. */
  basic?: SimBasicInfo;
  /** Dates simgate already knows, used when `basic` is absent. */
  knownDates?: { openedAt?: Date | null; activatedAt?: Date | null };
}

export function mapCard(input: CardInputs, at: Date): CardRecord {
  const { info, status: st } = input;
  const stop = input.stop ?? null;
  const basic = input.basic ?? null;
  const mapped = mapStatus(st.cardStatus, stop?.stopReason);
  const raw: Record<string, unknown> = { cardStatus: st.cardStatus, codeSet: mapped.codeSet };
  if (st.lastChangeDate) raw.lastChangeDate = st.lastChangeDate;
  if (stop?.shutdownReasonDesc) raw.shutdownReasonDesc = stop.shutdownReasonDesc;
  if (basic?.openDate) raw.openDate = basic.openDate;
  if (basic?.activeDate) raw.activeDate = basic.activeDate;
  return {
    iccid: input.iccid,
    msisdn: info.msisdn ?? st.msisdn ?? basic?.msisdn ?? null,
    imsi: info.imsi ?? basic?.imsi ?? null,
    imei: null,
    status: mapped.status,
    suspendReason: mapped.suspendReason,
    suspendReasons: mapped.suspendReasons,
    rawStatus: st.cardStatus,
    rawReason: stop?.stopReason ?? null,
    activatedAt: basic ? localDate(basic.activeDate) : (input.knownDates?.activatedAt ?? null),
    openedAt: basic ? localDate(basic.openDate) : (input.knownDates?.openedAt ?? null),
    plan: null,
    poolId: null,
    asOf: at,
    raw,
  };
}

// ---------------------------------------------------------------------------------------------- usage

/** Sum of the offerings' `totalAmount` in bytes; null when the card has no offering. */
export function offeringsTotalBytes(offerings: readonly Offering[]): number | null {
  if (!offerings.length) return null;
  return offerings.reduce((sum, o) => sum + kilobytesToBytes(o.totalAmount, 'totalAmount'), 0);
}

/**
 * Month-to-date usage: `sim-data-usage` dataAmount (KB → bytes), quota = the sum of `sim-data-margin`
 * `totalAmount` (null without a margin answer or offering), cycle = the natural month containing `asOf`.
 */
export function mapUsage(iccid: string, u: SimDataUsage, m: SimDataMargin | null, codeSet: CodeSet | null, at: Date): UsageSnapshot {
  const usedBytes = kilobytesToBytes(u.dataAmount);
  const quotaBytes = m ? offeringsTotalBytes(m.accmMarginList) : null;
  const asOf = usageAsOf(codeSet, at);
  const raw: Record<string, unknown> = { dataAmount: u.dataAmount, codeSet };
  if (u.apnUseAmountList.length) raw.apnUseAmountList = u.apnUseAmountList;
  if (m) raw.accmMarginList = m.accmMarginList;
  return usageSnapshot(iccid, usedBytes, quotaBytes, cycleContaining(ONELINK_CYCLE, asOf), asOf, raw);
}

/** A `sim-data-usage-monthly/batch` item → usage of the cycle `label` (no quota: margins are current only). */
export function mapMonthlyUsage(iccid: string, m: BatchDataAmount, label: string, at: Date): UsageSnapshot {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(label)) throw new Rejected(`cycle label must be yyyy-MM, got '${label}'`, { platform: manifest.id });
  const cycle = cycleForLabel(ONELINK_CYCLE, label);
  const asOf = cycle.end.getTime() < at.getTime() ? cycle.end : at;
  return usageSnapshot(iccid, kilobytesToBytes(m.dataAmount), null, cycle, asOf, { dataAmount: m.dataAmount, queryDate: label.replace('-', '') });
}

/** A `sim-data-usage-daily/batch` item → the card's usage on `day` (`yyyy-MM-dd`). */
export function mapDailyUsage(iccid: string, d: BatchDataAmount, day: string): DailyUsage {
  return { iccid, day, usedBytes: kilobytesToBytes(d.dataAmount), raw: { dataAmount: d.dataAmount } };
}

// ---------------------------------------------------------------------------------------------- pools

/**
 * A OneLink group (流量池共享) → a pool. OneLink groups share the members' plans, so they are forward pools;
 * total = Σ `flowPoolSharingInfo.totalAmount`, used = `group-data-usage.useAmount`.
 */
export function mapPool(groupId: string, u: GroupDataUsage, m: GroupDataMargin, memberTotal: string | null, at: Date): PoolRecord {
  const usedBytes = kilobytesToBytes(u.useAmount, 'useAmount');
  const totalBytes = offeringsTotalBytes(m.flowPoolSharingInfo);
  const remainingBytes = totalBytes === null ? null : totalBytes - usedBytes;
  let memberCount: number | null = null;
  if (memberTotal !== null) {
    const n = Number(memberTotal);
    if (!Number.isSafeInteger(n) || n < 0) throw bad('group-member total');
    memberCount = n;
  }
  const names = m.flowPoolSharingInfo.map((o) => o.offeringName).filter((n): n is string => !!n);
  return {
    poolId: groupId,
    name: names.length ? names.join(' + ') : null,
    type: PoolType.FORWARD,
    state: remainingBytes !== null && remainingBytes <= 0 ? PoolState.EXHAUSTED : PoolState.ACTIVE,
    perCardBytes: null,
    totalBytes,
    usedBytes,
    remainingBytes,
    memberCount,
    asOf: at,
    raw: { useAmount: u.useAmount, flowPoolSharingInfo: m.flowPoolSharingInfo },
  };
}

// ---------------------------------------------------------------------------------------------- orders

/** `query/order-info` status → progress. Only `completed` and `failed` are final; anything else is pending. */
export const ORDER_STATUS: Readonly<Record<string, OperationState.SUBMITTED | OperationState.COMPLETED | OperationState.FAILED>> = {
  acknowledged: OperationState.SUBMITTED,
  inProgress: OperationState.SUBMITTED,
  completed: OperationState.COMPLETED,
  failed: OperationState.FAILED,
};

export function mapOrderProgress(iccids: readonly string[], o: OrderInfo): OperationProgress {
  const state = (Object.hasOwn(ORDER_STATUS, o.status) ? ORDER_STATUS[o.status] : undefined) ?? OperationState.SUBMITTED;
  const message = `order ${o.orderNum ?? ''} ${o.status}`.replace(/\s+/g, ' ').trim();
  return {
    state,
    items: iccids.map((iccid) => ({ iccid, state, message })),
    message,
    raw: { ...o },
  };
}

/** `jobStatus` → overall state: 0/1 pending, 2 done, 3 done with failures (per item), 4 failed. */
export const JOB_STATUS: Readonly<Record<string, 'PENDING' | 'DONE' | 'PARTIAL' | 'FAILED'>> = {
  '0': 'PENDING',
  '1': 'PENDING',
  '2': 'DONE',
  '3': 'PARTIAL',
  '4': 'FAILED',
};

/**
 * `query/sim-batch-result` → progress. `resultId` names the card by MSISDN (or ICCID); `msisdnOf` maps the
 * receipt's ICCIDs to the MSISDNs submitted. For jobStatus 3 an item without a result line is FAILED
 * (the job is over and the platform did not confirm it); the job is COMPLETED when at least one card
 * succeeded, FAILED when none did.
 */
export function mapBatchProgress(iccids: readonly string[], msisdnOf: Readonly<Record<string, string>>, r: BatchResultInfo): OperationProgress {
  const kind = (Object.hasOwn(JOB_STATUS, r.jobStatus) ? JOB_STATUS[r.jobStatus] : undefined) ?? 'PENDING';
  const raw = { jobStatus: r.jobStatus, resultList: r.resultList };
  if (kind === 'PENDING') {
    return { state: OperationState.SUBMITTED, items: iccids.map((iccid) => ({ iccid, state: OperationState.SUBMITTED })), raw };
  }
  if (kind === 'FAILED') {
    return {
      state: OperationState.FAILED,
      items: iccids.map((iccid) => ({ iccid, state: OperationState.FAILED, message: 'job failed (jobStatus 4)' })),
      message: 'job failed (jobStatus 4)',
      raw,
    };
  }
  const items: OperationItemProgress[] = iccids.map((iccid) => {
    const line = r.resultList.find((l) => l.resultId !== null && (l.resultId === msisdnOf[iccid] || l.resultId === iccid));
    if (kind === 'DONE' && (!line || line.status === '0')) return { iccid, state: OperationState.COMPLETED };
    if (!line) return { iccid, state: OperationState.FAILED, message: 'no result line for this card (jobStatus 3)' };
    return line.status === '0'
      ? { iccid, state: OperationState.COMPLETED }
      : { iccid, state: OperationState.FAILED, message: `${line.status} ${line.message ?? ''}`.trim() };
  });
  const anyDone = items.some((i) => i.state === OperationState.COMPLETED);
  return {
    state: anyDone ? OperationState.COMPLETED : OperationState.FAILED,
    items,
    message: kind === 'PARTIAL' ? 'done with failures (jobStatus 3)' : 'done (jobStatus 2)',
    raw,
  };
}
