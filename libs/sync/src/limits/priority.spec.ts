import Redis from 'ioredis';
import { withSendContext } from '@simgate/carriers';
import type { AdapterManifest } from '@simgate/core';
import { AccountLimiter } from './account-limiter';
import { MemoryInFlightLimiter, RedisInFlightLimiter } from './in-flight';
import { MemoryWindowLimiter, RedisWindowLimiter } from './window-limiter';
import { accountQuota } from '../testing/quotas';
import { REDIS_URL, describeRedis, redisPairPerTest } from '../testing/redis-pair';

/** Operations a console asked for take the next slot ahead of sweep requests already waiting. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A limiter of one process for account `a` on manifest `m`. */
function inProcess(m: AdapterManifest): AccountLimiter {
  const l = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter());
  l.register({ id: 'a' }, m);
  return l;
}

/**
 * `sweeps` sweep requests queue up on the sweep limiter; once the first holds its slot (and every other is
 * waiting), one operation request arrives on the operation limiter (the same process, or another worker).
 * Each holds its slot `holdMs`. Returns who got the slots, in order.
 */
async function race(sweepLimiter: AccountLimiter, opLimiter: AccountLimiter, o: { sweeps: number; holdMs: number; opAfterMs: number }): Promise<string[]> {
  const order: string[] = [];
  let firstHeld!: () => void;
  const first = new Promise<void>((r) => (firstHeld = r));
  const request = async (name: string, l: AccountLimiter) => {
    const release = await l.acquire('a', { endpoint: 'x' });
    order.push(name);
    if (order.length === 1) firstHeld();
    await sleep(o.holdMs);
    release();
  };
  const sweeps = Array.from({ length: o.sweeps }, (_, i) => request(`sweep${i}`, sweepLimiter));
  await first;
  // Let every sweep request reach its wait.
  await sleep(o.opAfterMs);
  const op = withSendContext({ priority: 'operation' }, () => request('op', opLimiter));
  await Promise.all([...sweeps, op]);
  return order;
}

describe('operations go ahead of sweeps at the limiter (in process)', () => {
  it("Jasper-like account (1 in flight, 5/s): an operation arriving behind a queue of sweep requests gets the next slot", async () => {
    const l = inProcess(accountQuota(5, 1, 1));
    const order = await race(l, l, { sweeps: 6, holdMs: 30, opAfterMs: 10 });
    expect(order).toHaveLength(7);
    expect(order[0]).toBe('sweep0');
    expect(order[1]).toBe('op');
  }, 30_000);

  it('at the window slots too: sweeps holding in-flight slots and waiting for the window let a later operation go first', async () => {
    // 1 request per 300 ms, 16 in flight: the window is what everyone waits for.
    const l = inProcess(accountQuota(1, 0.3, 16));
    const order = await race(l, l, { sweeps: 4, holdMs: 0, opAfterMs: 50 });
    expect(order[0]).toBe('sweep0');
    expect(order[1]).toBe('op');
  }, 30_000);

  it('an explicit priority wins over the send context, and without either a request is a sweep', async () => {
    const l = inProcess(accountQuota(100, 1, 1));
    const hold = await l.acquire('a', { endpoint: 'x' });
    const order: string[] = [];
    const sweep = l.acquire('a', { endpoint: 'x' }).then((r) => (order.push('sweep'), r));
    const notOp = withSendContext({ priority: 'operation' }, () => l.acquire('a', { endpoint: 'x' }, { priority: 'sweep' })).then((r) => (order.push('explicit sweep'), r));
    const op = l.acquire('a', { endpoint: 'x' }, { priority: 'operation' }).then((r) => (order.push('op'), r));
    hold();
    (await op)();
    (await sweep)();
    (await notOp)();
    expect(order).toEqual(['op', 'sweep', 'explicit sweep']);
  });
});


describeRedis('operations go ahead of sweeps at the limiter (Redis, sweeps and the operation on two workers)', () => {
  let a: Redis;
  let b: Redis;
  let prefix: string;
  redisPairPerTest(REDIS_URL!, 'prio', (pair) => void ({ a, b, prefix } = pair));

  const worker = (r: Redis, m: AdapterManifest) => {
    const l = new AccountLimiter(new RedisWindowLimiter(r, `${prefix}:rl`), new RedisInFlightLimiter(r, `${prefix}:inflight`, { lockMs: 5000 }));
    l.register({ id: 'a' }, m);
    return l;
  };

  it('Jasper-like account (1 in flight, 5/s): the operation gets the next slot', async () => {
    const m = accountQuota(5, 1, 1);
    const order = await race(worker(a, m), worker(b, m), { sweeps: 6, holdMs: 60, opAfterMs: 20 });
    expect(order).toHaveLength(7);
    expect(order[1]).toBe('op');
  }, 30_000);

  it('at the window slots too', async () => {
    const m = accountQuota(1, 0.3, 16);
    const order = await race(worker(a, m), worker(b, m), { sweeps: 4, holdMs: 0, opAfterMs: 50 });
    expect(order[1]).toBe('op');
  }, 30_000);
});
