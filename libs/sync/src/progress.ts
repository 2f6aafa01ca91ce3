import { CardStatus, type AdapterManifest } from '@simgate/core';
import type { Checkpoint, Store, SyncKind } from '@simgate/store';
import type { SyncIntervals } from './config/env';
import type { AccountLimiter } from './limits/account-limiter';
import type { SimgateMetrics } from './metrics';
import type { AccountRuntime, CarrierRuntime } from './runtime';

/**
 * Sweep progress and quota fit (docs/api.md, "Sync state"; docs/metrics.md): how far a running sweep is, when it
 * will end at the account's quota, and whether the configured intervals can be met for the account's fleet.
 *
 * The cost of a sweep is carrier requests: cards × requests per card, where a kind's requests per card come from
 * the manifest (`requestsPerCard`): a batch read costs 1 / batch size per card, a platform without batch reads one
 * request per card, a listing 1 / page size. The rate is the account's quota (`AccountLimiter.requestsPerSecond`:
 * the manifest's account-wide quota, the account's override, the global factor, the margins and the adaptive
 * factor), shared evenly by the card sweeps of the account running at once. Pools and orders are not per card and
 * are left out.
 */

/** The kinds whose cost is per card. */
export const CARD_KINDS = ['inventory', 'status', 'usage'] as const;
type CardKind = (typeof CARD_KINDS)[number];
const isCardKind = (k: SyncKind): k is CardKind => (CARD_KINDS as readonly string[]).includes(k);

/** The statuses whose usage is swept (engine/sweeps.ts). */
const USAGE_STATUSES: readonly string[] = [CardStatus.ACTIVE, CardStatus.SUSPENDED];

/** Carrier requests a sweep of `kind` costs per card, from the manifest; null for kinds not swept per card. */
export function requestsPerCard(manifest: AdapterManifest, kind: SyncKind): number | null {
  const { capabilities: c, batchSizes: b } = manifest;
  const batch = (batched: boolean, size: number) => (batched ? 1 / Math.max(1, size) : 1);
  switch (kind) {
    case 'status':
      return batch(c.statusBatch, b.status);
    case 'usage':
      return batch(c.usageBatch, b.usage);
    case 'inventory':
      // Imported order lists are resolved by status reads (of the cards never read); listings cost a page each.
      return c.inventory === 'IMPORTED' ? batch(c.statusBatch, b.status) : 1 / Math.max(1, b.inventoryPage);
    default:
      return null;
  }
}

/** An account's cards as the sweeps see them. */
export interface AccountCardCounts {
  total: number;
  /** ACTIVE or SUSPENDED: the cards a usage sweep reads. */
  usage: number;
  /** Never read (an imported order list's cards): the cards an IMPORTED inventory sweep reads. */
  unresolved: number;
}

export async function cardCounts(store: Pick<Store, 'db'>): Promise<Map<string, AccountCardCounts>> {
  const r = await store.db.query<{ account_id: string; total: number; usage: number; unresolved: number }>(
    `SELECT account_id, count(*)::int AS total, count(*) FILTER (WHERE status = ANY($1::text[]))::int AS usage,
       count(*) FILTER (WHERE raw_status = '')::int AS unresolved
     FROM cards GROUP BY account_id`,
    [USAGE_STATUSES],
  );
  return new Map(r.rows.map((x) => [x.account_id, { total: x.total, usage: x.usage, unresolved: x.unresolved }]));
}

/** Cards a sweep of `kind` walks, and of them those that cost requests, after `cursor` (null: all). */
async function cardsAfter(store: Pick<Store, 'db'>, rt: AccountRuntime, kind: CardKind, cursor: string | null): Promise<{ walked: number; costing: number }> {
  const statuses = kind === 'usage' ? USAGE_STATUSES : null;
  const r = await store.db.query<{ walked: number; costing: number }>(
    `SELECT count(*)::int AS walked, count(*) FILTER (WHERE NOT $4 OR raw_status = '')::int AS costing FROM cards
     WHERE account_id = $1 AND ($2::text IS NULL OR iccid > $2) AND ($3::text[] IS NULL OR status = ANY($3::text[]))`,
    [rt.account.id, cursor, statuses, kind === 'inventory'],
  );
  return r.rows[0];
}

export interface SweepProgress {
  startedAt: string | null;
  /** Cards done so far (read or unchanged; failed cards are recorded on the card and not counted). */
  done: number;
  /** Cards of the sweep: done + the account's cards still ahead of its checkpoint; null when unknown (a first listing). */
  total: number | null;
  /** `total` is an estimate from the account's cards in the store (a listing: the carrier may hold more). */
  totalEstimated: boolean;
  /** Seconds until the sweep ends at the quota it gets (null: total unknown). */
  etaSeconds: number | null;
}

