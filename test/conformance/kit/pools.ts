import { describe, expect, it } from '@jest/globals';
import type { Cursor } from '@simgate/core';
import { kindOf, type Kit } from './context';

/** Pools: the account's pools and their members, paged to the end (or NotSupported). */
export function describePools({ fixture, ctx, at }: Kit): void {
  describe('pools', () => {
    it('lists pools and pages their members to the end (or says NotSupported)', async () => {
      if (!ctx.manifest.capabilities.pools) {
        expect(await kindOf(ctx.adapter.listPools(at()))).toBe('NOT_SUPPORTED');
        expect(await kindOf(ctx.adapter.listPoolMembers('any', null, at()))).toBe('NOT_SUPPORTED');
        return;
      }
      const wanted = fixture.poolIds?.(ctx.sim) ?? [];
      expect(wanted.length).toBeGreaterThan(0);
      const pools = await ctx.adapter.listPools(at());
      expect(pools.map((p) => p.poolId).sort()).toEqual([...wanted].sort());
      const fleet = new Set(fixture.fleetIccids(ctx.sim));
      for (const p of pools) {
        expect(Number.isInteger(p.usedBytes) && p.usedBytes >= 0).toBe(true);
        if (p.totalBytes !== null && p.remainingBytes !== null) expect(p.remainingBytes).toBe(p.totalBytes - p.usedBytes);
        const members: string[] = [];
        let cursor: Cursor | null = null;
        let pages = 0;
        do {
          const page = await ctx.adapter.listPoolMembers(p.poolId, cursor, at());
          members.push(...page.iccids);
          cursor = page.next;
          expect(++pages).toBeLessThan(1000);
        } while (cursor !== null);
        expect(new Set(members).size).toBe(members.length);
        expect(members.filter((m) => !fleet.has(m))).toEqual([]);
        if (p.memberCount !== null) expect(members.length).toBe(p.memberCount);
      }
    });
  });
}
