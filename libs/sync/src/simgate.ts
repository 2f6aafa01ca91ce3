import Bull, { type Queue } from 'bull';
import Redis from 'ioredis';
import type pino from 'pino';
import { CarrierRegistry, discoverPlatforms } from '@simgate/carriers';
import { Store } from '@simgate/store';
import * as path from 'node:path';
import { loadAccountsFile, type LoadedAccount } from './config/accounts-file';
import type { SimgateConfig } from './config/env';
import { registerCollectors } from './collectors';
import { SYNC_LATE_EVERY_MS, countCommittedEvents, registerSyncLate } from './sync-late';
import type { SyncJob } from './jobs';
import { MemoryCardLeases, RedisCardLeases, type CardLeases } from './leases';
import { AccountLimiter } from './limits/account-limiter';
import { MemoryInFlightLimiter, RedisInFlightLimiter } from './limits/in-flight';
import { MemoryWindowLimiter, RedisWindowLimiter } from './limits/window-limiter';
import { createLogger } from './logger';
import { SimgateMetrics } from './metrics';
import { registerProgressCollector } from './progress';
import { BullJobQueue } from './queue/bull-queue';
import type { JobQueue } from './queue/job-queue';
import { MemoryJobQueue } from './queue/memory-queue';
import { MemoryQueuedCards, RedisQueuedCards } from './queue/queued-cards';
import { CarrierRuntime } from './runtime';
import { SyncScheduler } from './scheduler';
import { SyncEngine } from './sync-engine';
import { WebhookDispatcher } from './webhooks/dispatcher';

export const SYNC_QUEUE = 'simgate-sync';

export interface QueueTuning {
  /** A worker that dies loses its job lock after this long; another worker then runs the job again. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export const DEFAULT_QUEUE_TUNING: QueueTuning = { lockDurationMs: 30_000, stalledIntervalMs: 15_000 };

/** The queue tuning a configuration asks for (SIMGATE_QUEUE_LOCK_MS), with optional overrides. */
export function queueTuningFor(config: SimgateConfig, override: Partial<QueueTuning> = {}): QueueTuning {
  return { ...DEFAULT_QUEUE_TUNING, lockDurationMs: config.queueLockMs, stalledIntervalMs: Math.max(1000, Math.floor(config.queueLockMs / 2)), ...override };
}

export interface SimgateStartOptions {
  accounts?: LoadedAccount[];
  registry?: CarrierRegistry;
  logger?: pino.Logger;
  /**
   * A Bull queue made by @nestjs/bull (the apps, through `openSyncQueue`); made here when absent and REDIS_URL is
   * set. `close()` closes it but leaves its Redis connections to its owner.
   */
  bullQueue?: Queue<SyncJob>;
  /** Tuning of the queue made here (a `bullQueue` given is already tuned). */
  queueTuning?: Partial<QueueTuning>;
  now?: () => Date;
  parallelBatches?: number;
  /** Carrier HTTP timeout; default the configuration's (SIMGATE_CARRIER_TIMEOUT_MS). */
  timeoutMs?: number;
  store?: Store;
}

/**
 * Bull's Redis connections: the blocking and subscriber ones must not cap their retries. Bull does not close
 * connections made by `createClient`, so they are kept in `clients` for the owner to close.
 */
export function bullRedisOptions(url: string) {
  const clients: Redis[] = [];
  return {
    clients,
    createClient: (type: 'client' | 'subscriber' | 'bclient') => {
      const c = new Redis(url, type === 'client' ? { maxRetriesPerRequest: 3 } : { maxRetriesPerRequest: null, enableReadyCheck: false });
      clients.push(c);
      return c;
    },
  };
}

export function bullSettings(t: QueueTuning) {
  return { lockDuration: t.lockDurationMs, stalledInterval: t.stalledIntervalMs, maxStalledCount: 5, lockRenewTime: Math.floor(t.lockDurationMs / 3) };
}

/**
 * Everything that runs simgate, assembled once: store, carrier registry and accounts, limiter, adapters,
 * queue, engine, scheduler, metrics. The same assembly serves the gateway, standalone workers, the
 * end-to-end tests and the benchmarks; only the ports differ (PGlite or PostgreSQL, memory or Redis).
 */
export class Simgate {
  private workerStarted = false;
  /** Webhook deliveries, made by every process that runs the worker (docs/webhooks.md). */
  private webhookDispatcher: WebhookDispatcher | null = null;
  /** Listeners on the store to remove at close (a store passed in outlives this assembly). */
  private readonly disposers: (() => void)[] = [];

  private constructor(
    readonly config: SimgateConfig,
    readonly store: Store,
    readonly registry: CarrierRegistry,
    readonly accounts: LoadedAccount[],
    readonly metrics: SimgateMetrics,
    readonly limiter: AccountLimiter,
    readonly leases: CardLeases,
    readonly runtime: CarrierRuntime,
    readonly queue: JobQueue<SyncJob>,
    readonly engine: SyncEngine,
    readonly scheduler: SyncScheduler,
    readonly logger: pino.Logger,
    /** Redis connections this assembly opened (its own, and Bull's). */
    private readonly redisClients: () => Redis[],
    private readonly ownsStore: boolean,
    /** The shared Redis connection (REDIS_URL), for the gateway's inbound rate limiters; null embedded. */
    readonly redis: Redis | null = null,
  ) {}

