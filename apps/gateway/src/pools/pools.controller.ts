import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CardStatus, PoolType, forwardPoolTotals, usageVisible, type Pool } from '@simgate/core';
import type { Simgate } from '@simgate/sync';
import { z } from 'zod';
import { found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { SIMGATE } from '../tokens';

/** Pools are keyed per account: the API id is `<accountId>:<poolId>`. */
const poolParam = z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*:[^\s]{1,128}$/, 'a pool id is <accountId>:<poolId>') }).strict();

@ApiTags('pools')
@ApiBearerAuth()
@Controller('v1/pools')
export class PoolsController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  private async view(p: Pool, withMembers: boolean) {
    const members = await this.sg.store.pools.members(p.accountId, p.poolId);
    const cards = withMembers || p.type === PoolType.FORWARD ? await this.sg.store.cards.getMany(members) : [];
    const activated = cards.filter((c) => usageVisible(c.status)).length;
    // Forward pools: effective total = activated members × per-card plan (domain.md §5); else the carrier's figure.
    const totals =
      p.type === PoolType.FORWARD && p.perCardBytes !== null && members.length
        ? forwardPoolTotals(activated, p.perCardBytes, p.usedBytes)
        : null;
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
      memberCount: members.length || p.memberCount,
      activatedMembers: cards.length ? activated : null,
      asOf: p.asOf.toISOString(),
      syncedAt: p.syncedAt.toISOString(),
      ...(withMembers
        ? { members: cards.map((c) => ({ iccid: c.iccid, msisdn: c.msisdn, status: c.status, suspendReason: c.suspendReason, activated: c.status !== CardStatus.INVENTORY && c.status !== CardStatus.TEST })) }
        : {}),
    };
  }

  @Get()
  @ApiOperation({ summary: 'Pools: type, state, members, effective total, used, remaining' })
  async list(@Query() query: unknown) {
    parseNoQuery(query);
    const pools = await this.sg.store.pools.list();
    return { items: await Promise.all(pools.map((p) => this.view(p, false))) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One pool with its members' })
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(poolParam, params, 'params');
    parseNoQuery(query);
    const sep = id.indexOf(':');
    const pool = await found('pool', id, this.sg.store.pools.get(id.slice(0, sep), id.slice(sep + 1)));
    return this.view(pool, true);
  }
}
