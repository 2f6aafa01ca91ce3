import fc from 'fast-check';
import { AuthExpired, CarrierError, NotSupported, RateLimited, Rejected, Transient, Unavailable } from '@simgate/core';
import { backoffMs, withRetries, type RetryPolicy } from './retry';

const policy: RetryPolicy = { attempts: 4, baseMs: 100, maxMs: 1000 };

/** A function that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: unknown[]) {
  const f = jest.fn(async () => {
    const e = errors.shift();
    if (e !== undefined) throw e;
    return 'ok';
  });
  return f;
}

function hooks() {
  const sleeps: number[] = [];
  const retries: [string, number, number][] = [];
  const rateLimited = jest.fn();
  return {
    sleeps,
    retries,
    rateLimited,
    h: {
      sleep: async (ms: number) => void sleeps.push(ms),
      onRetry: (reason: string, attempt: number, delayMs: number) => void retries.push([reason, attempt, delayMs]),
      onRateLimited: rateLimited,
    },
  };
}

describe('backoffMs', () => {
  it('stays within [1, cap] with cap = min(maxMs, baseMs·2^(attempt−1)) (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, r) => {
          const p = { attempts: 10, baseMs, maxMs };
          const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
          const d = backoffMs(p, attempt, () => r);
          expect(d).toBeGreaterThanOrEqual(1);
          expect(d).toBeLessThanOrEqual(cap);
          expect(Number.isInteger(d)).toBe(true);
        },
      ),
    );
  });

  it('grows exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(policy, a, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('withRetries', () => {
  it('retries Transient up to `attempts` with backoff within [1, cap], then throws the last error', async () => {
    const { h, sleeps, retries } = hooks();
    const fn = failing(new Transient('t1'), new Transient('t2'), new Transient('t3'), new Transient('t4'), new Transient('t5'));
    await expect(withRetries(fn, policy, h)).rejects.toThrow('t4');
    expect(fn).toHaveBeenCalledTimes(4);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(1);
      expect(ms).toBeLessThanOrEqual(Math.min(policy.maxMs, policy.baseMs * 2 ** i));
    });
    expect(retries.map((r) => r[0])).toEqual(['transient', 'transient', 'transient']);
    expect(retries.map((r) => r[1])).toEqual([1, 2, 3]);
  });

  it('returns the value once a passing fault passes', async () => {
    const { h, sleeps } = hooks();
    const fn = failing(new Transient('t'), new Unavailable('u'));
    await expect(withRetries(fn, policy, h)).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(sleeps).toHaveLength(2);
  });

  it('gives rate-limit answers three times the attempts of other faults, then gives up', async () => {
    const { h } = hooks();
    let calls = 0;
    const always = async () => {
      calls++;
      throw new RateLimited('slow down');
    };
    await expect(withRetries(always, { attempts: 3, baseMs: 1, maxMs: 2 }, h)).rejects.toBeInstanceOf(RateLimited);
    expect(calls).toBe(9);
    calls = 0;
    const transient = async () => {
      calls++;
      throw new Transient('5xx');
    };
    await expect(withRetries(transient, { attempts: 3, baseMs: 1, maxMs: 2 }, h)).rejects.toBeInstanceOf(Transient);
    expect(calls).toBe(3);
  });

  it('honours RateLimited retryAfterSeconds and calls onRateLimited', async () => {
    const { h, sleeps, rateLimited } = hooks();
    const fn = failing(new RateLimited('slow down', { retryAfterSeconds: 7 }), new RateLimited('again'));
    await expect(withRetries(fn, policy, { ...h, random: () => 0 })).resolves.toBe('ok');
    expect(rateLimited).toHaveBeenCalledTimes(2);
    // At least the Retry-After; without one, the backoff.
    expect(sleeps).toEqual([7000, 1]);
  });

  it('retries AuthExpired once at once (no sleep, no attempt used), then like a passing fault', async () => {
    const { h, sleeps, retries } = hooks();
    const fn = failing(new AuthExpired('a1'), new Transient('t1'), new Transient('t2'), new Transient('t3'));
    // 1 refresh + 4 attempts: the refresh does not count.
    await expect(withRetries(fn, policy, h)).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(5);
    expect(retries[0]).toEqual(['auth_expired', 1, 0]);
    expect(sleeps).toHaveLength(3);

    const again = hooks();
    const fn2 = failing(new AuthExpired('a1'), new AuthExpired('a2'), new AuthExpired('a3'));
    await expect(withRetries(fn2, policy, again.h)).resolves.toBe('ok');
    // The first is retried at once; the second waits with backoff like a passing fault.
    expect(again.retries.map((r) => r[0])).toEqual(['auth_expired', 'auth_expired', 'auth_expired']);
    expect(again.sleeps).toHaveLength(2);
    expect(again.retries[1][2]).toBeGreaterThanOrEqual(1);
  });

  it('gives up on AuthExpired that never clears after `attempts` + the refresh', async () => {
    const { h } = hooks();
    const fn = jest.fn(async () => {
      throw new AuthExpired('expired');
    });
    await expect(withRetries(fn, policy, h)).rejects.toBeInstanceOf(AuthExpired);
    expect(fn).toHaveBeenCalledTimes(policy.attempts + 1);
  });

  it.each([
    ['Rejected', new Rejected('bad iccid')],
    ['NotSupported', new NotSupported('no pools')],
    ['a non-carrier error', new TypeError('bug')],
    ['a string', 'boom'],
  ])('does not retry %s', async (_n, err) => {
    const { h, sleeps } = hooks();
    const fn = failing(err);
    await expect(withRetries(fn, policy, h)).rejects.toBe(err);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry a CarrierError subclass that says it is not retryable', async () => {
    class Ambiguous extends CarrierError {
      readonly kind = 'TRANSIENT' as const;
      readonly retryable = false;
    }
    const { h } = hooks();
    const fn = failing(new Ambiguous('outcome unknown'));
    await expect(withRetries(fn, policy, h)).rejects.toBeInstanceOf(Ambiguous);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('with attempts 1, does not retry at all', async () => {
    const { h } = hooks();
    const fn = failing(new Transient('t'));
    await expect(withRetries(fn, { ...policy, attempts: 1 }, h)).rejects.toThrow('t');
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