  static async start(config: SimgateConfig, o: SimgateStartOptions = {}): Promise<Simgate> {
    const logger = o.logger ?? createLogger(config.logLevel);
    const registry = o.registry ?? new CarrierRegistry(discoverPlatforms());
    const accounts =
      o.accounts ??
      (config.carriersFile
        ? loadAccountsFile(config.carriersFile, (id) => (registry.has(id) ? registry.get(id).manifest : undefined))
        : []);
    const store = o.store ?? (await Store.open({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') }));
    const now = o.now ?? (() => new Date());
    try {
      await store.accounts.upsert(accounts.map((a) => ({ id: a.id, platform: a.platform, carrier: registry.get(a.platform).manifest.carrier, baseUrl: a.baseUrl })));
      const metrics = new SimgateMetrics();
      const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : null;
      const timeoutMs = o.timeoutMs ?? config.carrierTimeoutMs;
      const tuning = queueTuningFor(config, o.queueTuning);
      // Window entries are dated when their request settles; one never settled (dead worker) counts as settled
      // the carrier timeout + 5 s after its slot was taken. A dead worker's in-flight slot frees after the lock time.
      const limiter = new AccountLimiter(
        redis ? new RedisWindowLimiter(redis, `${config.redisPrefix}:rl`) : new MemoryWindowLimiter(),
        redis ? new RedisInFlightLimiter(redis, `${config.redisPrefix}:inflight`, { lockMs: tuning.lockDurationMs }) : new MemoryInFlightLimiter(),
        { quotaFactor: config.quotaFactor, marginMs: config.quotaMarginMs, maxInFlightMs: timeoutMs + 5_000 },
      );
      const leases = redis ? new RedisCardLeases(redis, `${config.redisPrefix}:lease`) : new MemoryCardLeases();
      const runtime = new CarrierRuntime(registry, accounts, limiter, metrics, now, { timeoutMs });
      const onJobError = (job: { id: string; name: string; attemptsMade: number }, err: unknown, final: boolean) =>
        logger[final ? 'error' : 'warn']({ job: job.id, name: job.name, attempt: job.attemptsMade, final, err: err instanceof Error ? err.message : String(err) }, 'job failed');
      const bullRedis = config.redisUrl && !o.bullQueue ? bullRedisOptions(config.redisUrl) : null;
      const queue: JobQueue<SyncJob> = config.redisUrl
        ? new BullJobQueue<SyncJob>(
            o.bullQueue ?? new Bull<SyncJob>(SYNC_QUEUE, { createClient: bullRedis!.createClient, prefix: config.redisPrefix, settings: bullSettings(tuning) }),
            onJobError,
          )
        : new MemoryJobQueue<SyncJob>(SYNC_QUEUE, onJobError);
      // Card leases live as long as a job lock (renewed every third of it): a dead worker's cards free up when its job is taken over.
      // An in-doubt order is not resent sooner than two carrier timeouts after its last send: a request still on its
      // way has arrived or been dropped by then.
      const engine = new SyncEngine({
        store,
        runtime,
        limiter,
        leases,
        queue,
        queuedCards: redis ? new RedisQueuedCards(redis, `${config.redisPrefix}:queued`) : new MemoryQueuedCards(),
        metrics,
        logger,
        now,
        parallelBatches: o.parallelBatches,
        leaseTtlMs: tuning.lockDurationMs,
        resendGraceMs: 2 * timeoutMs,
        usageThresholds: config.events.usageThresholds,
      });
      const scheduler = new SyncScheduler(engine, runtime, store, config.intervals, logger, now, config.events.retentionHours);
      registerCollectors(metrics, store, runtime, [queue as JobQueue<unknown>], config.intervals, config.budgetFactor, { now });
      // Running sweeps' ETAs and whether the intervals fit each account's quota (docs/metrics.md).
      registerProgressCollector(metrics, store, runtime, limiter, config.intervals, { now });
      // simgate_events_total from every commit that wrote events here; sync.late / sync.recovered on the collector tick and the scheduler timer.
      const stopCounting = countCommittedEvents(metrics, store);
      const late = registerSyncLate(metrics, store, runtime, config.intervals, config.budgetFactor, { now });
      scheduler.watchLateness(() => late.tick(SYNC_LATE_EVERY_MS));
      // Bull makes its connections lazily: the list is read when closing.
      const redisClients = () => [...(redis ? [redis] : []), ...(bullRedis?.clients ?? [])];
      const sg = new Simgate(config, store, registry, accounts, metrics, limiter, leases, runtime, queue, engine, scheduler, logger, redisClients, !o.store, redis);
      sg.disposers.push(stopCounting);
      return sg;
    } catch (e) {
      if (!o.store) await store.close();
      throw e;
    }
  }

  /** Runs the queue processors in this process. */
  startWorker(concurrency = this.config.workerConcurrency): void {
    if (this.workerStarted) return;
    this.workerStarted = true;
    this.queue.process(concurrency, (job) => this.engine.handle(job));
    // Imports a stopped process left unfinished run again here (a job still queued in Redis is not queued twice).
    this.engine.resumeImports().catch((e: unknown) => this.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'queueing unfinished imports failed'));
    this.webhookDispatcher = new WebhookDispatcher(this.store, {
      ...this.config.events.webhooks,
      retentionHours: this.config.events.retentionHours,
      metrics: this.metrics,
      logger: this.logger,
    });
    this.webhookDispatcher.start();
  }

  async close(): Promise<void> {
    await this.webhookDispatcher?.stop().catch(() => undefined);
    for (const dispose of this.disposers.splice(0)) dispose();
    await this.queue.close().catch(() => undefined);
    await Promise.all(this.redisClients().map((c) => c.quit().catch(() => c.disconnect())));
    if (this.ownsStore) await this.store.close();
  }
}
