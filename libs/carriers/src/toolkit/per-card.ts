import { isCarrierError, Transient, type BatchResult, type CardRef, type CarrierError } from '@simgate/core';

/** Thrown inside a per-card read to record a failure of that card (e.g. a malformed answer about it) and go on. */
export class CardFailure extends Error {
  constructor(readonly error: CarrierError) {
    super(error.message);
  }
}

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: CarrierError };

export interface EachCardOptions {
  /** Requests in flight at once (default 1: one card after the other). */
  concurrency?: number;
  /**
   * Whether a refusal (`Rejected`) concerns the card alone. Default: every refusal does. Platforms whose table
   * marks card-scoped codes pass `cardScoped(errorTable)`: other refusals (bad credentials) fail the whole call.
   */
  refusalIsCards?: (e: CarrierError) => boolean;
}

/** The error that is one card's failure, or null when it must fail the whole call. */
function cardFailureOf(err: unknown, refusalIsCards: (e: CarrierError) => boolean): CarrierError | null {
  if (err instanceof CardFailure) return err.error;
  if (!isCarrierError(err)) return null;
  if (err.kind === 'TRANSIENT') return err;
  if (err.kind === 'REJECTED' && refusalIsCards(err)) return err;
  return null;
}

/**
 * Runs `fn` for each item, at most `concurrency` in flight. A passing fault (5xx, timeout, malformed answer),
 * a `CardFailure` or a card-scoped refusal is that item's outcome: the sync engine re-reads failed cards alone.
 * Any other error (rate limit, expired auth, unreachable host) stops launching requests and is thrown once
 * the ones in flight settle: the engine retries the whole call.
 */
export async function eachCard<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, opts: EachCardOptions = {}): Promise<Outcome<R>[]> {
  const refusalIsCards = opts.refusalIsCards ?? (() => true);
  const out: Outcome<R>[] = new Array(items.length);
  let next = 0;
  let abort: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (abort === null && next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i]) };
      } catch (err) {
        const failure = cardFailureOf(err, refusalIsCards);
        if (failure) out[i] = { ok: false, error: failure };
        else if (abort === null) abort = { error: err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 1, items.length)) }, worker));
  if (abort !== null) throw (abort as { error: unknown }).error;
  return out;
}

/** Reads cards one request (or a few) per card, for platforms without batch reads: `eachCard` into a `BatchResult`. */
export async function readPerCard<T>(
  refs: readonly CardRef[],
  read: (ref: CardRef) => Promise<T>,
  opts: EachCardOptions = {},
): Promise<BatchResult<T>> {
  const outcomes = await eachCard(refs, read, opts);
  const out: BatchResult<T> = { items: [], failures: [] };
  outcomes.forEach((o, i) => {
    if (o.ok) out.items.push(o.value);
    else out.failures.push({ iccid: refs[i].iccid, error: o.error });
  });
  return out;
}

/** Mapping a card's answers: a failure there is that card's (`Transient` when the mapper threw something else). */
export function mapped<T>(platform: string, label: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new CardFailure(mappingFailure(platform, label, err));
  }
}

/** Any error of a mapper as a carrier error: carrier errors as they are, anything else `Transient`. */
export function mappingFailure(platform: string, label: string, err: unknown): CarrierError {
  if (isCarrierError(err)) return err;
  return new Transient(`${label}: could not map the answer (${err instanceof Error ? err.message : String(err)})`, { platform });
}

/** Splits `items` into chunks of at most `size` (a batch call's limit). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The refs once each, first occurrence kept (a batch names each card once). */
export function uniqueRefs(refs: readonly CardRef[]): CardRef[] {
  const seen = new Map<string, CardRef>();
  for (const r of refs) if (!seen.has(r.iccid)) seen.set(r.iccid, r);
  return [...seen.values()];
}

/** The ref of `iccid` among `refs` (its hints and MSISDN), or a bare ref. */
export function refFor(refs: readonly CardRef[], iccid: string): CardRef {
  return refs.find((r) => r.iccid === iccid) ?? { iccid };
}
