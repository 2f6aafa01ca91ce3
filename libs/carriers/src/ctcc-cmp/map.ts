import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ZodType, ZodTypeDef } from 'zod';
import {
  CardStatus,
  cycleContaining,
  MB,
  monthlyPlan,
  parseLocalDateTime,
  SHANGHAI,
  statusWithReasons,
  SuspendReason,
  primaryReason,
  usageSnapshot,
  type CardRecord,
  type CardRef,
  type DailyUsage,
  type Plan,
  type UsageSnapshot,
} from '@simgate/core';
import { classify, cycleOfLabel as cycleOf, emptyToNull, malformed, parseJson, parseWith, wholeNumber, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';
import {
  cardMainStatusResponseSchema,
  orderResponseSchema,
  simListItemSchema,
  simListResponseSchema,
  trafficResponseSchema,
  type CardMainStatusResponse,
  type OrderResponse,
  type SimListItem,
  type TrafficAnswer,
} from './wire';

/**
 * CTCC CMP answers → the core model (carriers.md §3, §5). Pure: no I/O, no clock (the instant `at` is
 * passed in), Asia/Shanghai whatever the process zone. Every function either returns a valid core value
 * or throws a `CarrierError` (`Transient` for an unreadable answer, the table's class for a platform code).
 */

// ---------------------------------------------------------------------------------------------------------
// Status (carriers.md §5, ctcc-cmp block), as data.

export const NET_BLOCKED = '已断网';
export const NET_OPEN = '未断网';

interface StatusRow {
  status: CardStatus;
  reason: SuspendReason | null;
  label: string;
}

/** `productMainStatusCd` → status. `4` and `5` are refined below by `netBlockStatusName` and simgate's hints. */
export const CTCC_STATUS: Readonly<Record<string, StatusRow>> = {
  '1': { status: CardStatus.INVENTORY, reason: null, label: '可激活' },
  '2': { status: CardStatus.TEST, reason: null, label: '测试激活' },
  '3': { status: CardStatus.INVENTORY, reason: null, label: '测试去激活' },
  '4': { status: CardStatus.ACTIVE, reason: null, label: '在用' },
  '5': { status: CardStatus.SUSPENDED, reason: SuspendReason.UNKNOWN, label: '停机' },
  '6': { status: CardStatus.SUSPENDED, reason: SuspendReason.CARRIER_CONTROL, label: '运营商管理状态' },
  '7': { status: CardStatus.CANCELLED, reason: null, label: '拆机' },
};

export interface CtccStatus {
  status: CardStatus;
  suspendReason: SuspendReason | null;
  suspendReasons: SuspendReason[];
}

/**
 * The normalized status of a CTCC card.
 * @param code `productMainStatusCd` / `simStatus`
 * @param netBlockStatusName `未断网` / `已断网`; null when the answer has none (getSIMList)
 * @param stoppedBySimgate simgate itself stopped the card with `disabledNumber 19` and nothing resumed it
 */
export function ctccStatus(code: string | null, netBlockStatusName: string | null, stoppedBySimgate = false): CtccStatus {
  const key = code === null ? '' : code.trim();
  // Own keys only: a raw value such as `constructor` must not find Object.prototype.
  const row = Object.prototype.hasOwnProperty.call(CTCC_STATUS, key) ? CTCC_STATUS[key] : undefined;
  if (!row) return statusWithReasons(CardStatus.UNKNOWN, [], primaryReason);
  if (row.status === CardStatus.ACTIVE) {
    const net = (netBlockStatusName ?? '').trim();
    if (net === NET_BLOCKED) return statusWithReasons(CardStatus.SUSPENDED, [SuspendReason.USAGE_CAP], primaryReason);
    if (net === NET_OPEN || net === '') return statusWithReasons(CardStatus.ACTIVE, [], primaryReason);
    // A network state no table knows: say so rather than guess.
    return statusWithReasons(CardStatus.UNKNOWN, [], primaryReason);
  }
  if (key === '5') {
    return statusWithReasons(CardStatus.SUSPENDED, [stoppedBySimgate ? SuspendReason.MANUAL : SuspendReason.UNKNOWN], primaryReason);
  }
  return statusWithReasons(row.status, row.reason ? [row.reason] : [], primaryReason);
}

// ---------------------------------------------------------------------------------------------------------
// Units and times.

const MB_TEXT = /^\s*(\d+(?:\.\d+)?)\s*(?:MB)?\s*$/i;

/** `512.00MB` → bytes (× 1,048,576, rounded); null when the text is no MB amount. */
export function mbTextToBytes(value: string | null): number | null {
  if (value === null) return null;
  const m = MB_TEXT.exec(value);
  if (!m) return null;
  const bytes = Math.round(Number(m[1]) * MB);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Shanghai wall-clock text → instant; null when empty or unreadable. */
export function shanghaiTime(value: string | null): Date | null {
  if (!value || !value.trim()) return null;
  return parseLocalDateTime(value, SHANGHAI);
}

/** `yyyyMMdd` → `yyyy-MM-dd`, checked against the calendar; null otherwise. */
export function dayFromCompact(value: string | null): string | null {
  if (!value || !/^\d{8}$/.test(value.trim())) return null;
  const v = value.trim();
  const day = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  const parsed = parseLocalDateTime(day, SHANGHAI);
  return parsed ? day : null;
}

/** `yyyy-MM-dd` → `yyyyMMdd`. */
export function compactDay(day: string): string {
  return day.replace(/-/g, '');
}

/** Plan volume configured for the account (`options.planMb`): CTCC serves none. */
export function planFromMb(planMb: number | null): Plan | null {
  return planMb === null ? null : monthlyPlan(Math.round(planMb * MB));
}

// ---------------------------------------------------------------------------------------------------------
// Decoding answers.

function decodeJson<T>(body: string, schema: ZodType<T, ZodTypeDef, unknown>, ctx: AnswerContext): T {
  const value = parseJson(errorTable, body, ctx);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(errorTable, ctx, 'not a JSON object');
  const code = (value as { resultCode?: unknown }).resultCode;
  const codeText = typeof code === 'string' || typeof code === 'number' ? String(code).trim() : null;
  if (codeText === null) throw malformed(errorTable, ctx, 'no resultCode');
  if (codeText !== '0') {
    const msg = (value as { resultMsg?: unknown }).resultMsg;
    throw classify(errorTable, ctx, { code: codeText, message: typeof msg === 'string' ? msg : '' });
  }
  return parseWith(errorTable, schema, value, ctx);
}

const xml = new XMLParser({
  // Keep every value as the text the platform sent: `0`, `512.00MB`, `20261201` stay strings.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  trimValues: true,
  isArray: (name) => name === 'ITEM',
});

/** The traffic XML, checked whole before it is read (a truncated document is transient). */
export function decodeTraffic(body: string, ctx: AnswerContext): TrafficAnswer {
  if (!body.trim().startsWith('<')) throw malformed(errorTable, ctx, 'not XML');
  if (XMLValidator.validate(body) !== true) throw malformed(errorTable, ctx, 'XML does not parse (truncated?)');
  let doc: unknown;
  try {
    doc = xml.parse(body);
  } catch {
    throw malformed(errorTable, ctx, 'XML does not parse');
  }
  const answer = parseWith(errorTable, trafficResponseSchema, doc, ctx).root.NEW_DATA_TICKET_QRsp;
  const code = (answer.IRESULT ?? '').trim();
  if (code === '') throw malformed(errorTable, ctx, 'no IRESULT');
  if (code !== '0') {
    const msg = (answer as Record<string, unknown>).SMSG ?? (answer as Record<string, unknown>).resultMsg;
    throw classify(errorTable, ctx, { code, message: typeof msg === 'string' ? msg : '' });
  }
  return answer;
}

// ---------------------------------------------------------------------------------------------------------
// Mappers: answer text → core values.

export interface SimListPage {
  cards: CardRecord[];
  totalCount: number | null;
  pageIndex: number | null;
}

/** One `simList` entry → a card record. `simList` has no `netBlockStatusName`: status `4` reads ACTIVE here. */
export function mapSimListItem(item: SimListItem, at: Date, ctx: AnswerContext): CardRecord {
  const iccid = emptyToNull(item.iccid);
  if (!iccid) throw malformed(errorTable, ctx, 'a simList entry has no iccid');
  const rawStatus = item.simStatus ?? '';
  const s = ctccStatus(item.simStatus, null, false);
  const activationTime = emptyToNull(item.activationTime);
  return {
    iccid,
    msisdn: emptyToNull(item.accNumber),
    imsi: emptyToNull(item.imsi),
    imei: null,
    ...s,
    rawStatus,
    rawReason: null,
    activatedAt: shanghaiTime(activationTime),
    openedAt: null,
    plan: null,
    poolId: null,
    asOf: at,
    raw: { simStatus: rawStatus, activationTime: item.activationTime, source: 'getSIMList' },
  };
}

export function mapSimListPage(body: string, at: Date, ctx: AnswerContext, planMb: number | null = null): SimListPage {
  const page = decodeJson(body, simListResponseSchema, ctx);
  const plan = planFromMb(planMb);
  const cards = page.simList.map((entry, i) => {
    const parsed = simListItemSchema.safeParse(entry);
    if (!parsed.success || typeof entry !== 'object' || entry === null) {
      throw malformed(errorTable, ctx, `simList[${i}] is not a card`);
    }
    return { ...mapSimListItem(parsed.data, at, ctx), plan };
  });
  return { cards, totalCount: wholeNumber(page.totalCount), pageIndex: wholeNumber(page.pageIndex) };
}

/** `queryCardMainStatus` → a card record for `ref` (the answer names no ICCID, IMSI or IMEI). */
export function mapCardMainStatus(body: string, ref: CardRef, at: Date, ctx: AnswerContext, planMb: number | null = null): CardRecord {
  const a: CardMainStatusResponse = decodeJson(body, cardMainStatusResponseSchema, ctx);
  const product = a.productInfo[0];
  if (!product) throw malformed(errorTable, ctx, 'productInfo is empty');
  const code = product.productMainStatusCd === null ? null : product.productMainStatusCd.trim();
  const net = a.netBlockStatusName;
  const s = ctccStatus(code, net, ref.hints?.stoppedBySimgate === true);
  const number = emptyToNull(a.number);
  const rawReason =
    s.status === CardStatus.SUSPENDED || s.status === CardStatus.DEACTIVATED
      ? code === '4'
        ? net
        : product.productMainStatusName
      : null;
  return {
    iccid: ref.iccid,
    msisdn: ref.msisdn ?? (number && number !== ref.iccid ? number : null),
    imsi: null,
    imei: null,
    ...s,
    rawStatus: product.productMainStatusCd ?? '',
    rawReason,
    // The answer serves no activation time: keep what simgate already stores for the card.
    activatedAt: ref.hints?.activatedAt ?? null,
    openedAt: shanghaiTime(a.servCreateDate) ?? ref.hints?.openedAt ?? null,
    plan: planFromMb(planMb),
    poolId: null,
    asOf: at,
    raw: {
      productMainStatusCd: product.productMainStatusCd,
      productMainStatusName: product.productMainStatusName,
      netBlockStatusName: net,
      servCreateDate: a.servCreateDate,
      GROUP_TRANSACTIONID: a.GROUP_TRANSACTIONID,
      ...(ref.hints?.stoppedBySimgate ? { stoppedBySimgate: true } : {}),
      source: 'queryCardMainStatus',
    },
  };
}

/** `queryTraffic` → month-to-date usage in the natural month (Asia/Shanghai) containing `at`. */
export function mapTraffic(body: string, ref: CardRef, at: Date, ctx: AnswerContext, planMb: number | null = null): UsageSnapshot {
  const a = decodeTraffic(body, ctx);
  const used = mbTextToBytes(a.TOTAL_BYTES_CNT);
  if (used === null) throw malformed(errorTable, ctx, `TOTAL_BYTES_CNT '${a.TOTAL_BYTES_CNT ?? ''}' is no MB amount`);
  const quota = planMb === null ? null : Math.round(planMb * MB);
  return usageSnapshot(ref.iccid, used, quota, cycleContaining(manifest.billingCycle, at), at, {
    TOTAL_BYTES_CNT: a.TOTAL_BYTES_CNT,
    GROUP_TRANSACTIONID: a.GROUP_TRANSACTIONID,
  });
}

/** `queryTrafficByDate` with `needDtl=1` → one entry per `<ITEM>` (day in Asia/Shanghai). */
export function mapDailyTraffic(body: string, ref: CardRef, ctx: AnswerContext): DailyUsage[] {
  const a = decodeTraffic(body, ctx);
  return a.ITEM.map((item, i) => {
    const day = dayFromCompact(item.DATE);
    const usedBytes = mbTextToBytes(item.BYTES_CNT);
    if (day === null || usedBytes === null) {
      throw malformed(errorTable, ctx, `ITEM[${i}] has no valid DATE/BYTES_CNT`);
    }
    return { iccid: ref.iccid, day, usedBytes, raw: { DATE: item.DATE, BYTES_CNT: item.BYTES_CNT } };
  });
}

/** An order answer (`disabledNumber`, `requestServActive`, `offNetAction`, `IMEIReRecord`): `resultCode 0` or a typed error. */
export function mapOrderAnswer(body: string, ctx: AnswerContext): OrderResponse {
  return decodeJson(body, orderResponseSchema, ctx);
}

/** The cycle billed in `label` (`yyyy-MM`), or null when the label is no month. */
export function cycleOfLabel(label: string): ReturnType<typeof cycleOf> {
  return cycleOf(manifest.billingCycle, label);
}

/**
 * `queryTrafficByDate` (`needDtl=0`) over a whole past cycle → that cycle's usage. `asOf` is the cycle's end
 * once it is over (the figure is final), else `at`.
 */
export function mapCycleTraffic(body: string, ref: CardRef, label: string, at: Date, ctx: AnswerContext, planMb: number | null = null): UsageSnapshot {
  const cycle = cycleOfLabel(label);
  if (!cycle) throw malformed(errorTable, ctx, `cycle label '${label}' is no yyyy-MM`);
  const a = decodeTraffic(body, ctx);
  const used = mbTextToBytes(a.TOTAL_BYTES_CNT);
  if (used === null) throw malformed(errorTable, ctx, `TOTAL_BYTES_CNT '${a.TOTAL_BYTES_CNT ?? ''}' is no MB amount`);
  const quota = planMb === null ? null : Math.round(planMb * MB);
  const asOf = cycle.end.getTime() < at.getTime() ? cycle.end : at;
  return usageSnapshot(ref.iccid, used, quota, cycle, asOf, { TOTAL_BYTES_CNT: a.TOTAL_BYTES_CNT, GROUP_TRANSACTIONID: a.GROUP_TRANSACTIONID, label });
}
