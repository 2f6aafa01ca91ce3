import fc from 'fast-check';
import Redis from 'ioredis';
import { AccountLimiter } from './account-limiter';
import { MemoryInFlightLimiter, RedisInFlightLimiter } from './in-flight';
import { MemoryWindowLimiter, RedisWindowLimiter, type SlotHandle, type WindowLimiter } from './window-limiter';
import { accountQuota, maxInAnyWindow } from '../testing/quotas';
import { REDIS_URL, describeRedis, redisPairPerTest } from '../testing/redis-pair';

/**
 * The property the carrier checks: at most `points` ARRIVALS in any window [x, x + windowMs). Arrivals happen
 * somewhere between the slot being taken and the request settling; where exactly is up to the network and the
 * scheduler, so the tests below put them anywhere in between, at random.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fake carrier behind the limiter: each request arrives after a random delay (heavy-tailed: mostly short,
 * sometimes longer than the window, like a stalled event loop or a busy host) and is answered after another.
 * Returns the arrival times (Date.now(), the clock of the in-process limiter and, on this one host, of Redis).
 */
async function jitteryCarrier(limiter: AccountLimiter, o: { senders: number; requests: number; maxSendDelayMs: number; maxAnswerMs: number; endpoints?: string[] }): Promise<number[]> {
  const arrivals: number[] = [];
  let left = o.requests;
  const delay = (max: number) => {
    const u = Math.random();
    return Math.floor((u < 0.8 ? u * 0.2 : u * u) * max);
  };
  await Promise.all(
    Array.from({ length: o.senders }, async (_, s) => {
      while (left > 0) {
        left--;
        const endpoint = o.endpoints ? o.endpoints[s % o.endpoints.length] : 'x';
        const release = await limiter.acquire('a', { endpoint });
        await sleep(delay(o.maxSendDelayMs));
        arrivals.push(Date.now());
        await sleep(delay(o.maxAnswerMs));
        release();
      }
    }),
  );
  return arrivals;
}

describe('arrivals at the carrier stay within the quota whatever the jitter (in process)', () => {
  it('one quota, many senders, send-to-arrival delays of up to 1.5 windows', async () => {
    const l = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), { marginMs: 0 });
    // 4 per 60 ms, 16 in flight (more in flight than the quota: slots are the limit, as OneLink at 10/s).
    l.register({ id: 'a', quotas: { maxInFlight: 16 } }, accountQuota(4, 0.06, null));
    const arrivals = await jitteryCarrier(l, { senders: 24, requests: 160, maxSendDelayMs: 90, maxAnswerMs: 20 });
    expect(arrivals).toHaveLength(160);
    expect(maxInAnyWindow(arrivals, 60)).toBeLessThanOrEqual(4);
  }, 60_000);

  it('an account quota and a per-endpoint quota together', async () => {
    const l = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), { marginMs: 0 });
    l.register({ id: 'a' }, accountQuota(6, 0.08, null, [{ match: 'change/*', points: 2, durationSeconds: 0.08, perEndpoint: false }]));
    const endpoints = ['change/a', 'query', 'change/b', 'query'];
    const arrivals: Record<string, number[]> = {};
    let left = 160;
    await Promise.all(
      Array.from({ length: 20 }, async (_, s) => {
        while (left > 0) {
          left--;
          const endpoint = endpoints[s % endpoints.length];
          const release = await l.acquire('a', { endpoint });
          await sleep(Math.random() < 0.2 ? 40 + Math.random() * 80 : Math.random() * 5);
          (arrivals[endpoint.split('/')[0]] ??= []).push(Date.now());
          await sleep(Math.random() * 10);
          release();
        }
      }),
    );
    expect(maxInAnyWindow([...arrivals.change, ...arrivals.query], 80)).toBeLessThanOrEqual(6);
    expect(maxInAnyWindow(arrivals.change, 80)).toBeLessThanOrEqual(2);
  }, 60_000);

  it('property: any interleaving of takes and settles, arrivals anywhere between the two (virtual clock)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 300 }), settle: fc.boolean(), pick: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 150 }),
        async (points, windowMs, steps) => {
          let t = 1_000_000;
          const w = new MemoryWindowLimiter(() => t);
          const q = [{ key: 'k', points, windowMs }];
          const inFlight: { handle: SlotHandle; takenAt: number }[] = [];
          const arrivals: number[] = [];
          for (const s of steps) {
            t += s.gap;
            if (s.settle && inFlight.length) {
              const [r] = inFlight.splice(s.pick % inFlight.length, 1);
              // Arrived somewhere between its take and now.
              arrivals.push(r.takenAt + Math.floor(s.at * (t - r.takenAt)));
              await w.settle(r.handle);
            } else {
              const r = await w.tryTakeAll(q);
              if (r.handle) inFlight.push({ handle: r.handle, takenAt: t });
            }
          }
          // Those still in flight arrive now at the latest.
          arrivals.push(...inFlight.map(() => t));
          expect(maxInAnyWindow(arrivals, windowMs)).toBeLessThanOrEqual(points);
        },
      ),
      { numRuns: 300 },
    );
  });
});


describeRedis('arrivals at the carrier stay within the quota whatever the jitter (Redis, two workers)', () => {
  let a: Redis;
  let b: Redis;
  let prefix: string;
  redisPairPerTest(REDIS_URL!, 'arrival', (pair) => void ({ a, b, prefix } = pair));

  const worker = (r: Redis, windows: WindowLimiter = new RedisWindowLimiter(r, `${prefix}:rl`)) => {
    const l = new AccountLimiter(windows, new RedisInFlightLimiter(r, `${prefix}:inflight`, { lockMs: 5000 }), { marginMs: 0 });
    l.register({ id: 'a', quotas: { maxInFlight: 8 } }, accountQuota(4, 0.08, null));
    return l;
  };

  it('two workers on two connections, one quota, send-to-arrival delays of up to 1.5 windows', async () => {
    const [w1, w2] = [worker(a), worker(b)];
    const [x, y] = await Promise.all([
      jitteryCarrier(w1, { senders: 10, requests: 60, maxSendDelayMs: 120, maxAnswerMs: 20 }),
      jitteryCarrier(w2, { senders: 10, requests: 60, maxSendDelayMs: 120, maxAnswerMs: 20 }),
    ]);
    expect(x.length + y.length).toBe(120);
    expect(maxInAnyWindow([...x, ...y], 80)).toBeLessThanOrEqual(4);
  }, 90_000);

  it('an entry never settled (dead worker) frees its slot by itself after maxInFlightMs', async () => {
    const w = new RedisWindowLimiter(a, `${prefix}:rl`);
    const q = [{ key: 'acc', points: 1, windowMs: 100 }];
    const started = Date.now();
    const dead = await w.tryTakeAll(q, { maxInFlightMs: 300 });
    expect(dead.handle).not.toBeNull();
    for (;;) {
      const r = await w.tryTakeAll(q, { maxInFlightMs: 300 });
      if (r.handle) break;
      // Blocked by an entry in flight: it looks again soon (it may settle any moment), not after the whole
      // bound; past the bound the entry counts as settled then, and the wait is what is left of its window.
      expect(r.waitMs).toBeLessThanOrEqual(Date.now() - started < 290 ? 5 : 100);
      await sleep(r.waitMs);
    }
    // Free once the bound (300) and then the window (100) have passed, not before.
    expect(Date.now() - started).toBeGreaterThanOrEqual(399);
  }, 30_000);
});
