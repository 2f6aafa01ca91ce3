import {
  CardStatus,
  type Card,
  type CardRecord,
  type CardRef,
  type Carrier,
  type Plan,
  type SuspendReason,
} from '@simgate/core';
import { canonicalJson, chunks, sameInstant } from './canonical';
import type { Db, Queryable } from './db';
import { toUsage, type StoredUsage, type UsageRow } from './usage.repository';

export interface CardRow {
  iccid: string;
  account_id: string;
  platform: string;
  carrier: string;
  msisdn: string | null;
  imsi: string | null;
  imei: string | null;
  status: string;
  suspend_reason: string | null;
  suspend_reasons: string[];
  raw_status: string;
  raw_reason: string | null;
  raw: Record<string, unknown> | null;
  plan: Plan | null;
  pool_id: string | null;
  activated_at: Date | null;
  opened_at: Date | null;
  as_of: Date;
  synced_at: Date;
  sync_error: Record<string, unknown> | null;
}

export interface StoredCard extends Card {
  syncError: Record<string, unknown> | null;
}

export interface CardUpsertStats {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Cards whose normalized status or reasons changed (each also landed in the history). */
  statusChanges: number;
}

export interface StatusChange {
  iccid: string;
  accountId: string;
  prevStatus: CardStatus | null;
  prevReason: SuspendReason | null;
  status: CardStatus;
  suspendReason: SuspendReason | null;
  suspendReasons: SuspendReason[];
  rawStatus: string;
  rawReason: string | null;
  asOf: Date;
  observedAt: Date;
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

export interface CardSource {
  accountId: string;
  platform: string;
  carrier: Carrier;
}

const COLUMNS = `iccid, account_id, platform, carrier, msisdn, imsi, imei, status, suspend_reason, suspend_reasons,
  raw_status, raw_reason, raw, plan, pool_id, activated_at, opened_at, as_of, synced_at, sync_error`;
/** The same without the carrier's raw payload (`raw` undefined): for readers that never show it, such as the console's card views. */
const COLUMNS_NO_RAW = COLUMNS.replace(' raw,', '');

/** The latest usage cycle's columns of `getWithUsage`, prefixed `u_` (all null when the card has none). */
type UsageColumns = { [K in Exclude<keyof UsageRow, 'iccid' | 'raw'> as `u_${K}`]: UsageRow[K] | null };

/** Read options: `raw: false` leaves the carrier's raw payload out (it can be the largest column of a card). */
export interface CardReadOptions {
  raw?: boolean;
}

export function rowToCard(r: CardRow): StoredCard {
  return {
    iccid: r.iccid,
    accountId: r.account_id,
    platform: r.platform,
    carrier: r.carrier as Carrier,
    msisdn: r.msisdn,
    imsi: r.imsi,
    imei: r.imei,
    status: r.status as CardStatus,
    suspendReason: r.suspend_reason as SuspendReason | null,
    suspendReasons: (r.suspend_reasons ?? []) as SuspendReason[],
    rawStatus: r.raw_status,
    rawReason: r.raw_reason,
    raw: r.raw ?? undefined,
    plan: r.plan,
    poolId: r.pool_id,
    activatedAt: r.activated_at,
    openedAt: r.opened_at,
    asOf: r.as_of,
    syncedAt: r.synced_at,
    syncError: r.sync_error,
  };
}

/** The row a record produces over the stored one: known identifiers and dates are kept when the record lacks them. */
function merge(src: CardSource, rec: CardRecord, prev: CardRow | undefined, syncedAt: Date): CardRow {
  return {
    iccid: rec.iccid,
    account_id: src.accountId,
    platform: src.platform,
    carrier: src.carrier,
    msisdn: rec.msisdn ?? prev?.msisdn ?? null,
    imsi: rec.imsi ?? prev?.imsi ?? null,
    imei: rec.imei ?? prev?.imei ?? null,
    status: rec.status,
    suspend_reason: rec.suspendReason,
    suspend_reasons: [...rec.suspendReasons],
    raw_status: rec.rawStatus,
    raw_reason: rec.rawReason,
    raw: rec.raw ?? prev?.raw ?? null,
    plan: rec.plan ?? prev?.plan ?? null,
    pool_id: rec.poolId ?? prev?.pool_id ?? null,
    activated_at: rec.activatedAt ?? prev?.activated_at ?? null,
    opened_at: rec.openedAt ?? prev?.opened_at ?? null,
    as_of: rec.asOf,
    synced_at: syncedAt,
    sync_error: null,
  };
}

/** Whether two rows differ in content (`synced_at` is not content). */
function differs(a: CardRow, b: CardRow): boolean {
  return (
    a.account_id !== b.account_id ||
    a.msisdn !== b.msisdn ||
    a.imsi !== b.imsi ||
    a.imei !== b.imei ||
    a.status !== b.status ||
    a.suspend_reason !== b.suspend_reason ||
    a.suspend_reasons.join(',') !== b.suspend_reasons.join(',') ||
    a.raw_status !== b.raw_status ||
    a.raw_reason !== b.raw_reason ||
    a.pool_id !== b.pool_id ||
    !sameInstant(a.activated_at, b.activated_at) ||
    !sameInstant(a.opened_at, b.opened_at) ||
    !sameInstant(a.as_of, b.as_of) ||
    canonicalJson(a.plan) !== canonicalJson(b.plan) ||
    canonicalJson(a.raw) !== canonicalJson(b.raw) ||
    a.sync_error !== null ||
    b.sync_error !== null
  );
}

const RECORDSET = `jsonb_to_recordset($1::jsonb) AS t(
  iccid text, account_id text, platform text, carrier text, msisdn text, imsi text, imei text, status text,
  suspend_reason text, suspend_reasons text[], raw_status text, raw_reason text, raw jsonb, plan jsonb, pool_id text,
  activated_at timestamptz, opened_at timestamptz, as_of timestamptz, synced_at timestamptz, sync_error jsonb)`;

export class CardsRepository {
  /** Rows per statement: large enough to amortize round trips, small enough to keep locks short. */
  static readonly BATCH = 1000;

