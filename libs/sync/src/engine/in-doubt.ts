import { NotSupported, OperationState, Rejected, isCarrierError } from '@simgate/core';
import { lastSentAt, type Store } from '@simgate/store';
import type { AccountRuntime } from '../runtime';
import { InDoubt, readWithCardRetries } from './carrier-calls';
import { refsOf, writeCards } from './card-reads';
import { errorJson, type EngineContext } from './context';
import { orderDeadlineMs, targetStatus } from './order-rules';
import { AlreadyTaken, sendOrder } from './submission';

/** A SUBMITTED item as the orders sweep reads it, with its operation's type, params and key. */
export type SubmittedItem = Awaited<ReturnType<Store['operations']['itemsInState']>>[number];

/** Resends of one in-doubt item before it is failed. */
const MAX_RESENDS = 3;
/** No resend sooner than this after the last send: a request on its way has arrived or been dropped by then. */
const RESEND_GRACE_MS = 30_000;

/**
 * Items whose submission outcome is unknown (a timeout or 5xx at submission, a worker that stopped between
 * taking the quota slot and recording the answer). Each card is re-read: the target status completes the
 * item. Otherwise the item is sent again, never while an order for the card may still be pending:
 * - at once when the request is idempotent (`orderResend.idempotent`: a PUT of the target state) and the
 *   carrier's order records say nothing is pending for the card (`adapter.pendingOrders`: Jasper);
 * - otherwise only once the platform's typical processing time has passed since the last send without the
 *   target showing (and nothing pending, where the carrier can tell);
 * and never sooner than `resendGraceMs` after the last send (a request on its way arrives or is dropped by then).
 * A resend is recorded on the item (`resends`: when, why, outcome), claimed once, marked sent only with its
 * quota slot in hand; after `maxResends` the item fails. Items without a status to confirm (caps, rebinds)
 * are failed at the platform's deadline, never resent.
 */
export async function reconcileInDoubt(ctx: EngineContext, rt: AccountRuntime, items: SubmittedItem[]): Promise<string[]> {
  const done: string[] = [];
  const refs = await refsOf(ctx, [...new Set(items.map((i) => i.iccid))]);
  const read = await readWithCardRetries(ctx, rt, 'orders', refs, (b) => rt.adapter.fetchCards(b, ctx.now()), 3);
  const status = new Map(read.items.map((c) => [c.iccid, c.status]));
  // What was just read is the card's freshest state: stored at once, so a completed item's card shows its target.
  if (read.items.length) await writeCards(ctx, rt, 'status', { items: read.items, failures: [] });
  const deadlineMs = orderDeadlineMs(rt);
  const typicalMs = rt.manifest.orderProcessing.typicalHours * 3600_000;
  const idempotent = rt.manifest.orderResend?.idempotent ?? false;
  const graceMs = ctx.resendGraceMs ?? RESEND_GRACE_MS;
  const maxResends = ctx.maxResends ?? MAX_RESENDS;
  const candidates: { it: SubmittedItem; shortOf: string }[] = [];
  for (const it of items) {
    const want = targetStatus(it.type);
    const now = ctx.now();
    const sinceFirst = now.getTime() - (it.submittedAt ?? now).getTime();
    if (want && status.get(it.iccid) === want) {
      await ctx.store.operations.transition(it.operationId, [it.iccid], OperationState.COMPLETED, now, { from: [OperationState.SUBMITTED] });
      done.push(it.iccid);
    } else if (sinceFirst > deadlineMs) {
      await ctx.store.operations.transition(it.operationId, [it.iccid], OperationState.FAILED, now, {
        error: {
          message: want
            ? `submission outcome unknown and the target status ${want} did not show before the deadline`
            : 'submission outcome unknown and this operation has no status to confirm it by; failed at the deadline',
          resends: it.resends.length,
        },
        from: [OperationState.SUBMITTED],
      });
    } else if (want && status.has(it.iccid)) {
      candidates.push({ it, shortOf: `target ${want} not reached (card is ${status.get(it.iccid)})` });
    }
  }
  const ready = candidates.filter(({ it }) => ctx.now().getTime() - (lastSentAt(it) ?? ctx.now()).getTime() >= graceMs);
  if (!ready.length) return done;
  // What the carrier's own order records say (Jasper: the audit trail lists pending changes).
  let pending: Map<string, boolean> | null = null;
  if (rt.adapter.pendingOrders) {
    const adapter = rt.adapter;
    const answer = await readWithCardRetries(ctx, rt, 'orders', await refsOf(ctx, ready.map((c) => c.it.iccid)), (b) => adapter.pendingOrders!(b, ctx.now()), 3);
    pending = new Map(answer.items.map((p) => [p.iccid, p.pending]));
  }
  for (const { it, shortOf } of ready) {
    const now = ctx.now();
    const sinceLast = now.getTime() - (lastSentAt(it) ?? now).getTime();
    const p = pending?.get(it.iccid);
    // Pending at the carrier: wait for it (the deadline fails it). Pending read failed: ask again next time.
    if (p === true || (pending && p === undefined)) continue;
    let why: string;
    if (p === false && idempotent) why = `${shortOf}; the carrier shows no order pending for the card and the request sets the target state`;
    else if (sinceLast >= typicalMs) {
      const t = rt.manifest.orderProcessing.typicalHours;
      const took = t >= 1 ? `${t} h` : `${Math.round(t * 3600)} s`;
      why = `${shortOf} ${took} (the processing time) after the last send${p === false ? '; no order pending at the carrier' : ''}`;
    } else continue;
    if (it.resends.length >= maxResends) {
      await ctx.store.operations.transition(it.operationId, [it.iccid], OperationState.FAILED, now, {
        error: { message: `sent ${it.resends.length + 1} times without the target status showing; not sent again`, resends: it.resends.length },
        from: [OperationState.SUBMITTED],
      });
      continue;
    }
    await resend(ctx, rt, it, why);
  }
  return done;
}

