import { DEFAULT_USAGE_THRESHOLDS, isCarrierError } from '@simgate/core';
import type { Store } from '@simgate/store';
import type { SyncJob } from '../jobs';
import type { CardLeases } from '../leases';
import type { AccountLimiter } from '../limits/account-limiter';
import type { SimgateMetrics } from '../metrics';
import { DEFAULT_RETRY, type RetryPolicy } from '../retry';
import type { AccountRuntime, CarrierRuntime } from '../runtime';
import type { JobQueue } from '../queue/job-queue';
import type { QueuedCards } from '../queue/queued-cards';

/** The context every part of the sync engine works in: its dependencies, settings and clock. */

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface SyncEngineDeps {
  store: Store;
  runtime: CarrierRuntime;
  limiter: AccountLimiter;
  leases: CardLeases;
  queue: JobQueue<SyncJob>;
  /** Cards waiting in "sync now" jobs: a repeat queues nothing (none: every request queues its cards). */
  queuedCards?: QueuedCards;
  metrics: SimgateMetrics;
  logger: Logger;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  retry?: RetryPolicy;
  /** Batches of one sweep in flight at once per account (capped by the platform's in-flight limit). */
  parallelBatches?: number;
  /** Attempts of a failed sweep job (each resumes from its checkpoint). */
  sweepAttempts?: number;
  /**
   * How long a card lease lives unless renewed (renewed every third of it while its batch runs). Simgate passes
   * the queue lock time (SIMGATE_QUEUE_LOCK_MS): a dead worker's cards free up when its job is taken over.
   */
  leaseTtlMs?: number;
  /** A sweep stops ("platform down") after this many batches in a row failed entirely with passing faults (default 3). */
  sweepDownAfterBatches?: number;
  /** Listed inventory pages being written while the next page is asked (default 4). */
  listWriteAhead?: number;
  /**
   * Operations: an in-doubt item is never resent sooner than this after its last send (default 30 s, two carrier
   * timeouts): a request still on its way, e.g. from a worker that died as it sent, has arrived or been dropped by then.
   */
  resendGraceMs?: number;
  /** Operations: resends of one in-doubt item before it is failed (default 3). */
  maxResends?: number;
  /** Usage thresholds (percent of quota) of accounts that set none (SIMGATE_USAGE_THRESHOLDS; default 80, 100). */
  usageThresholds?: readonly number[];
}

/** The engine's dependencies with the clock, the sleep and the retry policy filled in. */
export interface EngineContext extends SyncEngineDeps {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  retry: RetryPolicy;
}

export function engineContext(d: SyncEngineDeps): EngineContext {
  return {
    ...d,
    now: d.now ?? (() => new Date()),
    sleep: d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    retry: d.retry ?? DEFAULT_RETRY,
  };
}

/** The usage thresholds of an account: its own, else the fleet's. */
export function thresholdsOf(ctx: EngineContext, rt: AccountRuntime): readonly number[] {
  return rt.account.usageThresholds ?? ctx.usageThresholds ?? DEFAULT_USAGE_THRESHOLDS;
}

/** What a batch of cards came to. */
export interface Counts {
  written: number;
  unchanged: number;
  failed: number;
  /** Of the failed cards, those that failed with a passing fault (not a refusal): a sweep's "platform down" signal. */
  faulted?: number;
}

/** An error as recorded on a card, a checkpoint or an operation item. */
export function errorJson(e: unknown, kind?: string): Record<string, unknown> {
  if (isCarrierError(e)) {
    return { kind: kind ?? null, error: e.kind, message: e.message, carrierCode: e.details.carrierCode ?? null };
  }
  return { kind: kind ?? null, error: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
