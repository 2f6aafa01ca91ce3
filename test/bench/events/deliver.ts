/**
 * The events benchmark's delivery phase (test/bench/events/run.ts): one webhook for every event type, pointing at
 * a local receiver (receiver.ts, a child process), and the real dispatcher (`WebhookDispatcher`, constructed as
 * `Simgate.startWorker()` does, 1 or more in this process) started before a burst of N events written by one usage
 * write (events on). Measures, from the write's start:
 *
 *   - the time until the receiver had every event, and deliveries/s over it; the time after the write's end;
 *   - delivery lag per event, event `created_at` (its transaction's start) → the receiver's first arrival:
 *     p50/p99/max; and the dispatcher's `simgate_webhook_delivery_lag_seconds` histogram (created → attempt
 *     recorded) as a cross-check (mean, and the bucket bounds holding p50/p99);
 *   - the outbox, sampled every 250 ms: pending rows in webhook_deliveries, and events written but not delivered
 *     yet (pending + not yet fanned out), peaks;
 *   - growth of webhook_deliveries and webhook_attempts (pg_total_relation_size, indexes and TOAST included);
 *   - process RSS, peak sampled every 50 ms (the receiver's memory is its own process's), and CPU seconds;
 *   - that every event id arrived exactly once (missing, duplicates, unexpected), and a sample of signatures verified.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Store } from '@simgate/store';
import { SimgateMetrics } from '@simgate/sync';
import { WebhookDispatcher } from '../../../libs/sync/src/webhooks/dispatcher';
import type { ReceiverResults } from './receiver';

export interface DeliveryOptions {
  cards: number;
  dispatchers: number;
  /** POSTs in flight per dispatcher (the dispatcher's default, 16). */
  concurrency: number;
  /** Verify every n-th signature. */
  verifyEvery: number;
  /** Give up waiting after this long. */
  timeoutSeconds: number;
}

export interface DeliveryResult {
  dispatchers: number;
  concurrency: number;
  events: number;
  writeSeconds: number;
  /** Write start → the receiver had every event. */
  allDeliveredSeconds: number;
  /** Write end → the receiver had every event. */
  drainAfterWriteSeconds: number;
  deliveriesPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  metricLagMeanMs: number;
  metricLagP50Bucket: string;
  metricLagP99Bucket: string;
  outboxPendingPeak: number;
  undeliveredPeak: number;
  deliveriesTableGrowth: number;
  attemptsTableGrowth: number;
  bytesPerDelivery: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  /** CPU time of this process (writer, dispatchers, samplers; not the receiver) from the write's start, seconds. */
  cpuSeconds: number;
  requests: number;
  received: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  signaturesVerified: number;
  signaturesFailed: number;
}

export interface Receiver {
  url: string;
  child: ChildProcess;
  send(m: object): void;
  results(): Promise<ReceiverResults>;
  close(): void;
}

