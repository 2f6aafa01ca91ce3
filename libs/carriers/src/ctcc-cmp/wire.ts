import { z } from 'zod';

/**
 * CTCC CMP wire types (carriers.md §3). Schemas are lenient where servers differ harmlessly (a number
 * where a string is documented, a missing optional field) and keep every value as a string, verbatim.
 */

export type CtccMethod =
  | 'getSIMList'
  | 'queryCardMainStatus'
  | 'queryTraffic'
  | 'queryTrafficByDate'
  | 'disabledNumber'
  | 'requestServActive'
  | 'offNetAction'
  | 'IMEIReRecord';

/** Values of a request: those the platform signs, and those it receives but does not sign. */
export interface CtccParams {
  signed: Record<string, string>;
  unsigned: Record<string, string>;
}

/** A text field: strings verbatim, numbers as their decimal text, absent/null as null. */
const text = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v): string | null => (v === null || v === undefined ? null : String(v)));

const envelope = {
  resultCode: text,
  resultMsg: text,
};

export const simListItemSchema = z
  .object({
    accNumber: text,
    iccid: text,
    imsi: text,
    simStatus: text,
    activationTime: text,
  })
  .passthrough();
export type SimListItem = z.infer<typeof simListItemSchema>;

export const simListResponseSchema = z
  .object({
    ...envelope,
    totalCount: text,
    pageIndex: text,
    simList: z.union([z.array(z.unknown()), z.null(), z.undefined()]).transform((v) => v ?? []),
  })
  .passthrough();
export type SimListResponse = z.infer<typeof simListResponseSchema>;

export const productInfoSchema = z
  .object({ productMainStatusCd: text, productMainStatusName: text })
  .passthrough();

export const cardMainStatusResponseSchema = z
  .object({
    ...envelope,
    GROUP_TRANSACTIONID: text,
    number: text,
    servCreateDate: text,
    netBlockStatusName: text,
    productInfo: z.union([z.array(productInfoSchema), productInfoSchema.transform((p) => [p])]),
  })
  .passthrough();
export type CardMainStatusResponse = z.infer<typeof cardMainStatusResponseSchema>;

/** `disabledNumber`, `requestServActive`, `offNetAction`, `IMEIReRecord`. */
export const orderResponseSchema = z.object({ ...envelope, GROUP_TRANSACTIONID: text }).passthrough();
export type OrderResponse = z.infer<typeof orderResponseSchema>;

/** One `<ITEM>` of `queryTrafficByDate` with `needDtl=1`. */
export const trafficItemSchema = z.object({ DATE: text, BYTES_CNT: text }).passthrough();
export type TrafficItem = z.infer<typeof trafficItemSchema>;

/** `<root><NEW_DATA_TICKET_QRsp>…</NEW_DATA_TICKET_QRsp></root>`, parsed with every value kept as text. */
export const trafficResponseSchema = z.object({
  root: z.object({
    NEW_DATA_TICKET_QRsp: z
      .object({
        IRESULT: text,
        TOTAL_BYTES_CNT: text,
        GROUP_TRANSACTIONID: text,
        number: text,
        ITEM: z
          .union([z.array(trafficItemSchema), trafficItemSchema.transform((i) => [i]), z.literal(''), z.undefined()])
          .transform((v) => (Array.isArray(v) ? v : [])),
      })
      .passthrough(),
  }),
});
export type TrafficResponse = z.infer<typeof trafficResponseSchema>;
export type TrafficAnswer = TrafficResponse['root']['NEW_DATA_TICKET_QRsp'];
