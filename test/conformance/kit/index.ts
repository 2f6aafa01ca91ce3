import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CardStatus,
  carriesReason,
  isCarrierError,
  OperationState,
  OperationType,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierAccountConfig,
  type CarrierAdapter,
  type CarrierErrorKind,
  type Cursor,
  type InventoryPage,
  type UsageSnapshot,
} from '@simgate/core';
import { serve, SimClock, type ControlledSimulator, type ServedSimulator } from '@simgate/mocks';
import { DateTime } from 'luxon';
import { CarrierHttp } from '../http/carrier-http';
import { CarrierRegistry, discoverPlatforms } from '../registry';
import type { ConformanceFixture, ExpectedCard } from './fixture';
import { SimControl } from './sim-control';

export type { ConformanceFixture, ExpectedCard, OperationCase, CycleFact } from './fixture';
export { SimControl } from './sim-control';

/**
 * The conformance kit: one suite every adapter passes against its simulator over real HTTP on loopback.
 * It knows no platform. The REAL adapter comes from the registry and speaks through a real `CarrierHttp`;
 * the simulator is driven only through its control API (`/_sim/…`). What is asserted comes from the
 * manifest and the core contract, plus the registration's fixture (expectations derived from the
 * simulator's published fleet facts by carriers.md §5). A test is skipped only where the manifest
 * declares the capability missing (and then the adapter must answer `NotSupported`), or where the
 * fixture states that carriers.md gives the platform no token to expire.
 */

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

