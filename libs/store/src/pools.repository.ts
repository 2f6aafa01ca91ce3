import { PoolState, thresholdsReached, type EventDraft, type Pool, type PoolRecord } from '@simgate/core';
import { canonicalJson, sameInstant } from './canonical';
import { READ_STAMP, col, columnList, fromRow, recordsetOf, toRow, updateSet, type RowOf } from './columns';
import type { Db, Queryable } from './db';
import type { EventsRepository } from './events.repository';

/** The columns of `pools`, in table order. */
const POOL_COLUMNS = {
  account_id: col<string>('text', 'accountId'),
  pool_id: col<string>('text', 'poolId'),
  platform: col<string>('text', 'platform'),
  name: col<string | null>('text', 'name'),
  type: col<string>('text', 'type'),
  state: col<string>('text', 'state'),
  per_card_bytes: col<number | null>('bigint', 'perCardBytes'),
  total_bytes: col<number | null>('bigint', 'totalBytes'),
  used_bytes: col<number>('bigint', 'usedBytes'),
  remaining_bytes: col<number | null>('bigint', 'remainingBytes'),
  member_count: col<number | null>('int', 'memberCount'),
  ...READ_STAMP,
};
const COLS = columnList(POOL_COLUMNS);

function toPool(r: RowOf<typeof POOL_COLUMNS>): Pool {
  return fromRow<Pool>(POOL_COLUMNS, r);
}

/** Whether a pool has run dry: the carrier says so, or a pool with a total has nothing left. */
function exhausted(p: Pick<Pool, 'state' | 'totalBytes' | 'remainingBytes'>): boolean {
  return p.state === PoolState.EXHAUSTED || (p.totalBytes !== null && p.remainingBytes !== null && p.remainingBytes <= 0);
}

