import {
  CardStatus,
  cycleContaining,
  cycleForLabel,
  MB,
  monthDayCycle,
  monthlyPlan,
  primaryReason,
  Rejected,
  SHANGHAI,
  statusWithReasons,
  SuspendReason,
  Transient,
  usageSnapshot,
  type BillingCycleRule,
  type CardRecord,
  type UsageSnapshot,
} from '@simgate/core';
import { DateTime } from 'luxon';
import { manifest } from './manifest';
import { JASPER_STATUS, type AuditEntry, type AuditTrails, type CtdUsage, type Device, type UsageInZone } from './wire';

/**
 * Jasper wire → core, carriers.md §5. Pure: time comes in as `at`. The client validated every payload against
 * wire.ts already; a total the schema lets through but no record can hold throws `Transient` (malformed).
 */

function bad(what: string): Transient {
  return new Transient(`Jasper: malformed ${what}`, { platform: manifest.id });
}

/** The billing cycle: 27th–26th in Asia/Shanghai by default; the start day is account-configurable. */
export function jasperCycle(startDay = 27): BillingCycleRule {
  return monthDayCycle(startDay, SHANGHAI);
}

interface StatusRule {
  status: CardStatus;
  /** `INFER`: DEACTIVATED carries no reason; the adapter infers one (overage, audit trail). */
  reason: 'INFER' | SuspendReason | null;
}

/** Device `status` → status, carriers.md §5. */
export const DEVICE_STATUS: Readonly<Record<string, StatusRule>> = {
  [JASPER_STATUS.TEST_READY]: { status: CardStatus.TEST, reason: null },
  [JASPER_STATUS.INVENTORY]: { status: CardStatus.INVENTORY, reason: null },
  [JASPER_STATUS.ACTIVATION_READY]: { status: CardStatus.INVENTORY, reason: null },
  [JASPER_STATUS.ACTIVATED]: { status: CardStatus.ACTIVE, reason: null },
  [JASPER_STATUS.DEACTIVATED]: { status: CardStatus.SUSPENDED, reason: 'INFER' },
  [JASPER_STATUS.RETIRED]: { status: CardStatus.DEACTIVATED, reason: SuspendReason.PLAN_EXPIRED },
  [JASPER_STATUS.PURGED]: { status: CardStatus.CANCELLED, reason: null },
  [JASPER_STATUS.REPLACED]: { status: CardStatus.CANCELLED, reason: null },
};

export function statusRule(status: string): StatusRule | undefined {
  return Object.hasOwn(DEVICE_STATUS, status) ? DEVICE_STATUS[status] : undefined;
}

/** Whether the reason of this status has to be inferred from ctdUsages and the audit trail. */
export function needsInference(status: string): boolean {
  return statusRule(status)?.reason === 'INFER';
}

/** Jasper dates: ISO 8601 with or without an offset, or `yyyy-MM-dd HH:mm:ss[.SSS][+0000]`; no offset = Shanghai. */
export function parseJasperDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  const s = text.trim();
  let dt = DateTime.fromISO(s, { zone: SHANGHAI });
  if (!dt.isValid) {
    for (const f of ['yyyy-MM-dd HH:mm:ss.SSSZZZ', 'yyyy-MM-dd HH:mm:ssZZZ', 'yyyy-MM-dd HH:mm:ss.SSSZZ', 'yyyy-MM-dd HH:mm:ssZZ', 'yyyy-MM-dd HH:mm:ss.SSS', 'yyyy-MM-dd HH:mm:ss']) {
      dt = DateTime.fromFormat(s, f, { zone: SHANGHAI });
      if (dt.isValid) break;
    }
  }
  return dt.isValid ? dt.toJSDate() : null;
}

/** The latest executed audit entry that changed the status to DEACTIVATED (ties: the later in the list). */
export function latestDeactivation(entries: readonly AuditEntry[]): AuditEntry | null {
  let best: AuditEntry | null = null;
  let bestAt = -Infinity;
  for (const e of entries) {
    if (e.field !== 'status' || e.value !== JASPER_STATUS.DEACTIVATED) continue;
    if (e.status !== null && e.status.toLowerCase() !== 'executed') continue;
    const t = parseJasperDate(e.effectiveDate)?.getTime() ?? -Infinity;
    if (best === null || t >= bestAt) {
      best = e;
      bestAt = t;
    }
  }
  return best;
}

/** A named user (not the platform's `system`) made the change. */
export function byNamedUser(entry: AuditEntry | null): boolean {
  const user = entry?.userName?.trim();
  return !!user && user.toLowerCase() !== 'system';
}

export interface Inference {
  /** `ctdUsages` of the card, when it was read. */
  ctd?: CtdUsage;
  /** Every `auditTrails` page read, in order. */
  audit?: AuditTrails[];
}

export interface DeactivationReading {
  reason: SuspendReason;
  overageLimitReached: boolean | null;
  deactivatedBy: string | null;
  deactivatedAt: string | null;
}

