import { CardStatus, monthlyPlan, SuspendReason, usageSnapshot, type CardRecord, type UsageSnapshot } from '@simgate/core';
import { malformed, parseJson, parseWith, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import {
  billingPeriodsPageSchema,
  fleetsPageSchema,
  simSchema,
  simsPageSchema,
  usagePageSchema,
  type WireBillingPeriod,
  type WireFleet,
  type WireSim,
  type WireUsageRecord,
} from './wire';

/**
 * Super SIM: answers → the core model (carriers.md §5, §6). Pure: no I/O, no clock (`at` is passed in); UTC
 * whatever the process zone. Each answer is decoded once with the schemas of wire.ts; every function returns a
 * valid core value or throws a CarrierError.
 */
export interface StatusRule {
  status: CardStatus;
  reason: SuspendReason | null;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const DECIMAL_MB = 1_000_000;

/**
 * Raw status → normalized status and reason, carriers.md §5's rows. `active` over its fleet's `data_limit` and
 * `scheduled` are not in the table: `ruleOf` applies them.
 */
export const statusTable: Readonly<Record<string, StatusRule>> = {
  new: { status: CardStatus.INVENTORY, reason: null },
  ready: { status: CardStatus.TEST, reason: null },
  active: { status: CardStatus.ACTIVE, reason: null },
  inactive: { status: CardStatus.SUSPENDED, reason: SuspendReason.MANUAL },
};

export const SCHEDULED = 'scheduled';

export function statusOf(raw: string): StatusRule {
  const rule = Object.hasOwn(statusTable, raw) ? statusTable[raw] : undefined;
  return rule ?? { status: CardStatus.UNKNOWN, reason: null };
}

/**
 * The rows in order, lower ones winning: the table; `active` with the period's data ≥ the fleet's limit →
 * SUSPENDED / OVER_QUOTA; `scheduled` → the last status simgate saw for the SIM (`previous`), UNKNOWN when none.
 */
export function ruleOf(raw: string, overQuota: boolean, previous: StatusRule | null): StatusRule {
  if (raw === SCHEDULED) return previous ?? { status: CardStatus.UNKNOWN, reason: null };
  if (raw === 'active' && overQuota) return { status: CardStatus.SUSPENDED, reason: SuspendReason.OVER_QUOTA };
  return statusOf(raw);
}

/** What a SIM's record needs besides its answer: the usage verdict, the status seen before, its fleet. */
export interface SimFacts {
  overQuota: boolean;
  previous: StatusRule | null;
  fleet: WireFleet | null;
}

/** One SIM of a list page or of `GET /Sims/{Sid}` → its record at `at` (raw status kept). */
export function mapSim(sim: WireSim, facts: SimFacts, at: Date): CardRecord {
  const rule = ruleOf(sim.status, facts.overQuota, facts.previous);
  const limit = facts.fleet?.data_limit ?? null;
  return {
    iccid: sim.iccid,
    msisdn: null,
    imsi: null,
    imei: null,
    status: rule.status,
    suspendReason: rule.reason,
    suspendReasons: rule.reason ? [rule.reason] : [],
    rawStatus: sim.status,
    rawReason: rule.reason === SuspendReason.OVER_QUOTA ? 'data_limit' : null,
    activatedAt: null,
    openedAt: sim.date_created ? new Date(sim.date_created) : null,
    plan: limit !== null ? monthlyPlan(limit * DECIMAL_MB, null, facts.fleet?.unique_name ?? facts.fleet?.sid ?? null) : null,
    poolId: null,
    asOf: at,
    raw: { sid: sim.sid, fleetSid: sim.fleet_sid ?? null, ...(sim.unique_name ? { uniqueName: sim.unique_name } : {}) },
  };
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export function decodeSimsPage(body: string, ctx: AnswerContext): Page<WireSim> {
  const p = parseWith(errorTable, simsPageSchema, parseJson(errorTable, body, ctx), ctx);
  return { items: p.sims, next: p.meta.next_page_url ?? null };
}

export function decodeSim(body: string, ctx: AnswerContext): WireSim {
  return parseWith(errorTable, simSchema, parseJson(errorTable, body, ctx), ctx);
}

export function decodeBillingPeriods(body: string, ctx: AnswerContext): Page<WireBillingPeriod> {
  const p = parseWith(errorTable, billingPeriodsPageSchema, parseJson(errorTable, body, ctx), ctx);
  return { items: p.billing_periods, next: p.meta.next_page_url ?? null };
}

export function decodeFleets(body: string, ctx: AnswerContext): Page<WireFleet> {
  const p = parseWith(errorTable, fleetsPageSchema, parseJson(errorTable, body, ctx), ctx);
  return { items: p.fleets, next: p.meta.next_page_url ?? null };
}

export function decodeUsage(body: string, ctx: AnswerContext): Page<WireUsageRecord> {
  const p = parseWith(errorTable, usagePageSchema, parseJson(errorTable, body, ctx), ctx);
  return { items: p.usage_records, next: p.meta.next_page_url ?? null };
}

/**
 * A `/UsageRecords` page read record by record into `each(simSid, startMs, bytes)`, without building the page:
 * the account-wide walk reads thousands of 1000-record pages an hour, and the per-record objects of a full
 * decode were most of its memory churn. Checks what `usagePageSchema` checks of the fields it reads; a wrong
 * shape is the table's malformed error. Answers the page's `next_page_url`.
 */
export function eachUsageRecord(body: string, ctx: AnswerContext, each: (simSid: string, startMs: number, bytes: number) => void): string | null {
  const page = parseJson(errorTable, body, ctx) as { usage_records?: unknown; meta?: { next_page_url?: unknown } } | null;
  const records = page !== null && typeof page === 'object' ? page.usage_records : undefined;
  const meta = page?.meta;
  if (!Array.isArray(records) || meta === null || typeof meta !== 'object') throw malformed(errorTable, ctx, 'not a usage_records page');
  const next = meta.next_page_url;
  if (next !== undefined && next !== null && typeof next !== 'string') throw malformed(errorTable, ctx, 'meta.next_page_url is not a string');
  const bad = (k: number, what: string) => malformed(errorTable, ctx, `usage_records[${k}]: ${what}`);
  const valid: Array<[string, number, number]> = [];
  for (let k = 0; k < records.length; k++) {
    const r = records[k] as { sim_sid?: unknown; period?: { start_time?: unknown; end_time?: unknown }; data_total?: unknown } | null;
    if (r === null || typeof r !== 'object' || typeof r.sim_sid !== 'string') throw bad(k, 'no sim_sid');
    const p = r.period;
    const start = p !== null && typeof p === 'object' && typeof p.start_time === 'string' ? Date.parse(p.start_time) : NaN;
    if (Number.isNaN(start) || typeof p?.end_time !== 'string' || Number.isNaN(Date.parse(p.end_time))) throw bad(k, 'no period');
    if (typeof r.data_total !== 'number' || !(r.data_total >= 0) || !Number.isFinite(r.data_total)) throw bad(k, 'no data_total');
    valid.push([r.sim_sid, start, Math.round(r.data_total)]);
  }
  // Only a page read whole reaches the caller: a malformed record leaves nothing half-counted.
  for (const [sid, start, bytes] of valid) each(sid, start, bytes);
  return (next as string | null | undefined) ?? null;
}

/** A billing period as instants: [start, end). */
export interface Period {
  start: number;
  end: number;
}

/** The period containing `at` among a SIM's billing periods, or null (a `new` SIM has none). */
export function periodContaining(periods: readonly WireBillingPeriod[], at: Date, ctx: AnswerContext): Period | null {
  const t = at.getTime();
  for (const p of periods) {
    const start = Date.parse(p.start_time);
    const end = Date.parse(p.end_time);
    if (!(end > start)) throw malformed(errorTable, ctx, `billing period ${p.start_time}..${p.end_time} is empty`);
    if (start <= t && t < end) return { start, end };
  }
  return null;
}

/** The start of the UTC hour of `t`: usage is reported up to there (carriers.md §6, convention). */
export function reportedUntil(at: Date): number {
  return Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
}

/** Sum of `data_total` of records (bytes, integers). */
export function totalBytes(records: readonly WireUsageRecord[]): number {
  let n = 0;
  for (const r of records) n += Math.round(r.data_total);
  return n;
}

/** A SIM's usage in its current period → the snapshot (quota = the fleet's `data_limit` × 1,000,000, decimal MB). */
export function mapUsage(iccid: string, usedBytes: number, fleet: WireFleet | null, period: Period, at: Date): UsageSnapshot {
  const limit = fleet?.data_limit ?? null;
  return usageSnapshot(
    iccid,
    usedBytes,
    limit === null ? null : limit * DECIMAL_MB,
    { start: new Date(period.start), end: new Date(period.end) },
    new Date(Math.min(reportedUntil(at), at.getTime())),
  );
}
