import { describe, expect, it } from '@jest/globals';
import { carriesReason, type BatchResult, type CardRecord } from '@simgate/core';
import { chunks, sameSet, type Kit } from './context';

/** Card reads: every raw status and reason of the fleet mapped as carriers.md §5 says; unknown cards. */
export function describeCards({ fixture, ctx, at, sample, activeCards, anyCard }: Kit): void {
  describe('cards', () => {
    it('maps every raw status and reason of the fleet as carriers.md §5 says', async () => {
      const cases = sample();
      const got = new Map<string, CardRecord>();
      const failures: BatchResult<CardRecord>['failures'] = [];
      for (const group of chunks(cases, ctx.manifest.batchSizes.status)) {
        const res = await ctx.adapter.fetchCards(
          group.map((c) => c.ref),
          at(),
        );
        for (const r of res.items) got.set(r.iccid, r);
        failures.push(...res.failures);
      }
      expect(failures.map((f) => `${f.iccid}: ${f.error.message}`)).toEqual([]);
      const wrong: string[] = [];
      for (const c of cases) {
        const r = got.get(c.ref.iccid);
        const label = `${c.ref.iccid} raw ${c.rawStatus}${c.rawCase ? ` (${c.rawCase})` : ''}`;
        if (!r) {
          wrong.push(`${label}: missing from the answer`);
          continue;
        }
        if (r.rawStatus !== c.rawStatus) wrong.push(`${label}: rawStatus ${r.rawStatus}`);
        if (r.status !== c.status || r.suspendReason !== c.suspendReason) {
          wrong.push(`${label}: got ${r.status}/${r.suspendReason ?? '-'}, carriers.md says ${c.status}/${c.suspendReason ?? '-'}`);
        }
        if (c.suspendReasons && !sameSet(r.suspendReasons, c.suspendReasons)) {
          wrong.push(`${label}: reasons [${r.suspendReasons.join(',')}], carriers.md says [${c.suspendReasons.join(',')}]`);
        }
        if (carriesReason(r.status) !== (r.suspendReason !== null)) wrong.push(`${label}: reason ${r.suspendReason} with status ${r.status}`);
        if (r.suspendReason !== null && !r.suspendReasons.includes(r.suspendReason)) wrong.push(`${label}: primary reason not among the reasons`);
        if (!(r.asOf instanceof Date) || Number.isNaN(r.asOf.getTime())) wrong.push(`${label}: asOf is not a date`);
      }
      expect(wrong).toEqual([]);
      // The sample really spans the fleet's variety (a fleet of one kind would prove little).
      expect(new Set(cases.map((c) => `${c.status}/${c.suspendReason}`)).size).toBeGreaterThanOrEqual(3);
    });

    it('answers unknown cards with per-card Rejected failures, the known ones still read', async () => {
      const known = anyCard();
      const unknown = fixture.unknownIccids(ctx.sim);
      expect(unknown.length).toBeGreaterThan(0);
      const res = await ctx.adapter.fetchCards([known, ...unknown.map((iccid) => ({ iccid }))], at());
      expect(res.items.map((r) => r.iccid)).toEqual([known.iccid]);
      expect(res.failures.map((f) => f.iccid).sort()).toEqual([...unknown].sort());
      for (const f of res.failures) expect(f.error.kind).toBe('REJECTED');
    });

    it('answers unknown cards in a usage read with per-card failures', async () => {
      const known = activeCards(1)[0] ?? anyCard();
      const unknown = fixture.unknownIccids(ctx.sim);
      const res = await ctx.adapter.fetchUsage([known, ...unknown.map((iccid) => ({ iccid }))], at());
      expect(res.items.map((r) => r.iccid)).toEqual([known.iccid]);
      expect(res.failures.map((f) => f.iccid).sort()).toEqual([...unknown].sort());
      for (const f of res.failures) expect(f.error.kind).toBe('REJECTED');
    });
  });
}
