import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryInFlightLimiter, RedisInFlightLimiter, type InFlightLimiter } from './in-flight';

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
});

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) {
  console.log('REDIS_URL is not set: RedisInFlightLimiter tests are skipped (they run in CI).');
}

(REDIS_URL ? describe : describe.skip)('RedisInFlightLimiter', () => {
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
