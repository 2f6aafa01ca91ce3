import { CardStatus, PoolState, PoolType, SuspendReason } from '@simgate/core';
import { defineRoute, page } from '../common/openapi';
import { z } from '../common/zod';

/** Pools (docs/api.md): keyed per account, the API id is `<accountId>:<poolId>`. */

const bytes = z.number().int().openapi({ format: 'int64' });
const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(400).optional().openapi({ description: 'The `nextCursor` of the previous page' }),
};

export const poolParam = z
  .object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*:[^\s]{1,128}$/, 'a pool id is <accountId>:<poolId>').openapi({ example: 'cmcc-main:G001' }) })
  .strict();

export const poolsQuery = z
  .object({
    account: z.string().min(1).max(64).optional().openapi({ description: 'A configured account id; another is a 400 UNKNOWN_ACCOUNT' }),
    platform: z.string().min(1).max(64).optional().openapi({ description: 'A registered platform id; another is a 400 UNKNOWN_PLATFORM' }),
    ...paging,
  })
  .strict();

export const membersQuery = z.object(paging).strict();

export const Pool = z
  .object({
    id: z.string().openapi({ example: 'cmcc-main:G001', description: '<accountId>:<poolId>' }),
    accountId: z.string(),
    poolId: z.string(),
    platform: z.string(),
    name: z.string().nullable(),
    type: z.nativeEnum(PoolType),
    state: z.nativeEnum(PoolState),
    perCardBytes: bytes.nullable(),
    effectiveTotalBytes: bytes.nullable().openapi({ description: 'Forward pools: activated members × per-card plan; else the carrier’s total' }),
    usedBytes: bytes,
    remainingBytes: bytes.nullable(),
    exhausted: z.boolean().nullable(),
    memberCount: z.number().int().nullable(),
    activatedMembers: z.number().int().nullable(),
    asOf: z.string().openapi({ format: 'date-time' }),
    syncedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Pool');

export const PoolMember = z
  .object({
    iccid: z.string(),
    msisdn: z.string().nullable(),
    status: z.nativeEnum(CardStatus),
    suspendReason: z.nativeEnum(SuspendReason).nullable(),
    activated: z.boolean(),
  })
  .openapi('PoolMember');

const filterProblems = { 400: ['INVALID_CURSOR', 'UNKNOWN_PLATFORM', 'UNKNOWN_ACCOUNT'] } as const;

export const listPools = defineRoute({
  summary: 'Pools: type, state, members, effective total, used, remaining; keyset paging by cursor',
  query: poolsQuery,
  responses: { 200: page(Pool).openapi('PoolPage') },
  problems: filterProblems,
});

export const getPool = defineRoute({
  summary: 'One pool with the first page of its members (`membersNextCursor` continues at GET /v1/pools/{id}/members)',
  params: poolParam,
  responses: {
    200: Pool.extend({
      members: z.array(PoolMember).openapi({ description: 'The first 1,000 members in ICCID order' }),
      membersNextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` to GET /v1/pools/{id}/members; null when all are here' }),
    }).openapi('PoolWithMembers'),
  },
  problems: { 404: ['POOL_NOT_FOUND'] },
});

export const poolMembers = defineRoute({
  summary: "A pool's members in ICCID order; keyset paging by cursor",
  params: poolParam,
  query: membersQuery,
  responses: { 200: page(PoolMember).openapi('PoolMemberPage') },
  problems: { 400: ['INVALID_CURSOR'], 404: ['POOL_NOT_FOUND'] },
});
