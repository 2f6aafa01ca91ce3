import type Redis from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import type { CallPriority } from '@simgate/carriers';

/**
 * Caps requests in flight per account (Jasper allows one at a time per API user). Requests with priority
 * `operation` (a console asked for them) get the next free slot ahead of waiting `sweep` requests.
 */
export interface InFlightLimiter {
  acquire(key: string, limit: number, priority?: CallPriority): Promise<() => Promise<void>>;
}

export class MemoryInFlightLimiter implements InFlightLimiter {
  private readonly state = new Map<string, { active: number; operations: (() => void)[]; sweeps: (() => void)[] }>();

  async acquire(key: string, limit: number, priority: CallPriority = 'sweep'): Promise<() => Promise<void>> {
    let s = this.state.get(key);
    if (!s) this.state.set(key, (s = { active: 0, operations: [], sweeps: [] }));
    const slot = s;
    if (slot.active >= limit) await new Promise<void>((resolve) => (priority === 'operation' ? slot.operations : slot.sweeps).push(resolve));
    else slot.active++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter (active stays the same): operations first, each FIFO.
      const next = slot.operations.shift() ?? slot.sweeps.shift();
      if (next) next();
      else slot.active--;
    };
  }
}

export interface RedisInFlightOptions {
  /**
   * A slot held by a worker that died frees after this long (SIMGATE_QUEUE_LOCK_MS); a live holder refreshes
   * its slot every third of it.
   */
  lockMs?: number;
  /** How often a waiting request tries again (ms). */
  retryMs?: number;
  /** A waiting operation's marker lapses this long after its last attempt (its worker died). */
  markerTtlMs?: number;
  /** Gives up waiting after this long. */
  acquireTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Shared across workers with redis-semaphore. redis-semaphore has no priorities, so waiting operations leave a
 * marker (a sorted set of their ids scored by expiry, per account): a sweep request does not try for a slot
 * while an unexpired marker is there, so a freed slot goes to an operation. A marker is renewed at every
 * attempt and lapses by itself when its worker dies.
 */
export class RedisInFlightLimiter implements InFlightLimiter {
  private readonly o: Required<Omit<RedisInFlightOptions, 'sleep'>> & { sleep: (ms: number) => Promise<void> };

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'simgate:inflight',
    options: RedisInFlightOptions = {},
  ) {
    this.o = {
      lockMs: options.lockMs ?? 30_000,
      retryMs: options.retryMs ?? 5,
      markerTtlMs: options.markerTtlMs ?? 2_000,
      acquireTimeoutMs: options.acquireTimeoutMs ?? 10 * 60_000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  async acquire(key: string, limit: number, priority: CallPriority = 'sweep'): Promise<() => Promise<void>> {
    const sem = new Semaphore(this.redis, `${this.prefix}:${key}`, limit, {
      lockTimeout: this.o.lockMs,
      refreshInterval: Math.max(100, Math.floor(this.o.lockMs / 3)),
      acquireAttemptsLimit: 1,
      acquireTimeout: this.o.lockMs,
      // One attempt per tryAcquire (it sleeps retryInterval after a failed one): the loop below retries.
      retryInterval: 0,
      // A slot lost while held (Redis unreachable longer than the lock time): the request runs to its end; the
      // default handler would throw from a timer and end the process.
      onLockLost: () => undefined,
    });
    const marker = `${this.prefix}:${key}:ops`;
    const op = priority === 'operation';
    const deadline = Date.now() + this.o.acquireTimeoutMs;
    try {
      for (;;) {
        if (op) {
          await this.redis.multi().zadd(marker, Date.now() + this.o.markerTtlMs, sem.identifier).pexpire(marker, this.o.markerTtlMs).exec();
          if (await sem.tryAcquire()) break;
        } else if ((await this.redis.zcount(marker, Date.now(), '+inf')) === 0 && (await sem.tryAcquire())) {
          break;
        }
        if (Date.now() > deadline) throw new Error(`no in-flight slot for '${key}' within ${this.o.acquireTimeoutMs} ms`);
        await this.o.sleep(this.o.retryMs);
      }
    } finally {
      if (op) await this.redis.zrem(marker, sem.identifier).catch(() => undefined);
    }
    return () => sem.release();
  }
}
