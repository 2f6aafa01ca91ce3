import type { Pool, PoolRecord } from '@simgate/core';
import { canonicalJson, sameInstant } from './canonical';
import { READ_STAMP, col, columnList, fromRow, recordsetOf, toRow, updateSet, type RowOf } from './columns';
import type { Db } from './db';

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

export class PoolsRepository {
  constructor(private readonly db: Db) {}

  /** Change-only upsert of an account's pools. */
  async upsert(accountId: string, platform: string, pools: readonly PoolRecord[], syncedAt: Date): Promise<{ written: number }> {
    if (!pools.length) return { written: 0 };
    const prev = new Map((await this.list({ accountId })).map((p) => [p.poolId, p]));
    const changed = pools.filter((p) => {
      const o = prev.get(p.poolId);
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
    if (!changed.length) return { written: 0 };
    await this.db.query(
      `INSERT INTO pools (${COLS})
       SELECT ${COLS} FROM ${recordsetOf(POOL_COLUMNS)}
       ON CONFLICT (account_id, pool_id) DO UPDATE SET ${updateSet(POOL_COLUMNS, ['account_id', 'pool_id', 'platform'])}`,
      [canonicalJson(changed.map((p) => toRow(POOL_COLUMNS, { ...p, accountId, platform, syncedAt, raw: p.raw ?? null })))],
    );
    return { written: changed.length };
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

  async list(filter: { accountId?: string } = {}): Promise<Pool[]> {
    const r = await this.db.query<RowOf<typeof POOL_COLUMNS>>(
      `SELECT ${COLS} FROM pools WHERE ($1::text IS NULL OR account_id = $1) ORDER BY account_id, pool_id`,
      [filter.accountId ?? null],
    );
    return r.rows.map(toPool);
  }

  async get(accountId: string, poolId: string): Promise<Pool | null> {
    const r = await this.db.query<RowOf<typeof POOL_COLUMNS>>(`SELECT ${COLS} FROM pools WHERE account_id = $1 AND pool_id = $2`, [accountId, poolId]);
    return r.rows[0] ? toPool(r.rows[0]) : null;
  }

  async members(accountId: string, poolId: string): Promise<string[]> {
    const r = await this.db.query<{ iccid: string }>(
      `SELECT iccid FROM pool_members WHERE account_id = $1 AND pool_id = $2 ORDER BY iccid`,
      [accountId, poolId],
    );
    return r.rows.map((x) => x.iccid);
  }
}
