import { BullModule, InjectQueue, getQueueToken } from '@nestjs/bull';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bull';
import type Redis from 'ioredis';
import type { SimgateConfig } from '../config/env';
import type { SyncJob } from '../jobs';
import { SYNC_QUEUE, bullRedisOptions, bullSettings, queueTuningFor, type QueueTuning } from '../simgate';

export interface SyncQueueOptions {
  redisUrl: string;
  /** Redis key prefix (SIMGATE_REDIS_PREFIX): processes sharing a prefix share the queue. */
  prefix: string;
  tuning: QueueTuning;
}

/** The shared Bull configuration of simgate's queues, kept apart from any default configuration of the app. */
export const SYNC_BULL_CONFIG = 'simgate-sync';
const SYNC_QUEUE_CONNECTIONS = Symbol('SYNC_QUEUE_CONNECTIONS');

/** Quits a connection and waits until it has ended; one that does not answer within `timeoutMs` (Redis gone) is dropped. */
async function closeRedis(c: Redis, timeoutMs = 2000): Promise<void> {
  if (c.status === 'end') return;
  const ended = new Promise<void>((r) => c.once('end', () => r()));
  let timer: NodeJS.Timeout | undefined;
  const waitEnd = (ms: number) => Promise.race([ended.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]).finally(() => clearTimeout(timer));
  c.quit().catch(() => c.disconnect());
  if (await waitEnd(timeoutMs)) return;
  c.disconnect();
  await waitEnd(500);
}

/**
 * Bull leaves the connections made by `createClient` open when its queue closes. At shutdown this closes the
 * queue first (the same promise as @nestjs/bull's own shutdown hook, whatever order Nest calls them in), then
 * every connection the queue made.
 */
@Injectable()
export class SyncQueueConnections implements OnApplicationShutdown {
  constructor(
    @InjectQueue(SYNC_QUEUE) private readonly queue: Queue<SyncJob>,
    @Inject(SYNC_QUEUE_CONNECTIONS) readonly clients: Redis[],
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await Promise.all(this.clients.map((c) => closeRedis(c)));
  }
}

/**
 * The sync queue on Redis through @nestjs/bull: `BullModule.forRoot` with simgate's prefix, lock settings and
 * a `createClient` that records the connections it makes, and `registerQueue` of SYNC_QUEUE. The queue is
 * injectable with `@InjectQueue(SYNC_QUEUE)`; its processors are installed by Simgate (`startWorker`).
 */
@Module({})
export class SyncQueueModule {
  static forRoot(o: SyncQueueOptions): DynamicModule {
    const redis = bullRedisOptions(o.redisUrl);
    return {
      module: SyncQueueModule,
      imports: [
        BullModule.forRoot(SYNC_BULL_CONFIG, { createClient: redis.createClient, prefix: o.prefix, settings: bullSettings(o.tuning) }),
        BullModule.registerQueue({ name: SYNC_QUEUE, configKey: SYNC_BULL_CONFIG }),
      ],
      providers: [{ provide: SYNC_QUEUE_CONNECTIONS, useValue: redis.clients }, SyncQueueConnections],
      exports: [BullModule, SyncQueueConnections],
    };
  }
}

export interface SyncQueueHandle {
  /** Pass to `Simgate.start(config, { bullQueue })`. */
  queue: Queue<SyncJob>;
  /** The Redis connections the queue has made so far (Bull opens them lazily). */
  connections(): readonly Redis[];
  /** Closes the queue and all its Redis connections; call after `simgate.close()`. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The apps' sync queue when REDIS_URL is set: made by @nestjs/bull in a Nest application context of
 * SyncQueueModule. Null without REDIS_URL (Simgate then runs the in-process queue).
 */
export async function openSyncQueue(config: SimgateConfig, tuning?: Partial<QueueTuning>): Promise<SyncQueueHandle | null> {
  if (!config.redisUrl) return null;
  const ctx = await NestFactory.createApplicationContext(
    SyncQueueModule.forRoot({ redisUrl: config.redisUrl, prefix: config.redisPrefix, tuning: queueTuningFor(config, tuning) }),
    { logger: false, abortOnError: false },
  );
  let closing: Promise<void> | null = null;
  const tracked = ctx.get(SyncQueueConnections);
  return {
    queue: ctx.get<Queue<SyncJob>>(getQueueToken(SYNC_QUEUE)),
    connections: () => [...tracked.clients],
    close: () => (closing ??= ctx.close()),
  };
}
