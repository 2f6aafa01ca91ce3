import fc from 'fast-check';
import Redis from 'ioredis';
import { MemoryWindowLimiter, RedisWindowLimiter, type WindowLimiter, type WindowQuota } from './window-limiter';
import { maxInAnyWindow } from '../testing/quotas';
import { REDIS_URL, describeRedis, redisPairPerTest } from '../testing/redis-pair';

/** Takes and settles at once (a request answered in no time): the wait, 0 when taken. */
async function take(l: WindowLimiter, quotas: readonly WindowQuota[]): Promise<number> {
  const r = await l.tryTakeAll(quotas);
  if (r.handle) await l.settle(r.handle);
  return r.waitMs;
}

describe('MemoryWindowLimiter', () => {
  /**
   * A property over request times: a quota of 1..`maxPoints` per `windowMs` (within the range), the gaps between
   * requests, and a memory limiter on a clock starting at `start` that the check moves (`clock.t`).
   */
  const windowProperty = (
    o: { maxPoints: number; windowMs: [number, number]; maxGap: number; maxRequests: number; start: number; runs: number },
    check: (limiter: MemoryWindowLimiter, q: WindowQuota, gaps: number[], clock: { t: number }) => Promise<void>,
  ) =>
    fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: o.maxPoints }),
        fc.integer({ min: o.windowMs[0], max: o.windowMs[1] }),
        fc.array(fc.integer({ min: 0, max: o.maxGap }), { minLength: 1, maxLength: o.maxRequests }),
        async (points, windowMs, gaps) => {
          const clock = { t: o.start };
          await check(new MemoryWindowLimiter(() => clock.t), { key: 'k', points, windowMs }, gaps, clock);
        },
      ),
      { numRuns: o.runs },
    );

  it('never accepts more than points in any window, for random request times (property)', async () => {
    await windowProperty({ maxPoints: 6, windowMs: [1, 2000], maxGap: 400, maxRequests: 120, start: 1_000_000, runs: 300 }, async (limiter, q, gaps, clock) => {
      const accepted: number[] = [];
      for (const g of gaps) {
        clock.t += g;
        if ((await take(limiter, [q])) === 0) accepted.push(clock.t);
      }
      expect(maxInAnyWindow(accepted, q.windowMs)).toBeLessThanOrEqual(q.points);
    });
  });

  it('accepts as many as the quota allows: a request is refused only when the window is really full', async () => {
    await windowProperty({ maxPoints: 5, windowMs: [10, 1000], maxGap: 300, maxRequests: 80, start: 5_000, runs: 200 }, async (limiter, q, gaps, clock) => {
      const accepted: number[] = [];
      for (const g of gaps) {
        clock.t += g;
        const wait = await take(limiter, [q]);
        const inWindow = accepted.filter((a) => a > clock.t - q.windowMs).length;
        if (wait === 0) accepted.push(clock.t);
        else expect(inWindow).toBe(q.points);
      }
    });
  });

  it('returns an exact wait: taking after it succeeds, one ms earlier it does not', async () => {
    await windowProperty({ maxPoints: 5, windowMs: [2, 3000], maxGap: 500, maxRequests: 30, start: 10_000, runs: 200 }, async (limiter, q, gaps, clock) => {
      for (const g of gaps) {
        clock.t += g;
        const wait = await take(limiter, [q]);
        if (wait === 0) continue;
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(q.windowMs);
        const at = clock.t;
        if (wait > 1) {
          clock.t = at + wait - 1;
          expect(await take(limiter, [q])).toBeGreaterThan(0);
        }
        clock.t = at + wait;
        expect(await take(limiter, [q])).toBe(0);
      }
    });
  });

  it('waits exactly with fractional (stretched) windows', async () => {
    let t = 1000;
    const limiter = new MemoryWindowLimiter(() => t);
    const q = { key: 'k', points: 1, windowMs: 1070.4 };
    expect(await take(limiter, [q])).toBe(0);
    const wait = await take(limiter, [q]);
    expect(wait).toBe(1071);
    t += 1070;
    expect(await take(limiter, [q])).toBeGreaterThan(0);
    t += 1;
    expect(await take(limiter, [q])).toBe(0);
  });

  /** A limiter on a clock at `start` with an account quota and a narrower path quota under it. */
  const accountAndPath = (start: number, account: Omit<WindowQuota, 'key'>, path: Omit<WindowQuota, 'key'>) => {
    const clock = { t: start };
    return { clock, limiter: new MemoryWindowLimiter(() => clock.t), account: { key: 'acc', ...account }, path: { key: 'acc|p', ...path } };
  };

  it('multi-key takes are all-or-nothing: a full quota takes no slot in the other', async () => {
    const { clock, limiter, account, path } = accountAndPath(1000, { points: 3, windowMs: 1000 }, { points: 1, windowMs: 1000 });
    expect(await take(limiter, [account, path])).toBe(0);
    // The path quota is full: these takes must not use the account quota.
    for (let i = 0; i < 5; i++) {
      clock.t += 10;
      expect(await take(limiter, [account, path])).toBeGreaterThan(0);
    }
    // Proof: the account quota still has its 2 remaining slots, and no more.
    expect(await take(limiter, [account])).toBe(0);
    expect(await take(limiter, [account])).toBe(0);
    expect(await take(limiter, [account])).toBeGreaterThan(0);
  });

  it('a full account quota takes no path slot either, and the wait is the longest of the two', async () => {
    const { clock, limiter, account, path } = accountAndPath(0, { points: 1, windowMs: 500 }, { points: 1, windowMs: 2000 });
    expect(await take(limiter, [account])).toBe(0);
    clock.t = 100;
    expect(await take(limiter, [account, path])).toBe(400);
    // No slot was taken in the path quota by the refused request.
    clock.t = 500;
    expect(await take(limiter, [account, path])).toBe(0);
    clock.t = 600;
    // Both full now: the path's is the longer wait.
    expect(await take(limiter, [account, path])).toBe(1900);
  });

  it('an empty list of quotas always passes', async () => {
    expect(await take(new MemoryWindowLimiter(), [])).toBe(0);
  });
});


