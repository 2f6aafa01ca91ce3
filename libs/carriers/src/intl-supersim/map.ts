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
