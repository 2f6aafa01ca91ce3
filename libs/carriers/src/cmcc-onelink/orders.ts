import {
  CardStatus,
  NotSupported,
  OperationType,
  Rejected,
  type CardRef,
  type CarrierReceipt,
  type OperationOrder,
  type OperationProgress,
} from '@simgate/core';
import type { CmccOnelinkClient } from './client';
import { manifest } from './manifest';
import { byIccid, mapBatchProgress, mapOrderProgress } from './map';
import {
  BATCH_OPER_TYPE,
  batchResultSchema,
  changeStatusBatchSchema,
  changeStatusSchema,
  OPER_TYPE,
  orderInfoSchema,
  simCardInfoSchema,
  simStatusSchema,
  STOP_RESUME_REASON,
} from './wire';

/** Cards per OneLink batch call (and per order). */
export const BATCH_LIMIT = 100;

/** Which operType activates a card from its current `cardStatus` (null: this call cannot). */
export function activationOf(cardStatus: string): { single: string | null; batch: string | null } {
  switch (cardStatus) {
    case '7': // 库存 inventory
      return { single: OPER_TYPE.INVENTORY_TO_ACTIVE, batch: BATCH_OPER_TYPE.INVENTORY_TO_ACTIVE };
    case '1': // 待激活 awaiting activation (CT)
    case '07': // 待激活 awaiting activation (PB)
      return { single: OPER_TYPE.AWAITING_TO_ACTIVE, batch: BATCH_OPER_TYPE.AWAITING_TO_ACTIVE };
    case '6': // 可测试 test: single call only
      return { single: OPER_TYPE.TEST_TO_ACTIVE, batch: null };
    default:
      return { single: null, batch: null };
  }
}

/**
 * The operTypes of an ACTIVATE: read from the cards' status (one `sim-status/batch`), since the operType
 * depends on where the card comes from. Fills `msisdnOf` with the MSISDNs the status answer gives.
 */
async function activationOperType(client: CmccOnelinkClient, iccids: string[], msisdnOf: Record<string, string>): Promise<string> {
  const statuses = await client.call('query/sim-status/batch', { iccids: iccids.join('_') }, simStatusSchema);
  const keyed = byIccid(iccids, statuses);
  for (const [iccid, st] of keyed) if (st.msisdn) msisdnOf[iccid] ??= st.msisdn;
  const kinds = iccids.map((iccid) => {
    const code = keyed.get(iccid)?.cardStatus;
    if (code === undefined) throw new Rejected(`OneLink: no status for card ${iccid}; cannot choose the activation`, { platform: manifest.id });
    return { iccid, code, ...activationOf(code) };
  });
  const wanted = iccids.length === 1 ? kinds.map((k) => k.single) : kinds.map((k) => k.batch);
  const bad = kinds.filter((_, i) => wanted[i] === null);
  if (bad.length) {
    throw new Rejected(
      `OneLink cannot ${iccids.length === 1 ? '' : 'batch-'}activate ${bad.map((b) => `${b.iccid} (cardStatus ${b.code})`).join(', ')}` +
        (iccids.length > 1 ? '; test cards activate one at a time' : ''),
      { platform: manifest.id },
    );
  }
  const distinct = [...new Set(wanted)];
  if (distinct.length > 1) {
    throw new Rejected('OneLink activates inventory and awaiting-activation cards with different batch operations: split the order by status', {
      platform: manifest.id,
    });
  }
  return wanted[0]!;
}

/**
 * One card: `change/sim-status` → an order (confirmed by `order-info`). Several (≤100): one
 * `change/sim-status/batch` → a job (confirmed by `sim-batch-result`), addressed by MSISDN.
 */