/** Resolves a promise's rejection into its carrier-error kind ('(not a CarrierError) …' otherwise). */
async function kindOf(p: Promise<unknown>): Promise<CarrierErrorKind | 'RESOLVED' | string> {
  try {
    await p;
    return 'RESOLVED';
  } catch (err) {
    return isCarrierError(err) ? err.kind : `(not a CarrierError) ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
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

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export function describeConformance<S extends ControlledSimulator>(platformId: string, fixture: ConformanceFixture<S>): void {
  describe(`conformance: ${platformId}`, () => {
    // Paging a whole fleet at the carrier's quota (Jasper: one request in flight) takes a while on a loaded machine.
    jest.setTimeout(120_000);
    const ctx = {} as ConformanceContext<S>;
    const at = (): Date => ctx.clock.now();
    const sample = (): ExpectedCard[] => sampleCases([...ctx.expected.values()]);
    const activeCards = (n: number): CardRef[] =>
      sample()
        .filter((c) => c.status === CardStatus.ACTIVE)
        .slice(0, n)
        .map((c) => c.ref);
    const anyCard = (): CardRef => {
      const c = sample().find((e) => e.status === CardStatus.ACTIVE) ?? sample()[0];
      return c.ref;
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

    // ------------------------------------------------------------------------------------------ manifest

    describe('manifest', () => {
      it('is registered under its id and connects to the account of the served simulator', () => {
        expect(ctx.manifest.id).toBe(platformId);
        expect(ctx.adapter.manifest.id).toBe(platformId);
        expect(ctx.adapter.account.platform).toBe(platformId);
      });

      it("declares carriers.md's billing cycle and zone", () => {
        const c = ctx.manifest.billingCycle;
        expect(c.zone).toBe(fixture.cycle.zone);
        if (fixture.cycle.startDay === 1) expect(c.kind).toBe('NATURAL_MONTH');
        else expect(c).toEqual({ kind: 'MONTH_DAY', startDay: fixture.cycle.startDay, zone: fixture.cycle.zone });
        expect(ctx.manifest.zone).toBe(fixture.cycle.zone);
      });

      it('names an operation case for every operation it supports, and only those', () => {
        const covered = [...new Set(fixture.operations(ctx.sim).map((o) => o.type))].sort();
        expect(covered).toEqual([...ctx.manifest.capabilities.operations].sort());
      });
    });

    // ------------------------------------------------------------------------------------------ inventory

    describe('inventory', () => {
      const listAll = async (since: string | null): Promise<{ pages: InventoryPage[]; cards: CardRecord[] }> => {
        const pages: InventoryPage[] = [];
        const maxPages = Math.ceil(fixture.cards / Math.max(1, ctx.manifest.batchSizes.inventoryPage)) + 10;
        let cursor: Cursor | null = null;
        do {
          const page: InventoryPage = await ctx.adapter.listCards(cursor, since, at());
          pages.push(page);
          cursor = page.next;
          if (pages.length > maxPages) throw new Error(`listing did not end after ${maxPages} pages`);
        } while (cursor !== null);
        return { pages, cards: pages.flatMap((p) => p.cards) };
      };

      it('lists the whole inventory, page by page to the end (or says NotSupported for IMPORTED)', async () => {
        const mode = ctx.manifest.capabilities.inventory;
        if (mode === 'IMPORTED') {
          expect(await kindOf(ctx.adapter.listCards(null, null, at()))).toBe('NOT_SUPPORTED');
          return;
        }
        const { pages, cards } = await listAll(null);
        expect(pages.flatMap((p) => p.failures ?? [])).toEqual([]);
        const iccids = [...new Set(cards.map((c) => c.iccid))];
        expect(iccids.length).toBe(fixture.fleetIccids(ctx.sim).length);
        expect(sameSet(iccids, fixture.fleetIccids(ctx.sim))).toBe(true);
        const wrongRaw = cards
          .filter((c) => ctx.expected.has(c.iccid) && ctx.expected.get(c.iccid)!.rawStatus !== c.rawStatus)
          .map((c) => `${c.iccid}: listed ${c.rawStatus}, simulator says ${ctx.expected.get(c.iccid)!.rawStatus}`);
        expect(wrongRaw).toEqual([]);
        if (mode === 'MODIFIED_SINCE') {
          const last = pages[pages.length - 1];
          expect(typeof last.highWaterMark).toBe('string');
          expect(Number.isNaN(Date.parse(last.highWaterMark!))).toBe(false);
          // The next increment from the stored mark also runs to its end and lists only known cards.
          const again = await listAll(last.highWaterMark!);
          const fleet = new Set(fixture.fleetIccids(ctx.sim));
          expect(again.cards.filter((c) => !fleet.has(c.iccid))).toEqual([]);
          expect(again.cards.length).toBeLessThan(cards.length);
        }
      });

      it('resolves the imported order list with fetchCards (IMPORTED only)', async () => {
        if (ctx.manifest.capabilities.inventory !== 'IMPORTED') {
          expect(fixture.importedRefs).toBeUndefined();
          return;
        }
        const refs = fixture.importedRefs!(ctx.sim);
        expect(sameSet(refs.map((r) => r.iccid), fixture.fleetIccids(ctx.sim))).toBe(true);
        const items: CardRecord[] = [];
        for (const group of chunks(refs, ctx.manifest.batchSizes.status)) {
          const res = await ctx.adapter.fetchCards(group, at());
          expect(res.failures).toEqual([]);
          items.push(...res.items);
        }
        expect(sameSet(items.map((c) => c.iccid), refs.map((r) => r.iccid))).toBe(true);
      });
    });

    // ------------------------------------------------------------------------------------------ cards

    describe('cards', () => {
      it('maps every raw status and reason of the fleet as carriers.md §5 says', async () => {
        const cases = sample();
        const got = new Map<string, CardRecord>();
        const failures: BatchResult<CardRecord>['failures'] = [];
        for (const group of chunks(cases, ctx.manifest.batchSizes.status)) {
          const res = await ctx.adapter.fetchCards(
            group.map((c) => c.ref),
            at(),
          );
          for (const r of res.items) got.set(r.iccid, r);
          failures.push(...res.failures);
        }
        expect(failures.map((f) => `${f.iccid}: ${f.error.message}`)).toEqual([]);
        const wrong: string[] = [];
        for (const c of cases) {
          const r = got.get(c.ref.iccid);
          const label = `${c.ref.iccid} raw ${c.rawStatus}${c.rawCase ? ` (${c.rawCase})` : ''}`;
          if (!r) {
            wrong.push(`${label}: missing from the answer`);
            continue;
          }
          if (r.rawStatus !== c.rawStatus) wrong.push(`${label}: rawStatus ${r.rawStatus}`);
          if (r.status !== c.status || r.suspendReason !== c.suspendReason) {
            wrong.push(`${label}: got ${r.status}/${r.suspendReason ?? '-'}, carriers.md says ${c.status}/${c.suspendReason ?? '-'}`);
          }
          if (c.suspendReasons && !sameSet(r.suspendReasons, c.suspendReasons)) {
            wrong.push(`${label}: reasons [${r.suspendReasons.join(',')}], carriers.md says [${c.suspendReasons.join(',')}]`);
          }
          if (carriesReason(r.status) !== (r.suspendReason !== null)) wrong.push(`${label}: reason ${r.suspendReason} with status ${r.status}`);
          if (r.suspendReason !== null && !r.suspendReasons.includes(r.suspendReason)) wrong.push(`${label}: primary reason not among the reasons`);
          if (!(r.asOf instanceof Date) || Number.isNaN(r.asOf.getTime())) wrong.push(`${label}: asOf is not a date`);
        }
        expect(wrong).toEqual([]);
        // The sample really spans the fleet's variety (a fleet of one kind would prove little).
        expect(new Set(cases.map((c) => `${c.status}/${c.suspendReason}`)).size).toBeGreaterThanOrEqual(3);
      });

      it('answers unknown cards with per-card Rejected failures, the known ones still read', async () => {
        const known = anyCard();
        const unknown = fixture.unknownIccids(ctx.sim);
        expect(unknown.length).toBeGreaterThan(0);
        const res = await ctx.adapter.fetchCards([known, ...unknown.map((iccid) => ({ iccid }))], at());
        expect(res.items.map((r) => r.iccid)).toEqual([known.iccid]);
        expect(res.failures.map((f) => f.iccid).sort()).toEqual([...unknown].sort());
        for (const f of res.failures) expect(f.error.kind).toBe('REJECTED');
      });

      it('answers unknown cards in a usage read with per-card failures', async () => {
        const known = activeCards(1)[0] ?? anyCard();
        const unknown = fixture.unknownIccids(ctx.sim);
        const res = await ctx.adapter.fetchUsage([known, ...unknown.map((iccid) => ({ iccid }))], at());
        expect(res.items.map((r) => r.iccid)).toEqual([known.iccid]);
        expect(res.failures.map((f) => f.iccid).sort()).toEqual([...unknown].sort());
        for (const f of res.failures) expect(f.error.kind).toBe('REJECTED');
      });
    });

    // ------------------------------------------------------------------------------------------ usage

    describe('usage', () => {
      const checkCycle = (s: UsageSnapshot, when: Date): string[] => {
        const wrong: string[] = [];
        const start = DateTime.fromJSDate(s.cycleStart, { zone: fixture.cycle.zone });
        const end = DateTime.fromJSDate(s.cycleEnd, { zone: fixture.cycle.zone });
        if (start.day !== fixture.cycle.startDay || start.hour || start.minute || start.second || start.millisecond) {
          wrong.push(`${s.iccid}: cycle starts ${start.toISO()}, not day ${fixture.cycle.startDay} 00:00 ${fixture.cycle.zone}`);
        }
        if (+start.plus({ months: 1 }).toJSDate() !== +s.cycleEnd) wrong.push(`${s.iccid}: cycle ends ${end.toISO()}, not a month after its start`);
        if (!(s.cycleStart.getTime() <= when.getTime() && when.getTime() < s.cycleEnd.getTime())) {
          wrong.push(`${s.iccid}: cycle ${start.toISO()}..${end.toISO()} does not contain ${when.toISOString()}`);
        }
        return wrong;
      };

      it('gives integer bytes in the platform cycle containing now', async () => {
        const refs = activeCards(Math.min(6, ctx.manifest.batchSizes.usage * 6));
        expect(refs.length).toBeGreaterThan(0);
        const when = at();
        const items: UsageSnapshot[] = [];
        for (const group of chunks(refs, ctx.manifest.batchSizes.usage)) {
          const res = await ctx.adapter.fetchUsage(group, when);
          expect(res.failures.map((f) => `${f.iccid}: ${f.error.message}`)).toEqual([]);
          items.push(...res.items);
        }
        expect(sameSet(items.map((s) => s.iccid), refs.map((r) => r.iccid))).toBe(true);
        const wrong: string[] = [];
        for (const s of items) {
          if (!Number.isInteger(s.usedBytes) || s.usedBytes < 0) wrong.push(`${s.iccid}: usedBytes ${s.usedBytes}`);
          if (s.quotaBytes !== null && (!Number.isInteger(s.quotaBytes) || s.quotaBytes < 0)) wrong.push(`${s.iccid}: quotaBytes ${s.quotaBytes}`);
          // A monthly plan leaves quota − used; a lifetime plan (1NCE) leaves what the carrier says is left of it
          // (carriers.md §5). Either way: known only with a quota, an integer, never above the quota.
          if (
            s.quotaBytes === null
              ? s.remainingBytes !== null
              : s.remainingBytes === null || !Number.isInteger(s.remainingBytes) || s.remainingBytes > s.quotaBytes
          ) {
            wrong.push(`${s.iccid}: remaining ${s.remainingBytes} with quota ${s.quotaBytes} and used ${s.usedBytes}`);
          }
          wrong.push(...checkCycle(s, when));
          const exp = fixture.expectedUsedBytes?.(ctx.sim, s.iccid);
          if (exp && Math.abs(s.usedBytes - exp.bytes) > exp.toleranceBytes) {
            wrong.push(`${s.iccid}: usedBytes ${s.usedBytes}, the simulator says ${exp.bytes} (±${exp.toleranceBytes})`);
          }
        }
        expect(wrong).toEqual([]);
        expect(items.some((s) => s.usedBytes > 0)).toBe(true);
      });

      it('serves daily usage in the platform zone (or says NotSupported)', async () => {
        const ref = activeCards(1)[0];
        const zone = fixture.cycle.zone;
        const today = DateTime.fromJSDate(at(), { zone }).startOf('day');
        const from = today.minus({ days: 3 }).toFormat('yyyy-MM-dd');
        const to = today.minus({ days: 1 }).toFormat('yyyy-MM-dd');
        if (!ctx.manifest.capabilities.dailyUsage) {
          expect(await kindOf(ctx.adapter.fetchDailyUsage(ref, from, to, at()))).toBe('NOT_SUPPORTED');
          return;
        }
        expect(ctx.manifest.capabilities.dailyUsageDays).toBeGreaterThanOrEqual(3);
        const days = await ctx.adapter.fetchDailyUsage(ref, from, to, at());
        expect(days.length).toBeGreaterThan(0);
        const seen = new Set<string>();
        for (const d of days) {
          expect(d.iccid).toBe(ref.iccid);
          expect(d.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(d.day >= from && d.day <= to).toBe(true);
          expect(Number.isInteger(d.usedBytes) && d.usedBytes >= 0).toBe(true);
          expect(seen.has(d.day)).toBe(false);
          seen.add(d.day);
        }
        if (ctx.adapter.fetchDailyUsageBatch) {
          const refs = activeCards(3);
          const res = await ctx.adapter.fetchDailyUsageBatch(refs, to, at());
          expect(res.failures).toEqual([]);
          expect(sameSet(res.items.map((d) => d.iccid), refs.map((r) => r.iccid))).toBe(true);
          for (const d of res.items) expect(d.day).toBe(to);
          const same = res.items.find((d) => d.iccid === ref.iccid);
          if (same) expect(same.usedBytes).toBe(days.find((d) => d.day === to)?.usedBytes);
        }
      });
    });

    // ------------------------------------------------------------------------------------------ pools

    describe('pools', () => {
      it('lists pools and pages their members to the end (or says NotSupported)', async () => {
        if (!ctx.manifest.capabilities.pools) {
          expect(await kindOf(ctx.adapter.listPools(at()))).toBe('NOT_SUPPORTED');
          expect(await kindOf(ctx.adapter.listPoolMembers('any', null, at()))).toBe('NOT_SUPPORTED');
          return;
        }
        const wanted = fixture.poolIds?.(ctx.sim) ?? [];
        expect(wanted.length).toBeGreaterThan(0);
        const pools = await ctx.adapter.listPools(at());
        expect(pools.map((p) => p.poolId).sort()).toEqual([...wanted].sort());
        const fleet = new Set(fixture.fleetIccids(ctx.sim));
        for (const p of pools) {
          expect(Number.isInteger(p.usedBytes) && p.usedBytes >= 0).toBe(true);
          if (p.totalBytes !== null && p.remainingBytes !== null) expect(p.remainingBytes).toBe(p.totalBytes - p.usedBytes);
          const members: string[] = [];
          let cursor: Cursor | null = null;
          let pages = 0;
          do {
            const page = await ctx.adapter.listPoolMembers(p.poolId, cursor, at());
            members.push(...page.iccids);
            cursor = page.next;
            expect(++pages).toBeLessThan(1000);
          } while (cursor !== null);
          expect(new Set(members).size).toBe(members.length);
          expect(members.filter((m) => !fleet.has(m))).toEqual([]);
          if (p.memberCount !== null) expect(members.length).toBe(p.memberCount);
        }
      });
    });

    // ------------------------------------------------------------------------------------------ faults

    describe('faults', () => {
      /** Two consecutive steps of a sync: two inventory pages, or two status batches. */
      const syncSteps = (): Array<() => Promise<unknown>> => {
        const mode = ctx.manifest.capabilities.inventory;
        if (mode !== 'IMPORTED') {
          let cursor: Cursor | null = null;
          return [
            async () => {
              const p = await ctx.adapter.listCards(null, null, at());
              cursor = p.next;
              return p;
            },
            async () => ctx.adapter.listCards(cursor, null, at()),
          ];
        }
        const refs = sample().map((c) => c.ref);
        const [a, b] = [refs.slice(0, 2), refs.slice(2, 4)];
        return [async () => ctx.adapter.fetchCards(a, at()), async () => ctx.adapter.fetchCards(b, at())];
      };

      /** A read, whichever of the reads every platform has. */
      const reads = (): Record<string, () => Promise<unknown>> => {
        const card = anyCard();
        const active = activeCards(1)[0] ?? card;
        const out: Record<string, () => Promise<unknown>> = {
          fetchCards: () => ctx.adapter.fetchCards([card], at()),
          fetchUsage: () => ctx.adapter.fetchUsage([active], at()),
        };
        if (ctx.manifest.capabilities.inventory !== 'IMPORTED') out.listCards = () => ctx.adapter.listCards(null, null, at());
        return out;
      };

      /**
       * The outcome of a read under a fault: the kind it threw, or — for batch reads that keep going — the
       * kind of its per-card failures; 'RESOLVED' when it succeeded untouched.
       */
      const outcome = async (read: () => Promise<unknown>): Promise<string> => {
        try {
          const r = (await read()) as Partial<BatchResult<unknown>> & Partial<InventoryPage>;
          const failures = r?.failures ?? [];
          if (failures.length) return [...new Set(failures.map((f) => f.error.kind))].join(',');
          return 'RESOLVED';
        } catch (err) {
          return isCarrierError(err) ? err.kind : `(not a CarrierError) ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
        }
      };

      afterEach(async () => {
        await ctx.control.resetFaults();
      });

      const tokenTest = fixture.auth.kind === 'token' ? it : it.skip;
      tokenTest(
        `token expiry in the middle of a sync: the adapter fetches a new token and sends the call again itself${fixture.auth.kind === 'static' ? ` (no token: ${fixture.auth.why})` : ''}`,
        async () => {
          const [first, second] = syncSteps();
          await first();
          await ctx.control.force('expireTokens');
          let authExpired = 0;
          let done = false;
          for (let attempt = 0; attempt < 3 && !done; attempt++) {
            try {
              await second();
              done = true;
            } catch (err) {
              if (isCarrierError(err) && err.kind === 'AUTH_EXPIRED') authExpired++;
              else throw err;
            }
          }
          expect(done).toBe(true);
          expect(authExpired).toBe(0);
        },
      );

      it('classifies the platform rate-limit answer as RateLimited, and the next call works', async () => {
        for (const [name, read] of Object.entries(reads())) {
          await ctx.control.force('rateLimit');
          expect(`${name}: ${await outcome(read)}`).toBe(`${name}: RATE_LIMITED`);
          expect(`${name}: ${await outcome(read)}`).toBe(`${name}: RESOLVED`);
        }
      });

      it('classifies 5xx answers as Transient', async () => {
        for (const [name, read] of Object.entries(reads())) {
          await ctx.control.force('serverError');
          expect(`${name}: ${await outcome(read)}`).toBe(`${name}: TRANSIENT`);
        }
      });

      it('classifies a timeout (no answer) as Transient', async () => {
        await ctx.control.force('timeout');
        expect(await outcome(reads().fetchCards)).toBe('TRANSIENT');
      });

      it('classifies malformed bodies as Transient, never another throw', async () => {
        for (const [name, read] of Object.entries(reads())) {
          await ctx.control.force('malformed');
          expect(`${name}: ${await outcome(read)}`).toBe(`${name}: TRANSIENT`);
        }
      });

      it('classifies truncated bodies as Transient, never another throw', async () => {
        for (const [name, read] of Object.entries(reads())) {
          await ctx.control.force('truncated');
          expect(`${name}: ${await outcome(read)}`).toBe(`${name}: TRANSIENT`);
        }
      });
    });

    // ------------------------------------------------------------------------------------------ operations

    describe('operations', () => {
      it('walks every supported operation: submit → SUBMITTED → (order delay) → COMPLETED, and the card changed', async () => {
        const cases = fixture.operations(ctx.sim);
        const log: string[] = [];
        for (const op of cases) {
          const name = `${op.type} ${op.ref.iccid}`;
          const order = { type: op.type, iccids: [op.ref.iccid], params: op.params ?? {}, idempotencyKey: `conformance-${op.type}-${op.ref.iccid}` };
          const submittedAt = at();
          const receipt = await ctx.adapter.submit(order, [op.ref], submittedAt);
          expect(receipt.type).toBe(op.type);
          expect(receipt.iccids).toEqual([op.ref.iccid]);
          expect(receipt.deadline.getTime()).toBeGreaterThan(submittedAt.getTime());
          const before = await ctx.adapter.progress(receipt, [op.ref], at());
          if (op.statusAfter !== null) {
            // The change is asynchronous: nothing is done before the carrier's order delay has passed.
            expect(`${name}: ${before.state}`).toBe(`${name}: ${OperationState.SUBMITTED}`);
            const still = await ctx.adapter.fetchCards([op.ref], at());
            expect(still.items[0]?.status).not.toBe(op.statusAfter);
          } else {
            expect([OperationState.SUBMITTED, OperationState.COMPLETED]).toContain(before.state);
          }
          await ctx.control.advance(fixture.orderDelayMs + 60_000);
          const after = await ctx.adapter.progress(receipt, [op.ref], at());
          expect(`${name}: ${after.state}`).toBe(`${name}: ${OperationState.COMPLETED}`);
          expect(after.items.map((i) => i.state)).toEqual([OperationState.COMPLETED]);
          if (op.statusAfter !== null) {
            const read = await ctx.adapter.fetchCards([op.ref], at());
            expect(`${name}: ${read.items[0]?.status}`).toBe(`${name}: ${op.statusAfter}`);
          }
          log.push(name);
        }
        expect(log.length).toBe(cases.length);
      });

      it('refuses the operations the manifest does not list with NotSupported', async () => {
        const supported = new Set(ctx.manifest.capabilities.operations);
        const ref = anyCard();
        const params = { imei: '356938035643809', capMb: 100 };
        for (const type of Object.values(OperationType)) {
          if (supported.has(type)) continue;
          const order = { type, iccids: [ref.iccid], params, idempotencyKey: `conformance-unsupported-${type}` };
          expect(`${type}: ${await kindOf(ctx.adapter.submit(order, [ref], at()))}`).toBe(`${type}: NOT_SUPPORTED`);
        }
      });
    });

    // ------------------------------------------------------------------------------------------ cycle boundary

    describe('cycle boundary', () => {
      it("resets usage at the platform's cycle boundary, in its zone", async () => {
        const refs = activeCards(4);
        const first = await ctx.adapter.fetchUsage(refs, at());
        const end = first.items[0].cycleEnd;
        await ctx.control.setClock(new Date(end.getTime() - 3600_000));
        const before = await ctx.adapter.fetchUsage(refs, at());
        await ctx.control.setClock(new Date(end.getTime() + 3600_000));
        const after = await ctx.adapter.fetchUsage(refs, at());
        expect(before.failures).toEqual([]);
        expect(after.failures).toEqual([]);
        for (const s of before.items) expect(s.cycleEnd.getTime()).toBe(end.getTime());
        for (const s of after.items) expect(s.cycleStart.getTime()).toBe(end.getTime());
        const used = (r: BatchResult<UsageSnapshot>): Map<string, number> => new Map(r.items.map((s) => [s.iccid, s.usedBytes]));
        const b = used(before);
        const a = used(after);
        const grew = [...a].filter(([iccid, bytes]) => bytes > (b.get(iccid) ?? 0));
        expect(grew).toEqual([]);
        expect([...a.values()].reduce((x, y) => x + y, 0)).toBeLessThan([...b.values()].reduce((x, y) => x + y, 0));
      });
    });
  });
}
