import { NotSupported, OperationState, Rejected, isFinalState, type OperationReceipt } from '@simgate/core';
import { withSendContext } from '@simgate/carriers';
import { canonicalJson } from '@simgate/store';
import type { AccountRuntime } from '../runtime';
import { call } from './carrier-calls';
import { refsOf } from './card-reads';
import { errorJson, type EngineContext } from './context';
import { requestCards } from './enqueue';
import { reconcileInDoubt } from './in-doubt';

/** The orders sweep: submitted orders polled until the carrier says they are done or their deadline passes. */

/** An item marked sent with no outcome this long after is orphaned (its run died and no re-run took it over). */
const ORPHAN_AFTER_MS = 10 * 60_000;

/**
 * Polls the account's submitted orders until the carrier says they are done (or their deadline passes), and
 * resolves the in-doubt ones (see reconcileInDoubt). Every carrier request here goes ahead of sweep batches.
 */
export async function orders(ctx: EngineContext, rt: AccountRuntime): Promise<number> {
  return withSendContext({ priority: 'operation' }, () => ordersOf(ctx, rt));
}

async function ordersOf(ctx: EngineContext, rt: AccountRuntime): Promise<number> {
  const accountId = rt.account.id;
  const items = await ctx.store.operations.itemsInState(OperationState.SUBMITTED, accountId, 5000);
  const groups = new Map<string, typeof items>();
  const inDoubt: typeof items = [];
  const orphaned: typeof items = [];
  for (const it of items) {
    if (!it.receipt) {
      if (it.error?.inDoubt === true) inDoubt.push(it);
      // Marked sent, no outcome: its run is sending it now, or died and its job was never taken over.
      else if (ctx.now().getTime() - (it.submittedAt ?? ctx.now()).getTime() > ORPHAN_AFTER_MS) orphaned.push(it);
      continue;
    }
    const key = `${it.operationId}|${canonicalJson(it.receipt)}`;
    groups.set(key, [...(groups.get(key) ?? []), it]);
  }
  for (const it of orphaned) {
    const reason = `marked sent ${Math.round(ORPHAN_AFTER_MS / 60_000)} minutes ago and no submission run recorded an outcome`;
    if (await ctx.store.operations.markInDoubt(it.operationId, [it.iccid], ctx.now(), { inDoubt: true, reason })) {
      inDoubt.push({ ...it, error: { inDoubt: true, reason } });
    }
  }
  const completed: string[] = [];
  const now = () => ctx.now();
  for (const group of groups.values()) {
    const receipt = group[0].receipt as OperationReceipt;
    const refs = await refsOf(ctx, group.map((g) => g.iccid));
    let progress;
    try {
      progress = await call(ctx, rt, 'orders', () => rt.adapter.progress(receipt, refs, now()));
    } catch (e) {
      if (e instanceof Rejected || e instanceof NotSupported) {
        await ctx.store.operations.transition(group[0].operationId, group.map((g) => g.iccid), OperationState.FAILED, now(), {
          error: errorJson(e, 'orders'),
          from: [OperationState.SUBMITTED],
        });
        continue;
      }
      throw e;
    }
    const byIccid = new Map(progress.items.map((i) => [i.iccid, i]));
    for (const it of group) {
      const p = byIccid.get(it.iccid);
      const state = p?.state ?? (isFinalState(progress.state) ? progress.state : OperationState.SUBMITTED);
      if (state === OperationState.COMPLETED || state === OperationState.FAILED) {
        await ctx.store.operations.transition(it.operationId, [it.iccid], state, now(), {
          error: state === OperationState.FAILED ? { message: p?.message ?? progress.message ?? 'the carrier reported failure' } : null,
          from: [OperationState.SUBMITTED],
        });
        if (state === OperationState.COMPLETED) completed.push(it.iccid);
      } else if (now() >= receipt.deadline) {
        await ctx.store.operations.transition(it.operationId, [it.iccid], OperationState.FAILED, now(), {
          error: { message: `no result from the carrier before the deadline ${receipt.deadline.toISOString()}` },
          from: [OperationState.SUBMITTED],
        });
      }
    }
  }
  if (inDoubt.length) completed.push(...(await reconcileInDoubt(ctx, rt, inDoubt)));
  if (completed.length) await requestCards(ctx, accountId, 'status', completed);
  return items.length;
}
