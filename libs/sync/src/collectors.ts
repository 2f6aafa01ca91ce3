import { CardStatus, explainLifecycle, zoneOf, type AccountLifecycle, type Carrier, type LifecycleCard, type Plan } from '@simgate/core';
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
  registerLifecycleCollector(metrics, store, runtime, { now });
  registerWebhookCollector(metrics, store, { now, everyMs: heavyEveryMs });
}

/** Lifecycle events counted by `simgate_cards_lifecycle_upcoming`, and how far ahead. */
export const LIFECYCLE_EVENTS = ['forced_activation', 'cancellation'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];
export const LIFECYCLE_HORIZON_MS = 7 * 86_400_000;
/** Statuses whose cards can be force-activated (never activated) or cancelled (activated, with a plan term). */
const FORCED_STATUSES: readonly string[] = [CardStatus.TEST, CardStatus.INVENTORY];
const CANCELLABLE_STATUSES: readonly string[] = [CardStatus.ACTIVE, CardStatus.SUSPENDED, CardStatus.DEACTIVATED];

/**
 * The lifecycle facts of the cards in `statuses`, keyset-paged by ICCID: the columns a forecast reads (the
 * platform's raw status for cards past a test period, the plan for its term, name and stated expiry, the first
 * sight for platforms that give no opening date).
 */
export async function lifecycleFactsPage(
  store: Store,
  statuses: readonly string[],
  after: string | null,
  limit: number,
): Promise<(LifecycleCard & { iccid: string; accountId: string })[]> {
  const r = await store.db.query<{
    iccid: string;
    account_id: string;
    carrier: string;
    status: string;
    raw_status: string;
    opened_at: Date | string | null;
    activated_at: Date | string | null;
    plan: Plan | null;
    created_at: Date | string;
  }>(
    `SELECT iccid, account_id, carrier, status, raw_status, opened_at, activated_at, plan, created_at FROM cards
     WHERE status = ANY($1::text[]) AND ($2::text IS NULL OR iccid > $2) ORDER BY iccid LIMIT $3`,
    [[...statuses], after, limit],
  );
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return r.rows.map((x) => {
    const stated = x.plan?.expiresAt ? new Date(x.plan.expiresAt) : null;
    return {
      iccid: x.iccid,
      accountId: x.account_id,
      carrier: x.carrier as Carrier,
      status: x.status as CardStatus,
      rawStatus: x.raw_status,
      openedAt: date(x.opened_at),
      activatedAt: date(x.activated_at),
      plan: x.plan,
      expiresAt: stated && !Number.isNaN(stated.getTime()) ? stated : null,
      firstSeenAt: date(x.created_at),
    };
  });
}

/**
 * Per account, the cards whose forced activation or automatic cancellation (libs/core forecast, as the
 * console shows it: the platform's lifecycle facts and the account's declarations) falls within
 * [now, now + 7 days). Streams only the needed columns of cards in those statuses, a page at a time.
 */
export async function countUpcomingLifecycle(
  store: Store,
  runtime: Pick<CarrierRuntime, 'all'>,
  now: Date,
  pageSize = 5000,
): Promise<Map<string, Record<LifecycleEvent, number>>> {
  const manifestOf = new Map(runtime.all().map((r) => [r.account.id, r.manifest]));
  const declared = new Map(runtime.all().map((r) => [r.account.id, r.account.options?.lifecycle as AccountLifecycle | undefined]));
  const out = new Map<string, Record<LifecycleEvent, number>>(runtime.all().map((r) => [r.account.id, { forced_activation: 0, cancellation: 0 }]));
  const from = now.getTime();
  const to = from + LIFECYCLE_HORIZON_MS;
  const within = (d: Date | null) => d !== null && d.getTime() >= from && d.getTime() < to;
  for (let after: string | null = null; ; ) {
    const page = await lifecycleFactsPage(store, [...FORCED_STATUSES, ...CANCELLABLE_STATUSES], after, pageSize);
    if (!page.length) break;
    after = page[page.length - 1].iccid;
    for (const c of page) {
      const counts = out.get(c.accountId);
      // Cards of accounts no longer configured are not exported.
      if (!counts) continue;
      const manifest = manifestOf.get(c.accountId);
      const f = explainLifecycle(c, zoneOf(c, manifest), now, manifest?.lifecycle, declared.get(c.accountId)).dates;
      if (FORCED_STATUSES.includes(c.status) && within(f.forcedActivationAt)) counts.forced_activation++;
      if (CANCELLABLE_STATUSES.includes(c.status) && within(f.cancellationAt)) counts.cancellation++;
    }
    if (page.length < pageSize) break;
  }
  return out;
}

