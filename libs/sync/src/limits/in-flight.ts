import type Redis from 'ioredis';
import { Semaphore } from 'redis-semaphore';

/** Caps requests in flight per account (Jasper allows one at a time per API user). */
export interface InFlightLimiter {
  acquire(key: string, limit: number): Promise<() => Promise<void>>;
}

export class MemoryInFlightLimiter implements InFlightLimiter {
  private readonly state = new Map<string, { active: number; waiters: (() => void)[] }>();

  async acquire(key: string, limit: number): Promise<() => Promise<void>> {
    let s = this.state.get(key);
    if (!s) this.state.set(key, (s = { active: 0, waiters: [] }));
    const slot = s;
    if (slot.active >= limit) await new Promise<void>((resolve) => slot.waiters.push(resolve));
    else slot.active++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const next = slot.waiters.shift();
      // Hand the slot straight to the next waiter (active stays the same), FIFO.
      if (next) next();
      else slot.active--;
    };
  }
}

/** Shared across workers with redis-semaphore (leases refresh while held; a dead worker's lease expires). */
export class RedisInFlightLimiter implements InFlightLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'simgate:inflight',
  ) {}

  async acquire(key: string, limit: number): Promise<() => Promise<void>> {
    const sem = new Semaphore(this.redis, `${this.prefix}:${key}`, limit, {
      lockTimeout: 30_000,
      acquireTimeout: 10 * 60_000,
      retryInterval: 5,
      refreshInterval: 10_000,
    });
    await sem.acquire();
    return () => sem.release();
  }
}
