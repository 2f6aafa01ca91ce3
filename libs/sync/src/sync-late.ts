import { EVENT_TYPES, type EventDraft } from '@simgate/core';
import { SYNC_KINDS, type Store, type SyncKind } from '@simgate/store';
import type { SyncIntervals } from './config/env';
import type { SimgateMetrics } from './metrics';
import type { CarrierRuntime } from './runtime';

/**
 * `sync.late` / `sync.recovered` events (docs/metrics.md, "sync.late and sync.recovered"): the rule of the alert
 * `SimgateSyncDelayOverBudget` without its `for`, per account and kind —
 *
 *   delay  = now − last success (start of the last complete sweep of that kind)
 *   budget = the kind's interval × SIMGATE_SYNC_BUDGET_FACTOR
 *   late when delay > budget; recovered when delay ≤ budget again.
 *
 * A kind that never succeeded counts from the account's first appearance in the store (`carrier_accounts.
 * created_at`: the first start of a simgate process with the account in its accounts file, when its first
 * sweeps were queued). Unlike the gauge `simgate_sync_delay_seconds` (which counts such a kind from the
 * process start), this origin is the same in every process and survives restarts.
 *
 * Exactly once across processes: `sync_late` holds one row per (account, kind) that is late. Going late inserts
 * the row (ON CONFLICT DO NOTHING) and appends the event in the same transaction; recovering deletes it
 * (DELETE … RETURNING) and appends the event: whichever evaluator's statement changes the row writes the event,
 * the others change nothing and write nothing. `since` is the instant the delay passed the budget (origin +
 * budget), so `lateSeconds` of the recovery is how long the data was over budget, up to the evaluation that saw it
 * back. Guards against an evaluator acting on an older read than another one: the late row is inserted only while
 * the checkpoint's last success is still the one read, and a recovery deletes only a row whose `since` is before
 * its own `now`.
 */
export interface SyncLateEvaluatorOptions {
  now?: () => Date;
}

