import { AuthExpired, CarrierError, RateLimited, Rejected, NotSupported } from '@simgate/core';

/**
 * Retries of carrier calls, decided by the core error class alone (the engine knows no carrier):
 * - Transient / Unavailable: exponential backoff with full jitter, up to `attempts`;
 * - RateLimited: wait at least the carrier's Retry-After or the backoff, and slow the account down; up to
 *   RATE_LIMITED_BUDGET × `attempts` (the account slows down further with every answer);
 * - AuthExpired: the adapter dropped its token; retry once at once with a fresh one (a token that expires
 *   again later in the same call is retried like a passing fault, with backoff);
 * - Rejected / NotSupported and non-carrier errors: not retried.
 */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Rate-limit answers may use this many times a policy's attempts. */
export const RATE_LIMITED_BUDGET = 3;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 250, maxMs: 30_000 };

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (reason: string, attempt: number, delayMs: number, error: CarrierError) => void;
  onRateLimited?: () => void;
}

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap) + 1;
}

export async function withRetries<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  let authRetried = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof CarrierError) || !e.retryable || e instanceof Rejected || e instanceof NotSupported) throw e;
      if (e instanceof AuthExpired && !authRetried) {
        authRetried = true;
        hooks.onRetry?.('auth_expired', attempt, 0, e);
        attempt--; // the token refresh does not use up a retry
        continue;
      }
      // A rate-limit answer says "slower", not "broken": the account has just been slowed down, so it gets
      // three times the budget of other passing faults before the call gives up.
      if (attempt >= (e instanceof RateLimited ? policy.attempts * RATE_LIMITED_BUDGET : policy.attempts)) throw e;
      let delay = backoffMs(policy, Math.min(attempt, policy.attempts), hooks.random);
      if (e instanceof RateLimited) {
        hooks.onRateLimited?.();
        delay = Math.max(delay, (e.details.retryAfterSeconds ?? 0) * 1000);
      }
      hooks.onRetry?.(e.kind.toLowerCase(), attempt, delay, e);
      await sleep(delay);
    }
  }
}
