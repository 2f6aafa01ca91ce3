import { OperationType, type BatchResult, type CardRecord, type CardRef } from '@simgate/core';
import { withSendContext } from '@simgate/carriers';
import { chunks, type SyncKind } from '@simgate/store';
import type { AccountRuntime } from '../runtime';
import { readWithCardRetries } from './carrier-calls';
import { errorJson, thresholdsOf, type Counts, type EngineContext } from './context';
import { withLeases } from './leases';

/**
 * Card reads: status and usage of a batch of cards read from the carrier (with what simgate itself did to them
 * as hints) and written change-only, and "sync now" for a list of cards.
 */

/** Failures of a batch that were passing faults (retryable), not refusals. */
function faultedOf(result: BatchResult<unknown>): number {
  return result.failures.filter((f) => f.error.retryable).length;
}

/** Adds what simgate itself did to the cards (its own suspensions, usage caps) to their hints. */
export async function withHints(ctx: EngineContext, refs: CardRef[]): Promise<CardRef[]> {
  const iccids = refs.map((r) => r.iccid);
  const [stops, caps] = await Promise.all([
    ctx.store.operations.latestPerCard(iccids, [OperationType.SUSPEND, OperationType.RESUME]),
    ctx.store.operations.latestPerCard(iccids, [OperationType.SET_USAGE_CAP]),
  ]);
  return refs.map((r) => {
    const stop = stops.get(r.iccid);
    const cap = caps.get(r.iccid);
    return {
      ...r,
      hints: {
        ...r.hints,
        stoppedBySimgate: stop?.type === OperationType.SUSPEND,
        ...(cap ? { usageCapMb: cap.params.capMb ?? null } : {}),
      },
    };
  });
}

/** The cards as the carrier is asked about them: what the store knows (MSISDN, raw status, dates) and simgate's hints. */
export async function refsOf(ctx: EngineContext, iccids: string[]): Promise<CardRef[]> {
  const cards = await ctx.store.cards.getMany(iccids);
  const known = new Map(cards.map((c) => [c.iccid, c]));
  return withHints(ctx, 
    iccids.map((iccid) => {
      const c = known.get(iccid);
      return {
        iccid,
        msisdn: c?.msisdn ?? null,
        hints: c ? { ...(c.rawStatus ? { rawStatus: c.rawStatus } : {}), openedAt: c.openedAt, activatedAt: c.activatedAt } : {},
      };
    }),
  );
}

/** Reads the cards' status (with hints) and writes what changed. */
export async function readStatus(ctx: EngineContext, rt: AccountRuntime, kind: SyncKind, refs: CardRef[]): Promise<Counts> {
  const hinted = await withHints(ctx, refs);
  const result = await readWithCardRetries(ctx, rt, kind, hinted, (b) => rt.adapter.fetchCards(b, ctx.now()));
  return writeCards(ctx, rt, kind, result);
}

/** Reads the cards' current-cycle usage and writes what changed; failures are recorded on the cards. */
export async function readUsage(ctx: EngineContext, rt: AccountRuntime, refs: CardRef[]): Promise<Counts> {
  const result = await readWithCardRetries(ctx, rt, 'usage', refs, (b) => rt.adapter.fetchUsage(b, ctx.now()));
  const at = ctx.now();
  const w = result.items.length ? await ctx.store.usage.upsertCycles(result.items, at, { accountId: rt.account.id, platform: rt.manifest.id, thresholds: thresholdsOf(ctx, rt) })
    : { written: 0, unchanged: 0 };
  for (const f of result.failures) await ctx.store.cards.recordSyncError([f.iccid], errorJson(f.error, 'usage'), at);
  const c = { written: w.written, unchanged: w.unchanged, failed: result.failures.length, faulted: faultedOf(result) };
  countCards(ctx, rt, 'usage', c);
  return c;
}

/** Writes read cards change-only and records each failed card's error on it; counts them in the metrics. */
export async function writeCards(ctx: EngineContext, rt: AccountRuntime, kind: SyncKind, result: BatchResult<CardRecord>): Promise<Counts> {
  const src = { accountId: rt.account.id, platform: rt.manifest.id, carrier: rt.manifest.carrier };
  const at = ctx.now();
  const stats = result.items.length ? await ctx.store.cards.upsert(src, result.items, at) : { inserted: 0, updated: 0, unchanged: 0 };
  for (const f of result.failures) await ctx.store.cards.recordSyncError([f.iccid], errorJson(f.error, kind), at);
  const c = { written: stats.inserted + stats.updated, unchanged: stats.unchanged, failed: result.failures.length, faulted: faultedOf(result) };
  countCards(ctx, rt, kind, c);
  return c;
}

/** Counts a batch's cards in the metrics by result. */
export function countCards(ctx: EngineContext, rt: AccountRuntime, kind: SyncKind, c: Counts): void {
  if (c.written) ctx.metrics.cardsProcessed.inc({ ...rt.labels, kind, result: 'written' }, c.written);
  if (c.unchanged) ctx.metrics.cardsProcessed.inc({ ...rt.labels, kind, result: 'unchanged' }, c.unchanged);
  if (c.failed) ctx.metrics.cardsProcessed.inc({ ...rt.labels, kind, result: 'failed' }, c.failed);
}

/** "Sync now" for a list of cards: read in batches ahead of sweep batches, after any read in progress. */
export async function syncCards(ctx: EngineContext, accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<void> {
  const rt = ctx.runtime.get(accountId);
  const refs = await refsOf(ctx, iccids);
  const size = kind === 'status' ? rt.manifest.batchSizes.status : rt.manifest.batchSizes.usage;
  // A console asked (or an order was confirmed): these reads take quota slots ahead of sweep batches.
  await withSendContext({ priority: 'operation' }, async () => {
    for (const batch of chunks(refs, Math.max(1, size))) {
      // Waits for cards a sweep batch holds rather than skipping them: that batch may have read the card before the
      // change this read is asked to show (an order just confirmed), so only a read after it is fresh.
      await withLeases(ctx, kind, batch, (b) => (kind === 'status' ? readStatus(ctx, rt, 'status', b) : readUsage(ctx, rt, b)));
    }
  });
}
