import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import { MemoryInFlightLimiter, RedisInFlightLimiter, type InFlightLimiter } from './in-flight';
import { REDIS_URL, describeRedis } from '../testing/redis-pair';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `n` holders of `holdMs` each through the limiters in turn; returns the peak held at once. */
async function peakOf(limiters: InFlightLimiter[], key: string, limit: number, n: number, holdMs: number): Promise<number> {
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const release = await limiters[i % limiters.length].acquire(key, limit);
      active++;
      peak = Math.max(peak, active);
      await sleep(holdMs);
      active--;
      await release();
    }),
  );
  return peak;
}

describe('MemoryInFlightLimiter', () => {
  it('never holds more than the limit at once, and uses all of it', async () => {
    expect(await peakOf([new MemoryInFlightLimiter()], 'a', 2, 12, 5)).toBe(2);
    expect(await peakOf([new MemoryInFlightLimiter()], 'a', 1, 5, 2)).toBe(1);
  });

  it('hands a freed slot to waiting operations first, each priority in arrival order', async () => {
    const l = new MemoryInFlightLimiter();
    const hold = await l.acquire('k', 1);
    const order: string[] = [];
    const waiters = (['sweep', 'operation', 'sweep', 'operation'] as const).map((p, i) => l.acquire('k', 1, p).then((r) => (order.push(`${p}${i}`), r)));
    await hold();
    for (let n = 0; n < 4; n++) {
      await new Promise((r) => setImmediate(r));
      const next = order[n];
      expect(next).toBeDefined();
      await (await waiters[Number(next.slice(-1))])();
    }
    expect(order).toEqual(['operation1', 'operation3', 'sweep0', 'sweep2']);
  });
});


describeRedis('RedisInFlightLimiter', () => {
  let a: Redis;
  let b: Redis;
  const prefix = `test-inflight-${randomBytes(6).toString('hex')}`;
  beforeAll(() => {
    a = new Redis(REDIS_URL!);
    b = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    const keys = await a.keys(`${prefix}:*`);
    if (keys.length) await a.del(...keys);
    await a.quit();
    await b.quit();
  });

  it('two workers on two connections never hold more than the limit together', async () => {
    const limiters = [new RedisInFlightLimiter(a, prefix), new RedisInFlightLimiter(b, prefix)];
    expect(await peakOf(limiters, 'acc', 2, 10, 20)).toBe(2);
  });

  it("a dead worker's slot frees after the lock time (SIMGATE_QUEUE_LOCK_MS), not before", async () => {
    // A holder that stopped refreshing (its process died) took the slot just now.
    const dead = new Semaphore(a, `${prefix}:dead`, 1, { lockTimeout: 60_000 });
    const started = Date.now();
    await dead.acquire();
    dead.stopRefresh();
    const l = new RedisInFlightLimiter(b, prefix, { lockMs: 1500 });
    const release = await l.acquire('dead', 1);
    const waited = Date.now() - started;
    await release();
    expect(waited).toBeGreaterThanOrEqual(1500);
    expect(waited).toBeLessThan(10_000);
  }, 30_000);

  it('a live holder keeps its slot longer than the lock time (it refreshes it)', async () => {
    const l1 = new RedisInFlightLimiter(a, prefix, { lockMs: 1000 });
    const l2 = new RedisInFlightLimiter(b, prefix, { lockMs: 1000, acquireTimeoutMs: 2500 });
    const release = await l1.acquire('live', 1);
    // Nobody else gets it within 2.5 lock times while it is held.
    await expect(l2.acquire('live', 1)).rejects.toThrow(/no in-flight slot/);
    await release();
    await (await l2.acquire('live', 1))();
  }, 30_000);

  it('a waiting operation on another worker gets the freed slot ahead of waiting sweeps', async () => {
    const l1 = new RedisInFlightLimiter(a, prefix);
    const l2 = new RedisInFlightLimiter(b, prefix);
    const hold = await l1.acquire('prio', 1);
    const order: string[] = [];
    const sweeps = [0, 1, 2].map((i) => l1.acquire('prio', 1, 'sweep').then(async (r) => (order.push(`sweep${i}`), await sleep(10), r())));
    await sleep(30);
    const op = l2.acquire('prio', 1, 'operation').then(async (r) => (order.push('op'), await sleep(10), r()));
    await sleep(30);
    await hold();
    await Promise.all([...sweeps, op]);
    expect(order[0]).toBe('op');
  }, 30_000);

  it('a released slot is free again at once', async () => {
    const l = new RedisInFlightLimiter(a, prefix);
    const r1 = await l.acquire('one', 1);
    let second = false;
    const p = l.acquire('one', 1).then((r) => ((second = true), r));
    await sleep(50);
    expect(second).toBe(false);
    await r1();
    await (await p)();
    expect(second).toBe(true);
  });
});
