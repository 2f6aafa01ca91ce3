import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import fc from 'fast-check';
import type Nock from 'nock';
import { isCarrierError, type CardRef, type CarrierAdapter, type DailyUsage, type HttpPort } from '@simgate/core';

/**
 * What the carrier adapters' specs share: nock for the file (no real network, interceptors cleared after each
 * test, nock undone when the file is done so later files of the same Jest worker get real sockets), the error
 * a promise rejects with, and the fuzz helpers of the mapper specs (any answer → a valid value or a typed
 * CarrierError).
 */

/**
 * Call at the top of a spec file that answers with nock, passing the file's own import: this module does not
 * load nock (loading it turns interception on for the whole Jest worker).
 */
export function useNock(nock: typeof Nock): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Runs `f`; a CarrierError passes, any other throw fails the property, a value must pass `valid`. */
export function typedOrValid<T>(f: () => T, valid: (v: T) => void): boolean {
  let v: T;
  try {
    v = f();
  } catch (e) {
    if (isCarrierError(e)) return true;
    throw e;
  }
  valid(v);
  return true;
}

export function validDaily(d: DailyUsage[]): void {
  for (const x of d) {
    expect(x.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isSafeInteger(x.usedBytes) && x.usedBytes >= 0).toBe(true);
  }
}

/** Any JSON-ish value, the platform's typical `texts` included. */
export function anyValueWith(texts: readonly string[]): fc.Arbitrary<unknown> {
  const anyText = fc.oneof(fc.string(), fc.fullUnicodeString(), fc.constantFrom(...texts));
  return fc.oneof(anyText, fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
}

/** A field that may be absent. */
export const field = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

export interface AdapterFuzz {
  /** The adapter under test, on an HTTP port that answers from the generated list. */
  connect: (http: HttpPort) => CarrierAdapter;
  /** One answer of the carrier. */
  answer: fc.Arbitrary<{ status: number; body: string }>;
  /** Answers generated per run (they are served in turn, round and round). */
  answers: number;
  /** Headers of every answer. */
  headers?: Record<string, string>;
  /** The calls, one picked per run. */
  calls: ((a: CarrierAdapter) => Promise<unknown>)[];
}

/** Any answers to any adapter call → a result or a typed CarrierError, never another throw. */
export async function fuzzAdapterCalls(f: AdapterFuzz, numRuns = 300): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(f.answer, { minLength: f.answers, maxLength: f.answers }), fc.nat(f.calls.length - 1), async (answers, which) => {
      let i = 0;
      const http: HttpPort = {
        send: async () => {
          const a = answers[i++ % answers.length];
          return { status: a.status, headers: { ...f.headers }, body: a.body };
        },
      };
      try {
        await f.calls[which](f.connect(http));
      } catch (e) {
        if (!isCarrierError(e)) throw e;
      }
    }),
    { numRuns },
  );
}

/** The read calls every adapter serves, for `fuzzAdapterCalls`: inventory, cards, usage, daily usage `days`, the cycle `label`. */
export function readCalls(ref: CardRef, at: Date, days: [string, string], label: string): ((a: CarrierAdapter) => Promise<unknown>)[] {
  return [
    (a) => a.listCards(null, null, at),
    (a) => a.fetchCards([ref], at),
    (a) => a.fetchUsage([ref], at),
    (a) => a.fetchDailyUsage(ref, days[0], days[1], at),
    (a) => a.fetchCycleUsage!([ref], label, at),
  ];
}
