import { DateTime } from 'luxon';
import type { ZodType, ZodTypeDef } from 'zod';
import {
  CardStatus,
  cycleContaining,
  lifetimePlan,
  MB,
  primaryReason,
  statusWithReasons,
  SuspendReason,
  UTC,
  withLuhn,
  type CardRecord,
  type CardRef,
  type DailyUsage,
  type UsageSnapshot,
} from '@simgate/core';
import { cycleOfLabel as cycleOf, emptyToNull, malformed, parseJson, parseWith, wholeNumber, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';
import {
  dataQuotaSchema,
  simListSchema,
  simSchema,
  usageResponseSchema,
  type DataQuota,
  type Sim,
  type UsageStat,
} from './wire';

/**
 * 1NCE answers → the core model (carriers.md §4, §5). Pure: no I/O, no clock (`at` is passed in), UTC
 * whatever the process zone. Every function returns a valid core value or throws a `CarrierError`.
 */

// ---------------------------------------------------------------------------------------------------------
// Units, identifiers, times.

const MB_TEXT = /^\s*(-?\d+(?:\.\d+)?)\s*$/;

/** MB as a decimal string → bytes (× 1,048,576, rounded); null when no amount. Negative only when allowed. */
export function mbToBytes(value: string | null, allowNegative = false): number | null {
  if (value === null) return null;
  const m = MB_TEXT.exec(value);
  if (!m) return null;
  const bytes = Math.round(Number(m[1]) * MB);
  if (!Number.isSafeInteger(bytes) || (!allowNegative && bytes < 0)) return null;
  return bytes === 0 ? 0 : bytes;
}

/** 1NCE's own `iccid`: the 19 digits without the Luhn check digit (simgate keeps the 20-digit form). */
export function nativeIccid(iccid: string): string {
  return /^\d{20}$/.test(iccid) ? iccid.slice(0, 19) : iccid;
}

/** simgate's ICCID of a SIM: `iccid_with_luhn`, else the Luhn digit appended to `iccid`. */
export function simgateIccid(sim: Pick<Sim, 'iccid' | 'iccid_with_luhn'>): string | null {
  const full = sim.iccid_with_luhn?.trim();
  if (full) return full;
  const body = sim.iccid?.trim();
  if (body && /^\d{18,19}$/.test(body)) return withLuhn(body);
  return null;
}

/** An instant written by 1NCE (ISO 8601 with `Z`, `+00:00` or `+0000`, SQL-style, or a bare date), UTC. */
export function utcInstant(value: string | null): Date | null {
  if (!value || !value.trim()) return null;
  const v = value.trim();
  for (const dt of [DateTime.fromISO(v, { zone: UTC }), DateTime.fromSQL(v, { zone: UTC })]) {
    if (dt.isValid) return dt.toJSDate();
  }
  return null;
}

/** The UTC day (`yyyy-MM-dd`) a stat's `date` names; null when unreadable. */
export function utcDay(value: string | null): string | null {
  const t = utcInstant(value);
  return t ? DateTime.fromJSDate(t, { zone: UTC }).toFormat('yyyy-MM-dd') : null;
}

// ---------------------------------------------------------------------------------------------------------
// Status (carriers.md §5, intl-1nce block): rows lower in the block win.

export interface OneNceStatus {
  status: CardStatus;
  suspendReason: SuspendReason | null;
  suspendReasons: SuspendReason[];
  rawReason: string | null;
}

export const QUOTA_EXHAUSTED_ID = '2';

/**
 * Status of a SIM, from the SIM and (when read) its data quota. Rows of §5, later rows winning:
 * Enabled without activation_date → INVENTORY; Enabled, activated → ACTIVE; quota_status.id 2 → SUSPENDED
 * OVER_QUOTA; Disabled → SUSPENDED MANUAL; expiry_date in the past → DEACTIVATED PLAN_EXPIRED.
 */
export function oneNceStatus(
  sim: Pick<Sim, 'status' | 'activation_date' | 'quota_status'>,
  quota: Pick<DataQuota, 'expiry_date'> | null,
  at: Date,
): OneNceStatus {
  const raw = (sim.status ?? '').trim();
  let result: { status: CardStatus; reason: SuspendReason | null; rawReason: string | null } = {
    status: CardStatus.UNKNOWN,
    reason: null,
    rawReason: null,
  };
  if (raw === 'Enabled') {
    const activated = (sim.activation_date ?? '').trim() !== '';
    result = { status: activated ? CardStatus.ACTIVE : CardStatus.INVENTORY, reason: null, rawReason: null };
  }
  const quotaStatusId = sim.quota_status?.id?.trim() ?? null;
  if (quotaStatusId === QUOTA_EXHAUSTED_ID) {
    result = { status: CardStatus.SUSPENDED, reason: SuspendReason.OVER_QUOTA, rawReason: sim.quota_status?.description ?? `quota_status.id=${quotaStatusId}` };
  }
  if (raw === 'Disabled') result = { status: CardStatus.SUSPENDED, reason: SuspendReason.MANUAL, rawReason: null };
  const expiry = utcInstant(quota?.expiry_date ?? null);
  if (expiry && expiry.getTime() <= at.getTime()) {
    result = { status: CardStatus.DEACTIVATED, reason: SuspendReason.PLAN_EXPIRED, rawReason: `expiry_date=${quota!.expiry_date}` };
  }
  const s = statusWithReasons(result.status, result.reason ? [result.reason] : [], primaryReason);
  return { ...s, rawReason: s.suspendReason ? result.rawReason : null };
}

// ---------------------------------------------------------------------------------------------------------
// Decoding and mapping.

function decodeJson<T>(body: string, schema: ZodType<T, ZodTypeDef, unknown>, ctx: AnswerContext): T {
  return parseWith(errorTable, schema, parseJson(errorTable, body, ctx), ctx);
}

/** A SIM (and its data quota when read) → a card record. */
export function mapSim(sim: Sim, quota: DataQuota | null, at: Date, ctx: AnswerContext): CardRecord {
  const iccid = simgateIccid(sim);
  if (!iccid) throw malformed(errorTable, ctx, 'a SIM has no iccid_with_luhn nor a numeric iccid');
  const s = oneNceStatus(sim, quota, at);
  let plan: CardRecord['plan'] = null;
  if (quota) {
    const total = mbToBytes(quota.total_volume);
    // The expiry is the carrier's statement of the plan's end (lifecycle forecast `expiresAt`, basis CARRIER).
    const expiry = utcInstant(quota.expiry_date ?? null);
    if (total !== null) plan = expiry ? { ...lifetimePlan(total), expiresAt: expiry.toISOString() } : lifetimePlan(total);
  }
  return {
    iccid,
    msisdn: emptyToNull(sim.msisdn),
    imsi: emptyToNull(sim.imsi),
    imei: emptyToNull(sim.imei),
    status: s.status,
    suspendReason: s.suspendReason,
    suspendReasons: s.suspendReasons,
    rawStatus: sim.status ?? '',
    rawReason: s.rawReason,
    activatedAt: utcInstant(sim.activation_date),
    openedAt: null,
    plan,
    poolId: null,
    asOf: at,
    raw: {
      iccid: sim.iccid,
      imei_lock: sim.imei_lock,
      ip_address: sim.ip_address,
      current_quota: sim.current_quota,
      quota_status: sim.quota_status,
      label: sim.label,
      ...(quota ? { expiry_date: quota.expiry_date, volume: quota.volume, total_volume: quota.total_volume } : {}),
    },
  };
}

export interface SimListPage {
  cards: CardRecord[];
  totalPages: number | null;
  totalCount: number | null;
}

/** `GET /v1/sims` → cards (no data quota: an expired plan shows only through `quota/data`) and the paging headers. */
export function mapSimListPage(body: string, headers: Record<string, string>, at: Date, ctx: AnswerContext): SimListPage {
  const list = decodeJson(body, simListSchema, ctx);
  const cards = list.map((entry, i) => {
    const parsed = simSchema.safeParse(entry);
    if (!parsed.success || typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw malformed(errorTable, ctx, `entry ${i} is not a SIM`);
    }
    return mapSim(parsed.data, null, at, ctx);
  });
  return { cards, totalPages: wholeNumber(headers['x-total-pages']), totalCount: wholeNumber(headers['x-total-count']) };
}

export function decodeSim(body: string, ctx: AnswerContext): Sim {
  return decodeJson(body, simSchema, ctx);
}

export function decodeQuota(body: string, ctx: AnswerContext): DataQuota {
  return decodeJson(body, dataQuotaSchema, ctx);
}

/** `GET /v1/sims/{iccid}` + `GET /v1/sims/{iccid}/quota/data` → a full card record. */
export function mapSimWithQuota(simBody: string, quotaBody: string, at: Date, simCtx: AnswerContext, quotaCtx: AnswerContext): CardRecord {
  return mapSim(decodeSim(simBody, simCtx), decodeQuota(quotaBody, quotaCtx), at, simCtx);
}

function statBytes(stat: UsageStat, i: number, ctx: AnswerContext): { day: string; bytes: number; volume: string } {
  const day = utcDay(stat.date);
  const bytes = mbToBytes(stat.data.volume);
  if (day === null || bytes === null) throw malformed(errorTable, ctx, `stats[${i}] has no valid date/volume`);
  return { day, bytes, volume: stat.data.volume ?? '' };
}

/**
 * Cycle usage: the sum of the daily stats inside the natural month (UTC) containing `at` (each day's MB
 * converted to bytes, then added); the plan is a lifetime volume, so `quotaBytes` = `total_volume` and
 * `remainingBytes` = `volume` as 1NCE states them (not quota − this month's use).
 */
export function mapUsage(usageBody: string, quotaBody: string, ref: CardRef, at: Date, usageCtx: AnswerContext, quotaCtx: AnswerContext): UsageSnapshot {
  const usage = decodeJson(usageBody, usageResponseSchema, usageCtx);
  const quota = decodeQuota(quotaBody, quotaCtx);
  const cycle = cycleContaining(manifest.billingCycle, at);
  const first = DateTime.fromJSDate(cycle.start, { zone: UTC }).toFormat('yyyy-MM-dd');
  const last = DateTime.fromJSDate(new Date(cycle.end.getTime() - 1), { zone: UTC }).toFormat('yyyy-MM-dd');
  let used = 0;
  let days = 0;
  usage.stats.forEach((stat, i) => {
    const s = statBytes(stat, i, usageCtx);
    if (s.day >= first && s.day <= last) {
      used += s.bytes;
      days++;
    }
  });
  const quotaBytes = mbToBytes(quota.total_volume);
  const remainingBytes = quotaBytes === null ? null : mbToBytes(quota.volume, true);
  if (!Number.isSafeInteger(used)) throw malformed(errorTable, usageCtx, 'usage total out of range');
  return {
    iccid: ref.iccid,
    usedBytes: used,
    quotaBytes,
    remainingBytes,
    cycleStart: cycle.start,
    cycleEnd: cycle.end,
    asOf: at,
    raw: { days, volume: quota.volume, total_volume: quota.total_volume, expiry_date: quota.expiry_date },
  };
}

/** `/usage` → one entry per UTC day (stats of the same day added). */
export function mapDailyUsage(usageBody: string, ref: CardRef, ctx: AnswerContext): DailyUsage[] {
  const usage = decodeJson(usageBody, usageResponseSchema, ctx);
  const byDay = new Map<string, { bytes: number; volumes: string[] }>();
  usage.stats.forEach((stat, i) => {
    const s = statBytes(stat, i, ctx);
    const d = byDay.get(s.day) ?? { bytes: 0, volumes: [] };
    d.bytes += s.bytes;
    d.volumes.push(s.volume);
    byDay.set(s.day, d);
  });
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, d]) => ({ iccid: ref.iccid, day, usedBytes: d.bytes, raw: { volume: d.volumes } }));
}

