import { CardStatus, type CardRecord, type CardRef, type Carrier, type EventDraft, type SuspendReason } from '@simgate/core';
import { canonicalJson, chunks } from './canonical';
import { HISTORY_COLUMNS, INSERT_HISTORY, SELECT_HISTORY, type StatusChange } from './card-history';
import {
  COLUMNS,
  COLUMNS_NO_RAW,
  RECORDSET,
  UPDATE_SET,
  differs,
  merge,
  rowToCard,
  type CardRow,
  type CardSource,
  type StoredCard,
} from './card-columns';
import { fromRow, toRow } from './columns';
import type { Db, Queryable } from './db';
import { cardAddedEvent, statusChangeEvent } from './card-events';
import type { EventsRepository } from './events.repository';
import { USAGE_COLUMNS, toUsage, type StoredUsage, type UsageRow } from './usage.repository';

export { rowToCard, type CardRow, type CardSource, type StoredCard } from './card-columns';
export type { StatusChange } from './card-history';

export interface CardUpsertStats {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Cards whose normalized status or reasons changed (each also landed in the history). */
  statusChanges: number;
}

export interface CardFilter {
  accountId?: string;
  platform?: string;
  carrier?: string;
  status?: string;
  reason?: string;
  poolId?: string;
  /** Prefix of ICCID or MSISDN. */
  q?: string;
}

/** The columns of the latest usage cycle `getWithUsage` reads with a card (its raw payload aside). */
const LATEST_USAGE = Object.keys(USAGE_COLUMNS).filter((name) => name !== 'iccid' && name !== 'raw') as Exclude<keyof UsageRow, 'iccid' | 'raw'>[];
/** Those columns prefixed `u_` (all null when the card has none). */
type UsageColumns = { [K in (typeof LATEST_USAGE)[number] as `u_${K}`]: UsageRow[K] | null };

/** Read options: `raw: false` leaves the carrier's raw payload out (it can be the largest column of a card). */
export interface CardReadOptions {
  raw?: boolean;
}