export class PoolsRepository {
  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
  ) {}

  /**
   * Change-only upsert of an account's pools, in one transaction. Once the account's snapshot is done it writes
   * `pool.threshold_crossed` when used reaches a threshold (percent of the effective total) not fired yet, and
   * `pool.exhausted` when a pool runs dry; a threshold re-arms when usage falls back under it (a new cycle).
   */
  async upsert(
    accountId: string,
    platform: string,
    pools: readonly PoolRecord[],
    syncedAt: Date,
    thresholds: readonly number[] = [],
  ): Promise<{ written: number; events: number }> {
    if (!pools.length) return { written: 0, events: 0 };
    const out = await this.db.transaction(async (tx) => {
      const rows = await tx.query<RowOf<typeof POOL_COLUMNS> & { thresholds_fired: string[] }>(
        `SELECT ${COLS}, thresholds_fired FROM pools WHERE account_id = $1 ORDER BY pool_id FOR UPDATE`,
        [accountId],
      );
      const prev = new Map(rows.rows.map((r) => [r.pool_id, { pool: toPool(r), fired: r.thresholds_fired.map(Number) }]));
      const changed = pools.filter((p) => {
        const o = prev.get(p.poolId)?.pool;
        return (
          !o ||
          o.name !== p.name ||
          o.type !== p.type ||
          o.state !== p.state ||
          o.perCardBytes !== p.perCardBytes ||
          o.totalBytes !== p.totalBytes ||
          o.usedBytes !== p.usedBytes ||
          o.remainingBytes !== p.remainingBytes ||
          o.memberCount !== p.memberCount ||
          !sameInstant(o.asOf, p.asOf)
        );
      });
      if (!changed.length) return { written: 0, events: [] as EventDraft[] };
      await tx.query(
        `INSERT INTO pools (${COLS})
         SELECT ${COLS} FROM ${recordsetOf(POOL_COLUMNS)}
         ON CONFLICT (account_id, pool_id) DO UPDATE SET ${updateSet(POOL_COLUMNS, ['account_id', 'pool_id', 'platform'])}`,
        [canonicalJson(changed.map((p) => toRow(POOL_COLUMNS, { ...p, accountId, platform, syncedAt, raw: p.raw ?? null })))],
      );
      const events = await this.poolEvents(tx, accountId, platform, changed, prev, syncedAt, thresholds);
      return { written: changed.length, events };
    });
    this.events.committed(out.events);
    return { written: out.written, events: out.events.length };
  }

  private async poolEvents(
    tx: Queryable,
    accountId: string,
    platform: string,
    changed: readonly PoolRecord[],
    prev: ReadonlyMap<string, { pool: Pool; fired: number[] }>,
    at: Date,
    thresholds: readonly number[],
  ): Promise<EventDraft[]> {
    const marks: { pool_id: string; fired: number[] }[] = [];
    const drafts: EventDraft[] = [];
    for (const p of changed) {
      const o = prev.get(p.poolId);
      const fired = o?.fired ?? [];
      const reached = thresholdsReached(p.usedBytes, p.totalBytes, thresholds);
      // Fired thresholds the pool is back under (a new cycle) re-arm; reached ones not fired yet fire.
      const kept = fired.filter((t) => reached.includes(t));
      const fresh = reached.filter((t) => !fired.includes(t));
      if (fresh.length || kept.length !== fired.length) marks.push({ pool_id: p.poolId, fired: [...kept, ...fresh].sort((a, b) => a - b) });
      const facts = {
        accountId,
        platform,
        poolId: p.poolId,
        name: p.name,
        type: p.type,
        state: p.state,
        totalBytes: p.totalBytes,
        usedBytes: p.usedBytes,
        remainingBytes: p.remainingBytes,
        memberCount: p.memberCount,
        asOf: p.asOf,
      };
      const subject = `${accountId}/${p.poolId}`;
      for (const threshold of fresh) {
        const percent = Math.round((p.usedBytes * 10000) / (p.totalBytes as number)) / 100;
        drafts.push({ type: 'pool.threshold_crossed', accountId, subject, occurredAt: at, data: { ...facts, threshold, percent } });
      }
      if (exhausted(p) && !(o && exhausted(o.pool))) drafts.push({ type: 'pool.exhausted', accountId, subject, occurredAt: at, data: facts });
    }
    if (marks.length) {
      await tx.query(
        `UPDATE pools SET thresholds_fired = m.fired FROM jsonb_to_recordset($2::jsonb) AS m(pool_id text, fired numeric[])
         WHERE pools.account_id = $1 AND pools.pool_id = m.pool_id`,
        [accountId, canonicalJson(marks)],
      );
    }
    if (!drafts.length || !(await this.events.snapshotDone(tx, accountId))) return [];
    await this.events.append(tx, drafts);
    return drafts;
  }

  /** Replaces a pool's member list and points the members' cards at the pool, in one transaction. */
  async replaceMembers(accountId: string, poolId: string, iccids: readonly string[]): Promise<{ added: number; removed: number }> {
    return this.db.transaction(async (tx) => {
      const removed = await tx.query(
        `DELETE FROM pool_members WHERE account_id = $1 AND pool_id = $2 AND NOT (iccid = ANY($3::text[]))`,
        [accountId, poolId, iccids],
      );
      const added = await tx.query(
        `INSERT INTO pool_members (account_id, pool_id, iccid) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
        [accountId, poolId, iccids],
      );
      await tx.query(`UPDATE cards SET pool_id = NULL WHERE account_id = $1 AND pool_id = $2 AND NOT (iccid = ANY($3::text[]))`, [
        accountId,
        poolId,
        iccids,
      ]);
      await tx.query(
        `UPDATE cards SET pool_id = $2 WHERE account_id = $1 AND iccid = ANY($3::text[]) AND pool_id IS DISTINCT FROM $2`,
        [accountId, poolId, iccids],
      );
      return { added: added.affectedRows, removed: removed.affectedRows };
    });
  }

  /**
   * Pools in (account, pool id) order; `after` is the last pool of the previous page (keyset paging), `limit`
   * the page size (all when absent).
   */
  async list(
    filter: { accountId?: string; platform?: string } = {},
    page: { limit?: number; after?: { accountId: string; poolId: string } | null } = {},
  ): Promise<Pool[]> {
    const r = await this.db.query<RowOf<typeof POOL_COLUMNS>>(
      `SELECT ${COLS} FROM pools
       WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR platform = $2)
         AND ($3::text IS NULL OR (account_id, pool_id) > ($3::text, $4::text))
       ORDER BY account_id, pool_id LIMIT $5`,
      [filter.accountId ?? null, filter.platform ?? null, page.after?.accountId ?? null, page.after?.poolId ?? null, page.limit ?? null],
    );
    return r.rows.map(toPool);
  }

  async get(accountId: string, poolId: string): Promise<Pool | null> {
    const r = await this.db.query<RowOf<typeof POOL_COLUMNS>>(`SELECT ${COLS} FROM pools WHERE account_id = $1 AND pool_id = $2`, [accountId, poolId]);
    return r.rows[0] ? toPool(r.rows[0]) : null;
  }

  /** A pool's member ICCIDs in order; `after` (the last ICCID of the previous page) and `limit` page them. */
  async members(accountId: string, poolId: string, page: { limit?: number; after?: string | null } = {}): Promise<string[]> {
    const r = await this.db.query<{ iccid: string }>(
      `SELECT iccid FROM pool_members WHERE account_id = $1 AND pool_id = $2 AND ($3::text IS NULL OR iccid > $3)
       ORDER BY iccid LIMIT $4`,
      [accountId, poolId, page.after ?? null, page.limit ?? null],
    );
    return r.rows.map((x) => x.iccid);
  }

  /** How many members a pool has. */
  async memberCount(accountId: string, poolId: string): Promise<number> {
    const r = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pool_members WHERE account_id = $1 AND pool_id = $2`, [accountId, poolId]);
    return r.rows[0]?.n ?? 0;
  }
}
