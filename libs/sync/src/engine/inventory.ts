import type { BatchResult, CardRecord, InventoryPage } from '@simgate/core';
import { readOrderListFile } from '../csv-order-list';
import type { AccountRuntime } from '../runtime';
import { sweepRefs } from './batch-pool';
import { call, readWithCardRetries } from './carrier-calls';
import { readStatus, withHints, writeCards } from './card-reads';
import type { EngineContext } from './context';

/**
 * The inventory pipeline: imported order lists resolved card by card, or the carrier's listing paged while
 * earlier pages are written.
 */

/** The inventory sweep: from the carrier's listing (LIST, MODIFIED_SINCE) or the imported order list (IMPORTED). */
export async function inventory(ctx: EngineContext, rt: AccountRuntime, cursor: string | null, since: string | null, cardsSoFar: number) {
  const accountId = rt.account.id;
  if (rt.manifest.capabilities.inventory === 'IMPORTED') {
    // Cards come from the carrier's order list; new rows are imported, then never-read cards are resolved.
    if (rt.account.cardsPath && cursor === null) {
      const src = { accountId, platform: rt.manifest.id, carrier: rt.manifest.carrier };
      const report = await readOrderListFile(rt.account.cardsPath, async (rows) => {
        await ctx.store.cards.importRefs(src, rows, ctx.now());
      });
      if (report.rejected.length) {
        ctx.logger.warn({ account: accountId, rejected: report.rejected.length, first: report.rejected.slice(0, 3) }, 'order list rows rejected');
      }
    }
    // Every card of the account is walked and counted; only the never-read ones are read (and leased). Walking
    // only the unresolved ones made the count depend on the run: a resumed sweep skipped the cards that batches
    // finished out of order had resolved after the checkpoint, and a restart skipped every card resolved before.
    const cards = await sweepRefs(ctx, 
      rt,
      'inventory',
      cursor,
      cardsSoFar,
      {},
      rt.manifest.batchSizes.status,
      (b) => readStatus(ctx, rt, 'inventory', b),
      (r) => r.hints?.rawStatus !== undefined,
    );
    return { cards };
  }
  // LIST and MODIFIED_SINCE: the pages are asked one after the other (each cursor comes from the answer before),
  // and while the carrier answers the next page up to `listWriteAhead` earlier pages are being written. The
  // checkpoint only moves past a page once it and every page before it are written, so a restart never skips one.
  const ahead = Math.max(1, ctx.listWriteAhead ?? 4);
  const writes: { done: Promise<number>; next: string | null; iccids: Set<string> }[] = [];
  let cards = cardsSoFar;
  let mark: string | null | undefined = undefined;
  let writeFailed = false;
  /** Waits for the oldest writes until at most `keep` are pending, saving the checkpoint after each. */
  const settle = async (keep: number) => {
    while (writes.length > keep) {
      const w = writes.shift()!;
      try {
        cards += await w.done;
      } catch (e) {
        writeFailed = true; // no later page may move the checkpoint past this one
        throw e;
      }
      if (w.next) await ctx.store.checkpoints.save(accountId, 'inventory', { cursor: w.next, cards }, ctx.now());
    }
  };
  const ask = (c: string | null) => {
    const p = call(ctx, rt, 'inventory', () => rt.adapter.listCards(c, since, ctx.now()));
    p.catch(() => undefined); // awaited below; a failed write may end the loop before it is
    return p;
  };
  let asking: Promise<InventoryPage> | null = ask(cursor);
  try {
    while (asking) {
      const page: InventoryPage = await asking;
      asking = page.next ? ask(page.next) : null;
      if (page.highWaterMark) mark = page.highWaterMark;
      const iccids = new Set([...page.cards.map((c) => c.iccid), ...(page.failures ?? []).map((f) => f.iccid)]);
      // A listing that moves changed cards to its end can name a card twice: its earlier write lands first.
      if (writes.some((w) => [...iccids].some((i) => w.iccids.has(i)))) await settle(0);
      const done = writeListed(ctx, rt, page);
      done.catch(() => undefined); // awaited by settle()
      writes.push({ done, next: page.next, iccids });
      await settle(ahead - 1);
    }
    await settle(0);
  } catch (e) {
    // The listing failed: keep the pages already being written, in order, so the retry resumes after them.
    if (!writeFailed) await settle(0).catch(() => undefined);
    throw e;
  } finally {
    // No write is left running behind a failed sweep.
    await Promise.allSettled(writes.map((w) => w.done));
  }
  return { cards, ...(mark !== undefined ? { highWaterMark: mark } : {}) };
}

/** Writes one listed page; cards it named but could not read for a passing fault are read again alone. */
async function writeListed(ctx: EngineContext, rt: AccountRuntime, page: InventoryPage): Promise<number> {
  const failures = page.failures ?? [];
  const retry = failures.filter((f) => f.error.retryable);
  let reread: BatchResult<CardRecord> = { items: [], failures: [] };
  if (retry.length) {
    const refs = await withHints(ctx, retry.map((f) => ({ iccid: f.iccid })));
    reread = await readWithCardRetries(ctx, rt, 'inventory', refs, (b) => rt.adapter.fetchCards(b, ctx.now()));
  }
  const items = [...page.cards, ...reread.items];
  const failed = [...failures.filter((f) => !f.error.retryable), ...reread.failures];
  if (!items.length && !failed.length) return 0;
  const c = await writeCards(ctx, rt, 'inventory', { items, failures: failed });
  return c.written + c.unchanged;
}