interface LateRow {
  account_id: string;
  kind: string;
  since: Date;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export class SyncLateEvaluator {
  private readonly now: () => Date;
  private last = -Infinity;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly store: Store,
    private readonly runtime: Pick<CarrierRuntime, 'all'>,
    private readonly intervals: SyncIntervals,
    private readonly budgetFactor: number,
    options: SyncLateEvaluatorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Evaluates unless this evaluator did within `everyMs` or is evaluating now: the collector tick (each scrape) and
   * the scheduler's timer (workers, scraped or not) share it, so a process evaluates at most once per `everyMs`.
   */
  async tick(everyMs: number): Promise<void> {
    const at = this.now();
    if (this.running || at.getTime() - this.last < everyMs) return;
    this.last = at.getTime();
    this.running = this.evaluate(at);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Evaluates every configured account and kind once; returns the events this call wrote (after their commits). */
  async evaluate(at: Date = this.now()): Promise<EventDraft[]> {
    const accounts = this.runtime.all();
    if (!accounts.length) return [];
    const ids = accounts.map((rt) => rt.account.id);
    const db = this.store.db;
    const cps = await this.store.checkpoints.list();
    const cpByKey = new Map(cps.map((c) => [`${c.accountId}|${c.kind}`, c]));
    const created = await db.query<{ id: string; created_at: Date }>(`SELECT id, created_at FROM carrier_accounts WHERE id = ANY($1::text[])`, [ids]);
    const createdAt = new Map(created.rows.map((r) => [r.id, new Date(r.created_at)]));
    const late = await db.query<LateRow>(`SELECT account_id, kind, since FROM sync_late WHERE account_id = ANY($1::text[])`, [ids]);
    const lateByKey = new Map(late.rows.map((r) => [`${r.account_id}|${r.kind}`, r]));

    const written: EventDraft[] = [];
    for (const rt of accounts) {
      const accountId = rt.account.id;
      for (const kind of SYNC_KINDS) {
        if (kind === 'pools' && !rt.manifest.capabilities.pools) continue;
        const key = `${accountId}|${kind}`;
        const cp = cpByKey.get(key);
        const lastSuccessAt = cp?.lastSuccessAt ?? null;
        const origin = lastSuccessAt ?? createdAt.get(accountId) ?? null;
        // An account not stored yet (Simgate.start stores them first): nothing to measure.
        if (!origin) continue;
        const budgetSeconds = this.intervals[kind as SyncKind] * this.budgetFactor;
        const delaySeconds = round3(Math.max(0, (at.getTime() - origin.getTime()) / 1000));
        const base = { accountId, platform: rt.labels.platform, kind, delaySeconds, budgetSeconds };
        const subject = `${accountId}/${kind}`;
        const row = lateByKey.get(key);
        if (delaySeconds > budgetSeconds && !row) {
          const since = new Date(origin.getTime() + budgetSeconds * 1000);
          const draft: EventDraft = {
            type: 'sync.late',
            accountId,
            subject,
            occurredAt: at,
            data: { ...base, lastSuccessAt: lastSuccessAt ? lastSuccessAt.toISOString() : null },
          };
          const wrote = await db.transaction(async (tx) => {
            const ins = await tx.query(
              `INSERT INTO sync_late (account_id, kind, since)
               SELECT $1, $2, $3
               WHERE (SELECT last_success_at FROM sync_checkpoints WHERE account_id = $1 AND kind = $2) IS NOT DISTINCT FROM $4::timestamptz
               ON CONFLICT DO NOTHING`,
              [accountId, kind, since, lastSuccessAt],
            );
            if (ins.affectedRows !== 1) return false;
            await this.store.events.append(tx, [draft]);
            return true;
          });
          if (wrote) {
            this.store.events.committed([draft]);
            written.push(draft);
          }
        } else if (delaySeconds <= budgetSeconds && row) {
          let draft: EventDraft | null = null;
          await db.transaction(async (tx) => {
            const del = await tx.query<{ since: Date }>(
              `DELETE FROM sync_late WHERE account_id = $1 AND kind = $2 AND since < $3 RETURNING since`,
              [accountId, kind, at],
            );
            if (!del.rows.length) return;
            const lateSeconds = round3(Math.max(0, (at.getTime() - new Date(del.rows[0].since).getTime()) / 1000));
            draft = { type: 'sync.recovered', accountId, subject, occurredAt: at, data: { ...base, lateSeconds } };
            await this.store.events.append(tx, [draft]);
          });
          if (draft) {
            this.store.events.committed([draft]);
            written.push(draft);
          }
        }
      }
    }
    return written;
  }
}

/**
 * Runs the evaluation on the collector tick (before each /metrics scrape of this process, like the gauges), at
 * most every `everyMs` (default 15 s, `SYNC_LATE_EVERY_MS`) and never twice at once; workers also run it on the
 * scheduler's timer (`SyncScheduler.install`), so the events do not depend on Prometheus scraping. Every process
 * evaluates; the `sync_late` row makes each transition one event whichever process sees it first.
 */
export const SYNC_LATE_EVERY_MS = 15_000;

export function registerSyncLate(
  metrics: SimgateMetrics,
  store: Store,
  runtime: Pick<CarrierRuntime, 'all'>,
  intervals: SyncIntervals,
  budgetFactor: number,
  options: { now?: () => Date; everyMs?: number } = {},
): SyncLateEvaluator {
  const everyMs = options.everyMs ?? SYNC_LATE_EVERY_MS;
  const evaluator = new SyncLateEvaluator(store, runtime, intervals, budgetFactor, { now: options.now });
  metrics.onCollect(() => evaluator.tick(everyMs));
  return evaluator;
}

/** The outcomes of `simgate_webhook_deliveries_total` (libs/sync/src/metrics.ts). */
export const WEBHOOK_DELIVERY_OUTCOMES = ['delivered', 'failed', 'gave_up', 'expired'] as const;

/**
 * `simgate_events_total{type}`: every event this process commits, counted after its commit. Every event type and
 * webhook delivery outcome starts at 0, so rates exist from the first scrape (not only after the first event).
 */
export function countCommittedEvents(metrics: SimgateMetrics, store: Store): () => void {
  for (const type of EVENT_TYPES) metrics.events.inc({ type }, 0);
  for (const outcome of WEBHOOK_DELIVERY_OUTCOMES) metrics.webhookDeliveries.inc({ outcome }, 0);
  return store.events.onCommitted((types) => {
    const n = new Map<string, number>();
    for (const t of types) n.set(t, (n.get(t) ?? 0) + 1);
    for (const [type, count] of n) metrics.events.inc({ type }, count);
  });
}
