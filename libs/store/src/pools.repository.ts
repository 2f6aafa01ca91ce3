import type { Pool, PoolRecord, PoolState, PoolType } from '@simgate/core';
import { canonicalJson, sameInstant } from './canonical';
import type { Db } from './db';

interface PoolRow {
  account_id: string;
  pool_id: string;
  platform: string;
  name: string | null;
  type: string;
  state: string;
  per_card_bytes: number | null;
  total_bytes: number | null;
  used_bytes: number;
  remaining_bytes: number | null;
  member_count: number | null;
  as_of: Date;
  synced_at: Date;
  raw: Record<string, unknown> | null;
}

const COLS = `account_id, pool_id, platform, name, type, state, per_card_bytes, total_bytes, used_bytes, remaining_bytes,
  member_count, as_of, synced_at, raw`;

function toPool(r: PoolRow): Pool {
  return {
    accountId: r.account_id,
    poolId: r.pool_id,
    platform: r.platform,
    name: r.name,
    type: r.type as PoolType,
    state: r.state as PoolState,
    perCardBytes: r.per_card_bytes,
    totalBytes: r.total_bytes,
    usedBytes: r.used_bytes,
    remainingBytes: r.remaining_bytes,
    memberCount: r.member_count,
    asOf: r.as_of,
    syncedAt: r.synced_at,
    ...(r.raw ? { raw: r.raw } : {}),
  };
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
       SELECT ${COLS} FROM jsonb_to_recordset($1::jsonb) AS t(account_id text, pool_id text, platform text, name text, type text,
         state text, per_card_bytes bigint, total_bytes bigint, used_bytes bigint, remaining_bytes bigint, member_count int,
         as_of timestamptz, synced_at timestamptz, raw jsonb)
       ON CONFLICT (account_id, pool_id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, state = EXCLUDED.state,
         per_card_bytes = EXCLUDED.per_card_bytes, total_bytes = EXCLUDED.total_bytes, used_bytes = EXCLUDED.used_bytes,
         remaining_bytes = EXCLUDED.remaining_bytes, member_count = EXCLUDED.member_count, as_of = EXCLUDED.as_of,
         synced_at = EXCLUDED.synced_at, raw = EXCLUDED.raw`,
      [
        canonicalJson(
          changed.map((p) => ({
            account_id: accountId,
            pool_id: p.poolId,
            platform,
            name: p.name,
            type: p.type,
            state: p.state,
            per_card_bytes: p.perCardBytes,
            total_bytes: p.totalBytes,
            used_bytes: p.usedBytes,
            remaining_bytes: p.remainingBytes,
            member_count: p.memberCount,
            as_of: p.asOf,
            synced_at: syncedAt,
            raw: p.raw ?? null,
          })),
        ),
      ],
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
    const r = await this.db.query<PoolRow>(
      `SELECT ${COLS} FROM pools WHERE ($1::text IS NULL OR account_id = $1) ORDER BY account_id, pool_id`,
      [filter.accountId ?? null],
    );
    return r.rows.map(toPool);
  }

  async get(accountId: string, poolId: string): Promise<Pool | null> {
    const r = await this.db.query<PoolRow>(`SELECT ${COLS} FROM pools WHERE account_id = $1 AND pool_id = $2`, [accountId, poolId]);
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