/** The cycle billed in `label` (`yyyy-MM`, a UTC natural month), or null when the label is no month. */
export function cycleOfLabel(label: string): ReturnType<typeof cycleOf> {
  return cycleOf(manifest.billingCycle, label);
}

/**
 * `/usage` over a past month → that month's usage (the daily stats inside it, added). The lifetime quota
 * and remaining volume at that month's end are not served: both null. `asOf` = the cycle's end once over.
 */
export function mapCycleUsage(usageBody: string, ref: CardRef, label: string, at: Date, ctx: AnswerContext): UsageSnapshot {
  const cycle = cycleOfLabel(label);
  if (!cycle) throw malformed(errorTable, ctx, `cycle label '${label}' is no yyyy-MM`);
  const usage = decodeJson(usageBody, usageResponseSchema, ctx);
  let used = 0;
  let days = 0;
  usage.stats.forEach((stat, i) => {
    const s = statBytes(stat, i, ctx);
    if (s.day.startsWith(label)) {
      used += s.bytes;
      days++;
    }
  });
  if (!Number.isSafeInteger(used)) throw malformed(errorTable, ctx, 'usage total out of range');
  return {
    iccid: ref.iccid,
    usedBytes: used,
    quotaBytes: null,
    remainingBytes: null,
    cycleStart: cycle.start,
    cycleEnd: cycle.end,
    asOf: cycle.end.getTime() < at.getTime() ? cycle.end : at,
    raw: { days, label },
  };
}
