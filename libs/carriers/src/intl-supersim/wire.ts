import { z } from 'zod';

/**
 * Super SIM wire types (carriers.md §6): JSON in snake_case, times ISO 8601 in UTC, lists
 * `{<key>: […], meta: {…, next_page_url}}`. Lenient on the fields simgate does not read, strict on those it does:
 * a wrong shape is a Transient "malformed answer". map.ts decodes each answer with them, once.
 */

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');

export const metaSchema = z.object({
  /** The next page's URL, carrying its `PageToken`; null on the last page. */
  next_page_url: z.string().nullable().optional(),
  page_size: z.number().optional(),
  key: z.string().optional(),
});

export const simSchema = z.object({
  sid: z.string().regex(/^HS[0-9a-fA-F]{32}$/),
  unique_name: z.string().nullable().optional(),
  account_sid: z.string().optional(),
  iccid: z.string().regex(/^\d{18,22}$/),
  status: z.string(),
  fleet_sid: z.string().nullable().optional(),
  date_created: isoTime.nullable().optional(),
  date_updated: isoTime.nullable().optional(),
});
export type WireSim = z.infer<typeof simSchema>;

export const simsPageSchema = z.object({ sims: z.array(simSchema), meta: metaSchema });

export const billingPeriodSchema = z.object({
  sid: z.string().optional(),
  sim_sid: z.string().optional(),
  start_time: isoTime,
  end_time: isoTime,
  period_type: z.string().optional(),
});
export type WireBillingPeriod = z.infer<typeof billingPeriodSchema>;

export const billingPeriodsPageSchema = z.object({ billing_periods: z.array(billingPeriodSchema), meta: metaSchema });

export const fleetSchema = z.object({
  sid: z.string(),
  unique_name: z.string().nullable().optional(),
  data_enabled: z.boolean().optional(),
  /** Megabytes per billing period per SIM (1 to 2,000,000); absent or null: no limit. */
  data_limit: z.number().int().positive().nullable().optional(),
});
export type WireFleet = z.infer<typeof fleetSchema>;

export const fleetsPageSchema = z.object({ fleets: z.array(fleetSchema), meta: metaSchema });

export const usageRecordSchema = z.object({
  sim_sid: z.string(),
  fleet_sid: z.string().nullable().optional(),
  period: z.object({ start_time: isoTime, end_time: isoTime }),
  /** Bytes. */
  data_total: z.number().nonnegative(),
});
export type WireUsageRecord = z.infer<typeof usageRecordSchema>;

export const usagePageSchema = z.object({ usage_records: z.array(usageRecordSchema), meta: metaSchema });

/** An error answer: `{code, message, more_info, status}`. */
export const errorBodySchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});
