import type { CardRef, DailyUsage } from '@simgate/core';
import type { SyncKind } from '@simgate/store';
import type { SyncJob } from './jobs';
import { PermanentJobError, type QueuedJob } from './queue/job-queue';
import type { AccountRuntime } from './runtime';
import { syncCards } from './engine/card-reads';
import { engineContext, type EngineContext, type SyncEngineDeps } from './engine/context';
import { fetchDaily } from './engine/daily-usage';
import { requestImport, resumeImports, runImport } from './engine/imports';
import { requestCards, requestSubmit, requestSweep, supports, unqueuedCards } from './engine/enqueue';
import { submit } from './engine/submission';
import { runSweep } from './engine/sweeps';

export type { Logger, SyncEngineDeps } from './engine/context';
export { orderDeadlineMs, targetStatus, withDeadline } from './engine/order-rules';

/**
 * The sync engine: plans each kind of sync per account, calls the adapters through the rate limiter with
 * retries, writes change-only through the store, keeps checkpoints so a restarted sweep resumes, and records
 * metrics. It knows no carrier: every decision rests on the manifest and the core error classes.
 *
 * This class is the engine's face; each job lives in its own file under engine/:
 * - enqueue.ts: sweeps, "sync now" and submissions queued as jobs;
 * - sweeps.ts: one kind of sync over an account, from its checkpoint; batch-pool.ts: the batches of a sweep in
 *   flight behind the checkpoint; inventory.ts: order lists and the carrier's listing; pools.ts: pools;
 * - carrier-calls.ts: rate limits, retries, batch halving, per-card retries; leases.ts: card leases;
 * - card-reads.ts: status and usage reads (with simgate's hints) and change-only writes;
 * - submission.ts, orders.ts, in-doubt.ts, order-rules.ts: operations from submission to their outcome;
 * - daily-usage.ts: a card's daily series on demand;
 * - imports.ts: order lists imported as jobs, chunk by chunk.
 */
export class SyncEngine {
  private readonly ctx: EngineContext;

  constructor(deps: SyncEngineDeps) {
    this.ctx = engineContext(deps);
  }

  /** Queues a sweep of one kind for an account; a sweep already waiting or running is not queued twice. */
  requestSweep(accountId: string, kind: SyncKind, reason: 'start' | 'schedule' | 'manual' | 'chain' = 'schedule'): Promise<boolean> {
    return requestSweep(this.ctx, accountId, kind, reason);
  }

  /** "Sync now" for a list of cards: jumps the queue; cards already waiting are not queued again. Returns the cards queued. */
  requestCards(accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<string[]> {
    return requestCards(this.ctx, accountId, kind, iccids);
  }

  /** Of `iccids`, the cards a "sync now" request would queue (the others already wait). */
  unqueuedCards(accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<string[]> {
    return unqueuedCards(this.ctx, accountId, kind, iccids);
  }

  requestSubmit(operationId: string): Promise<void> {
    return requestSubmit(this.ctx, operationId);
  }

  /** Queues an import job (an order list the gateway stored as chunks). */
  requestImport(importId: string): Promise<void> {
    return requestImport(this.ctx, importId);
  }

  /** Queues again the imports a stopped process left unfinished; resolves with how many. */
  resumeImports(): Promise<number> {
    return resumeImports(this.ctx);
  }

  /** Whether the platform has this kind of data at all (pools are not on every platform). */
  supports(rt: AccountRuntime, kind: SyncKind): boolean {
    return supports(rt, kind);
  }

  /** Runs a job of the sync queue. */
  async handle(job: QueuedJob<SyncJob>): Promise<void> {
    const j = job.data;
    switch (j.type) {
      case 'sweep':
        if (!this.ctx.runtime.has(j.accountId)) throw new PermanentJobError(`account '${j.accountId}' is not configured`);
        return this.runSweep(j.accountId, j.kind);
      case 'cards':
        // Read from now on: a request for these cards after this point queues them again.
        await this.ctx.queuedCards?.release(j.accountId, j.kind, j.iccids);
        if (!this.ctx.runtime.has(j.accountId)) throw new PermanentJobError(`account '${j.accountId}' is not configured`);
        return this.syncCards(j.accountId, j.kind, j.iccids);
      case 'submit':
        return this.submit(j.operationId);
      case 'import':
        return runImport(this.ctx, { ...job, data: j });
    }
  }

  /** Runs a sweep of one kind over an account, resuming an unfinished one from its checkpoint. */
  runSweep(accountId: string, kind: SyncKind): Promise<void> {
    return runSweep(this.ctx, accountId, kind);
  }

  /** Reads one card's daily series from the carrier (clamped to the days the platform serves) and stores it. */
  fetchDaily(accountId: string, ref: CardRef, from: string, to: string): Promise<DailyUsage[]> {
    return fetchDaily(this.ctx, accountId, ref, from, to);
  }

  /** Reads a list of cards now, ahead of sweep batches. */
  syncCards(accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<void> {
    return syncCards(this.ctx, accountId, kind, iccids);
  }

  /** Submits an operation's PENDING items, once (see engine/submission.ts). */
  submit(operationId: string): Promise<void> {
    return submit(this.ctx, operationId);
  }
}
