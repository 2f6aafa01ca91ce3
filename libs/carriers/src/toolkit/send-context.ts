import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpRequest } from '@simgate/core';

/**
 * What the caller of an adapter wants from the carrier requests that adapter makes, without the adapter knowing:
 * - `priority`: requests a console asked for (operations, their confirmations, "sync now") take quota slots ahead
 *   of sweep batches waiting for the same account;
 * - `beforeSend`: called once a request marked `order: true` holds its quota slot and is about to leave (after
 *   the rate limiter, before the bytes go out). The sync engine marks operation items SUBMITTED there, so an item
 *   is recorded as sent only when it really may have been. If it throws, the request is not sent.
 *
 * Carried through `AsyncLocalStorage`, so it follows every `await` of the adapter call it wraps.
 */
export type CallPriority = 'operation' | 'sweep';

export interface SendContext {
  priority?: CallPriority;
  beforeSend?: (req: HttpRequest) => Promise<void>;
}

const storage = new AsyncLocalStorage<SendContext>();

/** Runs `fn` with `ctx` merged over the context already in effect. */
export function withSendContext<T>(ctx: SendContext, fn: () => Promise<T>): Promise<T> {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

/** The context of the current call, if any. */
export function sendContext(): SendContext | undefined {
  return storage.getStore();
}
