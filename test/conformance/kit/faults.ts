import { afterEach, describe, expect, it } from '@jest/globals';
import { isCarrierError, type BatchResult, type Cursor, type InventoryPage } from '@simgate/core';
import { errorKind, type Kit } from './context';

/** Faults forced through the simulator's control API: token expiry, rate limits, 5xx, timeouts, bad bodies. */
export function describeFaults({ fixture, ctx, at, sample, activeCards, anyCard }: Kit): void {
  describe('faults', () => {
    /** Two consecutive steps of a sync: two inventory pages, or two status batches. */
    const syncSteps = (): Array<() => Promise<unknown>> => {
      const mode = ctx.manifest.capabilities.inventory;
      if (mode !== 'IMPORTED') {
        let cursor: Cursor | null = null;
        return [
          async () => {
            const p = await ctx.adapter.listCards(null, null, at());
            cursor = p.next;
            return p;
          },
          async () => ctx.adapter.listCards(cursor, null, at()),
        ];
      }
      const refs = sample().map((c) => c.ref);
      const [a, b] = [refs.slice(0, 2), refs.slice(2, 4)];
      return [async () => ctx.adapter.fetchCards(a, at()), async () => ctx.adapter.fetchCards(b, at())];
    };

    /** A read, whichever of the reads every platform has. */
    const reads = (): Record<string, () => Promise<unknown>> => {
      const card = anyCard();
      const active = activeCards(1)[0] ?? card;
      const out: Record<string, () => Promise<unknown>> = {
        fetchCards: () => ctx.adapter.fetchCards([card], at()),
        fetchUsage: () => ctx.adapter.fetchUsage([active], at()),
      };
      if (ctx.manifest.capabilities.inventory !== 'IMPORTED') out.listCards = () => ctx.adapter.listCards(null, null, at());
      return out;
    };

    /**
     * The outcome of a read under a fault: the kind it threw, or — for batch reads that keep going — the
     * kind of its per-card failures; 'RESOLVED' when it succeeded untouched.
     */
    const outcome = async (read: () => Promise<unknown>): Promise<string> => {
      try {
        const r = (await read()) as Partial<BatchResult<unknown>> & Partial<InventoryPage>;
        const failures = r?.failures ?? [];
        if (failures.length) return [...new Set(failures.map((f) => f.error.kind))].join(',');
        return 'RESOLVED';
      } catch (err) {
        return errorKind(err);
      }
    };

    afterEach(async () => {
      await ctx.control.resetFaults();
    });

    const tokenTest = fixture.auth.kind === 'token' ? it : it.skip;
    tokenTest(
      `token expiry in the middle of a sync: the adapter fetches a new token and sends the call again itself${fixture.auth.kind === 'static' ? ` (no token: ${fixture.auth.why})` : ''}`,
      async () => {
        const [first, second] = syncSteps();
        await first();
        await ctx.control.force('expireTokens');
        let authExpired = 0;
        let done = false;
        for (let attempt = 0; attempt < 3 && !done; attempt++) {
          try {
            await second();
            done = true;
          } catch (err) {
            if (isCarrierError(err) && err.kind === 'AUTH_EXPIRED') authExpired++;
            else throw err;
          }
        }
        expect(done).toBe(true);
        expect(authExpired).toBe(0);
      },
    );

    it('classifies the platform rate-limit answer as RateLimited, and the next call works', async () => {
      for (const [name, read] of Object.entries(reads())) {
        await ctx.control.force('rateLimit');
        expect(`${name}: ${await outcome(read)}`).toBe(`${name}: RATE_LIMITED`);
        expect(`${name}: ${await outcome(read)}`).toBe(`${name}: RESOLVED`);
      }
    });

    it('classifies 5xx answers as Transient', async () => {
      for (const [name, read] of Object.entries(reads())) {
        await ctx.control.force('serverError');
        expect(`${name}: ${await outcome(read)}`).toBe(`${name}: TRANSIENT`);
      }
    });

    it('classifies a timeout (no answer) as Transient', async () => {
      await ctx.control.force('timeout');
      expect(await outcome(reads().fetchCards)).toBe('TRANSIENT');
    });

    it('classifies malformed bodies as Transient, never another throw', async () => {
      for (const [name, read] of Object.entries(reads())) {
        await ctx.control.force('malformed');
        expect(`${name}: ${await outcome(read)}`).toBe(`${name}: TRANSIENT`);
      }
    });

    it('classifies truncated bodies as Transient, never another throw', async () => {
      for (const [name, read] of Object.entries(reads())) {
        await ctx.control.force('truncated');
        expect(`${name}: ${await outcome(read)}`).toBe(`${name}: TRANSIENT`);
      }
    });
  });
}
