import { chunks, type SyncKind } from '@simgate/store';
import { PRIORITY, submitJobId, sweepJobId } from '../jobs';
import { QUEUED_CARD_TTL_MS } from '../queue/queued-cards';
import type { AccountRuntime } from '../runtime';
import type { EngineContext } from './context';

/** Enqueueing: sweeps, "sync now" for cards and submissions become jobs on the sync queue. */

/** Queues a sweep of one kind for an account; a sweep already waiting or running is not queued twice. */
export async function requestSweep(ctx: EngineContext, accountId: string, kind: SyncKind, reason: 'start' | 'schedule' | 'manual' | 'chain' = 'schedule'): Promise<boolean> {
  const rt = ctx.runtime.get(accountId);
  if (!supports(rt, kind)) return false;
  const priority = reason === 'manual' || reason === 'start' ? PRIORITY.manual : reason === 'chain' ? PRIORITY.chain : PRIORITY.schedule;
  const jobId = sweepJobId(accountId, kind);
  const pendingAlready = await ctx.queue.has(jobId);
  if (!pendingAlready) {
    // Marked queued before the job exists: a worker that starts it at once then marks it running.
    const cp = await ctx.store.checkpoints.get(accountId, kind);
    if (cp?.state !== 'running') await ctx.store.checkpoints.save(accountId, kind, { state: 'queued' }, ctx.now());
  }
  const { added } = await ctx.queue.add(
    'sweep',
    { type: 'sweep', accountId, kind, reason },
    { jobId, priority, attempts: ctx.sweepAttempts ?? 5, backoffMs: 5_000 },
  );
  return added;
}

/**
 * "Sync now" for a list of cards: jumps the queue. Cards already waiting in a "sync now" job of the same kind
 * are not queued again; returns the cards this call queued.
 */
export async function requestCards(ctx: EngineContext, accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<string[]> {
  ctx.runtime.get(accountId);
  const unique = [...new Set(iccids)].sort();
  const fresh = ctx.queuedCards ? await ctx.queuedCards.claim(accountId, kind, unique, QUEUED_CARD_TTL_MS) : unique;
  const parts = chunks(fresh, 1000);
  for (let i = 0; i < parts.length; i++) {
    try {
      await ctx.queue.add('cards', { type: 'cards', accountId, kind, iccids: parts[i] }, { priority: PRIORITY.manual, attempts: 3, backoffMs: 2_000 });
    } catch (e) {
      // The cards of the parts not queued are not waiting: a retry of the request must queue them.
      await ctx.queuedCards?.release(accountId, kind, parts.slice(i).flat()).catch(() => undefined);
      throw e;
    }
  }
  return fresh;
}

/** Of `iccids`, the cards not waiting in a "sync now" job of this kind (what a request for them would queue). */
export async function unqueuedCards(ctx: EngineContext, accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<string[]> {
  const unique = [...new Set(iccids)];
  return ctx.queuedCards ? ctx.queuedCards.unqueued(accountId, kind, unique) : unique;
}

/** Queues an operation's submission ahead of sweeps. */
export async function requestSubmit(ctx: EngineContext, operationId: string): Promise<void> {
  await ctx.queue.add('submit', { type: 'submit', operationId }, { jobId: submitJobId(operationId), priority: PRIORITY.manual, attempts: 5, backoffMs: 2_000 });
}

/** Whether the platform has this kind of data at all (pools are not on every platform). */
export function supports(rt: AccountRuntime, kind: SyncKind): boolean {
  return kind !== 'pools' || rt.manifest.capabilities.pools;
}
