import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Budget, ProtectionConfig } from '@simgate/sync';

/**
 * The inbound budgets (rate-limiter-flexible): requests and carrier-spending cards per API key, failed
 * authentications per client address. On Redis (REDIS_URL) every gateway process counts in the same keys;
 * embedded they live in process. A Redis that fails mid-request falls back to an in-process limiter of the
 * same budget (the library's insurance limiter) rather than failing the request.
 */

/** What an API key is called in logs, limiter keys and metrics: a digest, never the key. */
export function keyIdOf(key: string): string {
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export type BudgetName = 'requests' | 'cards';

/** The state of one budget after a charge, for the RateLimit header fields. */
export interface BudgetState {
  name: BudgetName;
  budget: Budget;
  remaining: number;
  resetSeconds: number;
}

/** A charge over budget: which budget, and when it has room again. */
export class OverBudget {
  constructor(
    readonly name: BudgetName | 'auth_block',
    readonly retryAfterSeconds: number,
    readonly state?: BudgetState,
  ) {}
}

/** A charge bigger than the whole budget can never pass. */
export class CostOverBudget {
  constructor(
    readonly cost: number,
    readonly budget: Budget,
  ) {}
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function limiter(redis: Redis | null, prefix: string, name: string, b: Budget, blockSeconds = 0): RateLimiterAbstract {
  const opts = { keyPrefix: `${prefix}:${name}`, points: b.points, duration: b.windowSeconds, blockDuration: blockSeconds };
  if (!redis) return new RateLimiterMemory(opts);
  return new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) });
}

export class InboundBudgets {
  private readonly requests: RateLimiterAbstract;
  private readonly cards: RateLimiterAbstract;
  private readonly authFailures: RateLimiterAbstract;

  constructor(
    readonly config: ProtectionConfig,
    redis: Redis | null,
    prefix = 'simgate',
  ) {
    this.requests = limiter(redis, `${prefix}:in`, 'requests', config.requests);
    this.cards = limiter(redis, `${prefix}:in`, 'cards', config.cards);
    this.authFailures = limiter(redis, `${prefix}:in`, 'authfail', config.authFailures);
  }

  /**
   * The address's failed authentications in the window, and whether it is blocked for them (seconds until it may
   * try again, else null).
   */
  async failuresOf(address: string): Promise<{ failures: number; blockedSeconds: number | null }> {
    const r = await this.authFailures.get(address);
    if (!r) return { failures: 0, blockedSeconds: null };
    return { failures: r.consumedPoints, blockedSeconds: r.consumedPoints > this.config.authFailures.points ? seconds(r.msBeforeNext) : null };
  }

  /** Counts a failed authentication; the failure that reaches the limit blocks the address. */
  async failed(address: string): Promise<void> {
    const limit = this.config.authFailures;
    const r = await this.authFailures.consume(address).catch((e: unknown) => {
      if (e instanceof RateLimiterRes) return e;
      throw e;
    });
    if (r.consumedPoints >= limit.points) await this.authFailures.block(address, limit.blockSeconds);
  }

  /** A good key: the address's failures are forgotten (a block still running is not lifted: it was checked first). */
  async succeeded(address: string): Promise<void> {
    await this.authFailures.delete(address);
  }

  /** Takes `points` of a key's budget; throws OverBudget (or CostOverBudget) when they are not there. */
  async charge(name: BudgetName, keyId: string, points: number): Promise<BudgetState> {
    const budget = this.config[name];
    if (points > budget.points) throw new CostOverBudget(points, budget);
    const l = name === 'requests' ? this.requests : this.cards;
    try {
      const r = await l.consume(keyId, points);
      return { name, budget, remaining: r.remainingPoints, resetSeconds: seconds(r.msBeforeNext) };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // A refused charge still counted its points: give them back, so that a client that waits its
      // Retry-After finds the room it was promised.
      await l.reward(keyId, points).catch(() => undefined);
      const state = { name, budget, remaining: 0, resetSeconds: seconds(e.msBeforeNext) };
      throw new OverBudget(name, seconds(e.msBeforeNext), state);
    }
  }
}
