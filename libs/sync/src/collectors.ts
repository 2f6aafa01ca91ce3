import { SYNC_KINDS, type Store, type SyncKind } from '@simgate/store';
import type { SimgateMetrics } from './metrics';
import type { JobQueue } from './queue/job-queue';
import type { CarrierRuntime } from './runtime';
import type { SyncIntervals } from './config/env';

/**
 * Refreshes the gauges from the store before each scrape. Sync delays are cheap (checkpoints) and always
 * fresh; the per-card aggregates (GROUP BY over every card) are recomputed at most every `heavyEveryMs`.
 */
export function registerCollectors(
  metrics: SimgateMetrics,
  store: Store,
  runtime: CarrierRuntime,
  queues: JobQueue<unknown>[],
  intervals: SyncIntervals,
  budgetFactor: number,
  options: { now?: () => Date; heavyEveryMs?: number; startedAt?: Date } = {},
): void {
  const now = options.now ?? (() => new Date());
  const startedAt = options.startedAt ?? now();
  const heavyEveryMs = options.heavyEveryMs ?? 15_000;
  let lastHeavy = 0;

  metrics.onCollect(async () => {
    const t = now().getTime();
    const cps = await store.checkpoints.list();
    const byKey = new Map(cps.map((c) => [`${c.accountId}|${c.kind}`, c]));
    const failedReads = await store.cards.oldestFailed();
    const failedByKey = new Map(failedReads.map((f) => [`${f.accountId}|${f.kind}`, f]));
    for (const rt of runtime.all()) {
      for (const kind of SYNC_KINDS) {
        const labels = { ...rt.labels, kind };
        if (kind === 'pools' && !rt.manifest.capabilities.pools) continue;
        const cp = byKey.get(`${rt.account.id}|${kind}`);
        const since = cp?.lastSuccessAt ?? startedAt;
        const delay = Math.max(0, (t - since.getTime()) / 1000);
        metrics.syncDelay.set(labels, delay);
        metrics.syncBudget.set(labels, intervals[kind as SyncKind] * budgetFactor);
        const failed = failedByKey.get(`${rt.account.id}|${kind}`);
        const stalest = failed ? Math.max(delay, (t - failed.since.getTime()) / 1000) : delay;
        metrics.stalestCardAge.set(labels, stalest);
        for (const s of ['idle', 'queued', 'running', 'failed']) metrics.syncState.set({ ...labels, state: s }, (cp?.state ?? 'idle') === s ? 1 : 0);
      }
    }
    for (const q of queues) {
      const c = await q.counts();
      for (const [state, n] of Object.entries(c)) metrics.queueJobs.set({ queue: q.name, state }, n);
    }

    if (t - lastHeavy < heavyEveryMs) return;
    lastHeavy = t;
    const platformOf = new Map(runtime.all().map((r) => [r.account.id, r.manifest.id]));
    metrics.cards.reset();
    for (const c of await store.cards.countByStatus()) {
      metrics.cards.set({ platform: c.platform, account: c.accountId, status: c.status, reason: c.reason ?? '' }, c.count);
    }
    metrics.poolRemaining.reset();
    metrics.poolTotal.reset();
    for (const p of await store.pools.list()) {
      const labels = { platform: p.platform, account: p.accountId, pool: p.poolId, type: p.type };
      if (p.remainingBytes !== null) metrics.poolRemaining.set(labels, p.remainingBytes);
      if (p.totalBytes !== null) metrics.poolTotal.set(labels, p.totalBytes);
    }
    metrics.operations.reset();
    for (const o of await store.operations.countByState()) metrics.operations.set({ type: o.type, state: o.state }, o.count);
    metrics.operationOldestPending.reset();
    for (const o of await store.operations.oldestSubmitted()) {
      const platform = platformOf.get(o.accountId);
      if (platform) metrics.operationOldestPending.set({ platform, account: o.accountId }, Math.max(0, (t - o.since.getTime()) / 1000));
    }
  });
}
