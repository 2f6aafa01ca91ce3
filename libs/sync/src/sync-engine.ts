import {
  CardStatus,
  CarrierError,
  NotSupported,
  OperationState,
  OperationType,
  Rejected,
  Transient,
  isCarrierError,
  isFinalState,
  type BatchResult,
  type CardRecord,
  type CarrierReceipt,
  type CardRef,
  type DailyUsage,
  type InventoryPage,
  type OperationOrder,
  type OperationReceipt,
  dayInZone,
} from '@simgate/core';
import { withSendContext } from '@simgate/carriers';
import { canonicalJson, chunks, lastSentAt, type Operation, type Store, type SyncKind } from '@simgate/store';
import { readOrderListFile } from './csv-order-list';
import { PRIORITY, submitJobId, sweepJobId, type SyncJob } from './jobs';
import type { CardLeases } from './leases';
import type { AccountLimiter } from './limits/account-limiter';
import type { SimgateMetrics } from './metrics';
import { DEFAULT_RETRY, backoffMs, isAccountWide, isCredentialRefusal, withRetries, type RetryPolicy } from './retry';
import type { AccountRuntime, CarrierRuntime } from './runtime';
import { PermanentJobError, type JobQueue, type QueuedJob } from './queue/job-queue';

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
}

interface Counts {
  written: number;
  unchanged: number;
  failed: number;
  /** Of the failed cards, those that failed with a passing fault (not a refusal): a sweep's "platform down" signal. */
  faulted?: number;
}

/** A SUBMITTED item as the orders sweep reads it, with its operation's type, params and key. */
type SubmittedItem = Awaited<ReturnType<Store['operations']['itemsInState']>>[number];

const USAGE_STATUSES = [CardStatus.ACTIVE, CardStatus.SUSPENDED];

/** Rounds of re-reading cards whose own requests hit a passing fault: short backoff, many rounds. */
const CARD_RETRY: RetryPolicy = { attempts: 10, baseMs: 100, maxMs: 2_000 };

/** Card lease TTL when none is configured (the default queue lock time); renewed while the batch runs. */
const LEASE_TTL_MS = 30_000;

/** Consecutive batches failing entirely with passing faults after which a sweep stops (the platform is down). */
const SWEEP_DOWN_AFTER_BATCHES = 3;

/** The status an operation leads to, for confirming orders by re-reading the card. */
export function targetStatus(type: OperationType): CardStatus | null {
  switch (type) {
    case OperationType.ACTIVATE:
    case OperationType.RESUME:
      return CardStatus.ACTIVE;
    case OperationType.SUSPEND:
      return CardStatus.SUSPENDED;
    default:
      return null;
  }
}

/**
 * Hours after submission at which an order item the carrier still holds is failed: the account's contract
 * (`orderDeadlineHours`) or else the platform's (`orderProcessing.deadlineHours`). Deadlines are the engine's alone.
 */
export function orderDeadlineMs(rt: AccountRuntime): number {
  return (rt.account.orderDeadlineHours ?? rt.manifest.orderProcessing.deadlineHours) * 3600_000;
}

/** The receipt as stored: the carrier's, plus the deadline the engine sets at submission. */
export function withDeadline(rt: AccountRuntime, receipt: CarrierReceipt): OperationReceipt {
  return { ...receipt, deadline: new Date(receipt.submittedAt.getTime() + orderDeadlineMs(rt)) };
}

/** Failures of a batch that were passing faults (retryable), not refusals. */
function faultedOf(result: BatchResult<unknown>): number {
  return result.failures.filter((f) => f.error.retryable).length;
}

