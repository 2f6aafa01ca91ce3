import { CarrierError, Rejected, isCarrierError, type BatchResult, type CardRef } from '@simgate/core';
import { backoffMs, isCredentialRefusal, withRetries, type RetryPolicy } from '../retry';
import type { AccountRuntime } from '../runtime';
import type { EngineContext } from './context';

/**
 * Carrier calls: every adapter call goes through the account's rate limiter with the retry policy; batch reads
 * the carrier refuses as a whole are halved until the refused cards are isolated, and cards whose own requests
 * hit a passing fault are read again alone.
 */

/** Rounds of re-reading cards whose own requests hit a passing fault: short backoff, many rounds. */
const CARD_RETRY: RetryPolicy = { attempts: 10, baseMs: 100, maxMs: 2_000 };

/** A submission failed in a way that may have reached the carrier: not retried, reconciled by reading. */
export class InDoubt extends CarrierError {
  readonly kind = 'TRANSIENT' as const;
  readonly retryable = false;
  constructor(readonly original: CarrierError) {
    super(`outcome unknown: ${original.message}`, original.details);
  }
}

/**
 * One adapter call through the account's rate limiter, with the retry policy (`policy` overrides it). A passing
 * fault of a submission (`transient: false`) becomes InDoubt, never retried.
 */
export async function call<T>(ctx: EngineContext, rt: AccountRuntime, kind: string, fn: () => Promise<T>, policy: Partial<RetryPolicy> & { transient?: boolean } = {}): Promise<T> {
  const labels = rt.labels;
  const retryPolicy = { ...ctx.retry, ...policy };
  try {
    return await withRetries(
      async () => {
        try {
          return await fn();
        } catch (e) {
          if (isCarrierError(e)) ctx.metrics.carrierErrors.inc({ ...labels, kind, error: e.kind });
          // Submissions: an ambiguous failure (timeout, 5xx) may have reached the carrier; never retried here
          // (the item goes in doubt and reconcileInDoubt decides whether a resend is safe).
          if (policy.transient === false && isCarrierError(e) && e.kind === 'TRANSIENT') throw new InDoubt(e);
          throw e;
        }
      },
      retryPolicy,
      {
        sleep: ctx.sleep,
        onRateLimited: () => {
          ctx.metrics.rateLimitRejections.inc(labels);
          ctx.metrics.rateLimitFactor.set(labels, ctx.limiter.penalize(rt.account.id));
        },
        onRetry: (reason) => ctx.metrics.retries.inc({ ...labels, kind, reason }),
      },
    );
  } finally {
    ctx.metrics.rateLimitFactor.set(labels, ctx.limiter.factor(rt.account.id));
  }
}

/**
 * Reads a batch; when the carrier rejects the whole batch, halves it until the cards it refuses are
 * isolated (recorded as per-card failures) and the others are read.
 */
async function readSplitting<T>(
  ctx: EngineContext,
  rt: AccountRuntime,
  kind: string,
  refs: CardRef[],
  read: (refs: CardRef[]) => Promise<BatchResult<T>>,
): Promise<BatchResult<T>> {
  try {
    return await call(ctx, rt, kind, () => read(refs));
  } catch (e) {
    // A refusal of the credentials is not about these cards: no halving (it would only ask again per card).
    if (!(e instanceof Rejected) || isCredentialRefusal(e)) throw e;
    if (refs.length === 1) return { items: [], failures: [{ iccid: refs[0].iccid, error: e }] };
    const mid = Math.ceil(refs.length / 2);
    const [a, b] = [await readSplitting(ctx, rt, kind, refs.slice(0, mid), read), await readSplitting(ctx, rt, kind, refs.slice(mid), read)];
    return { items: [...a.items, ...b.items], failures: [...a.failures, ...b.failures] };
  }
}

/**
 * A batch read whose per-card failures include passing faults (5xx, timeouts, malformed answers about one
 * card, per-card rate limits): those cards alone are read again, a few rounds with backoff. Refusals stay
 * failures (recorded on the card); faults that outlast the rounds too.
 */
export async function readWithCardRetries<T>(
  ctx: EngineContext,
  rt: AccountRuntime,
  kind: string,
  refs: CardRef[],
  read: (refs: CardRef[]) => Promise<BatchResult<T>>,
  rounds = CARD_RETRY.attempts,
): Promise<BatchResult<T>> {
  let result = await readSplitting(ctx, rt, kind, refs, read);
  const byIccid = new Map(refs.map((r) => [r.iccid, r]));
  for (let round = 1; round <= rounds; round++) {
    const again = result.failures.filter((f) => f.error.retryable && byIccid.has(f.iccid));
    if (!again.length) break;
    for (const f of again) ctx.metrics.retries.inc({ ...rt.labels, kind, reason: `card_${f.error.kind.toLowerCase()}` });
    if (again.some((f) => f.error.kind === 'RATE_LIMITED')) {
      ctx.metrics.rateLimitRejections.inc(rt.labels);
      ctx.limiter.penalize(rt.account.id);
    }
    await ctx.sleep(backoffMs(CARD_RETRY, round));
    const retried = await readSplitting(ctx, rt, kind, again.map((f) => byIccid.get(f.iccid)!), read);
    const retriedIccids = new Set(again.map((f) => f.iccid));
    result = {
      items: [...result.items, ...retried.items],
      failures: [...result.failures.filter((f) => !retriedIccids.has(f.iccid)), ...retried.failures],
    };
  }
  return result;
}
