import { NotSupported, OperationState, Rejected, type CardRef, type OperationOrder, type OperationReceipt } from '@simgate/core';
import { withSendContext } from '@simgate/carriers';
import { chunks, type Operation } from '@simgate/store';
import { PermanentJobError } from '../queue/job-queue';
import type { AccountRuntime } from '../runtime';
import { InDoubt, call } from './carrier-calls';
import { refsOf } from './card-reads';
import { errorJson, type EngineContext } from './context';
import { requestSweep } from './enqueue';
import { withDeadline } from './order-rules';

/** Submission: an operation's PENDING items sent to the carrier, once. */

/** The items of an order request were taken by another run: the request is not sent. */
export class AlreadyTaken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyTaken';
  }
}

/**
 * Submits an operation's PENDING items, once. The adapter call runs with `priority: 'operation'` and a
 * `beforeSend` that moves the batch's items PENDING → SUBMITTED (guarded by state) once the order request
 * holds its quota slot, just before it leaves: an item is SUBMITTED only when it may really have been sent,
 * and a request whose items another run took is not sent. A definite refusal makes them REJECTED; an
 * ambiguous failure (timeout, 5xx) leaves them SUBMITTED without a receipt, in doubt, and the account's
 * `orders` sweep is queued at once to resolve them (reconcileInDoubt). A failure before the order request
 * left keeps the items PENDING and fails the job, which retries them.
 *
 * A run of the job after its worker died (the queue re-runs it once the lock expires; the job id is unique per
 * operation, so runs never overlap) finds the items the dead run marked sent and recorded nothing for: they
 * may have left, so they are marked in doubt at once and resolved the same way.
 */
export async function submit(ctx: EngineContext, operationId: string): Promise<void> {
  const op = await ctx.store.operations.get(operationId);
  if (!op) throw new PermanentJobError(`operation ${operationId} not found`);
  ctx.logger.info({ operation: op.id, type: op.type, pending: op.items.filter((i) => i.state === OperationState.PENDING).length }, 'operation submit started');
  const ops = ctx.store.operations;
  const reconcile = new Set<string>();
  try {
    const orphaned = op.items.filter((i) => i.state === OperationState.SUBMITTED && !i.receipt && !i.error);
    if (orphaned.length) {
      const reason = 'worker stopped mid-submission';
      const marked = await ops.markInDoubt(op.id, orphaned.map((i) => i.iccid), ctx.now(), { inDoubt: true, reason });
      ctx.logger.warn({ operation: op.id, items: marked }, 'operation items marked sent by a run that stopped: in doubt, resolving now');
      for (const it of orphaned) {
        if (!it.accountId || !ctx.runtime.has(it.accountId)) continue;
        reconcile.add(it.accountId);
        ctx.metrics.operationsSubmitted.inc({ ...ctx.runtime.get(it.accountId).labels, type: op.type, result: 'in_doubt' });
      }
    }
    const byAccount = new Map<string, string[]>();
    for (const it of op.items.filter((i) => i.state === OperationState.PENDING)) {
      if (!it.accountId || !ctx.runtime.has(it.accountId)) {
        await ops.transition(op.id, [it.iccid], OperationState.REJECTED, ctx.now(), {
          error: { code: 'ACCOUNT_UNAVAILABLE', message: `the card's carrier account '${it.accountId}' is not configured` },
          from: [OperationState.PENDING],
        });
        continue;
      }
      byAccount.set(it.accountId, [...(byAccount.get(it.accountId) ?? []), it.iccid]);
    }
    for (const [accountId, iccids] of byAccount) {
      const rt = ctx.runtime.get(accountId);
      let n = 0;
      for (const batch of chunks(iccids, Math.max(1, rt.manifest.batchSizes.operation))) {
        if (await submitBatch(ctx, rt, op, batch, ++n)) reconcile.add(accountId);
      }
    }
  } finally {
    // In-doubt items are resolved within seconds, not at the next scheduled orders sweep.
    for (const accountId of reconcile) await requestSweep(ctx, accountId, 'orders', 'manual');
  }
}

/** One order request for a batch of an operation's items; returns whether the items ended in doubt. */
async function submitBatch(ctx: EngineContext, rt: AccountRuntime, op: Operation, batch: string[], n: number): Promise<boolean> {
  const ops = ctx.store.operations;
  let marked = false;
  const beforeSend = async () => {
    if (marked) return; // the same order again after a refusal that proves it was not acted on (quota, token)
    const moved = await ops.transition(op.id, batch, OperationState.SUBMITTED, ctx.now(), { from: [OperationState.PENDING] });
    if (moved !== batch.length) throw new AlreadyTaken(`operation ${op.id}: ${batch.length - moved} of ${batch.length} items already taken by another run`);
    marked = true;
  };
  const refs = await refsOf(ctx, batch);
  const order = { type: op.type, iccids: batch, params: op.params, idempotencyKey: `${op.idempotencyKey}#${n}` };
  try {
    const receipt = await sendOrder(ctx, rt, order, refs, beforeSend);
    // An adapter that sent no request marked as an order: the items are marked now (after the fact).
    if (!marked) await beforeSend();
    await ops.recordOutcome(op.id, batch, ctx.now(), { receipt, error: null });
    ctx.metrics.operationsSubmitted.inc({ ...rt.labels, type: op.type, result: 'accepted' }, batch.length);
    return false;
  } catch (e) {
    if (e instanceof AlreadyTaken) {
      // Another run took (some of) these: never send twice.
      ctx.logger.warn({ operation: op.id, err: e.message }, 'operation items already submitted elsewhere; batch not sent');
      return false;
    }
    const from = marked ? OperationState.SUBMITTED : OperationState.PENDING;
    if (e instanceof Rejected || e instanceof NotSupported) {
      await ops.transition(op.id, batch, OperationState.REJECTED, ctx.now(), { error: errorJson(e, 'submit'), from: [from] });
      ctx.metrics.operationsSubmitted.inc({ ...rt.labels, type: op.type, result: 'rejected' }, batch.length);
      return false;
    }
    // Nothing left for the carrier: the items stay PENDING and the job's retry submits them.
    if (!marked) throw e instanceof InDoubt ? e.original : e;
    await ops.recordOutcome(op.id, batch, ctx.now(), { error: { inDoubt: true, ...errorJson(e instanceof InDoubt ? e.original : e, 'submit') } });
    ctx.metrics.operationsSubmitted.inc({ ...rt.labels, type: op.type, result: 'in_doubt' }, batch.length);
    ctx.logger.warn({ operation: op.id, items: batch.length, err: errorJson(e) }, 'operation submission outcome unknown: in doubt, resolving now');
    return true;
  }
}

/**
 * Submits an order through the adapter ahead of sweep requests; `beforeSend` runs once its order request holds
 * its quota slot. A passing fault is not retried (InDoubt): the request may have reached the carrier. Returns the
 * receipt as stored, with the engine's deadline.
 */
export async function sendOrder(ctx: EngineContext, rt: AccountRuntime, order: OperationOrder, refs: CardRef[], beforeSend: () => Promise<void>): Promise<OperationReceipt> {
  const receipt = await withSendContext({ priority: 'operation', beforeSend }, () =>
    call(ctx, rt, 'submit', () => rt.adapter.submit(order, refs, ctx.now()), { transient: false }),
  );
  return withDeadline(rt, receipt);
}
