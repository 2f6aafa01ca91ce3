import * as path from 'node:path';
import { DEFAULT_USAGE_THRESHOLDS, parseThresholds } from '@simgate/core';
import { z } from 'zod';
import { ConfigError } from './accounts-file';

const seconds = (def: number) => z.coerce.number().int().min(1).max(7 * 86400).default(def);

const envSchema = z.object({
  SIMGATE_CARRIERS: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
  SIMGATE_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SIMGATE_API_KEYS: z.string().optional(),
  SIMGATE_METRICS_TOKEN: z.string().min(1).optional(),
  /** Sync intervals per kind, in seconds (domain.md §4: pools hourly, status and usage daily by default). */
  SIMGATE_SYNC_INVENTORY_SECONDS: seconds(6 * 3600),
  SIMGATE_SYNC_STATUS_SECONDS: seconds(3600),
  SIMGATE_SYNC_USAGE_SECONDS: seconds(3600),
  SIMGATE_SYNC_POOLS_SECONDS: seconds(3600),
  SIMGATE_SYNC_ORDERS_SECONDS: seconds(60),
  /** Sync delay budget per kind before alerts fire, exported as a metric for the rules. */
  SIMGATE_SYNC_BUDGET_FACTOR: z.coerce.number().min(1).max(100).default(3),
  /** Scales every carrier quota (benchmarks against scaled simulators). */
  SIMGATE_QUOTA_FACTOR: z.coerce.number().positive().max(1000).default(1),
  /**
   * Extra length of every quota window (ms). Quota slots are dated when their request settles (after its
   * arrival at the carrier), so no jitter needs covering: this covers the carrier's clock granularity and its
   * window-boundary convention.
   */
  SIMGATE_QUOTA_MARGIN_MS: z.coerce.number().int().min(0).max(10_000).default(2),
  /** Run the queue processors and the scheduler in this process (the gateway may leave them to workers). */
  SIMGATE_WORKER: z.enum(['true', 'false']).default('true'),
  SIMGATE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Bull job lock: a worker that dies mid-job loses it after this long and another worker runs the job. The
   * shared in-flight slots on Redis (Jasper's one call at a time) follow it too: a dead worker's slot frees
   * after this long.
   */
  SIMGATE_QUEUE_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Prefix of every Redis key and Bull queue (several simgate deployments can share one Redis). */
  SIMGATE_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).default('simgate'),
  /** Jobs processed at once per process. */
  SIMGATE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Port of a standalone worker's /metrics server. */
  SIMGATE_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** A carrier request with no answer after this long fails as transient (and is retried, unless it is an order). */
  SIMGATE_CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /** Usage thresholds, percent of the cycle's quota, fleet-wide (an account's `usageThresholds` wins). */
  SIMGATE_USAGE_THRESHOLDS: z
    .string()
    .default(DEFAULT_USAGE_THRESHOLDS.join(','))
    .transform((text, ctx) => {
      try {
        return parseThresholds(text);
      } catch (e) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
        return z.NEVER;
      }
    }),
  /** How long events stay readable in the feed (`GET /v1/events`); older cursors get 410 CURSOR_EXPIRED. */
  SIMGATE_EVENTS_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 365).default(7 * 24),
  /** Webhook URLs may be http:// (local consoles, tests); otherwise https only. */
  SIMGATE_WEBHOOKS_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  /** Most webhooks registered at once. */
  SIMGATE_WEBHOOKS_MAX: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * Delays between delivery attempts, seconds, comma-separated (after the first attempt at once). Default: the
   * Standard Webhooks schedule, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 h); an endpoint failing through
   * the whole schedule is disabled.
   */
  SIMGATE_WEBHOOKS_RETRY_SECONDS: z
    .string()
    .default('5,300,1800,7200,18000,36000,36000')
    .refine((t) => t.split(',').every((x) => /^\d+(\.\d+)?$/.test(x.trim())), 'a comma-separated list of seconds')
    .transform((t) => t.split(',').map((x) => Number(x.trim()))),
  /** An attempt with no answer after this long fails (and is retried). */
  SIMGATE_WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Inbound protection (docs/operations.md, "Protecting the API"): budgets per API key and failed authentications per address. */
  SIMGATE_RATE_LIMITS: z.enum(['true', 'false']).default('true'),
  /** Requests per API key per window: one console often serves many operators through one key; a loop is far above this. */
  SIMGATE_RATE_REQUESTS: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  SIMGATE_RATE_REQUESTS_WINDOW_SECONDS: seconds(60),
  /** Weighted budget: cards a key may have read or ordered at the carriers (sync now, operations, live usage reads). */
  SIMGATE_RATE_CARDS: z.coerce.number().int().min(1).max(100_000_000).default(50_000),
  SIMGATE_RATE_CARDS_WINDOW_SECONDS: seconds(3600),
  SIMGATE_AUTH_FAILURES: z.coerce.number().int().min(1).max(100_000).default(20),
  SIMGATE_AUTH_FAILURES_WINDOW_SECONDS: seconds(15 * 60),
  SIMGATE_AUTH_BLOCK_SECONDS: seconds(15 * 60),
  /** Express `trust proxy`: which proxies' X-Forwarded-For decides a client's address (false: the socket's peer). */
  SIMGATE_TRUST_PROXY: z.string().min(1).default('false'),
  /** One pino line per request (request id, method, route template, status, duration, API key id). */
  SIMGATE_ACCESS_LOG: z.enum(['true', 'false']).default('true'),
  /** The queue dashboard at /queues (REDIS_URL only), behind the API key. */
  SIMGATE_QUEUE_DASHBOARD: z.enum(['true', 'false']).default('true'),
});

