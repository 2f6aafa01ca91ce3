import { describe, expect, it } from '@jest/globals';
import type { BatchResult, UsageSnapshot } from '@simgate/core';
import { DateTime } from 'luxon';
import { chunks, kindOf, sameSet, type Kit } from './context';

/** Usage: cycle usage in the platform's cycle and zone, daily usage, the reset at the cycle boundary. */
export function describeUsage({ fixture, ctx, at, activeCards }: Kit): void {
  describe('usage', () => {
    const checkCycle = (s: UsageSnapshot, when: Date): string[] => {
      const wrong: string[] = [];
      const start = DateTime.fromJSDate(s.cycleStart, { zone: fixture.cycle.zone });
      const end = DateTime.fromJSDate(s.cycleEnd, { zone: fixture.cycle.zone });
      const own = fixture.expectedCycle?.(ctx.sim, s.iccid);
      if (own) {
        if (+own.start !== +s.cycleStart || +own.end !== +s.cycleEnd) wrong.push(`${s.iccid}: cycle ${start.toISO()}..${end.toISO()}, the simulator says ${own.start.toISOString()}..${own.end.toISOString()}`);
      } else if (start.day !== fixture.cycle.startDay || start.hour || start.minute || start.second || start.millisecond) {
        wrong.push(`${s.iccid}: cycle starts ${start.toISO()}, not day ${fixture.cycle.startDay} 00:00 ${fixture.cycle.zone}`);
      }
      if (!own && +start.plus({ months: 1 }).toJSDate() !== +s.cycleEnd) wrong.push(`${s.iccid}: cycle ends ${end.toISO()}, not a month after its start`);
      if (!(s.cycleStart.getTime() <= when.getTime() && when.getTime() < s.cycleEnd.getTime())) {
        wrong.push(`${s.iccid}: cycle ${start.toISO()}..${end.toISO()} does not contain ${when.toISOString()}`);
      }
      return wrong;
    };

    it('gives integer bytes in the platform cycle containing now', async () => {
      const refs = activeCards(Math.min(6, ctx.manifest.batchSizes.usage * 6));
      expect(refs.length).toBeGreaterThan(0);
      const when = at();
      const items: UsageSnapshot[] = [];
      for (const group of chunks(refs, ctx.manifest.batchSizes.usage)) {
        const res = await ctx.adapter.fetchUsage(group, when);
        expect(res.failures.map((f) => `${f.iccid}: ${f.error.message}`)).toEqual([]);
        items.push(...res.items);
      }
      expect(sameSet(items.map((s) => s.iccid), refs.map((r) => r.iccid))).toBe(true);
      const wrong: string[] = [];
      for (const s of items) {
        if (!Number.isInteger(s.usedBytes) || s.usedBytes < 0) wrong.push(`${s.iccid}: usedBytes ${s.usedBytes}`);
        if (s.quotaBytes !== null && (!Number.isInteger(s.quotaBytes) || s.quotaBytes < 0)) wrong.push(`${s.iccid}: quotaBytes ${s.quotaBytes}`);
        // A monthly plan leaves quota − used; a lifetime plan (1NCE) leaves what the carrier says is left of it
        // (carriers.md §5). Either way: known only with a quota, an integer, never above the quota.
        if (
          s.quotaBytes === null
            ? s.remainingBytes !== null
            : s.remainingBytes === null || !Number.isInteger(s.remainingBytes) || s.remainingBytes > s.quotaBytes
        ) {
          wrong.push(`${s.iccid}: remaining ${s.remainingBytes} with quota ${s.quotaBytes} and used ${s.usedBytes}`);
        }
        wrong.push(...checkCycle(s, when));
        const exp = fixture.expectedUsedBytes?.(ctx.sim, s.iccid);
        if (exp && Math.abs(s.usedBytes - exp.bytes) > exp.toleranceBytes) {
          wrong.push(`${s.iccid}: usedBytes ${s.usedBytes}, the simulator says ${exp.bytes} (±${exp.toleranceBytes})`);
        }
      }
      expect(wrong).toEqual([]);
      expect(items.some((s) => s.usedBytes > 0)).toBe(true);
    });

    it('serves daily usage in the platform zone (or says NotSupported)', async () => {
      const ref = activeCards(1)[0];
      const zone = fixture.cycle.zone;
      const today = DateTime.fromJSDate(at(), { zone }).startOf('day');
      const from = today.minus({ days: 3 }).toFormat('yyyy-MM-dd');
      const to = today.minus({ days: 1 }).toFormat('yyyy-MM-dd');
      if (!ctx.manifest.capabilities.dailyUsage) {
        expect(await kindOf(ctx.adapter.fetchDailyUsage(ref, from, to, at()))).toBe('NOT_SUPPORTED');
        return;
      }
      expect(ctx.manifest.capabilities.dailyUsageDays).toBeGreaterThanOrEqual(3);
      const days = await ctx.adapter.fetchDailyUsage(ref, from, to, at());
      expect(days.length).toBeGreaterThan(0);
      const seen = new Set<string>();
      for (const d of days) {
        expect(d.iccid).toBe(ref.iccid);
        expect(d.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(d.day >= from && d.day <= to).toBe(true);
        expect(Number.isInteger(d.usedBytes) && d.usedBytes >= 0).toBe(true);
        expect(seen.has(d.day)).toBe(false);
        seen.add(d.day);
      }
      if (ctx.adapter.fetchDailyUsageBatch) {
        const refs = activeCards(3);
        const res = await ctx.adapter.fetchDailyUsageBatch(refs, to, at());
        expect(res.failures).toEqual([]);
        expect(sameSet(res.items.map((d) => d.iccid), refs.map((r) => r.iccid))).toBe(true);
        for (const d of res.items) expect(d.day).toBe(to);
        const same = res.items.find((d) => d.iccid === ref.iccid);
        if (same) expect(same.usedBytes).toBe(days.find((d) => d.day === to)?.usedBytes);
      }
    });
  });
}

/** The cycle boundary: usage resets at the platform's cycle end, in its zone. Moves the simulator clock: runs last. */
export function describeCycleBoundary({ fixture, ctx, at, activeCards }: Kit): void {
  describe('cycle boundary', () => {
    it("resets usage at the platform's cycle boundary, in its zone", async () => {
      let refs = activeCards(4);
      const first = await ctx.adapter.fetchUsage(refs, at());
      let end = first.items[0].cycleEnd;
      if (fixture.expectedCycle) {
        // Cycles of their own: cross the end of the card that used the most, with the cards that share it.
        end = [...first.items].sort((a, b) => b.usedBytes - a.usedBytes)[0].cycleEnd;
        refs = refs.filter((r) => first.items.some((s) => s.iccid === r.iccid && +s.cycleEnd === +end));
      }
      await ctx.control.setClock(new Date(end.getTime() - 3600_000));
      const before = await ctx.adapter.fetchUsage(refs, at());
      await ctx.control.setClock(new Date(end.getTime() + 3600_000));
      const after = await ctx.adapter.fetchUsage(refs, at());
      expect(before.failures).toEqual([]);
      expect(after.failures).toEqual([]);
      for (const s of before.items) expect(s.cycleEnd.getTime()).toBe(end.getTime());
      for (const s of after.items) expect(s.cycleStart.getTime()).toBe(end.getTime());
      const used = (r: BatchResult<UsageSnapshot>): Map<string, number> => new Map(r.items.map((s) => [s.iccid, s.usedBytes]));
      const b = used(before);
      const a = used(after);
      const grew = [...a].filter(([iccid, bytes]) => bytes > (b.get(iccid) ?? 0));
      expect(grew).toEqual([]);
      expect([...a.values()].reduce((x, y) => x + y, 0)).toBeLessThan([...b.values()].reduce((x, y) => x + y, 0));
    });
  });
}
