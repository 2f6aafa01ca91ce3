import { z } from 'zod';

/**
 * Jasper Control Center REST (China Unicom CMP) payloads, as carriers.md §2 describes them. JSON in and out;
 * errors are `{errorCode, errorMessage}` with HTTP 4xx/5xx. The schemas accept a number where a string is
 * documented (and the reverse for byte counts); anything else is a malformed answer (Transient).
 */

const optStr = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));
const str = z.union([z.string(), z.number()]).transform((v) => String(v));
const optBool = z
  .union([z.boolean(), z.literal('true'), z.literal('false'), z.null(), z.undefined()])
  .transform((v) => v === true || v === 'true');
/** A byte count: a non-negative integer, as a number or a digit string. */
export const bytes = z
  .union([z.number(), z.string().regex(/^\s*\d+\s*$/)])
  .transform((v) => Number(v))
  .refine((n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative whole number of bytes');
const flag = z.union([z.boolean(), z.string(), z.number(), z.null(), z.undefined()]).transform((v) => (v === null || v === undefined ? null : String(v)));

export const errorBodySchema = z.object({ errorCode: str, errorMessage: z.union([z.string(), z.null(), z.undefined()]).transform((v) => v ?? '') });
export type JasperErrorBody = z.infer<typeof errorBodySchema>;

/** `GET devices?modifiedSince=…&pageSize=…&pageNumber=…`: oldest change first. */
export const devicesPageSchema = z.object({
  pageNumber: z.union([z.number(), z.string(), z.null(), z.undefined()]).optional(),
  lastPage: z.union([z.boolean(), z.literal('true'), z.literal('false')]).transform((v) => v === true || v === 'true'),
  devices: z
    .array(z.object({ iccid: str, status: optStr, ratePlan: optStr, communicationPlan: optStr }))
    .nullish()
    .transform((v) => v ?? []),
});
export type DevicesPage = z.infer<typeof devicesPageSchema>;

/** `GET devices/{iccid}` */
export const deviceSchema = z.object({
  iccid: str,
  imsi: optStr,
  msisdn: optStr,
  imei: optStr,
  status: str,
  ratePlan: optStr,
  communicationPlan: optStr,
  customer: optStr,
  dateActivated: optStr,
  dateUpdated: optStr,
  dateShipped: optStr,
  accountId: optStr,
  overageLimitOverride: flag,
});
export type Device = z.infer<typeof deviceSchema>;

/** `PUT devices/{iccid}` answer. */
export const deviceChangeSchema = z.object({ iccid: optStr, effectiveDate: optStr });
export type DeviceChange = z.infer<typeof deviceChangeSchema>;

/** `GET devices/{iccid}/ctdUsages`: cycle to date, bytes. */
export const ctdUsageSchema = z.object({
  iccid: optStr,
  ctdDataUsage: bytes,
  ctdSMSUsage: z.unknown().optional(),
  ctdVoiceUsage: z.unknown().optional(),
  ctdSessionCount: z.unknown().optional(),
  overageLimitReached: optBool,
  overageLimitOverride: flag,
});
export type CtdUsage = z.infer<typeof ctdUsageSchema>;

const zoneUsageSchema = z.object({ ratePlan: optStr, zone: optStr, dataUsage: bytes });

/** `GET devices/{iccid}/usageInZone?cycleStartDate=yyyy-MM-ddZ` */
export const usageInZoneSchema = z.object({
  iccid: optStr,
  cycleStartDate: optStr,
  cycleEndDate: optStr,
  deviceCycleUsageInZones: z
    .record(z.array(zoneUsageSchema))
    .nullish()
    .transform((v) => v ?? {}),
});
export type UsageInZone = z.infer<typeof usageInZoneSchema>;

/** `GET devices/{iccid}/auditTrails?daysOfHistory=…&pageNumber=…` */
export const auditTrailsSchema = z.object({
  iccid: optStr,
  pageNumber: z.unknown().optional(),
  lastPage: z
    .union([z.boolean(), z.literal('true'), z.literal('false'), z.null(), z.undefined()])
    .transform((v) => v === undefined || v === null || v === true || v === 'true'),
  deviceAuditTrails: z
    .array(z.object({ field: optStr, priorValue: optStr, value: optStr, effectiveDate: optStr, status: optStr, userName: optStr }))
    .nullish()
    .transform((v) => v ?? []),
});
export type AuditTrails = z.infer<typeof auditTrailsSchema>;
export type AuditEntry = AuditTrails['deviceAuditTrails'][number];

/** Device status values (carriers.md §2). */
export const JASPER_STATUS = {
  TEST_READY: 'TEST_READY',
  INVENTORY: 'INVENTORY',
  ACTIVATION_READY: 'ACTIVATION_READY',
  ACTIVATED: 'ACTIVATED',
  DEACTIVATED: 'DEACTIVATED',
  RETIRED: 'RETIRED',
  PURGED: 'PURGED',
  REPLACED: 'REPLACED',
} as const;
