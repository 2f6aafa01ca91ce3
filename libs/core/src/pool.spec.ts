/** Data pools (domain.md §5) and plans (general data for small unpooled plans). */
import fc from 'fast-check';
import { lifetimePlan, MB, monthlyPlan, planQuotaBytes, usesGeneralData } from './plan';
import { backwardPoolUsed, forwardPoolTotals, PoolState, PoolType } from './pool';

describe('forward pool (前向流量池)', () => {
  it('effective total = activated members × per-card monthly plan', () => {
    const t = forwardPoolTotals(10, 100 * MB, 300 * MB);
    expect(t.effectiveTotalBytes).toBe(1000 * MB);
    expect(t.remainingBytes).toBe(700 * MB);
    expect(t.exhausted).toBe(false);
  });
  it('only activated cards contribute: no activated members, no data', () => {
    const t = forwardPoolTotals(0, 100 * MB, 0);
    expect(t.effectiveTotalBytes).toBe(0);
    expect(t.exhausted).toBe(true);
  });
  it('is exhausted at remaining exactly 0', () => {
    const t = forwardPoolTotals(3, 30 * MB, 90 * MB);
    expect(t.remainingBytes).toBe(0);
    expect(t.exhausted).toBe(true);
  });
  it('is not exhausted with one byte left', () => {
    expect(forwardPoolTotals(3, 30 * MB, 90 * MB - 1).exhausted).toBe(false);
  });
  it('remaining goes negative when overdrawn, and the pool is exhausted', () => {
    const t = forwardPoolTotals(2, 10 * MB, 25 * MB);
    expect(t.remainingBytes).toBe(-5 * MB);
    expect(t.exhausted).toBe(true);
  });
  it('the per-card cap is the pool effective total', () => {
    expect(forwardPoolTotals(7, 50 * MB, 0).perCardCapBytes).toBe(350 * MB);
  });
  it('property: total = remaining + used; exhausted iff remaining ≤ 0; activating a member adds one plan', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 1, max: 10 * 1024 }), fc.nat({ max: 2 ** 40 }), (n, planMb, used) => {
        const t = forwardPoolTotals(n, planMb * MB, used);
        expect(t.effectiveTotalBytes).toBe(n * planMb * MB);
        expect(t.remainingBytes + t.usedBytes).toBe(t.effectiveTotalBytes);
        expect(t.exhausted).toBe(t.remainingBytes <= 0);
        expect(t.perCardCapBytes).toBe(t.effectiveTotalBytes);
        expect(forwardPoolTotals(n + 1, planMb * MB, used).remainingBytes - t.remainingBytes).toBe(planMb * MB);
      }),
    );
  });
});

describe('backward pool (后向流量池)', () => {
  it('used = the sum of the members usage, no cap', () => {
    expect(backwardPoolUsed([])).toBe(0);
    expect(backwardPoolUsed([1 * MB, 2 * MB, 3 * MB])).toBe(6 * MB);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 2 ** 36 })), (xs) => {
        expect(backwardPoolUsed(xs)).toBe(xs.reduce((a, b) => a + b, 0));
      }),
    );
  });
});

describe('pool kinds and states', () => {
  it('forward and backward pools; backward states 在用 / 已停用 / 已废弃, forward exhausted', () => {
    expect(Object.values(PoolType).sort()).toEqual(['BACKWARD', 'FORWARD']);
    expect(Object.values(PoolState).sort()).toEqual(['ABANDONED', 'ACTIVE', 'EXHAUSTED', 'SUSPENDED']);
  });
});

describe('plans', () => {
  it('a monthly plan is measured per cycle; a lifetime plan over its term', () => {
    expect(planQuotaBytes(monthlyPlan(100 * MB, 12))).toBe(100 * MB);
    expect(planQuotaBytes(lifetimePlan(500 * MB, 120))).toBe(500 * MB);
    expect(planQuotaBytes(null)).toBeNull();
  });
  it.each([
    [monthlyPlan(100 * MB), false, true],
    [monthlyPlan(30 * MB), false, true],
    [monthlyPlan(100 * MB + 1), false, false],
    [monthlyPlan(1024 * MB), false, false],
    [monthlyPlan(100 * MB), true, false],
    [null, false, false],
  ])('plan ≤ 100 MB and not pooled uses general data: %p pooled=%p → %p', (plan, pooled, want) => {
    expect(usesGeneralData(plan, pooled)).toBe(want);
  });
});
