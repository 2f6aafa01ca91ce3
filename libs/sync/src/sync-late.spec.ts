import { randomBytes } from 'node:crypto';
import { Carrier, type SimgateEvent } from '@simgate/core';
import { SYNC_KINDS, Store } from '@simgate/store';
import { backends, type Backend } from '../../../test/support/backends';
import type { SyncIntervals } from './config/env';
import { SimgateMetrics } from './metrics';
import type { CarrierRuntime } from './runtime';
import { SyncScheduler } from './scheduler';
import type { Logger, SyncEngine } from './sync-engine';
import { SyncLateEvaluator, countCommittedEvents, registerSyncLate } from './sync-late';

/** Polls until `ok` (the timer's evaluation runs in the background). */
async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * sync.late / sync.recovered: the sync delay of an account and kind over its budget (interval × budget factor, as
 * the alert SimgateSyncDelayOverBudget compares them) gives one event, back under it one event, whatever the number
 * of evaluators (processes) running at once.
 */
const T0 = new Date('2026-11-20T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
// Only status has a short budget here (600 s × 3 = 1800 s); the other kinds never go late in these tests.
const DAY = 86_400;
const INTERVALS: SyncIntervals = { inventory: 100 * DAY, status: 600, usage: 100 * DAY, pools: 100 * DAY, orders: 100 * DAY };
const FACTOR = 3;

const runtimeOf = (ids: { id: string; platform: string; pools: boolean }[]) =>
  ({
    all: () => ids.map((a) => ({ account: { id: a.id }, manifest: { capabilities: { pools: a.pools } }, labels: { platform: a.platform, account: a.id } })),
  }) as unknown as Pick<CarrierRuntime, 'all'>;

const CMCC = { id: 'cmcc-main', platform: 'cmcc-onelink', pools: true };
const INTL = { id: 'intl-main', platform: 'intl-1nce', pools: false };

/** Two stores on the same database (two processes): the same store twice on PGlite (one connection). */
async function openPair(backend: Backend): Promise<[Store, Store]> {
  if (backend.name === 'pglite') {
    const s = await backend.open();
    return [s, s];
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const a = await Store.open({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: 4 });
  const b = await Store.open({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: 4 });
  return [a, b];
}

async function feed(store: Store, accountId?: string): Promise<SimgateEvent[]> {
  const page = await store.events.read({ after: null, types: ['sync.late', 'sync.recovered'], accountId: accountId ?? null, limit: 1000 });
  return page.events;
}

describe.each(backends())('sync.late / sync.recovered on $name', (backend) => {
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    [store, other] = await openPair(backend);
    await store.accounts.upsert([
      { id: CMCC.id, platform: CMCC.platform, carrier: Carrier.CMCC, baseUrl: 'http://x/' },
      { id: INTL.id, platform: INTL.platform, carrier: Carrier.OVERSEAS, baseUrl: 'http://y/' },
    ]);
    // Both accounts first appeared at T0.
    await store.db.query(`UPDATE carrier_accounts SET created_at = $1`, [T0]);
  });
  afterAll(async () => {
    await store.close();
    if (other !== store) await other.close();
  });

  it('late once when the delay passes the budget, not again while late, recovered once after a sweep', async () => {
    for (const kind of SYNC_KINDS) await store.checkpoints.save(CMCC.id, kind, { state: 'idle', lastSuccessAt: T0 }, T0);
    const ev = new SyncLateEvaluator(store, runtimeOf([CMCC]), INTERVALS, FACTOR);
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    const off = countCommittedEvents(metrics, store);
    try {
      // At the budget: not over it (the alert compares with >).
      expect(await ev.evaluate(at(1800))).toEqual([]);
      const late = await ev.evaluate(at(1801));
      expect(late).toHaveLength(1);
      expect(late[0]).toEqual({
        type: 'sync.late',
        accountId: CMCC.id,
        subject: 'cmcc-main/status',
        occurredAt: at(1801),
        data: { accountId: CMCC.id, platform: 'cmcc-onelink', kind: 'status', delaySeconds: 1801, budgetSeconds: 1800, lastSuccessAt: T0.toISOString() },
      });
      // Still late: nothing more.
      expect(await ev.evaluate(at(1900))).toEqual([]);
      expect(await ev.evaluate(at(5000))).toEqual([]);
      const rows = await store.db.query<{ kind: string; since: Date }>(`SELECT kind, since FROM sync_late WHERE account_id = $1`, [CMCC.id]);
      expect(rows.rows.map((r) => [r.kind, new Date(r.since).toISOString()])).toEqual([['status', at(1800).toISOString()]]);

      // A sweep started at +4000 s completes: at +5000 s the delay is 1000 s, under budget.
      await store.checkpoints.save(CMCC.id, 'status', { lastSuccessAt: at(4000) }, at(4500));
      const rec = await ev.evaluate(at(5000));
      expect(rec).toEqual([
        {
          type: 'sync.recovered',
          accountId: CMCC.id,
          subject: 'cmcc-main/status',
          occurredAt: at(5000),
          data: { accountId: CMCC.id, platform: 'cmcc-onelink', kind: 'status', delaySeconds: 1000, budgetSeconds: 1800, lateSeconds: 3200 },
        },
      ]);
      expect(await ev.evaluate(at(5001))).toEqual([]);
      expect((await store.db.query(`SELECT 1 FROM sync_late WHERE account_id = $1`, [CMCC.id])).rows).toEqual([]);

      // The feed has exactly the two, and simgate_events_total counted them after their commits.
      const events = await feed(store, CMCC.id);
      expect(events.map((e) => [e.type, e.subject, e.data.kind])).toEqual([
        ['sync.late', 'cmcc-main/status', 'status'],
        ['sync.recovered', 'cmcc-main/status', 'status'],
      ]);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^simgate_events_total\{type="sync.late"\} 1$/m);
      expect(text).toMatch(/^simgate_events_total\{type="sync.recovered"\} 1$/m);

      // Late again later: a new event (each episode is announced).
      const again = await ev.evaluate(at(4000 + 1801));
      expect(again.map((e) => [e.type, e.data.lastSuccessAt])).toEqual([['sync.late', at(4000).toISOString()]]);
    } finally {
      off();
    }
  });

  it('a kind that never succeeded counts from the account’s first appearance (carrier_accounts.created_at); kinds the platform lacks are skipped', async () => {
    const ev = new SyncLateEvaluator(store, runtimeOf([INTL]), INTERVALS, FACTOR);
    expect(await ev.evaluate(at(1799))).toEqual([]);
    const late = await ev.evaluate(at(1810));
    expect(late.map((e) => [e.subject, e.data])).toEqual([
      ['intl-main/status', { accountId: INTL.id, platform: 'intl-1nce', kind: 'status', delaySeconds: 1810, budgetSeconds: 1800, lastSuccessAt: null }],
    ]);
    // No pools on this platform: never evaluated, even far past every budget.
    const much = await ev.evaluate(at(400 * DAY));
    expect(much.map((e) => e.subject).sort()).toEqual(['intl-main/inventory', 'intl-main/orders', 'intl-main/usage']);
    // Its first success (just now) recovers every kind at once.
    for (const kind of SYNC_KINDS) await store.checkpoints.save(INTL.id, kind, { state: 'idle', lastSuccessAt: at(400 * DAY - 10) }, at(400 * DAY));
    const rec = await ev.evaluate(at(400 * DAY));
    expect(rec.map((e) => [e.type, e.subject]).sort()).toEqual([
      ['sync.recovered', 'intl-main/inventory'],
      ['sync.recovered', 'intl-main/orders'],
      ['sync.recovered', 'intl-main/status'],
      ['sync.recovered', 'intl-main/usage'],
    ]);
    expect(rec.find((e) => e.subject === 'intl-main/status')!.data.lateSeconds).toBe(400 * DAY - 1800);
  });

  it('several evaluators at once (two stores, as two processes) write one event per transition', async () => {
    const id = 'race-acc';
    await store.accounts.upsert([{ id, platform: CMCC.platform, carrier: Carrier.CMCC, baseUrl: 'http://r/' }]);
    for (const kind of SYNC_KINDS) await store.checkpoints.save(id, kind, { state: 'idle', lastSuccessAt: T0 }, T0);
    const rt = runtimeOf([{ ...CMCC, id }]);
    const evaluators = [store, other, store, other].map((s) => new SyncLateEvaluator(s, rt, INTERVALS, FACTOR));
    const ROUNDS = 8;
    let success = T0.getTime();
    for (let round = 0; round < ROUNDS; round++) {
      // Late: every evaluator sees it at the same instant.
      const lateAt = new Date(success + 1900 * 1000);
      const late = (await Promise.all(evaluators.map((e) => e.evaluate(lateAt)))).flat();
      expect(late.map((e) => e.type)).toEqual(['sync.late']);
      // Recovered: a sweep completes, every evaluator sees it.
      success = lateAt.getTime() + 100_000;
      await store.checkpoints.save(id, 'status', { lastSuccessAt: new Date(success) }, new Date(success));
      const rec = (await Promise.all(evaluators.map((e) => e.evaluate(new Date(success + 10_000))))).flat();
      expect(rec.map((e) => e.type)).toEqual(['sync.recovered']);
    }
    const events = await feed(store, id);
    expect(events.filter((e) => e.type === 'sync.late')).toHaveLength(ROUNDS);
    expect(events.filter((e) => e.type === 'sync.recovered')).toHaveLength(ROUNDS);
    // Alternating, as the transitions happened.
    expect(events.map((e) => e.type)).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => (i % 2 ? 'sync.recovered' : 'sync.late')));
  });

  it('an evaluator acting on an older read changes nothing (no late after the sweep it missed, no recovery before the budget passed)', async () => {
    const id = 'stale-acc';
    await store.accounts.upsert([{ id, platform: CMCC.platform, carrier: Carrier.CMCC, baseUrl: 'http://s/' }]);
    for (const kind of SYNC_KINDS) await store.checkpoints.save(id, kind, { state: 'idle', lastSuccessAt: T0 }, T0);
    const rt = runtimeOf([{ ...CMCC, id }]);
    const ev = new SyncLateEvaluator(store, rt, INTERVALS, FACTOR);
    // Late seen at +1900 s by one evaluator; another one whose clock reads +1700 s must not call it recovered.
    expect((await ev.evaluate(at(1900))).map((e) => e.type)).toEqual(['sync.late']);
    expect(await ev.evaluate(at(1700))).toEqual([]);
    expect((await store.db.query(`SELECT 1 FROM sync_late WHERE account_id = $1`, [id])).rows).toHaveLength(1);
  });

  it('runs on the collector tick (each scrape), at most every everyMs', async () => {
    const id = 'tick-acc';
    await store.accounts.upsert([{ id, platform: CMCC.platform, carrier: Carrier.CMCC, baseUrl: 'http://t/' }]);
    for (const kind of SYNC_KINDS) await store.checkpoints.save(id, kind, { state: 'idle', lastSuccessAt: T0 }, T0);
    let now = at(1000);
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    registerSyncLate(metrics, store, runtimeOf([{ ...CMCC, id }]), INTERVALS, FACTOR, { now: () => now, everyMs: 15_000 });
    await metrics.render();
    expect(await feed(store, id)).toEqual([]);
    now = at(1810);
    await metrics.render();
    expect((await feed(store, id)).map((e) => e.type)).toEqual(['sync.late']);
    // Recovered, but within 15 s of the last evaluation: seen on the next tick after it.
    await store.checkpoints.save(id, 'status', { lastSuccessAt: at(1815) }, at(1815));
    now = at(1820);
    await metrics.render();
    expect((await feed(store, id)).map((e) => e.type)).toEqual(['sync.late']);
    now = at(1826);
    await metrics.render();
    expect((await feed(store, id)).map((e) => e.type)).toEqual(['sync.late', 'sync.recovered']);
  });

  it("runs on the scheduler's timer too, without any scrape, sharing the scrape's throttle", async () => {
    const id = 'timer-acc';
    await store.accounts.upsert([{ id, platform: CMCC.platform, carrier: Carrier.CMCC, baseUrl: 'http://t/' }]);
    for (const kind of SYNC_KINDS) await store.checkpoints.save(id, kind, { state: 'idle', lastSuccessAt: T0 }, T0);
    let now = at(1810);
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    const late = registerSyncLate(metrics, store, runtimeOf([{ ...CMCC, id }]), INTERVALS, FACTOR, { now: () => now, everyMs: 15_000 });
    const rt = runtimeOf([{ ...CMCC, id }]);
    const noop = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
    const scheduler = new SyncScheduler({} as SyncEngine, rt as CarrierRuntime, store, INTERVALS, noop, () => now);
    scheduler.watchLateness(() => late.tick(15_000));
    const timers = new Map<string, { ms: number; fn: () => void }>();
    scheduler.install((name, ms, fn) => timers.set(name, { ms, fn }));
    const timer = timers.get('events:sync-late');
    expect(timer?.ms).toBe(15_000);
    timer!.fn();
    await until(async () => (await feed(store, id)).length > 0);
    expect((await feed(store, id)).map((e) => e.type)).toEqual(['sync.late']);
    // A scrape right after the timer's evaluation does not evaluate again (one throttle per process).
    await store.checkpoints.save(id, 'status', { lastSuccessAt: at(1812) }, at(1812));
    now = at(1815);
    await metrics.render();
    expect((await feed(store, id)).map((e) => e.type)).toEqual(['sync.late']);
    now = at(1826);
    timer!.fn();
    await until(async () => (await feed(store, id)).length > 1);
    expect((await feed(store, id)).map((e) => e.type)).toEqual(['sync.late', 'sync.recovered']);
  });
});