/** Sends an in-doubt item again, alone; claimed once and marked sent only with its quota slot in hand. */
async function resend(ctx: EngineContext, rt: AccountRuntime, it: SubmittedItem, reason: string): Promise<void> {
  const ops = ctx.store.operations;
  let claimed = false;
  const beforeSend = async () => {
    if (claimed) return; // the same resend again after a refusal that proves it was not acted on (quota, token)
    if (!(await ops.claimResend(it.operationId, it.iccid, ctx.now(), reason, it.attempts))) {
      throw new AlreadyTaken(`item ${it.iccid} of operation ${it.operationId} changed since it was read; not resent`);
    }
    claimed = true;
  };
  const order = { type: it.type, iccids: [it.iccid], params: it.params, idempotencyKey: `${it.idempotencyKey}#resend:${it.iccid}:${it.resends.length + 1}` };
  const refs = await refsOf(ctx, [it.iccid]);
  const log = { operation: it.operationId, iccid: it.iccid, resend: it.resends.length + 1, reason };
  try {
    const receipt = await sendOrder(ctx, rt, order, refs, beforeSend);
    if (!claimed) return; // the adapter sent no order request (nothing to record)
    await ops.recordOutcome(it.operationId, [it.iccid], ctx.now(), { receipt, error: null, resendOutcome: 'accepted' });
    ctx.metrics.operationsSubmitted.inc({ ...rt.labels, type: it.type, result: 'resent' });
    ctx.logger.info(log, 'in-doubt operation item resent');
  } catch (e) {
    if (e instanceof AlreadyTaken) return;
    if (!claimed) {
      ctx.logger.warn({ ...log, err: errorJson(e) }, 'in-doubt operation item not resent: the request did not leave');
      return;
    }
    const original = e instanceof InDoubt ? e.original : e;
    const code = isCarrierError(original) ? original.details.carrierCode : undefined;
    if (e instanceof Rejected && code !== undefined && (rt.manifest.orderResend?.pendingCodes ?? []).includes(code)) {
      // The carrier refused it because an order on the card is in progress or recent: the first one arrived.
      await ops.recordOutcome(it.operationId, [it.iccid], ctx.now(), {
        error: { inDoubt: true, reason: 'the carrier refused the resend: an order on the card is in progress or recent', ...errorJson(e, 'resend') },
        resendOutcome: 'refused: pending',
      });
      ctx.logger.info(log, 'in-doubt operation item: the carrier has an order in progress for the card');
    } else if (e instanceof Rejected || e instanceof NotSupported) {
      await ops.recordOutcome(it.operationId, [it.iccid], ctx.now(), { error: errorJson(e, 'resend'), resendOutcome: 'refused' });
      await ops.transition(it.operationId, [it.iccid], OperationState.FAILED, ctx.now(), {
        error: { message: `the carrier refused the resend: ${e.message}`, ...errorJson(e, 'resend') },
        from: [OperationState.SUBMITTED],
      });
    } else {
      await ops.recordOutcome(it.operationId, [it.iccid], ctx.now(), {
        error: { inDoubt: true, reason: 'resend outcome unknown', ...errorJson(original, 'resend') },
        resendOutcome: 'in doubt',
      });
      ctx.metrics.operationsSubmitted.inc({ ...rt.labels, type: it.type, result: 'in_doubt' });
    }
  }
}
