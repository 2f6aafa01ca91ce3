import { Rejected, Transient, type Cursor, type PoolMembersPage, type PoolRecord } from '@simgate/core';
import type { CmccOnelinkClient } from './client';
import { manifest } from './manifest';
import { mapPool } from './map';
import { groupDataMarginSchema, groupDataUsageSchema, groupMemberSchema } from './wire';

/**
 * OneLink has no call listing pools: the account's `options.groupIds` name them. Per pool:
 * `group-data-usage` (used), `group-data-margin` (plan total) and `group-member` (page size 1, for the total).
 */
export async function listPools(client: CmccOnelinkClient, groupIds: readonly string[], at: Date): Promise<PoolRecord[]> {
  const pools: PoolRecord[] = [];
  for (const groupId of groupIds) {
    const [usage] = await client.call('query/group-data-usage', { groupId }, groupDataUsageSchema);
    const [margin] = await client.call('query/group-data-margin', { groupId }, groupDataMarginSchema);
    const [members] = await client.call('query/group-member', { groupId, pageSize: '1', startNum: '1' }, groupMemberSchema);
    if (!usage || !margin) throw new Transient(`OneLink group ${groupId}: empty usage or margin result`, { platform: manifest.id });
    pools.push(mapPool(groupId, usage, margin, members?.total ?? null, at));
  }
  return pools;
}

/** `group-member`, `startNum` = the page number from 1 (the cursor), `pageSize` ≤ 50. */
export async function listPoolMembers(client: CmccOnelinkClient, poolId: string, cursor: Cursor | null, size: number): Promise<PoolMembersPage> {
  const page = cursor === null ? 1 : Number(cursor);
  if (!Number.isSafeInteger(page) || page < 1) throw new Rejected(`invalid pool member cursor '${cursor}'`, { platform: manifest.id });
  const [answer] = await client.call('query/group-member', { groupId: poolId, pageSize: String(size), startNum: String(page) }, groupMemberSchema);
  if (!answer) return { iccids: [], next: null, total: null };
  const total = Number(answer.total);
  const iccids = answer.memberList.map((m) => m.iccid).filter((i): i is string => !!i);
  const more = Number.isFinite(total) ? page * size < total : answer.memberList.length === size;
  return { iccids, next: more && answer.memberList.length > 0 ? String(page + 1) : null, total: Number.isFinite(total) ? total : null };
}