/** The progress of a running sweep of a per-card kind (null for other kinds and sweeps not running). */
export async function sweepProgress(
  store: Pick<Store, 'db'>,
  rt: AccountRuntime,
  cp: Checkpoint,
  counts: AccountCardCounts | undefined,
  requestsPerSecond: number,
): Promise<SweepProgress | null> {
  if (cp.state !== 'running' || !isCardKind(cp.kind)) return null;
  const perCard = requestsPerCard(rt.manifest, cp.kind)!;
  const listing = cp.kind === 'inventory' && rt.manifest.capabilities.inventory !== 'IMPORTED';
  const base = { startedAt: cp.startedAt?.toISOString() ?? null, done: cp.cards };
  if (listing) {
    // The cursor is the carrier's page position: what is ahead is the cards known beyond those listed so far.
    const known = counts?.total ?? 0;
    if (known <= cp.cards) return { ...base, total: null, totalEstimated: true, etaSeconds: null };
    return { ...base, total: known, totalEstimated: true, etaSeconds: round1(((known - cp.cards) * perCard) / requestsPerSecond) };
  }
  const ahead = await cardsAfter(store, rt, cp.kind, cp.cursor);
  return { ...base, total: cp.cards + ahead.walked, totalEstimated: false, etaSeconds: round1((ahead.costing * perCard) / requestsPerSecond) };
}

export interface KindFit {
  kind: SyncKind;
  intervalSeconds: number;
  requestsPerCard: number;
  /** A whole sweep's length at the account's full quota. */
  sweepSeconds: number;
  /** The shortest interval of this kind the quota allows with the other kinds at their intervals (null: none). */
  shortestIntervalSeconds: number | null;
  intervalMet: boolean;
}

export interface QuotaFit {
  requestsPerSecond: number;
  /** Share of the quota the configured intervals need for this fleet: above 1 they cannot all be met. */
  load: number;
  kinds: KindFit[];
}

/** Whether the configured intervals fit the account's quota for its cards (per-card kinds). */
export function quotaFit(rt: AccountRuntime, counts: AccountCardCounts | undefined, intervals: SyncIntervals, requestsPerSecond: number): QuotaFit {
  const c = counts ?? { total: 0, usage: 0, unresolved: 0 };
  const cardsOf = (k: CardKind) => (k === 'usage' ? c.usage : k === 'inventory' && rt.manifest.capabilities.inventory === 'IMPORTED' ? c.unresolved : c.total);
  const parts = CARD_KINDS.map((kind) => {
    const perCard = requestsPerCard(rt.manifest, kind)!;
    const sweepSeconds = (cardsOf(kind) * perCard) / requestsPerSecond;
    return { kind, perCard, sweepSeconds, share: sweepSeconds / intervals[kind] };
  });
  const load = parts.reduce((a, p) => a + p.share, 0);
  return {
    requestsPerSecond: round3(requestsPerSecond),
    load: round3(load),
    kinds: parts.map((p) => {
      const others = load - p.share;
      return {
        kind: p.kind,
        intervalSeconds: intervals[p.kind],
        requestsPerCard: round3(p.perCard),
        sweepSeconds: round1(p.sweepSeconds),
        shortestIntervalSeconds: others < 1 ? Math.ceil(p.sweepSeconds / (1 - others)) : null,
        intervalMet: load <= 1,
      };
    }),
  };
}

/** The quota rate a running card sweep of the account gets: the account's, shared by its card sweeps running. */
export function sweepRate(limiter: AccountLimiter, accountId: string, cps: readonly Checkpoint[]): number {
  const running = cps.filter((c) => c.accountId === accountId && c.state === 'running' && isCardKind(c.kind)).length;
  return limiter.requestsPerSecond(accountId) / Math.max(1, running);
}

/**
 * The gauges `simgate_sync_sweep_eta_seconds` (0 for a card kind not running; absent while a running sweep's total
 * is unknown), `simgate_sync_quota_load` and
 * `simgate_sync_interval_shortest_seconds`, from the checkpoints and the card counts at most every `everyMs`.
 */
export function registerProgressCollector(
  metrics: SimgateMetrics,
  store: Store,
  runtime: Pick<CarrierRuntime, 'all'>,
  limiter: AccountLimiter,
  intervals: SyncIntervals,
  options: { everyMs?: number; now?: () => Date } = {},
): void {
  const everyMs = options.everyMs ?? 15_000;
  const now = options.now ?? (() => new Date());
  let last = -Infinity;
  let counts = new Map<string, AccountCardCounts>();
  metrics.onCollect(async () => {
    const t = now().getTime();
    if (t - last >= everyMs) {
      counts = await cardCounts(store);
      last = t;
    }
    const cps = await store.checkpoints.list();
    metrics.sweepEta.reset();
    for (const rt of runtime.all()) {
      const id = rt.account.id;
      const fit = quotaFit(rt, counts.get(id), intervals, limiter.requestsPerSecond(id));
      metrics.quotaLoad.set(rt.labels, fit.load);
      for (const k of fit.kinds) {
        if (k.shortestIntervalSeconds !== null) metrics.shortestInterval.set({ ...rt.labels, kind: k.kind }, k.shortestIntervalSeconds);
        else metrics.shortestInterval.remove({ ...rt.labels, kind: k.kind });
      }
      for (const kind of CARD_KINDS) {
        const cp = cps.find((c) => c.accountId === id && c.kind === kind);
        if (cp?.state !== 'running') {
          metrics.sweepEta.set({ ...rt.labels, kind }, 0);
          continue;
        }
        const p = await sweepProgress(store, rt, cp, counts.get(id), sweepRate(limiter, id, cps));
        if (p?.etaSeconds !== null && p?.etaSeconds !== undefined) metrics.sweepEta.set({ ...rt.labels, kind }, p.etaSeconds);
      }
    }
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