/**
 * Sets `simgate_cards_lifecycle_upcoming` from `countUpcomingLifecycle`, at most every `everyMs` (5 min): the
 * count runs in the background so a scrape never waits for it (zeros until the first count is done; a failed
 * count keeps the last values).
 */
export function registerLifecycleCollector(
  metrics: SimgateMetrics,
  store: Store,
  runtime: Pick<CarrierRuntime, 'all'>,
  options: { now?: () => Date; everyMs?: number; pageSize?: number } = {},
): { idle(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  const everyMs = options.everyMs ?? 5 * 60_000;
  let last = -Infinity;
  let running: Promise<void> | null = null;
  let initialized = false;
  metrics.onCollect(async () => {
    if (!initialized) {
      initialized = true;
      for (const rt of runtime.all()) for (const event of LIFECYCLE_EVENTS) metrics.lifecycleUpcoming.set({ ...rt.labels, event }, 0);
    }
    const at = now();
    if (running || at.getTime() - last < everyMs) return;
    last = at.getTime();
    running = countUpcomingLifecycle(store, runtime, at, options.pageSize)
      .then((counts) => {
        for (const rt of runtime.all()) {
          const c = counts.get(rt.account.id);
          for (const event of LIFECYCLE_EVENTS) metrics.lifecycleUpcoming.set({ ...rt.labels, event }, c?.[event] ?? 0);
        }
      })
      .catch(() => {
        // Keep the last values; the next collect after `everyMs` tries again.
      })
      .finally(() => {
        running = null;
      });
  });
  return { idle: async () => void (await running) };
}

/**
 * The webhook outbox gauges (`simgate_webhook_outbox_pending`, `…_oldest_pending_seconds`, `simgate_webhooks_failing`,
 * `simgate_webhooks_disabled`), from one query at most every `everyMs` (15 s). The pending deliveries are found through
 * the index on webhook_deliveries (state, next_attempt_at) in one scan, so the cost follows the number pending, not
 * the delivered history (7-9 ms for 10,000 pending among 1,000,000 deliveries); webhooks are few. The oldest pending
 * age counts from its event's writing, like `simgate_webhook_delivery_lag_seconds` (so a fan-out that lags shows too). Its own collector: until the webhook tables exist (or when the query fails)
 * the gauges keep their values and the other collectors are unaffected.
 */
export function registerWebhookCollector(metrics: SimgateMetrics, store: Pick<Store, 'db'>, options: { now?: () => Date; everyMs?: number } = {}): void {
  const now = options.now ?? (() => new Date());
  const everyMs = options.everyMs ?? 15_000;
  let last = -Infinity;
  metrics.onCollect(async () => {
    const at = now();
    if (at.getTime() - last < everyMs) return;
    last = at.getTime();
    const r = await store.db.query<{ pending: number; oldest: Date | null; failing: number; disabled: number }>(
      `SELECT d.pending, d.oldest,
         (SELECT count(*)::int FROM webhooks WHERE disabled_at IS NULL AND failing_since IS NOT NULL) AS failing,
         (SELECT count(*)::int FROM webhooks WHERE disabled_at IS NOT NULL) AS disabled
       FROM (SELECT count(*)::int AS pending, min(event_created_at) AS oldest FROM webhook_deliveries WHERE state = 'pending') d`,
      [],
      { prepare: true },
    );
    const x = r.rows[0];
    metrics.webhookPending.set(x.pending);
    metrics.webhookOldestPending.set(x.oldest ? Math.max(0, (at.getTime() - new Date(x.oldest).getTime()) / 1000) : 0);
    metrics.webhooksFailing.set(x.failing);
    metrics.webhooksDisabled.set(x.disabled);
  });
}
