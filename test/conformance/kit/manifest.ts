import { describe, expect, it } from '@jest/globals';
import type { Kit } from './context';

/** The manifest: registered under its id, carriers.md's cycle and zone, an operation case per operation. */
export function describeManifest({ platformId, fixture, ctx }: Kit): void {
  describe('manifest', () => {
    it('is registered under its id and connects to the account of the served simulator', () => {
      expect(ctx.manifest.id).toBe(platformId);
      expect(ctx.adapter.manifest.id).toBe(platformId);
      expect(ctx.adapter.account.platform).toBe(platformId);
    });

    it("declares carriers.md's billing cycle and zone", () => {
      const c = ctx.manifest.billingCycle;
      expect(c.zone).toBe(fixture.cycle.zone);
      if (fixture.cycle.startDay === 1) expect(c.kind).toBe('NATURAL_MONTH');
      else expect(c).toEqual({ kind: 'MONTH_DAY', startDay: fixture.cycle.startDay, zone: fixture.cycle.zone });
      expect(ctx.manifest.zone).toBe(fixture.cycle.zone);
    });

    it('names an operation case for every operation it supports, and only those', () => {
      const covered = [...new Set(fixture.operations(ctx.sim).map((o) => o.type))].sort();
      expect(covered).toEqual([...ctx.manifest.capabilities.operations].sort());
    });
  });
}
