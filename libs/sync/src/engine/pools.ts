import type { AccountRuntime } from '../runtime';
import { call } from './carrier-calls';
import { thresholdsOf, type EngineContext } from './context';

/** Pools: every pool of the account and its members. Returns the number of members. */
export async function pools(ctx: EngineContext, rt: AccountRuntime): Promise<number> {
  const accountId = rt.account.id;
  const pools = await call(ctx, rt, 'pools', () => rt.adapter.listPools(ctx.now()));
  await ctx.store.pools.upsert(accountId, rt.manifest.id, pools, ctx.now(), thresholdsOf(ctx, rt));
  let members = 0;
  for (const p of pools) {
    const iccids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(ctx, rt, 'pools', () => rt.adapter.listPoolMembers(p.poolId, cursor, ctx.now()));
      iccids.push(...page.iccids);
      cursor = page.next;
    } while (cursor);
    await ctx.store.pools.replaceMembers(accountId, p.poolId, iccids);
    members += iccids.length;
  }
  return members;
}