export async function submitOrder(client: CmccOnelinkClient, order: OperationOrder, refs: CardRef[], at: Date): Promise<CarrierReceipt> {
  if (order.type !== OperationType.ACTIVATE && order.type !== OperationType.SUSPEND && order.type !== OperationType.RESUME) {
    throw new NotSupported(`OneLink does not support ${order.type}`, { platform: manifest.id });
  }
  const iccids = [...new Set(order.iccids)];
  if (!iccids.length) throw new Rejected('an order needs at least one card', { platform: manifest.id });
  if (iccids.length > BATCH_LIMIT) throw new Rejected(`OneLink takes at most ${BATCH_LIMIT} cards per order`, { platform: manifest.id });
  const refOf = new Map(refs.map((r) => [r.iccid, r]));
  const msisdnOf: Record<string, string> = {};
  for (const iccid of iccids) {
    const m = refOf.get(iccid)?.msisdn;
    if (m) msisdnOf[iccid] = m;
  }

  let single: string;
  let batch: string;
  if (order.type === OperationType.SUSPEND) [single, batch] = [OPER_TYPE.STOP, BATCH_OPER_TYPE.STOP];
  else if (order.type === OperationType.RESUME) [single, batch] = [OPER_TYPE.RESUME, BATCH_OPER_TYPE.RESUME];
  else single = batch = await activationOperType(client, iccids, msisdnOf);

  const expectedStatus = order.type === OperationType.SUSPEND ? CardStatus.SUSPENDED : CardStatus.ACTIVE;
  const base = { type: order.type, iccids, expectedStatus, submittedAt: at };

  if (iccids.length === 1) {
    const params: Record<string, string> = { iccid: iccids[0], operType: single };
    if (order.type !== OperationType.ACTIVATE) params.reason = STOP_RESUME_REASON;
    const res = await client.one('change/sim-status', params, changeStatusSchema);
    if (res.msisdn) msisdnOf[iccids[0]] ??= res.msisdn;
    return { ...base, confirmBy: 'ORDER', carrierRef: res.orderNum, raw: { operType: single, orderNum: res.orderNum, msisdns: msisdnOf } };
  }

  const lacking = iccids.filter((i) => !msisdnOf[i]);
  if (lacking.length) {
    const infos = await client.call('query/sim-card-info/batch', { iccids: lacking.join('_') }, simCardInfoSchema);
    for (const [iccid, it] of byIccid(lacking, infos)) if (it.status === '0' && it.msisdn) msisdnOf[iccid] = it.msisdn;
    const still = lacking.filter((i) => !msisdnOf[i]);
    if (still.length) throw new Rejected(`OneLink: no MSISDN known for ${still.join(', ')} (unknown cards?)`, { platform: manifest.id, carrierCode: '12006' });
  }
  const res = await client.one(
    'change/sim-status/batch',
    { msisdns: iccids.map((i) => msisdnOf[i]).join('_'), operType: batch, reason: STOP_RESUME_REASON },
    changeStatusBatchSchema,
  );
  return { ...base, confirmBy: 'JOB', carrierRef: res.jobId, raw: { operType: batch, jobId: res.jobId, msisdns: msisdnOf } };
}

/** `order-info` or `sim-batch-result`: what the platform says; cards it still holds stay SUBMITTED. */
export async function orderProgress(client: CmccOnelinkClient, receipt: CarrierReceipt): Promise<OperationProgress> {
  if (!receipt.carrierRef) throw new Rejected('OneLink receipt without an order number or job id', { platform: manifest.id });
  if (receipt.confirmBy === 'ORDER') {
    return mapOrderProgress(receipt.iccids, await client.one('query/order-info', { orderNum: receipt.carrierRef }, orderInfoSchema));
  }
  if (receipt.confirmBy === 'JOB') {
    const res = await client.one('query/sim-batch-result', { jobId: receipt.carrierRef }, batchResultSchema);
    return mapBatchProgress(receipt.iccids, (receipt.raw?.msisdns ?? {}) as Record<string, string>, res);
  }
  throw new Rejected(`OneLink receipts are confirmed by ORDER or JOB, not ${receipt.confirmBy}`, { platform: manifest.id });
}