export class CardsRepository {
  /** Rows per statement: large enough to amortize round trips, small enough to keep locks short. */
  static readonly BATCH = 1000;

  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
  ) {}

  /**
   * Batched, change-only upsert: reads the stored rows of a batch, writes only new or changed rows, and
   * appends a history row for every change of normalized status or reasons, all in one transaction per batch.
   * Once the account's snapshot is done, the same transaction writes `card.added` for a card new to simgate and
   * `card.status_changed` for a change of normalized status or reasons.
   */
  async upsert(src: CardSource, records: readonly CardRecord[], syncedAt: Date): Promise<CardUpsertStats & { changes: StatusChange[] }> {
    const stats = { inserted: 0, updated: 0, unchanged: 0, statusChanges: 0, changes: [] as StatusChange[] };
    // The last record of a card in one call wins.
    const byIccid = new Map<string, CardRecord>();
    for (const r of records) byIccid.set(r.iccid, r);
    for (const batch of chunks([...byIccid.values()], CardsRepository.BATCH)) {
      const part = await this.db.transaction((tx) => this.upsertBatch(tx, src, batch, syncedAt));
      this.events.committed(part.events);
      stats.inserted += part.inserted;
      stats.updated += part.updated;
      stats.unchanged += part.unchanged;
      stats.statusChanges += part.changes.length;
      stats.changes.push(...part.changes);
    }
    return stats;
  }

  private async upsertBatch(tx: Queryable, src: CardSource, batch: CardRecord[], syncedAt: Date) {
    const iccids = batch.map((r) => r.iccid);
    const prevRows = await tx.query<CardRow>(`SELECT ${COLUMNS} FROM cards WHERE iccid = ANY($1::text[]) FOR UPDATE`, [iccids]);
    const prev = new Map(prevRows.rows.map((r) => [r.iccid, r]));
    const write: CardRow[] = [];
    const changes: StatusChange[] = [];
    const events: EventDraft[] = [];
    const feed = await this.events.snapshotDone(tx, src.accountId);
    let inserted = 0;
    let updated = 0;
    for (const rec of batch) {
      const old = prev.get(rec.iccid);
      const row = merge(src, rec, old, syncedAt);
      if (old && !differs(old, row)) continue;
      write.push(row);
      if (old) updated++;
      else inserted++;
      if (feed && !old) events.push(cardAddedEvent(row, syncedAt));
      // An imported card never resolved yet (empty raw status) has no real previous status.
      const known = old !== undefined && old.raw_status !== '';
      const statusChanged =
        !known ||
        old.status !== row.status ||
        old.suspend_reason !== row.suspend_reason ||
        old.suspend_reasons.join(',') !== row.suspend_reasons.join(',');
      if (statusChanged) {
        changes.push({
          iccid: row.iccid,
          accountId: row.account_id,
          prevStatus: known ? (old.status as CardStatus) : null,
          prevReason: known ? (old.suspend_reason as SuspendReason | null) : null,
          status: row.status as CardStatus,
          suspendReason: row.suspend_reason as SuspendReason | null,
          suspendReasons: row.suspend_reasons as SuspendReason[],
          rawStatus: row.raw_status,
          rawReason: row.raw_reason,
          asOf: row.as_of,
          observedAt: syncedAt,
        });
        if (feed && old) events.push(statusChangeEvent(old, row, syncedAt));
      }
    }
    if (write.length) {
      await tx.query(
        `INSERT INTO cards (${COLUMNS}, updated_at)
         SELECT ${COLUMNS}, now() FROM ${RECORDSET}
         ON CONFLICT (iccid) DO UPDATE SET ${UPDATE_SET}, updated_at = now()`,
        [canonicalJson(write)],
      );
    }
    if (changes.length) {
      await tx.query(INSERT_HISTORY, [canonicalJson(changes.map((c) => toRow(HISTORY_COLUMNS, c)))]);
    }
    await this.events.append(tx, events);
    return { inserted, updated, unchanged: batch.length - write.length, changes, events };
  }

  /**
   * Registers cards known only by identifiers (an imported order list) without touching cards already known.
   * They stay UNKNOWN with an empty raw status until the first sync resolves them.
   */
  async importRefs(src: CardSource, refs: readonly CardRef[], at: Date): Promise<{ inserted: number }> {
    let inserted = 0;
    for (const batch of chunks(refs, 5000)) {
      const r = await this.db.transaction((tx) => this.importRefsIn(tx, src, batch, at));
      inserted += r.inserted;
      this.events.committed(r.events);
    }
    return { inserted };
  }

  /**
   * `importRefs` of one batch inside the caller's transaction (an import job writes its progress with it); the
   * caller announces the events (`events.committed`) once its transaction has committed.
   */
  async importRefsIn(tx: Queryable, src: CardSource, batch: readonly CardRef[], at: Date): Promise<{ inserted: number; events: EventDraft[] }> {
    if (!batch.length) return { inserted: 0, events: [] };
    const r = await tx.query<{ iccid: string; msisdn: string | null }>(
      `INSERT INTO cards (iccid, account_id, platform, carrier, msisdn, status, suspend_reasons, raw_status, as_of, synced_at)
       SELECT iccid, $2, $3, $4, msisdn, 'UNKNOWN', '{}', '', $5::timestamptz, $5::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS t(iccid text, msisdn text)
       ON CONFLICT (iccid) DO NOTHING RETURNING iccid, msisdn`,
      [canonicalJson(batch.map((b) => ({ iccid: b.iccid, msisdn: b.msisdn ?? null }))), src.accountId, src.platform, src.carrier, at],
    );
    if (!r.rows.length || !(await this.events.snapshotDone(tx, src.accountId))) return { inserted: r.rows.length, events: [] };
    const drafts: EventDraft[] = r.rows.map((x) => ({
      type: 'card.added',
      accountId: src.accountId,
      subject: x.iccid,
      occurredAt: at,
      data: { iccid: x.iccid, msisdn: x.msisdn, accountId: src.accountId, platform: src.platform, status: CardStatus.UNKNOWN, imported: true },
    }));
    await this.events.append(tx, drafts);
    return { inserted: r.rows.length, events: drafts };
  }

  /** Records a per-card failure (e.g. the carrier refused this card) without touching its last known state. */
  async recordSyncError(iccids: readonly string[], error: Record<string, unknown>, at: Date): Promise<number> {
    if (!iccids.length) return 0;
    const r = await this.db.query(
      `UPDATE cards SET sync_error = $2::jsonb, updated_at = now() WHERE iccid = ANY($1::text[])`,
      [iccids, canonicalJson({ ...error, at })],
    );
    return r.affectedRows;
  }

  async get(iccid: string, options: CardReadOptions = {}): Promise<StoredCard | null> {
    const r = await this.db.query<CardRow>(`SELECT ${options.raw === false ? COLUMNS_NO_RAW : COLUMNS} FROM cards WHERE iccid = $1`, [iccid], { prepare: true });
    return r.rows[0] ? rowToCard(r.rows[0]) : null;
  }

  /**
   * One card without its raw payload and its latest usage cycle, in one statement: the card view's hot path
   * (one round trip and one database backend per request instead of two).
   */
  async getWithUsage(iccid: string): Promise<{ card: StoredCard; usage: StoredUsage | null } | null> {
    const r = await this.db.query<CardRow & UsageColumns>(
      `SELECT c.*, ${LATEST_USAGE.map((name) => `u.${name} AS u_${name}`).join(', ')}
       FROM (SELECT ${COLUMNS_NO_RAW} FROM cards WHERE iccid = $1) c
       LEFT JOIN LATERAL (SELECT ${LATEST_USAGE.join(', ')} FROM usage_cycles
                          WHERE usage_cycles.iccid = c.iccid ORDER BY cycle_start DESC LIMIT 1) u ON true`,
      [iccid],
      { prepare: true },
    );
    const row = r.rows[0];
    if (!row) return null;
    const usage =
      row.u_cycle_start === null
        ? null
        : toUsage({ iccid: row.iccid, raw: null, ...Object.fromEntries(LATEST_USAGE.map((name) => [name, row[`u_${name}`]])) } as UsageRow);
    return { card: rowToCard(row), usage };
  }

  async getMany(iccids: readonly string[]): Promise<StoredCard[]> {
    if (!iccids.length) return [];
    const r = await this.db.query<CardRow>(`SELECT ${COLUMNS} FROM cards WHERE iccid = ANY($1::text[]) ORDER BY iccid`, [iccids]);
    return r.rows.map(rowToCard);
  }

  /** Keyset-paged list ordered by ICCID: `after` is the last ICCID of the previous page. */
  async list(filter: CardFilter, limit: number, after: string | null, options: CardReadOptions = {}): Promise<StoredCard[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.accountId) add('account_id = ?', filter.accountId);
    if (filter.platform) add('platform = ?', filter.platform);
    if (filter.carrier) add('carrier = ?', filter.carrier);
    if (filter.status) add('status = ?', filter.status);
    // Same rows as `reason = ANY(suspend_reasons)`, but indexable (GIN) and estimated from element statistics.
    if (filter.reason) add('suspend_reasons @> ARRAY[?]::text[]', filter.reason);
    if (filter.poolId) add('pool_id = ?', filter.poolId);
    if (filter.q) {
      params.push(filter.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
      where.push(`(iccid LIKE $${params.length} OR msisdn LIKE $${params.length})`);
    }
    if (after) add('iccid > ?', after);
    params.push(limit);
    const r = await this.db.query<CardRow>(
      `SELECT ${options.raw === false ? COLUMNS_NO_RAW : COLUMNS} FROM cards ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY iccid LIMIT $${params.length}`,
      params,
    );
    return r.rows.map(rowToCard);
  }

  /**
   * Card references of an account in ICCID order, for status and usage sweeps, with what simgate already knows
   * (raw status, dates) as hints. `statuses` limits them (usage only for ACTIVE and SUSPENDED cards);
   * `unresolved` keeps only imported cards never read yet.
   */
  async refs(
    accountId: string,
    after: string | null,
    limit: number,
    filter: { statuses?: string[]; unresolved?: boolean } = {},
  ): Promise<CardRef[]> {
    const r = await this.db.query<{ iccid: string; msisdn: string | null; raw_status: string; opened_at: Date | null; activated_at: Date | null }>(
      `SELECT iccid, msisdn, raw_status, opened_at, activated_at FROM cards
       WHERE account_id = $1 AND ($2::text IS NULL OR iccid > $2)
         AND ($4::text[] IS NULL OR status = ANY($4::text[])) AND (NOT $5 OR raw_status = '')
       ORDER BY iccid LIMIT $3`,
      [accountId, after, limit, filter.statuses ?? null, filter.unresolved ?? false],
    );
    return r.rows.map((x) => ({
      iccid: x.iccid,
      msisdn: x.msisdn,
      hints: {
        ...(x.raw_status ? { rawStatus: x.raw_status } : {}),
        openedAt: x.opened_at,
        activatedAt: x.activated_at,
      },
    }));
  }

  async history(iccid: string, limit = 200): Promise<StatusChange[]> {
    const r = await this.db.query(SELECT_HISTORY, [iccid, limit]);
    return r.rows.map((h) => fromRow<StatusChange>(HISTORY_COLUMNS, h));
  }

  /** Cards by account, status and primary reason (for metrics and the dashboard). */
  async countByStatus(): Promise<{ accountId: string; platform: string; status: string; reason: string | null; count: number }[]> {
    const r = await this.db.query<{ account_id: string; platform: string; status: string; suspend_reason: string | null; n: number }>(
      `SELECT account_id, platform, status, suspend_reason, count(*)::int AS n FROM cards GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4`,
    );
    return r.rows.map((x) => ({ accountId: x.account_id, platform: x.platform, status: x.status, reason: x.suspend_reason, count: x.n }));
  }

  /** Per account and sync kind, the oldest last-good read among cards whose latest read of that kind failed. */
  async oldestFailed(): Promise<{ accountId: string; kind: string; since: Date; cards: number }[]> {
    const r = await this.db.query<{ account_id: string; kind: string | null; since: Date; n: number }>(
      `SELECT account_id, sync_error->>'kind' AS kind, min(synced_at) AS since, count(*)::int AS n FROM cards
       WHERE sync_error IS NOT NULL GROUP BY 1, 2`,
    );
    return r.rows.map((x) => ({ accountId: x.account_id, kind: x.kind ?? 'status', since: x.since, cards: x.n }));
  }

  /**
   * Lifecycle facts of the cards in `statuses`, keyset-paged by ICCID (`after` = last ICCID of the previous
   * page): only the columns a lifecycle forecast needs (for the upcoming forced activation / cancellation
   * gauge), and only cards with a date to forecast from (opening, or activation with a plan term).
   */
  async lifecycleFacts(
    statuses: readonly string[],
    after: string | null,
    limit: number,
  ): Promise<
    {
      iccid: string;
      accountId: string;
      platform: string;
      carrier: Carrier;
      status: CardStatus;
      openedAt: Date | null;
      activatedAt: Date | null;
      termMonths: number | null;
    }[]
  > {
    const r = await this.db.query<{
      iccid: string;
      account_id: string;
      platform: string;
      carrier: string;
      status: string;
      opened_at: Date | null;
      activated_at: Date | null;
      term_months: unknown;
    }>(
      `SELECT iccid, account_id, platform, carrier, status, opened_at, activated_at, plan->'termMonths' AS term_months FROM cards
       WHERE status = ANY($1::text[]) AND ($2::text IS NULL OR iccid > $2)
         AND (opened_at IS NOT NULL OR (activated_at IS NOT NULL AND jsonb_typeof(plan->'termMonths') = 'number'))
       ORDER BY iccid LIMIT $3`,
      [[...statuses], after, limit],
    );
    return r.rows.map((x) => {
      const term = typeof x.term_months === 'string' ? Number(x.term_months) : x.term_months;
      return {
        iccid: x.iccid,
        accountId: x.account_id,
        platform: x.platform,
        carrier: x.carrier as Carrier,
        status: x.status as CardStatus,
        openedAt: x.opened_at ? new Date(x.opened_at) : null,
        activatedAt: x.activated_at ? new Date(x.activated_at) : null,
        termMonths: typeof term === 'number' && Number.isFinite(term) && term > 0 ? term : null,
      };
    });
  }

  async count(accountId?: string): Promise<number> {
    const r = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cards ${accountId ? 'WHERE account_id = $1' : ''}`,
      accountId ? [accountId] : [],
    );
    return r.rows[0].n;
  }
}
