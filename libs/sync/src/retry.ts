import { AuthExpired, CarrierError, RateLimited, Rejected, NotSupported, isCarrierError } from '@simgate/core';

/**
 * Retries of carrier calls, decided by the core error class alone (the engine knows no carrier):
 * - Transient / Unavailable: exponential backoff with full jitter, up to `attempts`;
 * - RateLimited: wait at least the carrier's Retry-After or the backoff, and slow the account down; up to
 *   RATE_LIMITED_BUDGET × `attempts` (the account slows down further with every answer);
 * - AuthExpired: the adapter's client already sent the refused request once more with a fresh token; an
 *   AuthExpired reaching here means the fresh token was refused too: retry once at once (the token may have
 *   been revoked again in between), then like a passing fault, with backoff;
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

/**
 * A refusal of the account rather than of the cards asked: the carrier refused the credentials (a refusal on a
 * token endpoint, or HTTP 401/403 on a platform without tokens). Splitting the batch or reading the next one
 * cannot help, so a sweep stops on it.
 */
export function isCredentialRefusal(e: unknown): boolean {
  if (!(e instanceof Rejected)) return false;
  const status = e.details.httpStatus;
  return status === 401 || status === 403 || /(^|\/)(get\/)?(oauth\/)?token$/i.test(e.details.endpoint ?? '');
}

/**
 * Whether a batch failure that outlasted its retries is about the whole account, so that the sweep stops
 * (and resumes from its checkpoint when retried) instead of recording the batch's cards as failed and going on:
 * the carrier cannot be reached (`Unavailable`), refuses even a freshly fetched token (`AuthExpired`) or the
 * credentials, does not offer the read (`NotSupported`), or the failure is not a carrier's at all (database,
 * a bug). Passing faults (`Transient`, `RateLimited`) and refusals of cards are the batch's own.
 */
export function isAccountWide(e: unknown): boolean {
  if (!isCarrierError(e)) return true;
  switch (e.kind) {
    case 'TRANSIENT':
    case 'RATE_LIMITED':
      return false;
    case 'REJECTED':
      return isCredentialRefusal(e);
    default:
      return true;
  }
}