/**
 * DEACTIVATED carries no reason (§5): `overageLimitReached` → OVER_QUOTA; else the latest change to
 * DEACTIVATED made by a named user (not `system`) → MANUAL; else UNKNOWN.
 */
export function inferDeactivation(input: Inference): DeactivationReading {
  const ctd = input.ctd ?? null;
  if (ctd?.overageLimitReached) return { reason: SuspendReason.OVER_QUOTA, overageLimitReached: true, deactivatedBy: null, deactivatedAt: null };
  const entries = (input.audit ?? []).flatMap((p) => p.deviceAuditTrails);
  const latest = latestDeactivation(entries);
  return {
    reason: byNamedUser(latest) ? SuspendReason.MANUAL : SuspendReason.UNKNOWN,
    overageLimitReached: ctd ? false : null,
    deactivatedBy: latest?.userName ?? null,
    deactivatedAt: latest?.effectiveDate ?? null,
  };
}

export interface DeviceOptions {
  /** Plan volume per cycle (MB) configured for the account; null when not configured. */
  planMb: number | null;
}

/** `devices/{iccid}` (+ the inference reads for DEACTIVATED) → card record. */
export function mapDevice(d: Device, inference: Inference, options: DeviceOptions, at: Date): CardRecord {
  const rule = statusRule(d.status);
  const raw: Record<string, unknown> = {};
  for (const k of ['ratePlan', 'communicationPlan', 'customer', 'accountId', 'dateUpdated', 'overageLimitOverride'] as const) if (d[k] !== null) raw[k] = d[k];
  let reasons: SuspendReason[] = [];
  if (rule?.reason === 'INFER') {
    const r = inferDeactivation(inference);
    reasons = [r.reason];
    raw.overageLimitReached = r.overageLimitReached;
    if (r.deactivatedBy !== null) raw.deactivatedBy = r.deactivatedBy;
    if (r.deactivatedAt !== null) raw.deactivatedAt = r.deactivatedAt;
  } else if (rule?.reason) {
    reasons = [rule.reason];
  }
  const mapped = statusWithReasons(rule?.status ?? CardStatus.UNKNOWN, reasons, primaryReason);
  return {
    iccid: d.iccid,
    msisdn: d.msisdn,
    imsi: d.imsi,
    imei: d.imei,
    ...mapped,
    rawStatus: d.status,
    rawReason: null,
    activatedAt: parseJasperDate(d.dateActivated),
    openedAt: parseJasperDate(d.dateShipped),
    plan: options.planMb !== null ? monthlyPlan(Math.round(options.planMb * MB), null, d.ratePlan) : null,
    poolId: null,
    asOf: at,
    raw,
  };
}

/** `ctdUsages` → usage of the cycle containing `at` (bytes as given). */
export function mapCtdUsage(iccid: string, c: CtdUsage, quotaBytes: number | null, rule: BillingCycleRule, at: Date): UsageSnapshot {
  const raw: Record<string, unknown> = { ctdDataUsage: c.ctdDataUsage, overageLimitReached: c.overageLimitReached };
  for (const k of ['ctdSMSUsage', 'ctdVoiceUsage', 'ctdSessionCount'] as const) if (c[k] !== undefined) raw[k] = c[k];
  return usageSnapshot(iccid, c.ctdDataUsage, quotaBytes, cycleContaining(rule, at), at, raw);
}

/** `cycleStartDate` of the cycle `label`: its first day in Shanghai, `yyyy-MM-ddZ`. */
export function cycleStartParam(rule: BillingCycleRule, label: string): string {
  return `${DateTime.fromJSDate(cycleForLabelChecked(rule, label).start, { zone: SHANGHAI }).toFormat('yyyy-MM-dd')}Z`;
}

function cycleForLabelChecked(rule: BillingCycleRule, label: string) {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(label)) throw new Rejected(`cycle label must be yyyy-MM, got '${label}'`, { platform: manifest.id });
  return cycleForLabel(rule, label);
}

/** `usageInZone` → usage of the past cycle `label`: the sum of `dataUsage` over every zone and rate plan. */
export function mapZoneUsage(iccid: string, u: UsageInZone, quotaBytes: number | null, rule: BillingCycleRule, label: string, at: Date): UsageSnapshot {
  const cycle = cycleForLabelChecked(rule, label);
  let used = 0;
  for (const list of Object.values(u.deviceCycleUsageInZones)) for (const z of list) used += z.dataUsage;
  if (!Number.isSafeInteger(used)) throw bad('usageInZone total');
  const asOf = cycle.end.getTime() < at.getTime() ? cycle.end : at;
  return usageSnapshot(iccid, used, quotaBytes, cycle, asOf, { cycleStartDate: u.cycleStartDate, cycleEndDate: u.cycleEndDate, deviceCycleUsageInZones: u.deviceCycleUsageInZones });
}