describeRedis('RedisWindowLimiter', () => {
  let a: Redis;
  let b: Redis;
  let prefix: string;
  redisPairPerTest(REDIS_URL!, 'rl', (pair) => void ({ a, b, prefix } = pair));

  it('takes up to points, then returns a wait; taking after the wait succeeds', async () => {
    const limiter = new RedisWindowLimiter(a, prefix);
    const q = { key: 'acc', points: 3, windowMs: 300 };
    for (let i = 0; i < 3; i++) expect(await take(limiter, [q])).toBe(0);
    const wait = await take(limiter, [q]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, wait + 2));
    expect(await take(limiter, [q])).toBe(0);
  });

  it('multi-key takes are all-or-nothing: a full quota takes no slot in the other', async () => {
    const limiter = new RedisWindowLimiter(a, prefix);
    const account = { key: 'acc', points: 3, windowMs: 5000 };
    const path = { key: 'acc|change/x', points: 1, windowMs: 5000 };
    expect(await take(limiter, [account, path])).toBe(0);
    for (let i = 0; i < 5; i++) expect(await take(limiter, [account, path])).toBeGreaterThan(0);
    expect(await take(limiter, [account])).toBe(0);
    expect(await take(limiter, [account])).toBe(0);
    expect(await take(limiter, [account])).toBeGreaterThan(0);
  });

  it('two limiters on two connections sharing keys never exceed the quota together (concurrent burst)', async () => {
    const l1 = new RedisWindowLimiter(a, prefix);
    const l2 = new RedisWindowLimiter(b, prefix);
    const q = { key: 'shared', points: 5, windowMs: 10_000 };
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => take(i % 2 ? l1 : l2, [q])));
    expect(results.filter((w) => w === 0)).toHaveLength(5);
  });

  it('two limiters taking in loops for a while stay within the quota in every window', async () => {
    const l1 = new RedisWindowLimiter(a, prefix);
    const l2 = new RedisWindowLimiter(b, prefix);
    const q = { key: 'shared', points: 4, windowMs: 200 };
    const accepted: number[] = [];
    const started = Date.now();
    const until = started + 900;
    const worker = async (l: RedisWindowLimiter) => {
      while (Date.now() < until) {
        const wait = await take(l, [q]);
        if (wait === 0) accepted.push(Date.now());
        else await new Promise((r) => setTimeout(r, Math.min(wait, 5)));
      }
    };
    await Promise.all([worker(l1), worker(l2), worker(l1), worker(l2)]);
    const elapsed = Date.now() - started;
    // Server-side, every 200 ms window holds at most 4: over the whole run at most 4 per started window.
    expect(accepted.length).toBeLessThanOrEqual(4 * (Math.floor(elapsed / 200) + 1));
    // And the quota is used, not starved.
    expect(accepted.length).toBeGreaterThanOrEqual(4 * Math.floor(900 / 200) - 4);
  });
});