  constructor(private readonly db: Db) {}

  /**
   * Batched, change-only upsert: reads the stored rows of a batch, writes only new or changed rows, and
   * appends a history row for every change of normalized status or reasons, all in one transaction per batch.
   */
  async upsert(src: CardSource, records: readonly CardRecord[], syncedAt: Date): Promise<CardUpsertStats & { changes: StatusChange[] }> {
    const stats = { inserted: 0, updated: 0, unchanged: 0, statusChanges: 0, changes: [] as StatusChange[] };
    // The last record of a card in one call wins.
    const byIccid = new Map<string, CardRecord>();
    for (const r of records) byIccid.set(r.iccid, r);
    for (const batch of chunks([...byIccid.values()], CardsRepository.BATCH)) {
      const part = await this.db.transaction((tx) => this.upsertBatch(tx, src, batch, syncedAt));
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
    let inserted = 0;
    let updated = 0;
    for (const rec of batch) {
      const old = prev.get(rec.iccid);
      const row = merge(src, rec, old, syncedAt);
      if (old && !differs(old, row)) continue;
      write.push(row);
      if (old) updated++;
      else inserted++;
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
      }
    }
    if (write.length) {
      await tx.query(
        `INSERT INTO cards (${COLUMNS}, updated_at)
         SELECT ${COLUMNS}, now() FROM ${RECORDSET}
         ON CONFLICT (iccid) DO UPDATE SET
           account_id = EXCLUDED.account_id, platform = EXCLUDED.platform, carrier = EXCLUDED.carrier,
           msisdn = EXCLUDED.msisdn, imsi = EXCLUDED.imsi, imei = EXCLUDED.imei, status = EXCLUDED.status,
           suspend_reason = EXCLUDED.suspend_reason, suspend_reasons = EXCLUDED.suspend_reasons,
           raw_status = EXCLUDED.raw_status, raw_reason = EXCLUDED.raw_reason, raw = EXCLUDED.raw, plan = EXCLUDED.plan,
           pool_id = EXCLUDED.pool_id, activated_at = EXCLUDED.activated_at, opened_at = EXCLUDED.opened_at,
           as_of = EXCLUDED.as_of, synced_at = EXCLUDED.synced_at, sync_error = NULL, updated_at = now()`,
        [canonicalJson(write)],
      );
    }
    if (changes.length) {
      await tx.query(
        `INSERT INTO card_status_history
           (iccid, account_id, prev_status, prev_reason, status, suspend_reason, suspend_reasons, raw_status, raw_reason, as_of, observed_at)
         SELECT iccid, account_id, prev_status, prev_reason, status, suspend_reason, suspend_reasons, raw_status, raw_reason, as_of, observed_at
         FROM jsonb_to_recordset($1::jsonb) AS t(iccid text, account_id text, prev_status text, prev_reason text, status text,
           suspend_reason text, suspend_reasons text[], raw_status text, raw_reason text, as_of timestamptz, observed_at timestamptz)`,
        [
          canonicalJson(
            changes.map((c) => ({
              iccid: c.iccid,
              account_id: c.accountId,
              prev_status: c.prevStatus,
              prev_reason: c.prevReason,
              status: c.status,
              suspend_reason: c.suspendReason,
              suspend_reasons: c.suspendReasons,
              raw_status: c.rawStatus,
              raw_reason: c.rawReason,
              as_of: c.asOf,
              observed_at: c.observedAt,
            })),
          ),
        ],
      );
    }
    return { inserted, updated, unchanged: batch.length - write.length, changes };
  }

