import { isCarrierError, type BatchResult, type CardRef, type CarrierError } from '@simgate/core';

/**
 * Reads cards one request at a time (platforms without batch reads). A refusal about one card (`isPerCard`)
 * or a passing fault on its own request is that card's failure — the sync engine re-reads failed cards
 * alone; any other error (rate limit, expired auth, unreachable host) fails the whole call.
 */
export async function readPerCard<T>(
  refs: readonly CardRef[],
  read: (ref: CardRef) => Promise<T>,
  isPerCard: (e: CarrierError) => boolean,
): Promise<BatchResult<T>> {
  const out: BatchResult<T> = { items: [], failures: [] };
  for (const ref of refs) {
    try {
      out.items.push(await read(ref));
    } catch (e) {
      if (isCarrierError(e) && (isPerCard(e) || e.kind === 'TRANSIENT')) out.failures.push({ iccid: ref.iccid, error: e });
      else throw e;
    }
  }
  return out;
}
