import { Transient, type CardRef } from '@simgate/core';
import type { SyncKind } from '@simgate/store';
import { isAccountWide } from '../retry';
import type { AccountRuntime } from '../runtime';
import { countCards } from './card-reads';
import { errorJson, type Counts, type EngineContext } from './context';
import { withLeases } from './leases';

/** The batch pool of a sweep: an account's cards walked in batches, several in flight, behind a checkpoint. */

/** Consecutive batches failing entirely with passing faults after which a sweep stops (the platform is down). */
const SWEEP_DOWN_AFTER_BATCHES = 3;

/**
 * Batches of one sweep in flight at once. On a platform that allows few requests in flight, one batch more
 * than it allows: that batch does its database work (hints, writes) while the others hold the carrier.
 */
function parallelism(ctx: EngineContext, rt: AccountRuntime): number {
  const want = Math.max(1, ctx.parallelBatches ?? 4);
  return Math.min(want, ctx.limiter.maxInFlight(rt.account.id) + 1);
}

/**
 * Walks an account's cards in ICCID order from `cursor` with `parallelism` batches in flight: a new batch
 * starts as soon as any batch ends (no round waits for its slowest batch), the next page of refs is read
 * while batches run, and the checkpoint moves to the last ICCID of the batches done in order, so an
 * interrupted sweep resumes right after the last card of an unbroken run of finished batches.
 */
export async function sweepRefs(
  ctx: EngineContext,
  rt: AccountRuntime,
  kind: SyncKind,
  cursor: string | null,
  cardsSoFar: number,
  filter: { statuses?: string[]; unresolved?: boolean },
  batchSize: number,
  process: (refs: CardRef[]) => Promise<Counts>,
  /** Cards walked and counted but not processed (no lease, no carrier call), e.g. imported cards already resolved. */
  skip?: (ref: CardRef) => boolean,
): Promise<number> {
  const per = Math.max(1, batchSize);
  const width = parallelism(ctx, rt);
  let cards = cardsSoFar;
  // Refs read ahead of the batches (unresolved cards leave that filter once read: paging is by cursor anyway).
  let buffer: CardRef[] = [];
  let readUpTo = cursor;
  let exhausted = false;
  let prefetch: Promise<CardRef[]> | null = null;
  const readRefs = () => {
    const p = ctx.store.cards.refs(rt.account.id, readUpTo, per * width, filter);
    p.catch(() => undefined); // awaited by nextBatch()
    return p;
  };
  const nextBatch = async (): Promise<CardRef[]> => {
    if (buffer.length < per && !exhausted) {
      const more = await (prefetch ?? readRefs());
      prefetch = null;
      if (more.length) {
        buffer = buffer.concat(more);
        readUpTo = more[more.length - 1].iccid;
      } else exhausted = true;
    }
    const batch = buffer.slice(0, per);
    buffer = buffer.slice(per);
    if (!exhausted && !prefetch && buffer.length < per) prefetch = readRefs();
    return batch;
  };
  /**
   * Batches in ICCID order; the checkpoint moves over the finished ones at the front. A batch whose read failed
   * after its retries (`lost`) is finished too: its cards were recorded as failed. A `dead` batch (lost, or
   * every card failed with a passing fault) is passed only once a later batch has finished, so a sweep that
   * stops on a run of them ("platform down") resumes by reading them again.
   */
  type Entry = { last: string; counts: Counts | null; lost: boolean; lostError?: unknown; dead?: boolean };
  const order: Entry[] = [];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let saved = cursor;
  const downAfter = Math.max(1, ctx.sweepDownAfterBatches ?? SWEEP_DOWN_AFTER_BATCHES);
  let lostInARow = 0;
  const advance = async (complete: boolean) => {
    let n = 0;
    while (n < order.length && order[n].counts) n++;
    if (!complete) while (n > 0 && order[n - 1].dead) n--;
    if (!n) return;
    for (const b of order.splice(0, n)) {
      cards += b.counts!.written + b.counts!.unchanged;
      saved = b.last;
    }
    await ctx.store.checkpoints.save(rt.account.id, kind, { cursor: saved, cards }, ctx.now());
  };
  /** Runs `process`; a failure that is the batch's own (not the account's) is recorded on its cards. */
  const guarded = (entry: Entry) => async (refs: CardRef[]): Promise<Counts> => {
    try {
      return await process(refs);
    } catch (e) {
      if (isAccountWide(e)) throw e;
      entry.lost = true;
      entry.lostError = e;
      return recordBatchFailure(ctx, rt, kind, refs, e);
    }
  };
  try {
    for (;;) {
      while (!failure && running.size < width) {
        const batch = await nextBatch();
        if (!batch.length) break;
        const entry: Entry = { last: batch[batch.length - 1].iccid, counts: null, lost: false };
        order.push(entry);
        const todo = skip ? batch.filter((r) => !skip(r)) : batch;
        const skipped = batch.length - todo.length;
        const work = todo.length ? withLeases(ctx, kind, todo, guarded(entry)) : Promise.resolve<Counts>({ written: 0, unchanged: 0, failed: 0 });
        const job: Promise<void> = work.then(
          (c) => {
            entry.counts = { ...c, unchanged: c.unchanged + skipped };
            // Read no card, and every card failed with a passing fault (the call, or each card's own requests).
            const dead = entry.lost || (todo.length > 0 && c.written + c.unchanged === 0 && c.failed > 0 && (c.faulted ?? 0) === c.failed);
            entry.dead = dead;
            lostInARow = dead ? lostInARow + 1 : 0;
            if (lostInARow >= downAfter && !failure) {
              failure = {
                error: entry.lost
                  ? entry.lostError
                  : new Transient(`${lostInARow} batches in a row read no card: every card failed with a passing fault`, { platform: rt.manifest.id }),
              };
              ctx.logger.warn({ account: rt.account.id, kind, batches: lostInARow }, 'batches in a row failed entirely: the platform looks down; the sweep stops and resumes from its checkpoint');
            }
          },
          (error: unknown) => void (failure ??= { error }),
        );
        running.add(job);
        void job.finally(() => running.delete(job));
      }
      if (!running.size) break;
      await Promise.race(running);
      await advance(false);
    }
  } finally {
    await Promise.allSettled(running);
  }
  await advance(!failure);
  if (failure) throw (failure as { error: unknown }).error;
  return cards;
}

/** A batch whose read failed after its retries: the error is recorded on each of its cards, which count as failed. */
async function recordBatchFailure(ctx: EngineContext, rt: AccountRuntime, kind: SyncKind, refs: CardRef[], e: unknown): Promise<Counts> {
  const err = errorJson(e, kind);
  await ctx.store.cards.recordSyncError(refs.map((r) => r.iccid), err, ctx.now());
  const c: Counts = { written: 0, unchanged: 0, failed: refs.length };
  countCards(ctx, rt, kind, c);
  ctx.logger.warn({ account: rt.account.id, kind, cards: refs.length, err }, 'batch failed after its retries: its cards are recorded as failed; the sweep goes on');
  return c;
}