  /**
   * Registers cards known only by identifiers (an imported order list) without touching cards already known.
   * They stay UNKNOWN with an empty raw status until the first sync resolves them.
   */
  async importRefs(src: CardSource, refs: readonly CardRef[], at: Date): Promise<{ inserted: number }> {
    let inserted = 0;
    for (const batch of chunks(refs, 5000)) {
      const r = await this.db.query(
        `INSERT INTO cards (iccid, account_id, platform, carrier, msisdn, status, suspend_reasons, raw_status, as_of, synced_at)
         SELECT iccid, $2, $3, $4, msisdn, 'UNKNOWN', '{}', '', $5::timestamptz, $5::timestamptz
         FROM jsonb_to_recordset($1::jsonb) AS t(iccid text, msisdn text)
         ON CONFLICT (iccid) DO NOTHING`,
        [canonicalJson(batch.map((b) => ({ iccid: b.iccid, msisdn: b.msisdn ?? null }))), src.accountId, src.platform, src.carrier, at],
      );
      inserted += r.affectedRows;
    }
    return { inserted };
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
      `SELECT c.*, u.cycle_start AS u_cycle_start, u.cycle_end AS u_cycle_end, u.used_bytes AS u_used_bytes, u.quota_bytes AS u_quota_bytes,
              u.remaining_bytes AS u_remaining_bytes, u.as_of AS u_as_of, u.synced_at AS u_synced_at
       FROM (SELECT ${COLUMNS_NO_RAW} FROM cards WHERE iccid = $1) c
       LEFT JOIN LATERAL (SELECT cycle_start, cycle_end, used_bytes, quota_bytes, remaining_bytes, as_of, synced_at FROM usage_cycles
                          WHERE usage_cycles.iccid = c.iccid ORDER BY cycle_start DESC LIMIT 1) u ON true`,
      [iccid],
      { prepare: true },
    );
    const row = r.rows[0];
    if (!row) return null;
    const usage =
      row.u_cycle_start === null
        ? null
        : toUsage({
            iccid: row.iccid,
            cycle_start: row.u_cycle_start,
            cycle_end: row.u_cycle_end!,
            used_bytes: row.u_used_bytes!,
            quota_bytes: row.u_quota_bytes,
            remaining_bytes: row.u_remaining_bytes,
            as_of: row.u_as_of!,
            synced_at: row.u_synced_at!,
            raw: null,
          });
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
    const r = await this.db.query<{
      iccid: string;
      account_id: string;
      prev_status: string | null;
      prev_reason: string | null;
      status: string;
      suspend_reason: string | null;
      suspend_reasons: string[];
      raw_status: string;
      raw_reason: string | null;
      as_of: Date;
      observed_at: Date;
    }>(
      `SELECT iccid, account_id, prev_status, prev_reason, status, suspend_reason, suspend_reasons, raw_status, raw_reason, as_of, observed_at
       FROM card_status_history WHERE iccid = $1 ORDER BY observed_at DESC, id DESC LIMIT $2`,
      [iccid, limit],
    );
    return r.rows.map((h) => ({
      iccid: h.iccid,
      accountId: h.account_id,
      prevStatus: h.prev_status as CardStatus | null,
      prevReason: h.prev_reason as SuspendReason | null,
      status: h.status as CardStatus,
      suspendReason: h.suspend_reason as SuspendReason | null,
      suspendReasons: (h.suspend_reasons ?? []) as SuspendReason[],
      rawStatus: h.raw_status,
      rawReason: h.raw_reason,
      asOf: h.as_of,
      observedAt: h.observed_at,
    }));
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