export type SimgateEnv = z.infer<typeof envSchema>;

export interface SyncIntervals {
  inventory: number;
  status: number;
  usage: number;
  pools: number;
  orders: number;
}

export interface SimgateConfig {
  carriersFile: string | null;
  databaseUrl: string | null;
  redisUrl: string | null;
  dataDir: string;
  port: number;
  apiKeys: string[];
  metricsToken: string | null;
  intervals: SyncIntervals;
  budgetFactor: number;
  quotaFactor: number;
  quotaMarginMs: number;
  runWorker: boolean;
  logLevel: SimgateEnv['SIMGATE_LOG_LEVEL'];
  workerMetricsPort: number;
  queueLockMs: number;
  workerConcurrency: number;
  redisPrefix: string;
  /** Carrier HTTP request timeout (SIMGATE_CARRIER_TIMEOUT_MS). */
  carrierTimeoutMs: number;
  events: EventsConfig;
  protection: ProtectionConfig;
}

/** A budget: `points` per `windowSeconds`. */
export interface Budget {
  points: number;
  windowSeconds: number;
}

/** Inbound protection of the console API (docs/operations.md, "Protecting the API"). */
export interface ProtectionConfig {
  /** Budgets and the failed-authentication block on (SIMGATE_RATE_LIMITS). */
  enabled: boolean;
  requests: Budget;
  cards: Budget;
  authFailures: Budget & { blockSeconds: number };
  /** Express `trust proxy` value: false, true, a hop count, or addresses / subnets / loopback, linklocal, uniquelocal. */
  trustProxy: boolean | number | string;
  accessLog: boolean;
  queueDashboard: boolean;
}

/** SIMGATE_TRUST_PROXY as Express takes it: booleans and hop counts typed, anything else a list of addresses. */
export function trustProxyOf(text: string): boolean | number | string {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^\d+$/.test(t)) return Number(t);
  return t;
}

/** Events and webhooks (docs/events.md). */
export interface EventsConfig {
  usageThresholds: number[];
  retentionHours: number;
  webhooks: { allowHttp: boolean; max: number; retrySeconds: number[]; timeoutMs: number };
}

/** Validates the environment once at boot; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimgateConfig {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(`environment variable ${i.path.join('.')}: ${i.message}`);
  }
  const e = r.data;
  return {
    carriersFile: e.SIMGATE_CARRIERS ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    dataDir: path.resolve(e.SIMGATE_DATA_DIR),
    port: e.PORT,
    apiKeys: (e.SIMGATE_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    metricsToken: e.SIMGATE_METRICS_TOKEN ?? null,
    intervals: {
      inventory: e.SIMGATE_SYNC_INVENTORY_SECONDS,
      status: e.SIMGATE_SYNC_STATUS_SECONDS,
      usage: e.SIMGATE_SYNC_USAGE_SECONDS,
      pools: e.SIMGATE_SYNC_POOLS_SECONDS,
      orders: e.SIMGATE_SYNC_ORDERS_SECONDS,
    },
    budgetFactor: e.SIMGATE_SYNC_BUDGET_FACTOR,
    quotaFactor: e.SIMGATE_QUOTA_FACTOR,
    quotaMarginMs: e.SIMGATE_QUOTA_MARGIN_MS,
    runWorker: e.SIMGATE_WORKER === 'true',
    logLevel: e.SIMGATE_LOG_LEVEL,
    workerMetricsPort: e.SIMGATE_WORKER_METRICS_PORT,
    queueLockMs: e.SIMGATE_QUEUE_LOCK_MS,
    workerConcurrency: e.SIMGATE_WORKER_CONCURRENCY,
    redisPrefix: e.SIMGATE_REDIS_PREFIX,
    carrierTimeoutMs: e.SIMGATE_CARRIER_TIMEOUT_MS,
    events: {
      usageThresholds: e.SIMGATE_USAGE_THRESHOLDS,
      retentionHours: e.SIMGATE_EVENTS_RETENTION_HOURS,
      webhooks: {
        allowHttp: e.SIMGATE_WEBHOOKS_ALLOW_HTTP === 'true',
        max: e.SIMGATE_WEBHOOKS_MAX,
        retrySeconds: e.SIMGATE_WEBHOOKS_RETRY_SECONDS,
        timeoutMs: e.SIMGATE_WEBHOOKS_TIMEOUT_MS,
      },
    },
    protection: {
      enabled: e.SIMGATE_RATE_LIMITS === 'true',
      requests: { points: e.SIMGATE_RATE_REQUESTS, windowSeconds: e.SIMGATE_RATE_REQUESTS_WINDOW_SECONDS },
      cards: { points: e.SIMGATE_RATE_CARDS, windowSeconds: e.SIMGATE_RATE_CARDS_WINDOW_SECONDS },
      authFailures: { points: e.SIMGATE_AUTH_FAILURES, windowSeconds: e.SIMGATE_AUTH_FAILURES_WINDOW_SECONDS, blockSeconds: e.SIMGATE_AUTH_BLOCK_SECONDS },
      trustProxy: trustProxyOf(e.SIMGATE_TRUST_PROXY),
      accessLog: e.SIMGATE_ACCESS_LOG === 'true',
      queueDashboard: e.SIMGATE_QUEUE_DASHBOARD === 'true',
    },
  };
}
