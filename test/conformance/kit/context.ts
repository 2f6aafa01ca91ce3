import { afterAll, beforeAll } from '@jest/globals';
import { CardStatus, isCarrierError, type AdapterManifest, type CardRef, type CarrierAccountConfig, type CarrierAdapter, type CarrierErrorKind } from '@simgate/core';
import { CarrierHttp, CarrierRegistry, discoverPlatforms } from '@simgate/carriers';
import { serve, SimClock, type ControlledSimulator, type ServedSimulator } from '@simgate/mocks';
import type { ConformanceFixture, ExpectedCard } from './fixture';
import { SimControl } from './sim-control';

/**
 * Per-request timeout of the kit's HTTP layer: the timeout fault costs this long once per platform, and a
 * loaded CI machine (suites in parallel on 2 cores) must not turn slow answers into timeouts.
 */
const KIT_TIMEOUT_MS = 5000;
/** Cards per distinct (raw status, raw case, expected status, reason) read by the mapping check. */
const PER_CASE = 2;
/** The quotas of the simulators are real-time windows; the kit sends no faster than loopback allows, so it lifts them (rate limits are forced instead). */
const QUOTA_FACTOR = 1000;

export interface ConformanceContext<S extends ControlledSimulator = ControlledSimulator> {
  sim: S;
  served: ServedSimulator;
  control: SimControl;
  clock: SimClock;
  adapter: CarrierAdapter;
  manifest: AdapterManifest;
  account: CarrierAccountConfig;
  expected: Map<string, ExpectedCard>;
}

/** What every feature group of the kit works with: the live context, the fixture and the card pickers. */
export interface Kit<S extends ControlledSimulator = ControlledSimulator> {
  platformId: string;
  fixture: ConformanceFixture<S>;
  ctx: ConformanceContext<S>;
  /** The simulator clock's now. */
  at(): Date;
  /** `sampleCases` of the expected fleet. */
  sample(): ExpectedCard[];
  /** Up to `n` ACTIVE cards of the sample. */
  activeCards(n: number): CardRef[];
  /** An ACTIVE card of the sample, or any card of it. */
  anyCard(): CardRef;
}

/** Resolves a promise's rejection into its carrier-error kind ('(not a CarrierError) …' otherwise). */
export async function kindOf(p: Promise<unknown>): Promise<CarrierErrorKind | 'RESOLVED' | string> {
  try {
    await p;
    return 'RESOLVED';
  } catch (err) {
    return errorKind(err);
  }
}

/** The carrier-error kind of a thrown value, or a '(not a CarrierError) …' description of it. */
export function errorKind(err: unknown): string {
  return isCarrierError(err) ? err.kind : `(not a CarrierError) ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}

/** Picks up to `PER_CASE` cards of every distinct case, so every raw status and reason of the fleet is read. */
export function sampleCases(cards: readonly ExpectedCard[], perCase = PER_CASE): ExpectedCard[] {
  const byCase = new Map<string, ExpectedCard[]>();
  for (const c of cards) {
    const key = `${c.rawStatus}|${c.rawCase ?? ''}|${c.status}|${c.suspendReason ?? ''}`;
    const list = byCase.get(key) ?? [];
    if (list.length < perCase) list.push(c);
    byCase.set(key, list);
  }
  return [...byCase.values()].flat();
}

export const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Registers the hooks that serve the fixture's simulator on loopback and connect the REAL adapter (from the
 * registry, over a real `CarrierHttp`) to its account; returns the kit the feature groups share.
 */
export function setUpKit<S extends ControlledSimulator>(platformId: string, fixture: ConformanceFixture<S>): Kit<S> {
  const ctx = {} as ConformanceContext<S>;
  const sample = (): ExpectedCard[] => sampleCases([...ctx.expected.values()]);
  const kit: Kit<S> = {
    platformId,
    fixture,
    ctx,
    at: () => ctx.clock.now(),
    sample,
    activeCards: (n) =>
      sample()
        .filter((c) => c.status === CardStatus.ACTIVE)
        .slice(0, n)
        .map((c) => c.ref),
    anyCard: () => (sample().find((e) => e.status === CardStatus.ACTIVE) ?? sample()[0]).ref,
  };

  beforeAll(async () => {
    ctx.clock = SimClock.fixed(fixture.start);
    ctx.sim = fixture.createSimulator({
      cards: fixture.cards,
      seed: fixture.seed,
      clock: ctx.clock,
      orderDelayMs: fixture.orderDelayMs,
      quotaFactor: QUOTA_FACTOR,
    });
    ctx.served = await serve(ctx.sim);
    ctx.control = new SimControl(ctx.served.origin);
    const entry = ctx.sim.accountEntry(ctx.served.origin) as unknown as CarrierAccountConfig;
    const options = fixture.accountOptions?.(ctx.sim);
    ctx.account = { ...entry, ...(options ? { options: { ...(entry.options ?? {}), ...options } } : {}) };
    const platform = new CarrierRegistry(discoverPlatforms()).get(platformId);
    ctx.manifest = platform.manifest;
    const http = new CarrierHttp({ platform: platformId, secrets: Object.values(ctx.account.credentials), timeoutMs: KIT_TIMEOUT_MS });
    ctx.adapter = platform.connect(ctx.account, { http, now: () => ctx.clock.now() });
    ctx.expected = new Map(fixture.expectedCards(ctx.sim).map((c) => [c.ref.iccid, c]));
  });

  afterAll(async () => {
    await ctx.served?.close();
  });

  return kit;
}
