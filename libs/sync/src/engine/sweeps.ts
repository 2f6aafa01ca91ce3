import { CardStatus } from '@simgate/core';
import type { SyncKind } from '@simgate/store';
import type { AccountRuntime } from '../runtime';
import { sweepRefs } from './batch-pool';
import { readStatus, readUsage } from './card-reads';
import { errorJson, type EngineContext } from './context';
import { requestSweep, supports } from './enqueue';
import { inventory } from './inventory';
import { orders } from './orders';
import { pools } from './pools';

/**
 * Sweeps: one kind of sync over a whole account, resumed from its checkpoint when the last one stopped; a
 * finished inventory sweep chains the status, usage and pools sweeps.
 */

const USAGE_STATUSES = [CardStatus.ACTIVE, CardStatus.SUSPENDED];

/**
 * Runs a sweep of one kind over an account: resumes an unfinished one from its checkpoint, saves the checkpoint
 * idle (or failed, rethrowing) at the end, and after an inventory sweep queues the status, usage and pools sweeps.
 */
export async function runSweep(ctx: EngineContext, accountId: string, kind: SyncKind): Promise<void> {
  const rt = ctx.runtime.get(accountId);
  if (!supports(rt, kind)) return;
  const cps = ctx.store.checkpoints;
  const cp = await cps.get(accountId, kind);
  // An unfinished sweep: running (its worker died), or stopped with a cursor — failed, or queued again since
  // (a schedule or "sync now" marks a failed sweep queued; it must not cost the cards before its cursor).
  const resuming = cp?.state === 'running' || ((cp?.state === 'failed' || cp?.state === 'queued') && (cp.cursor ?? null) !== null);
  const startedAt = resuming && cp?.startedAt ? cp.startedAt : ctx.now();
  const cursor = resuming ? (cp?.cursor ?? null) : null;
  await cps.save(accountId, kind, { state: 'running', startedAt, cursor, ...(resuming ? {} : { cards: 0 }) }, ctx.now());
  const t0 = performance.now();
  ctx.logger.info({ account: accountId, kind, resumeFrom: cursor }, 'sync sweep started');
  try {
    const out = await sweep(ctx, rt, kind, cursor, cp?.highWaterMark ?? null, resuming ? (cp?.cards ?? 0) : 0);
    await cps.save(
      accountId,
      kind,
      {
        state: 'idle',
        cursor: null,
        lastSuccessAt: startedAt,
        lastError: null,
        cards: out.cards,
        ...(out.highWaterMark !== undefined ? { highWaterMark: out.highWaterMark } : {}),
      },
      ctx.now(),
    );
    ctx.metrics.jobDuration.observe({ ...rt.labels, kind, outcome: 'success' }, (performance.now() - t0) / 1000);
    ctx.logger.info({ account: accountId, kind, cards: out.cards, seconds: Math.round(performance.now() - t0) / 1000 }, 'sync sweep done');
    if (kind !== 'orders' && !(await ctx.store.events.snapshotDone(ctx.store.db, accountId))) {
      // The account's snapshot: once every sweep it has (inventory, status, usage, pools) succeeded once.
      const kinds = (['inventory', 'status', 'usage', 'pools'] as const).filter((k) => supports(rt, k));
      if (await ctx.store.events.completeSnapshot(accountId, kinds, ctx.now())) ctx.logger.info({ account: accountId }, 'account snapshot completed: card events start');
    }
    if (kind === 'inventory') {
      for (const next of ['status', 'usage', 'pools'] as const) await requestSweep(ctx, accountId, next, 'chain');
    }
  } catch (e) {
    await cps.save(accountId, kind, { state: 'failed', lastError: errorJson(e, kind) }, ctx.now());
    ctx.metrics.jobDuration.observe({ ...rt.labels, kind, outcome: 'failure' }, (performance.now() - t0) / 1000);
    ctx.logger.warn({ account: accountId, kind, err: errorJson(e) }, 'sync sweep failed; it resumes from its checkpoint when retried');
    throw e;
  }
}

async function sweep(
  ctx: EngineContext,
  rt: AccountRuntime,
  kind: SyncKind,
  cursor: string | null,
  highWaterMark: string | null,
  cardsSoFar: number,
): Promise<{ cards: number; highWaterMark?: string | null }> {
  switch (kind) {
    case 'inventory':
      return inventory(ctx, rt, cursor, highWaterMark, cardsSoFar);
    case 'status':
      return { cards: await sweepRefs(ctx, rt, 'status', cursor, cardsSoFar, {}, rt.manifest.batchSizes.status, (b) => readStatus(ctx, rt, 'status', b)) };
    case 'usage':
      return {
        cards: await sweepRefs(ctx, rt, 'usage', cursor, cardsSoFar, { statuses: USAGE_STATUSES }, rt.manifest.batchSizes.usage, (b) =>
          readUsage(ctx, rt, b),
        ),
      };
    case 'pools':
      return { cards: await pools(ctx, rt) };
    case 'orders':
      return { cards: await orders(ctx, rt) };
  }
}