function errorJson(e: unknown, kind?: string): Record<string, unknown> {
  if (isCarrierError(e)) {
    return { kind: kind ?? null, error: e.kind, message: e.message, carrierCode: e.details.carrierCode ?? null };
  }
  return { kind: kind ?? null, error: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The sync engine: plans each kind of sync per account, calls the adapters through the rate limiter with
 * retries, writes change-only through the store, keeps checkpoints so a restarted sweep resumes, and records
 * metrics. It knows no carrier: every decision rests on the manifest and the core error classes.
 */
export class SyncEngine {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry: RetryPolicy;

  constructor(private readonly d: SyncEngineDeps) {
    this.now = d.now ?? (() => new Date());
    this.sleep = d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.retry = d.retry ?? DEFAULT_RETRY;
  }

  // ---------------------------------------------------------------- enqueueing

  /** Queues a sweep of one kind for an account; a sweep already waiting or running is not queued twice. */
  async requestSweep(accountId: string, kind: SyncKind, reason: 'start' | 'schedule' | 'manual' | 'chain' = 'schedule'): Promise<boolean> {
    const rt = this.d.runtime.get(accountId);
    if (!this.supports(rt, kind)) return false;
    const priority = reason === 'manual' || reason === 'start' ? PRIORITY.manual : reason === 'chain' ? PRIORITY.chain : PRIORITY.schedule;
    const jobId = sweepJobId(accountId, kind);
    const pendingAlready = await this.d.queue.has(jobId);
    if (!pendingAlready) {
      // Marked queued before the job exists: a worker that starts it at once then marks it running.
      const cp = await this.d.store.checkpoints.get(accountId, kind);
      if (cp?.state !== 'running') await this.d.store.checkpoints.save(accountId, kind, { state: 'queued' }, this.now());
    }
    const { added } = await this.d.queue.add(
      'sweep',
      { type: 'sweep', accountId, kind, reason },
      { jobId, priority, attempts: this.d.sweepAttempts ?? 5, backoffMs: 5_000 },
    );
    return added;
  }

  /** "Sync now" for a list of cards: jumps the queue. */
  async requestCards(accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<void> {
    this.d.runtime.get(accountId);
    for (const part of chunks([...new Set(iccids)].sort(), 1000)) {
      await this.d.queue.add('cards', { type: 'cards', accountId, kind, iccids: part }, { priority: PRIORITY.manual, attempts: 3, backoffMs: 2_000 });
    }
  }

  async requestSubmit(operationId: string): Promise<void> {
    await this.d.queue.add('submit', { type: 'submit', operationId }, { jobId: submitJobId(operationId), priority: PRIORITY.manual, attempts: 5, backoffMs: 2_000 });
  }

  /** Whether the platform has this kind of data at all (pools are not on every platform). */
  supports(rt: AccountRuntime, kind: SyncKind): boolean {
    return kind !== 'pools' || rt.manifest.capabilities.pools;
  }

  // ---------------------------------------------------------------- job dispatch

  async handle(job: QueuedJob<SyncJob>): Promise<void> {
    const j = job.data;
    switch (j.type) {
      case 'sweep':
        if (!this.d.runtime.has(j.accountId)) throw new PermanentJobError(`account '${j.accountId}' is not configured`);
        return this.runSweep(j.accountId, j.kind);
      case 'cards':
        if (!this.d.runtime.has(j.accountId)) throw new PermanentJobError(`account '${j.accountId}' is not configured`);
        return this.syncCards(j.accountId, j.kind, j.iccids);
      case 'submit':
        return this.submit(j.operationId);
    }
  }

  // ---------------------------------------------------------------- carrier calls

  private async call<T>(rt: AccountRuntime, kind: string, fn: () => Promise<T>, policy: Partial<RetryPolicy> & { transient?: boolean } = {}): Promise<T> {
    const labels = rt.labels;
    const retryPolicy = { ...this.retry, ...policy };
    try {
      return await withRetries(
        async () => {
          try {
            return await fn();
          } catch (e) {
            if (isCarrierError(e)) this.d.metrics.carrierErrors.inc({ ...labels, kind, error: e.kind });
            // Submissions: an ambiguous failure (timeout, 5xx) may have reached the carrier; never retried here
            // (the item goes in doubt and reconcileInDoubt decides whether a resend is safe).
            if (policy.transient === false && isCarrierError(e) && e.kind === 'TRANSIENT') throw new InDoubt(e);
            throw e;
          }
        },
        retryPolicy,
        {
          sleep: this.sleep,
          onRateLimited: () => {
            this.d.metrics.rateLimitRejections.inc(labels);
            this.d.metrics.rateLimitFactor.set(labels, this.d.limiter.penalize(rt.account.id));
          },
          onRetry: (reason) => this.d.metrics.retries.inc({ ...labels, kind, reason }),
        },
      );
    } finally {
      this.d.metrics.rateLimitFactor.set(labels, this.d.limiter.factor(rt.account.id));
    }
  }

  /**
   * Reads a batch; when the carrier rejects the whole batch, halves it until the cards it refuses are
   * isolated (recorded as per-card failures) and the others are read.
   */
  private async readSplitting<T>(
    rt: AccountRuntime,
    kind: string,
    refs: CardRef[],
    read: (refs: CardRef[]) => Promise<BatchResult<T>>,
  ): Promise<BatchResult<T>> {
    try {
      return await this.call(rt, kind, () => read(refs));
    } catch (e) {
      // A refusal of the credentials is not about these cards: no halving (it would only ask again per card).
      if (!(e instanceof Rejected) || isCredentialRefusal(e)) throw e;
      if (refs.length === 1) return { items: [], failures: [{ iccid: refs[0].iccid, error: e }] };
      const mid = Math.ceil(refs.length / 2);
      const [a, b] = [await this.readSplitting(rt, kind, refs.slice(0, mid), read), await this.readSplitting(rt, kind, refs.slice(mid), read)];
      return { items: [...a.items, ...b.items], failures: [...a.failures, ...b.failures] };
    }
  }

  /**
   * A batch read whose per-card failures include passing faults (5xx, timeouts, malformed answers about one
   * card, per-card rate limits): those cards alone are read again, a few rounds with backoff. Refusals stay
   * failures (recorded on the card); faults that outlast the rounds too.
   */
  private async readWithCardRetries<T>(
    rt: AccountRuntime,
    kind: string,
    refs: CardRef[],
    read: (refs: CardRef[]) => Promise<BatchResult<T>>,
    rounds = CARD_RETRY.attempts,
  ): Promise<BatchResult<T>> {
    let result = await this.readSplitting(rt, kind, refs, read);
    const byIccid = new Map(refs.map((r) => [r.iccid, r]));
    for (let round = 1; round <= rounds; round++) {
      const again = result.failures.filter((f) => f.error.retryable && byIccid.has(f.iccid));
      if (!again.length) break;
      for (const f of again) this.d.metrics.retries.inc({ ...rt.labels, kind, reason: `card_${f.error.kind.toLowerCase()}` });
      if (again.some((f) => f.error.kind === 'RATE_LIMITED')) {
        this.d.metrics.rateLimitRejections.inc(rt.labels);
        this.d.limiter.penalize(rt.account.id);
      }
      await this.sleep(backoffMs(CARD_RETRY, round));
      const retried = await this.readSplitting(rt, kind, again.map((f) => byIccid.get(f.iccid)!), read);
      const retriedIccids = new Set(again.map((f) => f.iccid));
      result = {
        items: [...result.items, ...retried.items],
        failures: [...result.failures.filter((f) => !retriedIccids.has(f.iccid)), ...retried.failures],
      };
    }
    return result;
  }

  /** Adds what simgate itself did to the cards (its own suspensions, usage caps) to their hints. */
  private async withHints(refs: CardRef[]): Promise<CardRef[]> {
    const iccids = refs.map((r) => r.iccid);
    const [stops, caps] = await Promise.all([
      this.d.store.operations.latestPerCard(iccids, [OperationType.SUSPEND, OperationType.RESUME]),
      this.d.store.operations.latestPerCard(iccids, [OperationType.SET_USAGE_CAP]),
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

  // ---------------------------------------------------------------- writes

  private async writeCards(rt: AccountRuntime, kind: SyncKind, result: BatchResult<CardRecord>): Promise<Counts> {
    const src = { accountId: rt.account.id, platform: rt.manifest.id, carrier: rt.manifest.carrier };
    const at = this.now();
    const stats = result.items.length ? await this.d.store.cards.upsert(src, result.items, at) : { inserted: 0, updated: 0, unchanged: 0 };
    for (const f of result.failures) await this.d.store.cards.recordSyncError([f.iccid], errorJson(f.error, kind), at);
    const c = { written: stats.inserted + stats.updated, unchanged: stats.unchanged, failed: result.failures.length, faulted: faultedOf(result) };
    this.countCards(rt, kind, c);
    return c;
  }

  private countCards(rt: AccountRuntime, kind: SyncKind, c: Counts): void {
    if (c.written) this.d.metrics.cardsProcessed.inc({ ...rt.labels, kind, result: 'written' }, c.written);
    if (c.unchanged) this.d.metrics.cardsProcessed.inc({ ...rt.labels, kind, result: 'unchanged' }, c.unchanged);
    if (c.failed) this.d.metrics.cardsProcessed.inc({ ...rt.labels, kind, result: 'failed' }, c.failed);
  }

  // ---------------------------------------------------------------- sweeps

  async runSweep(accountId: string, kind: SyncKind): Promise<void> {
    const rt = this.d.runtime.get(accountId);
    if (!this.supports(rt, kind)) return;
    const cps = this.d.store.checkpoints;
    const cp = await cps.get(accountId, kind);
    // An unfinished sweep: running (its worker died), or stopped with a cursor — failed, or queued again since
    // (a schedule or "sync now" marks a failed sweep queued; it must not cost the cards before its cursor).
    const resuming = cp?.state === 'running' || ((cp?.state === 'failed' || cp?.state === 'queued') && (cp.cursor ?? null) !== null);
    const startedAt = resuming && cp?.startedAt ? cp.startedAt : this.now();
    const cursor = resuming ? (cp?.cursor ?? null) : null;
    await cps.save(accountId, kind, { state: 'running', startedAt, cursor, ...(resuming ? {} : { cards: 0 }) }, this.now());
    const t0 = performance.now();
    this.d.logger.info({ account: accountId, kind, resumeFrom: cursor }, 'sync sweep started');
    try {
      const out = await this.sweep(rt, kind, cursor, cp?.highWaterMark ?? null, resuming ? (cp?.cards ?? 0) : 0);
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
        this.now(),
      );
      this.d.metrics.jobDuration.observe({ ...rt.labels, kind, outcome: 'success' }, (performance.now() - t0) / 1000);
      this.d.logger.info({ account: accountId, kind, cards: out.cards, seconds: Math.round(performance.now() - t0) / 1000 }, 'sync sweep done');
      if (kind === 'inventory') {
        for (const next of ['status', 'usage', 'pools'] as const) await this.requestSweep(accountId, next, 'chain');
      }
    } catch (e) {
      await cps.save(accountId, kind, { state: 'failed', lastError: errorJson(e, kind) }, this.now());
      this.d.metrics.jobDuration.observe({ ...rt.labels, kind, outcome: 'failure' }, (performance.now() - t0) / 1000);
      this.d.logger.warn({ account: accountId, kind, err: errorJson(e) }, 'sync sweep failed; it resumes from its checkpoint when retried');
      throw e;
    }
  }

  private async sweep(
    rt: AccountRuntime,
    kind: SyncKind,
    cursor: string | null,
    highWaterMark: string | null,
    cardsSoFar: number,
  ): Promise<{ cards: number; highWaterMark?: string | null }> {
    switch (kind) {
      case 'inventory':
        return this.inventory(rt, cursor, highWaterMark, cardsSoFar);
      case 'status':
        return { cards: await this.sweepRefs(rt, 'status', cursor, cardsSoFar, {}, rt.manifest.batchSizes.status, (b) => this.readStatus(rt, 'status', b)) };
      case 'usage':
        return {
          cards: await this.sweepRefs(rt, 'usage', cursor, cardsSoFar, { statuses: USAGE_STATUSES }, rt.manifest.batchSizes.usage, (b) =>
            this.readUsage(rt, b),
          ),
        };
      case 'pools':
        return { cards: await this.pools(rt) };
      case 'orders':
        return { cards: await this.orders(rt) };
    }
  }

  private async inventory(rt: AccountRuntime, cursor: string | null, since: string | null, cardsSoFar: number) {
    const accountId = rt.account.id;
    if (rt.manifest.capabilities.inventory === 'IMPORTED') {
      // Cards come from the carrier's order list; new rows are imported, then never-read cards are resolved.
      if (rt.account.cardsPath && cursor === null) {
        const src = { accountId, platform: rt.manifest.id, carrier: rt.manifest.carrier };
        const report = await readOrderListFile(rt.account.cardsPath, async (rows) => {
          await this.d.store.cards.importRefs(src, rows, this.now());
        });
        if (report.rejected.length) {
          this.d.logger.warn({ account: accountId, rejected: report.rejected.length, first: report.rejected.slice(0, 3) }, 'order list rows rejected');
        }
      }
      // Every card of the account is walked and counted; only the never-read ones are read (and leased). Walking
      // only the unresolved ones made the count depend on the run: a resumed sweep skipped the cards that batches
      // finished out of order had resolved after the checkpoint, and a restart skipped every card resolved before.
      const cards = await this.sweepRefs(
        rt,
        'inventory',
        cursor,
        cardsSoFar,
        {},
        rt.manifest.batchSizes.status,
        (b) => this.readStatus(rt, 'inventory', b),
        (r) => r.hints?.rawStatus !== undefined,
      );
      return { cards };
    }
    // LIST and MODIFIED_SINCE: the pages are asked one after the other (each cursor comes from the answer before),
    // and while the carrier answers the next page up to `listWriteAhead` earlier pages are being written. The
    // checkpoint only moves past a page once it and every page before it are written, so a restart never skips one.
    const ahead = Math.max(1, this.d.listWriteAhead ?? 4);
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
        if (w.next) await this.d.store.checkpoints.save(accountId, 'inventory', { cursor: w.next, cards }, this.now());
      }
    };
    const ask = (c: string | null) => {
      const p = this.call(rt, 'inventory', () => rt.adapter.listCards(c, since, this.now()));
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
        const done = this.writeListed(rt, page);
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
  private async writeListed(rt: AccountRuntime, page: InventoryPage): Promise<number> {
    const failures = page.failures ?? [];
    const retry = failures.filter((f) => f.error.retryable);
    let reread: BatchResult<CardRecord> = { items: [], failures: [] };
    if (retry.length) {
      const refs = await this.withHints(retry.map((f) => ({ iccid: f.iccid })));
      reread = await this.readWithCardRetries(rt, 'inventory', refs, (b) => rt.adapter.fetchCards(b, this.now()));
    }
    const items = [...page.cards, ...reread.items];
    const failed = [...failures.filter((f) => !f.error.retryable), ...reread.failures];
    if (!items.length && !failed.length) return 0;
    const c = await this.writeCards(rt, 'inventory', { items, failures: failed });
    return c.written + c.unchanged;
  }

  /**
   * Batches of one sweep in flight at once. On a platform that allows few requests in flight, one batch more
   * than it allows: that batch does its database work (hints, writes) while the others hold the carrier.
   */
  private parallelism(rt: AccountRuntime): number {
    const want = Math.max(1, this.d.parallelBatches ?? 4);
    return Math.min(want, this.d.limiter.maxInFlight(rt.account.id) + 1);
  }

  /**
   * Walks an account's cards in ICCID order from `cursor` with `parallelism` batches in flight: a new batch
   * starts as soon as any batch ends (no round waits for its slowest batch), the next page of refs is read
   * while batches run, and the checkpoint moves to the last ICCID of the batches done in order, so an
   * interrupted sweep resumes right after the last card of an unbroken run of finished batches.
   */
  private async sweepRefs(
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
    const width = this.parallelism(rt);
    let cards = cardsSoFar;
    // Refs read ahead of the batches (unresolved cards leave that filter once read: paging is by cursor anyway).
    let buffer: CardRef[] = [];
    let readUpTo = cursor;
    let exhausted = false;
    let prefetch: Promise<CardRef[]> | null = null;
    const readRefs = () => {
      const p = this.d.store.cards.refs(rt.account.id, readUpTo, per * width, filter);
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
    const downAfter = Math.max(1, this.d.sweepDownAfterBatches ?? SWEEP_DOWN_AFTER_BATCHES);
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
      await this.d.store.checkpoints.save(rt.account.id, kind, { cursor: saved, cards }, this.now());
    };
    /** Runs `process`; a failure that is the batch's own (not the account's) is recorded on its cards. */
    const guarded = (entry: Entry) => async (refs: CardRef[]): Promise<Counts> => {
      try {
        return await process(refs);
      } catch (e) {
        if (isAccountWide(e)) throw e;
        entry.lost = true;
        entry.lostError = e;
        return this.recordBatchFailure(rt, kind, refs, e);
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
          const work = todo.length ? this.withLeases(kind, todo, guarded(entry)) : Promise.resolve<Counts>({ written: 0, unchanged: 0, failed: 0 });
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
                this.d.logger.warn({ account: rt.account.id, kind, batches: lostInARow }, 'batches in a row failed entirely: the platform looks down; the sweep stops and resumes from its checkpoint');
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
  private async recordBatchFailure(rt: AccountRuntime, kind: SyncKind, refs: CardRef[], e: unknown): Promise<Counts> {
    const err = errorJson(e, kind);
    await this.d.store.cards.recordSyncError(refs.map((r) => r.iccid), err, this.now());
    const c: Counts = { written: 0, unchanged: 0, failed: refs.length };
    this.countCards(rt, kind, c);
    this.d.logger.warn({ account: rt.account.id, kind, cards: refs.length, err }, 'batch failed after its retries: its cards are recorded as failed; the sweep goes on');
    return c;
  }

  /**
   * Runs `process` on the cards whose leases this job takes, renewing them while it runs. Every job waits for
   * cards another job holds (it reads them once that job is done, or once a dead worker's lease expires): every
   * card a sweep counts was really read by it, and a "sync now" or an order's confirmation reads the card after
   * the read in progress, which may predate what it is asked to show.
   */
  private async withLeases(kind: string, refs: CardRef[], process: (refs: CardRef[]) => Promise<Counts>): Promise<Counts> {
    const total: Counts = { written: 0, unchanged: 0, failed: 0 };
    let left = refs;
    const ttl = this.d.leaseTtlMs ?? LEASE_TTL_MS;
    // A dead holder's leases expire within one TTL; a live one (a "sync now" batch at the carrier's quota) may
    // hold them for a minute or more: wait at least two minutes before giving up.
    const waitMs = Math.max(2 * ttl, 120_000);
    const deadline = Date.now() + waitMs;
    while (left.length) {
      const keys = left.map((r) => `${kind}:${r.iccid}`);
      const taken = [...new Set(await this.d.leases.acquire(keys, ttl))];
      const held = new Set(taken);
      const mine = left.filter((_, i) => held.has(keys[i]));
      // A batch slowed by the carrier's quota can outlast one TTL: its leases are renewed while it runs.
      const renewal = setInterval(() => void this.d.leases.renew(taken, ttl).catch(() => undefined), ttl / 3);
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
        await this.d.leases.release(taken);
      }
      left = left.filter((_, i) => !held.has(keys[i]));
      if (!left.length) break;
      if (Date.now() > deadline) throw new Error(`${left.length} card(s) stayed leased by another job for ${waitMs} ms`);
      await this.sleep(250);
    }
    return total;
  }

  private async readStatus(rt: AccountRuntime, kind: SyncKind, refs: CardRef[]): Promise<Counts> {
    const hinted = await this.withHints(refs);
    const result = await this.readWithCardRetries(rt, kind, hinted, (b) => rt.adapter.fetchCards(b, this.now()));
    return this.writeCards(rt, kind, result);
  }

  private async readUsage(rt: AccountRuntime, refs: CardRef[]): Promise<Counts> {
    const result = await this.readWithCardRetries(rt, 'usage', refs, (b) => rt.adapter.fetchUsage(b, this.now()));
    const at = this.now();
    const w = result.items.length ? await this.d.store.usage.upsertCycles(result.items, at) : { written: 0, unchanged: 0 };
    for (const f of result.failures) await this.d.store.cards.recordSyncError([f.iccid], errorJson(f.error, 'usage'), at);
    const c = { written: w.written, unchanged: w.unchanged, failed: result.failures.length, faulted: faultedOf(result) };
    this.countCards(rt, 'usage', c);
    return c;
  }

  private async pools(rt: AccountRuntime): Promise<number> {
    const accountId = rt.account.id;
    const pools = await this.call(rt, 'pools', () => rt.adapter.listPools(this.now()));
    await this.d.store.pools.upsert(accountId, rt.manifest.id, pools, this.now());
    let members = 0;
    for (const p of pools) {
      const iccids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await this.call(rt, 'pools', () => rt.adapter.listPoolMembers(p.poolId, cursor, this.now()));
        iccids.push(...page.iccids);
        cursor = page.next;
      } while (cursor);
      await this.d.store.pools.replaceMembers(accountId, p.poolId, iccids);
      members += iccids.length;
    }
    return members;
  }

  // ---------------------------------------------------------------- orders

  /**
   * Polls the account's submitted orders until the carrier says they are done (or their deadline passes), and
   * resolves the in-doubt ones (see reconcileInDoubt). Every carrier request here goes ahead of sweep batches.
   */
  private async orders(rt: AccountRuntime): Promise<number> {
    return withSendContext({ priority: 'operation' }, () => this.ordersOf(rt));
  }

  private async ordersOf(rt: AccountRuntime): Promise<number> {
    const accountId = rt.account.id;
    const items = await this.d.store.operations.itemsInState(OperationState.SUBMITTED, accountId, 5000);
    const groups = new Map<string, typeof items>();
    const inDoubt: typeof items = [];
    const orphaned: typeof items = [];
    for (const it of items) {
      if (!it.receipt) {
        if (it.error?.inDoubt === true) inDoubt.push(it);
        // Marked sent, no outcome: its run is sending it now, or died and its job was never taken over.
        else if (this.now().getTime() - (it.submittedAt ?? this.now()).getTime() > ORPHAN_AFTER_MS) orphaned.push(it);
        continue;
      }
      const key = `${it.operationId}|${canonicalJson(it.receipt)}`;
      groups.set(key, [...(groups.get(key) ?? []), it]);
    }
    for (const it of orphaned) {
      const reason = `marked sent ${Math.round(ORPHAN_AFTER_MS / 60_000)} minutes ago and no submission run recorded an outcome`;
      if (await this.d.store.operations.markInDoubt(it.operationId, [it.iccid], this.now(), { inDoubt: true, reason })) {
        inDoubt.push({ ...it, error: { inDoubt: true, reason } });
      }
    }
    const completed: string[] = [];
    const now = () => this.now();
    for (const group of groups.values()) {
      const receipt = group[0].receipt as OperationReceipt;
      const refs = await this.refsOf(group.map((g) => g.iccid));
      let progress;
      try {
        progress = await this.call(rt, 'orders', () => rt.adapter.progress(receipt, refs, now()));
      } catch (e) {
        if (e instanceof Rejected || e instanceof NotSupported) {
          await this.d.store.operations.transition(group[0].operationId, group.map((g) => g.iccid), OperationState.FAILED, now(), {
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
          await this.d.store.operations.transition(it.operationId, [it.iccid], state, now(), {
            error: state === OperationState.FAILED ? { message: p?.message ?? progress.message ?? 'the carrier reported failure' } : null,
            from: [OperationState.SUBMITTED],
          });
          if (state === OperationState.COMPLETED) completed.push(it.iccid);
        } else if (now() >= receipt.deadline) {
          await this.d.store.operations.transition(it.operationId, [it.iccid], OperationState.FAILED, now(), {
            error: { message: `no result from the carrier before the deadline ${receipt.deadline.toISOString()}` },
            from: [OperationState.SUBMITTED],
          });
        }
      }
    }
    if (inDoubt.length) completed.push(...(await this.reconcileInDoubt(rt, inDoubt)));
    if (completed.length) await this.requestCards(accountId, 'status', completed);
    return items.length;
  }

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
  private async reconcileInDoubt(rt: AccountRuntime, items: SubmittedItem[]): Promise<string[]> {
    const done: string[] = [];
    const refs = await this.refsOf([...new Set(items.map((i) => i.iccid))]);
    const read = await this.readWithCardRetries(rt, 'orders', refs, (b) => rt.adapter.fetchCards(b, this.now()), 3);
    const status = new Map(read.items.map((c) => [c.iccid, c.status]));
    // What was just read is the card's freshest state: stored at once, so a completed item's card shows its target.
    if (read.items.length) await this.writeCards(rt, 'status', { items: read.items, failures: [] });
    const deadlineMs = orderDeadlineMs(rt);
    const typicalMs = rt.manifest.orderProcessing.typicalHours * 3600_000;
    const idempotent = rt.manifest.orderResend?.idempotent ?? false;
    const graceMs = this.d.resendGraceMs ?? RESEND_GRACE_MS;
    const maxResends = this.d.maxResends ?? MAX_RESENDS;
    const candidates: { it: SubmittedItem; shortOf: string }[] = [];
    for (const it of items) {
      const want = targetStatus(it.type);
      const now = this.now();
      const sinceFirst = now.getTime() - (it.submittedAt ?? now).getTime();
      if (want && status.get(it.iccid) === want) {
        await this.d.store.operations.transition(it.operationId, [it.iccid], OperationState.COMPLETED, now, { from: [OperationState.SUBMITTED] });
        done.push(it.iccid);
      } else if (sinceFirst > deadlineMs) {
        await this.d.store.operations.transition(it.operationId, [it.iccid], OperationState.FAILED, now, {
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
    const ready = candidates.filter(({ it }) => this.now().getTime() - (lastSentAt(it) ?? this.now()).getTime() >= graceMs);
    if (!ready.length) return done;
    // What the carrier's own order records say (Jasper: the audit trail lists pending changes).
    let pending: Map<string, boolean> | null = null;
    if (rt.adapter.pendingOrders) {
      const adapter = rt.adapter;
      const answer = await this.readWithCardRetries(rt, 'orders', await this.refsOf(ready.map((c) => c.it.iccid)), (b) => adapter.pendingOrders!(b, this.now()), 3);
      pending = new Map(answer.items.map((p) => [p.iccid, p.pending]));
    }
    for (const { it, shortOf } of ready) {
      const now = this.now();
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
        await this.d.store.operations.transition(it.operationId, [it.iccid], OperationState.FAILED, now, {
          error: { message: `sent ${it.resends.length + 1} times without the target status showing; not sent again`, resends: it.resends.length },
          from: [OperationState.SUBMITTED],
        });
        continue;
      }
      await this.resend(rt, it, why);
    }
    return done;
  }

  /**
   * Submits an order through the adapter ahead of sweep requests; `beforeSend` runs once its order request holds
   * its quota slot. A passing fault is not retried (InDoubt): the request may have reached the carrier. Returns the
   * receipt as stored, with the engine's deadline.
   */
  private async sendOrder(rt: AccountRuntime, order: OperationOrder, refs: CardRef[], beforeSend: () => Promise<void>): Promise<OperationReceipt> {
    const receipt = await withSendContext({ priority: 'operation', beforeSend }, () =>
      this.call(rt, 'submit', () => rt.adapter.submit(order, refs, this.now()), { transient: false }),
    );
    return withDeadline(rt, receipt);
  }

  /** Sends an in-doubt item again, alone; claimed once and marked sent only with its quota slot in hand. */
  private async resend(rt: AccountRuntime, it: SubmittedItem, reason: string): Promise<void> {
    const ops = this.d.store.operations;
    let claimed = false;
    const beforeSend = async () => {
      if (claimed) return; // the same resend again after a refusal that proves it was not acted on (quota, token)
      if (!(await ops.claimResend(it.operationId, it.iccid, this.now(), reason, it.attempts))) {
        throw new AlreadyTaken(`item ${it.iccid} of operation ${it.operationId} changed since it was read; not resent`);
      }
      claimed = true;
    };
    const order = { type: it.type, iccids: [it.iccid], params: it.params, idempotencyKey: `${it.idempotencyKey}#resend:${it.iccid}:${it.resends.length + 1}` };
    const refs = await this.refsOf([it.iccid]);
    const log = { operation: it.operationId, iccid: it.iccid, resend: it.resends.length + 1, reason };
    try {
      const receipt = await this.sendOrder(rt, order, refs, beforeSend);
      if (!claimed) return; // the adapter sent no order request (nothing to record)
      await ops.recordOutcome(it.operationId, [it.iccid], this.now(), { receipt, error: null, resendOutcome: 'accepted' });
      this.d.metrics.operationsSubmitted.inc({ ...rt.labels, type: it.type, result: 'resent' });
      this.d.logger.info(log, 'in-doubt operation item resent');
    } catch (e) {
      if (e instanceof AlreadyTaken) return;
      if (!claimed) {
        this.d.logger.warn({ ...log, err: errorJson(e) }, 'in-doubt operation item not resent: the request did not leave');
        return;
      }
      const original = e instanceof InDoubt ? e.original : e;
      const code = isCarrierError(original) ? original.details.carrierCode : undefined;
      if (e instanceof Rejected && code !== undefined && (rt.manifest.orderResend?.pendingCodes ?? []).includes(code)) {
        // The carrier refused it because an order on the card is in progress or recent: the first one arrived.
        await ops.recordOutcome(it.operationId, [it.iccid], this.now(), {
          error: { inDoubt: true, reason: 'the carrier refused the resend: an order on the card is in progress or recent', ...errorJson(e, 'resend') },
          resendOutcome: 'refused: pending',
        });
        this.d.logger.info(log, 'in-doubt operation item: the carrier has an order in progress for the card');
      } else if (e instanceof Rejected || e instanceof NotSupported) {
        await ops.recordOutcome(it.operationId, [it.iccid], this.now(), { error: errorJson(e, 'resend'), resendOutcome: 'refused' });
        await ops.transition(it.operationId, [it.iccid], OperationState.FAILED, this.now(), {
          error: { message: `the carrier refused the resend: ${e.message}`, ...errorJson(e, 'resend') },
          from: [OperationState.SUBMITTED],
        });
      } else {
        await ops.recordOutcome(it.operationId, [it.iccid], this.now(), {
          error: { inDoubt: true, reason: 'resend outcome unknown', ...errorJson(original, 'resend') },
          resendOutcome: 'in doubt',
        });
        this.d.metrics.operationsSubmitted.inc({ ...rt.labels, type: it.type, result: 'in_doubt' });
      }
    }
  }

  private async refsOf(iccids: string[]): Promise<CardRef[]> {
    const cards = await this.d.store.cards.getMany(iccids);
    const known = new Map(cards.map((c) => [c.iccid, c]));
    return this.withHints(
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

  // ---------------------------------------------------------------- daily usage on demand

  /**
   * Reads one card's daily series from the carrier (clamped to the days the platform serves) and stores it.
   * Daily series cost a request per card (per day on some platforms), so they are read when asked for.
   */
  async fetchDaily(accountId: string, ref: CardRef, from: string, to: string): Promise<DailyUsage[]> {
    const rt = this.d.runtime.get(accountId);
    const zone = rt.manifest.zone;
    const earliest = dayInZone(new Date(this.now().getTime() - rt.manifest.capabilities.dailyUsageDays * 86400_000), zone);
    const yesterday = dayInZone(new Date(this.now().getTime() - 86400_000), zone);
    const today = dayInZone(this.now(), zone);
    const lo = from < earliest ? earliest : from;
    const hi = to > today ? today : to;
    if (lo > hi) return [];
    const hiServed = rt.manifest.capabilities.realTimeUsage ? hi : hi > yesterday ? yesterday : hi;
    if (lo > hiServed) return [];
    const days = await this.call(rt, 'usage', () => rt.adapter.fetchDailyUsage(ref, lo, hiServed, this.now()), { attempts: 3 });
    if (days.length) await this.d.store.usage.upsertDaily(days, this.now());
    return days.filter((d) => d.day >= lo && d.day <= hiServed).sort((a, b) => a.day.localeCompare(b.day));
  }

  // ---------------------------------------------------------------- sync now for cards

  async syncCards(accountId: string, kind: 'status' | 'usage', iccids: string[]): Promise<void> {
    const rt = this.d.runtime.get(accountId);
    const refs = await this.refsOf(iccids);
    const size = kind === 'status' ? rt.manifest.batchSizes.status : rt.manifest.batchSizes.usage;
    // A console asked (or an order was confirmed): these reads take quota slots ahead of sweep batches.
    await withSendContext({ priority: 'operation' }, async () => {
      for (const batch of chunks(refs, Math.max(1, size))) {
        // Waits for cards a sweep batch holds rather than skipping them: that batch may have read the card before the
        // change this read is asked to show (an order just confirmed), so only a read after it is fresh.
        await this.withLeases(kind, batch, (b) => (kind === 'status' ? this.readStatus(rt, 'status', b) : this.readUsage(rt, b)));
      }
    });
  }

  // ---------------------------------------------------------------- operations

  /**
   * Submits an operation's PENDING items, once. The adapter call runs with `priority: 'operation'` and a
   * `beforeSend` that moves the batch's items PENDING → SUBMITTED (guarded by state) once the order request
   * holds its quota slot, just before it leaves: an item is SUBMITTED only when it may really have been sent,
   * and a request whose items another run took is not sent. A definite refusal makes them REJECTED; an
   * ambiguous failure (timeout, 5xx) leaves them SUBMITTED without a receipt, in doubt, and the account's
   * `orders` sweep is queued at once to resolve them (reconcileInDoubt). A failure before the order request
   * left keeps the items PENDING and fails the job, which retries them.
   *
   * A run of the job after its worker died (the queue re-runs it once the lock expires; the job id is unique per
   * operation, so runs never overlap) finds the items the dead run marked sent and recorded nothing for: they
   * may have left, so they are marked in doubt at once and resolved the same way.
   */
  async submit(operationId: string): Promise<void> {
    const op = await this.d.store.operations.get(operationId);
    if (!op) throw new PermanentJobError(`operation ${operationId} not found`);
    this.d.logger.info({ operation: op.id, type: op.type, pending: op.items.filter((i) => i.state === OperationState.PENDING).length }, 'operation submit started');
    const ops = this.d.store.operations;
    const reconcile = new Set<string>();
    try {
      const orphaned = op.items.filter((i) => i.state === OperationState.SUBMITTED && !i.receipt && !i.error);
      if (orphaned.length) {
        const reason = 'worker stopped mid-submission';
        const marked = await ops.markInDoubt(op.id, orphaned.map((i) => i.iccid), this.now(), { inDoubt: true, reason });
        this.d.logger.warn({ operation: op.id, items: marked }, 'operation items marked sent by a run that stopped: in doubt, resolving now');
        for (const it of orphaned) {
          if (!it.accountId || !this.d.runtime.has(it.accountId)) continue;
          reconcile.add(it.accountId);
          this.d.metrics.operationsSubmitted.inc({ ...this.d.runtime.get(it.accountId).labels, type: op.type, result: 'in_doubt' });
        }
      }
      const byAccount = new Map<string, string[]>();
      for (const it of op.items.filter((i) => i.state === OperationState.PENDING)) {
        if (!it.accountId || !this.d.runtime.has(it.accountId)) {
          await ops.transition(op.id, [it.iccid], OperationState.REJECTED, this.now(), {
            error: { code: 'ACCOUNT_UNAVAILABLE', message: `the card's carrier account '${it.accountId}' is not configured` },
            from: [OperationState.PENDING],
          });
          continue;
        }
        byAccount.set(it.accountId, [...(byAccount.get(it.accountId) ?? []), it.iccid]);
      }
      for (const [accountId, iccids] of byAccount) {
        const rt = this.d.runtime.get(accountId);
        let n = 0;
        for (const batch of chunks(iccids, Math.max(1, rt.manifest.batchSizes.operation))) {
          if (await this.submitBatch(rt, op, batch, ++n)) reconcile.add(accountId);
        }
      }
    } finally {
      // In-doubt items are resolved within seconds, not at the next scheduled orders sweep.
      for (const accountId of reconcile) await this.requestSweep(accountId, 'orders', 'manual');
    }
  }

  /** One order request for a batch of an operation's items; returns whether the items ended in doubt. */
  private async submitBatch(rt: AccountRuntime, op: Operation, batch: string[], n: number): Promise<boolean> {
    const ops = this.d.store.operations;
    let marked = false;
    const beforeSend = async () => {
      if (marked) return; // the same order again after a refusal that proves it was not acted on (quota, token)
      const moved = await ops.transition(op.id, batch, OperationState.SUBMITTED, this.now(), { from: [OperationState.PENDING] });
      if (moved !== batch.length) throw new AlreadyTaken(`operation ${op.id}: ${batch.length - moved} of ${batch.length} items already taken by another run`);
      marked = true;
    };
    const refs = await this.refsOf(batch);
    const order = { type: op.type, iccids: batch, params: op.params, idempotencyKey: `${op.idempotencyKey}#${n}` };
    try {
      const receipt = await this.sendOrder(rt, order, refs, beforeSend);
      // An adapter that sent no request marked as an order: the items are marked now (after the fact).
      if (!marked) await beforeSend();
      await ops.recordOutcome(op.id, batch, this.now(), { receipt, error: null });
      this.d.metrics.operationsSubmitted.inc({ ...rt.labels, type: op.type, result: 'accepted' }, batch.length);
      return false;
    } catch (e) {
      if (e instanceof AlreadyTaken) {
        // Another run took (some of) these: never send twice.
        this.d.logger.warn({ operation: op.id, err: e.message }, 'operation items already submitted elsewhere; batch not sent');
        return false;
      }
      const from = marked ? OperationState.SUBMITTED : OperationState.PENDING;
      if (e instanceof Rejected || e instanceof NotSupported) {
        await ops.transition(op.id, batch, OperationState.REJECTED, this.now(), { error: errorJson(e, 'submit'), from: [from] });
        this.d.metrics.operationsSubmitted.inc({ ...rt.labels, type: op.type, result: 'rejected' }, batch.length);
        return false;
      }
      // Nothing left for the carrier: the items stay PENDING and the job's retry submits them.
      if (!marked) throw e instanceof InDoubt ? e.original : e;
      await ops.recordOutcome(op.id, batch, this.now(), { error: { inDoubt: true, ...errorJson(e instanceof InDoubt ? e.original : e, 'submit') } });
      this.d.metrics.operationsSubmitted.inc({ ...rt.labels, type: op.type, result: 'in_doubt' }, batch.length);
      this.d.logger.warn({ operation: op.id, items: batch.length, err: errorJson(e) }, 'operation submission outcome unknown: in doubt, resolving now');
      return true;
    }
  }
}

/** A submission failed in a way that may have reached the carrier: not retried, reconciled by reading. */
class InDoubt extends CarrierError {
  readonly kind = 'TRANSIENT' as const;
  readonly retryable = false;
  constructor(readonly original: CarrierError) {
    super(`outcome unknown: ${original.message}`, original.details);
  }
}

/** The items of an order request were taken by another run: the request is not sent. */
class AlreadyTaken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyTaken';
  }
}

/** An item marked sent with no outcome this long after is orphaned (its run died and no re-run took it over). */
const ORPHAN_AFTER_MS = 10 * 60_000;
/** Resends of one in-doubt item before it is failed. */
const MAX_RESENDS = 3;
/** No resend sooner than this after the last send: a request on its way has arrived or been dropped by then. */
const RESEND_GRACE_MS = 30_000;
