import type { CardRef } from '@simgate/core';
import type { Counts, EngineContext } from './context';

/** Card lease TTL when none is configured (the default queue lock time); renewed while the batch runs. */
const LEASE_TTL_MS = 30_000;

/**
 * Runs `process` on the cards whose leases this job takes, renewing them while it runs. Every job waits for
 * cards another job holds (it reads them once that job is done, or once a dead worker's lease expires): every
 * card a sweep counts was really read by it, and a "sync now" or an order's confirmation reads the card after
 * the read in progress, which may predate what it is asked to show.
 */
export async function withLeases(ctx: EngineContext, kind: string, refs: CardRef[], process: (refs: CardRef[]) => Promise<Counts>): Promise<Counts> {
  const total: Counts = { written: 0, unchanged: 0, failed: 0 };
  let left = refs;
  const ttl = ctx.leaseTtlMs ?? LEASE_TTL_MS;
  // A dead holder's leases expire within one TTL; a live one (a "sync now" batch at the carrier's quota) may
  // hold them for a minute or more: wait at least two minutes before giving up.
  const waitMs = Math.max(2 * ttl, 120_000);
  const deadline = Date.now() + waitMs;
  while (left.length) {
    const keys = left.map((r) => `${kind}:${r.iccid}`);
    const taken = [...new Set(await ctx.leases.acquire(keys, ttl))];
    const held = new Set(taken);
    const mine = left.filter((_, i) => held.has(keys[i]));
    // A batch slowed by the carrier's quota can outlast one TTL: its leases are renewed while it runs.
    const renewal = setInterval(() => void ctx.leases.renew(taken, ttl).catch(() => undefined), ttl / 3);
    renewal.unref?.();
    try {
      if (mine.length) {
        const c = await process(mine);
        total.written += c.written;
        total.unchanged += c.unchanged;
        total.failed += c.failed;
        total.faulted = (total.faulted ?? 0) + (c.faulted ?? 0);
      }
    } finally {
      clearInterval(renewal);
      await ctx.leases.release(taken);
    }
    left = left.filter((_, i) => !held.has(keys[i]));
    if (!left.length) break;
    if (Date.now() > deadline) throw new Error(`${left.length} card(s) stayed leased by another job for ${waitMs} ms`);
    await ctx.sleep(250);
  }
  return total;
}
