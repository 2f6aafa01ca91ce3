import { z } from 'zod';

/**
 * 1NCE Management API wire types (carriers.md §4). Lenient where servers differ harmlessly (numbers for
 * documented strings, absent optional fields), verbatim otherwise: volumes stay the MB strings they were.
 */

/** A text field: strings verbatim, numbers as their decimal text, absent/null as null. */
const text = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v): string | null => (v === null || v === undefined ? null : String(v)));

export const quotaStatusSchema = z
  .object({
    id: text,
    description: text,
    threshold_reached_date: text,
    quota_exceeded_date: text,
  })
  .passthrough();

export const simSchema = z
  .object({
    iccid: text,
    iccid_with_luhn: text,
    imsi: text,
    msisdn: text,
    imei: text,
    imei_lock: z.union([z.boolean(), z.string(), z.number(), z.null(), z.undefined()]).transform((v) => v ?? null),
    status: text,
    activation_date: text,
    ip_address: text,
    current_quota: text,
    quota_status: z.union([quotaStatusSchema, z.null(), z.undefined()]).transform((v) => v ?? null),
    label: text,
  })
  .passthrough();
export type Sim = z.infer<typeof simSchema>;

export const simListSchema = z.array(z.unknown());

export const tokenResponseSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: text,
    expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  })
  .passthrough();
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const usageStatSchema = z
  .object({
    date: text,
    data: z
      .object({ volume: text, volume_rx: text, volume_tx: text, traffic_type: z.unknown() })
      .passthrough(),
  })
  .passthrough();
export type UsageStat = z.infer<typeof usageStatSchema>;

export const usageResponseSchema = z.object({ stats: z.array(usageStatSchema) }).passthrough();
export type UsageResponse = z.infer<typeof usageResponseSchema>;

export const dataQuotaSchema = z
  .object({
    volume: text,
    total_volume: text,
    expiry_date: text,
    last_volume_added: text,
    last_status_change_date: text,
    threshold_percentage: text,
  })
  .passthrough();
export type DataQuota = z.infer<typeof dataQuotaSchema>;

/** Error bodies: `{statusCode, errorCode, message}` (any of them may be missing). */
export const errorBodySchema = z
  .object({ statusCode: text, errorCode: text, message: text })
  .partial()
  .passthrough();

/** A status change, single (`PUT /v1/sims/{iccid}`) or bulk (`POST /v1/sims`). */
export interface SimStatusChange {
  iccid: string;
  status: 'Enabled' | 'Disabled';
}
