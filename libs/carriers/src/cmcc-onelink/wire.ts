import { z } from 'zod';

/**
 * OneLink API v5 ("ec") payloads, as carriers.md §1 describes them. Every answer is HTTP 200 with the
 * envelope `{status, message, result: [...]}`; `status` is a string and `"0"` means success.
 *
 * The schemas are tolerant where a server may reasonably differ without meaning something else (a number
 * where a numeric string is documented, a missing optional field); anything else fails validation and the
 * client turns it into `Transient` (a malformed answer).
 */

/** A string field the platform documents as a string; numbers are accepted and turned into strings. */
const str = z.union([z.string(), z.number()]).transform((v) => String(v));
/** An optional string field: absent, null and '' all mean "not given". */
const optStr = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));

export const envelopeSchema = z.object({
  status: str,
  message: z.union([z.string(), z.null(), z.undefined()]).transform((v) => v ?? ''),
  result: z.unknown().optional(),
});
export type OneLinkEnvelope = z.infer<typeof envelopeSchema>;

/** `get/token` */
export const tokenSchema = z.object({ token: z.string().min(1), ttl: str });
export type TokenResult = z.infer<typeof tokenSchema>;

/** `query/sim-card-info/batch`: one item per asked card, `status "0"` when found. */
export const simCardInfoSchema = z.object({
  status: str,
  message: optStr,
  msisdn: optStr,
  iccid: optStr,
  imsi: optStr,
});
export type SimCardInfo = z.infer<typeof simCardInfoSchema>;

/** `query/sim-basic-info` */
export const simBasicInfoSchema = z.object({
  msisdn: optStr,
  iccid: optStr,
  imsi: optStr,
  activeDate: optStr,
  openDate: optStr,
});
export type SimBasicInfo = z.infer<typeof simBasicInfoSchema>;

/** `query/sim-status/batch` (the single call answers the same without msisdn/iccid). */
export const simStatusSchema = z.object({
  msisdn: optStr,
  iccid: optStr,
  cardStatus: str,
  lastChangeDate: optStr,
});
export type SimStatus = z.infer<typeof simStatusSchema>;

/** `query/sim-stop-reason` */
export const simStopReasonSchema = z.object({ stopReason: optStr, shutdownReasonDesc: optStr });
export type SimStopReason = z.infer<typeof simStopReasonSchema>;

/** `query/sim-data-usage`: month to date, kilobytes as a decimal string. */
export const simDataUsageSchema = z.object({
  dataAmount: str,
  apnUseAmountList: z
    .array(z.object({ apnName: optStr, apnUseAmount: optStr }))
    .nullish()
    .transform((v) => v ?? []),
});
export type SimDataUsage = z.infer<typeof simDataUsageSchema>;

const offeringSchema = z.object({
  offeringId: optStr,
  offeringName: optStr,
  totalAmount: str,
  useAmount: optStr,
  remainAmount: optStr,
});
export type Offering = z.infer<typeof offeringSchema>;

/** `query/sim-data-margin`: in-plan allowances, kilobytes. */
export const simDataMarginSchema = z.object({
  accmMarginList: z
    .array(offeringSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type SimDataMargin = z.infer<typeof simDataMarginSchema>;

/** `query/sim-data-usage-daily/batch` and `query/sim-data-usage-monthly/batch`. */
export const batchDataAmountSchema = z.object({ msisdn: optStr, iccid: optStr, dataAmount: str });
export type BatchDataAmount = z.infer<typeof batchDataAmountSchema>;

/** `query/group-data-usage` */
export const groupDataUsageSchema = z.object({ useAmount: str });
export type GroupDataUsage = z.infer<typeof groupDataUsageSchema>;

/** `query/group-data-margin` */
export const groupDataMarginSchema = z.object({
  flowPoolSharingInfo: z
    .array(offeringSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type GroupDataMargin = z.infer<typeof groupDataMarginSchema>;

/** `query/group-member` */
export const groupMemberSchema = z.object({
  total: str,
  memberList: z
    .array(z.object({ msisdn: optStr, iccid: optStr }))
    .nullish()
    .transform((v) => v ?? []),
});
export type GroupMember = z.infer<typeof groupMemberSchema>;

/** `change/sim-status` */
export const changeStatusSchema = z.object({ orderNum: str, msisdn: optStr });
export type ChangeStatus = z.infer<typeof changeStatusSchema>;

/** `query/order-info`: status walks acknowledged → inProgress → completed (or failed). */
export const orderInfoSchema = z.object({
  orderNum: optStr,
  status: str,
  statusDate: optStr,
  createDate: optStr,
});
export type OrderInfo = z.infer<typeof orderInfoSchema>;

/** `change/sim-status/batch` */
export const changeStatusBatchSchema = z.object({ jobId: str });
export type ChangeStatusBatch = z.infer<typeof changeStatusBatchSchema>;

/** `query/sim-batch-result`: jobStatus 0 pending, 1 processing, 2 done, 3 done with failures, 4 failed. */
export const batchResultSchema = z.object({
  jobStatus: str,
  resultList: z
    .array(z.object({ status: str, message: optStr, resultId: optStr, resultType: optStr }))
    .nullish()
    .transform((v) => v ?? []),
});
export type BatchResultInfo = z.infer<typeof batchResultSchema>;

/** `change/sim-status` operType values (single card), carriers.md §1. */
export const OPER_TYPE = {
  STOP: '0',
  RESUME: '1',
  INVENTORY_TO_ACTIVE: '2',
  TEST_TO_INVENTORY: '3',
  TEST_TO_ACTIVE: '5',
  AWAITING_TO_ACTIVE: '6',
} as const;

/** `change/sim-status/batch` operType values, carriers.md §1. */
export const BATCH_OPER_TYPE = {
  STOP: '9',
  RESUME: '11',
  INVENTORY_TO_ACTIVE: '5',
  AWAITING_TO_ACTIVE: '7',
} as const;

/** The `reason` a stop or resume needs. */
export const STOP_RESUME_REASON = '01';
