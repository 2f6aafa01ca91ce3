import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CardStatus, PoolType, forwardPoolTotals, usageVisible, type Pool } from '@simgate/core';
import type { StoredCard } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import { decodeCursorOf, encodeCursorOf, knownAccount, knownPlatform } from '../common/filters';
import { ApiRoute } from '../common/openapi';
import { found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { SIMGATE } from '../tokens';
import { getPool, listPools, poolMembers } from './pools.schemas';

/** Members answered with one pool (GET /v1/pools/{id}); the rest page at GET /v1/pools/{id}/members. */
const MEMBERS_WITH_POOL = 1000;

const isPoolKey = (v: unknown): v is [string, string] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string');
const isIccidKey = (v: unknown): v is string => typeof v === 'string' && /^\d{19,20}$/.test(v);

const memberView = (c: StoredCard) => ({
  iccid: c.iccid,
  msisdn: c.msisdn,
  status: c.status,
  suspendReason: c.suspendReason,
  activated: c.status !== CardStatus.INVENTORY && c.status !== CardStatus.TEST,
});

@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/pools')
export class PoolsController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  /** A pool's view; its activated members are counted for forward pools and for one pool asked for (`counted`). */
  private async view(p: Pool, counted = false) {
    const count = await this.sg.store.pools.memberCount(p.accountId, p.poolId);
    const cards = count > 0 && (counted || p.type === PoolType.FORWARD) ? await this.sg.store.cards.getMany(await this.sg.store.pools.members(p.accountId, p.poolId)) : [];
    const activated = cards.filter((c) => usageVisible(c.status)).length;
    // Forward pools: effective total = activated members × per-card plan (domain.md §5); else the carrier's figure.
    const totals = p.type === PoolType.FORWARD && p.perCardBytes !== null && count > 0 ? forwardPoolTotals(activated, p.perCardBytes, p.usedBytes) : null;
    return {
      id: `${p.accountId}:${p.poolId}`,
      accountId: p.accountId,
      poolId: p.poolId,
      platform: p.platform,
      name: p.name,
      type: p.type,
      state: p.state,
      perCardBytes: p.perCardBytes,
      effectiveTotalBytes: totals?.effectiveTotalBytes ?? p.totalBytes,
      usedBytes: p.usedBytes,
      remainingBytes: totals?.remainingBytes ?? p.remainingBytes,
      exhausted: totals ? totals.exhausted : p.remainingBytes !== null ? p.remainingBytes <= 0 : null,
      memberCount: count || p.memberCount,
      activatedMembers: cards.length ? activated : null,
      asOf: p.asOf.toISOString(),
      syncedAt: p.syncedAt.toISOString(),
    };
  }

  /** A page of a pool's members after `after`, and the cursor of the next page. */
  private async membersPage(p: Pool, limit: number, after: string | null) {
    const iccids = await this.sg.store.pools.members(p.accountId, p.poolId, { limit: limit + 1, after });
    const more = iccids.length > limit;
    const byIccid = new Map((await this.sg.store.cards.getMany(iccids.slice(0, limit))).map((c) => [c.iccid, c]));
    // A member the store has no card for yet (its inventory not read) is left out of the page, not the paging.
    const items = iccids.slice(0, limit).flatMap((i) => (byIccid.has(i) ? [memberView(byIccid.get(i)!)] : []));
    return { items, nextCursor: more ? encodeCursorOf('m', iccids[limit - 1]) : null };
  }

  private async pool(params: unknown): Promise<Pool> {
    const { id } = parse(getPool.params, params, 'params');
    const sep = id.indexOf(':');
    return found('pool', id, this.sg.store.pools.get(id.slice(0, sep), id.slice(sep + 1)));
  }

  @Get()
  @ApiRoute(listPools)
  async list(@Query() query: unknown) {
    const q = parse(listPools.query, query, 'query');
    knownAccount(this.sg, q.account);
    knownPlatform(this.sg, q.platform);
    const after = q.cursor ? decodeCursorOf('p', q.cursor, isPoolKey) : null;
    const pools = await this.sg.store.pools.list(
      { accountId: q.account, platform: q.platform },
      { limit: q.limit + 1, after: after ? { accountId: after[0], poolId: after[1] } : null },
    );
    const more = pools.length > q.limit;
    const shown = pools.slice(0, q.limit);
    const last = shown[shown.length - 1];
    return { items: await Promise.all(shown.map((p) => this.view(p))), nextCursor: more ? encodeCursorOf('p', [last.accountId, last.poolId]) : null };
  }

  @Get(':id')
  @ApiRoute(getPool)
  async get(@Param() params: unknown, @Query() query: unknown) {
    parseNoQuery(query);
    const pool = await this.pool(params);
    const [view, members] = await Promise.all([this.view(pool, true), this.membersPage(pool, MEMBERS_WITH_POOL, null)]);
    return { ...view, members: members.items, membersNextCursor: members.nextCursor };
  }

  @Get(':id/members')
  @ApiRoute(poolMembers)
  async members(@Param() params: unknown, @Query() query: unknown) {
    const q = parse(poolMembers.query, query, 'query');
    const pool = await this.pool(params);
    return this.membersPage(pool, q.limit, q.cursor ? decodeCursorOf('m', q.cursor, isIccidKey) : null);
  }
}