export async function startReceiver(): Promise<Receiver> {
  const child = fork(path.join(__dirname, 'receiver.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
    child.once('message', (m: { port: number }) => resolve(m.port));
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    child,
    send: (m) => child.send(m),
    results: () =>
      new Promise((resolve) => {
        child.once('message', (m: { results: ReceiverResults }) => resolve(m.results));
        child.send({ results: true });
      }),
    close: () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function size(store: Store, table: string): Promise<number> {
  const r = await store.db.query<{ n: string }>(`SELECT pg_total_relation_size($1::regclass)::text AS n`, [table]);
  return Number(r.rows[0].n);
}

/** The upper bound of the histogram bucket holding quantile q ("≤ 0.5 s"). */
function bucketOf(buckets: { le: number | string; n: number }[], count: number, q: number): string {
  const b = buckets.find((x) => x.n >= q * count);
  return b ? `≤ ${b.le} s` : '?';
}

export async function deliveryPhase(
  store: Store,
  receiver: Receiver,
  burst: () => Promise<{ crossed: number }>,
  o: DeliveryOptions,
): Promise<DeliveryResult> {
  const metrics = new SimgateMetrics({ defaultMetrics: false });
  const hook = await store.webhooks.create({ url: receiver.url, types: ['*'], accounts: null, description: 'bench' }, 1000);
  receiver.send({ reset: true, secret: hook.secret, sample: o.verifyEvery });
  const base = (await store.db.query<{ n: string }>(`SELECT COALESCE(max(id), 0)::text AS n FROM events`)).rows[0].n;
  const dispatchers = Array.from(
    { length: o.dispatchers },
    () => new WebhookDispatcher(store, { retrySeconds: [5, 300, 1800], timeoutMs: 10_000, concurrency: o.concurrency, retentionHours: null, metrics }),
  );
  for (const d of dispatchers) d.start();
  try {
    global.gc?.();
    const del0 = await size(store, 'webhook_deliveries');
    const att0 = await size(store, 'webhook_attempts');
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    let pendingPeak = 0;
    let undeliveredPeak = 0;
    let delivered = 0;
    let sampling = false;
    const sample = async () => {
      if (sampling) return;
      sampling = true;
      try {
        const r = await store.db.query<{ pending: number; delivered: number; written: number }>(
          `SELECT (SELECT count(*)::int FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'pending') AS pending,
                  (SELECT count(*)::int FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'delivered') AS delivered,
                  (SELECT count(*)::int FROM events WHERE id > $2::bigint) AS written`,
          [hook.id, base],
        );
        const x = r.rows[0];
        pendingPeak = Math.max(pendingPeak, x.pending);
        undeliveredPeak = Math.max(undeliveredPeak, x.written - x.delivered);
        delivered = x.delivered;
      } finally {
        sampling = false;
      }
    };
    const outboxSampler = setInterval(() => void sample().catch(() => undefined), 250);

    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const out = await burst();
    const tWritten = Date.now();
    if (out.crossed !== o.cards) throw new Error(`burst: ${out.crossed} events, expected ${o.cards}`);
    while (delivered < o.cards) {
      if (Date.now() - t0 > o.timeoutSeconds * 1000) throw new Error(`delivery: ${delivered} of ${o.cards} after ${o.timeoutSeconds} s`);
      await new Promise((r) => setTimeout(r, 100));
      await sample();
    }
    const cpu = process.cpuUsage(cpu0);
    clearInterval(outboxSampler);
    clearInterval(rssSampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    for (const d of dispatchers) await d.stop();

    const got = await receiver.results();
    const del1 = await size(store, 'webhook_deliveries');
    const att1 = await size(store, 'webhook_attempts');
    const created = await store.db.query<{ id: string; at: number }>(
      `SELECT id::text AS id, (extract(epoch FROM created_at) * 1000)::float8 AS at FROM events WHERE id > $1::bigint`,
      [base],
    );
    const createdAt = new Map(created.rows.map((r) => [`evt_${r.id}`, Number(r.at)]));
    const lags: number[] = [];
    let unexpected = 0;
    let last = 0;
    for (let i = 0; i < got.ids.length; i++) {
      const c = createdAt.get(got.ids[i]);
      if (c === undefined) {
        unexpected++;
        continue;
      }
      lags.push(got.at[i] - c);
      last = Math.max(last, got.at[i]);
    }
    lags.sort((x, y) => x - y);
    const seen = new Set(got.ids);
    const missing = [...createdAt.keys()].filter((id) => !seen.has(id)).length;

    const lag = (await metrics.registry.getSingleMetric('simgate_webhook_delivery_lag_seconds')!.get()).values as {
      metricName?: string;
      labels: Record<string, string | number | undefined>;
      value: number;
    }[];
    const count = lag.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const sum = lag.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const buckets = lag.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => ({ le: v.labels.le!, n: v.value }));

    const allDeliveredSeconds = (last - t0) / 1000;
    return {
      dispatchers: o.dispatchers,
      concurrency: o.concurrency,
      events: out.crossed,
      writeSeconds: (tWritten - t0) / 1000,
      allDeliveredSeconds,
      drainAfterWriteSeconds: (last - tWritten) / 1000,
      deliveriesPerSecond: o.cards / allDeliveredSeconds,
      lagP50Ms: quantile(lags, 0.5),
      lagP99Ms: quantile(lags, 0.99),
      lagMaxMs: lags[lags.length - 1],
      metricLagMeanMs: count ? (sum / count) * 1000 : NaN,
      metricLagP50Bucket: bucketOf(buckets, count, 0.5),
      metricLagP99Bucket: bucketOf(buckets, count, 0.99),
      outboxPendingPeak: pendingPeak,
      undeliveredPeak,
      deliveriesTableGrowth: del1 - del0,
      attemptsTableGrowth: att1 - att0,
      bytesPerDelivery: (del1 - del0 + att1 - att0) / o.cards,
      rssBeforeMB: rssBefore / 1024 / 1024,
      rssPeakMB: rssPeak / 1024 / 1024,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      requests: got.requests,
      received: got.ids.length,
      missing,
      duplicates: got.duplicates.reduce((s, [, n]) => s + n - 1, 0),
      unexpected,
      signaturesVerified: got.verified,
      signaturesFailed: got.verifyFailed,
    };
  } finally {
    for (const d of dispatchers) await d.stop();
    // Later phases get their own webhook.
    await store.webhooks.delete(hook.id);
  }
}
