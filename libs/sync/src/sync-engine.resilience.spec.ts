import {
  CardStatus,
  NotSupported,
  Rejected,
  Transient,
  Unavailable,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type UsageSnapshot,
} from '@simgate/core';
import { Store } from '@simgate/store';
import { isAccountWide, isCredentialRefusal } from './retry';
import { FakeCarrierBase, counterValue as counter, fakeEngine, fakeIccids, fakeManifest, fakeRecord } from './testing/fake-platform';

/**
 * Sweeps that survive failures: a batch whose read still fails after its retries is recorded on its cards and
 * the sweep goes on; account-wide failures stop the sweep, which resumes from its checkpoint (never reading a
 * card before it again); counts stay right across resumes. The carrier is an in-memory fake written here.
 */

const T0 = new Date('2026-03-10T00:00:00Z');

function manifest(batch: number, inventory: 'LIST' | 'IMPORTED' = 'LIST'): AdapterManifest {
  return fakeManifest('fake-resilience', batch, { inventory });
}

function record(iccid: string, status: CardStatus = CardStatus.ACTIVE): CardRecord {
  return fakeRecord(iccid, T0, status);
}

/** A batch read fails with `error()` whenever `when(iccids)` says so; every read is logged. */
class FakeCarrier extends FakeCarrierBase {
  readonly statusCalls: string[][] = [];
  readonly usageCalls: string[][] = [];
  fail: { when: (iccids: string[], kind: 'status' | 'usage') => boolean; error: () => Error } | null = null;
  /** Cards whose own reads fail with a passing fault (reported per card, the call itself succeeds). */
  cardDown: (iccid: string) => boolean = () => false;
  /** A batch containing one of these cards waits for its promise. */
  readonly gates = new Map<string, Promise<void>>();

  private async check(iccids: string[], kind: 'status' | 'usage'): Promise<void> {
    for (const i of iccids) await this.gates.get(i);
    if (this.fail?.when(iccids, kind)) throw this.fail.error();
  }

  async fetchCards(refs: CardRef[]): Promise<BatchResult<CardRecord>> {
    const iccids = refs.map((r) => r.iccid);
    this.statusCalls.push(iccids);
    await this.check(iccids, 'status');
    const out: BatchResult<CardRecord> = { items: [], failures: [] };
    for (const i of iccids) {
      const c = this.cards.get(i);
      if (this.cardDown(i)) out.failures.push({ iccid: i, error: new Transient('HTTP 500 on the card') });
      else if (c) out.items.push({ ...c });
      else out.failures.push({ iccid: i, error: new Rejected('no such card') });
    }
    return out;
  }

  override async fetchUsage(refs: CardRef[]): Promise<BatchResult<UsageSnapshot>> {
    const iccids = refs.map((r) => r.iccid);
    this.usageCalls.push(iccids);
    await this.check(iccids, 'usage');
    const start = new Date('2026-03-01T00:00:00Z');
    const end = new Date('2026-04-01T00:00:00Z');
    return {
      items: iccids.map((iccid) => ({
        iccid,
        usedBytes: 1000 + Number(iccid.slice(-4, -1)),
        quotaBytes: null,
        remainingBytes: null,
        cycleStart: start,
        cycleEnd: end,
        asOf: T0,
      })),
      failures: [],
    };
  }

  reads(calls: string[][], iccid: string): number {
    return calls.filter((b) => b.includes(iccid)).length;
  }

}

let store: Store;
let accounts = 0;

beforeAll(async () => {
  store = await Store.open({ dataDir: null });
});
afterAll(() => store.close());

interface SetupOptions {
  batch?: number;
  parallel?: number;
  cards?: number;
  inventory?: 'LIST' | 'IMPORTED';
  downAfter?: number;
}

async function setup(o: SetupOptions = {}) {
  const n = ++accounts;
  const id = `res-${n}`;
  const m = manifest(o.batch ?? 2, o.inventory);
  const adapter = new FakeCarrier(m, id);
  const { engine, metrics, queue } = await fakeEngine(store, id, m, adapter, {
    now: () => T0,
    parallelBatches: o.parallel ?? 1,
    sweepDownAfterBatches: o.downAfter,
  });
  const count = o.cards ?? 10;
  const iccids = fakeIccids('8985', n, count);
  const src = { accountId: id, platform: m.id, carrier: m.carrier };
  for (const i of iccids) adapter.cards.set(i, record(i, CardStatus.SUSPENDED));
  if (o.inventory === 'IMPORTED')
    await store.cards.importRefs(
      src,
      iccids.map((iccid) => ({ iccid, msisdn: null })),
      T0,
    );
  else
    await store.cards.upsert(
      src,
      iccids.map((i) => record(i)),
      T0,
    );
  return { id, adapter, engine, metrics, queue, iccids };
}

describe('error classes that stop a sweep', () => {
  it('account-wide: unreachable, token refused even fresh, credentials, not offered, not a carrier error', () => {
    expect(isAccountWide(new Unavailable('ECONNREFUSED'))).toBe(true);
    expect(
      isAccountWide(new Rejected('bad credentials', { endpoint: 'get/token', carrierCode: '12009' })),
    ).toBe(true);
    expect(isAccountWide(new Rejected('Bad credentials', { endpoint: 'oauth/token', httpStatus: 400 }))).toBe(
      true,
    );
    expect(isAccountWide(new Rejected('unauthorized', { endpoint: 'devices', httpStatus: 401 }))).toBe(true);
    expect(isAccountWide(new NotSupported('no such read'))).toBe(true);
    expect(isAccountWide(new Error('database went away'))).toBe(true);
    // The batch's own: passing faults that outlasted the retries, refusals of cards.
    expect(isAccountWide(new Transient('502'))).toBe(false);
    expect(
      isAccountWide(
        new Rejected('unknown card', { endpoint: 'query/sim-status/batch', carrierCode: '12006' }),
      ),
    ).toBe(false);
    expect(isCredentialRefusal(new Rejected('unknown card', { endpoint: 'query/sim-status/batch' }))).toBe(
      false,
    );
  });
});

describe('a batch that fails after its retries', () => {
  it('is recorded on its cards (syncError, failed metric); the checkpoint moves past it and the sweep goes on', async () => {
    const { id, adapter, engine, metrics, iccids } = await setup({ batch: 2, cards: 8 });
    const bad = [iccids[2], iccids[3]];
    adapter.fail = { when: (b) => b.includes(bad[0]), error: () => new Transient('HTTP 502 Bad Gateway') };
    const saves: (string | null | undefined)[] = [];
    const save = store.checkpoints.save.bind(store.checkpoints);
    const spy = jest.spyOn(store.checkpoints, 'save').mockImplementation(async (...args) => {
      if (args[0] === id && args[1] === 'status' && 'cursor' in args[2]) saves.push(args[2].cursor);
      return save(...args);
    });
    try {
      await engine.runSweep(id, 'status');
    } finally {
      spy.mockRestore();
    }
    // 3 attempts of the failing batch; every other card read once and written.
    expect(adapter.reads(adapter.statusCalls, bad[0])).toBe(3);
    for (const c of bad)
      expect((await store.cards.get(c))!.syncError).toMatchObject({
        kind: 'status',
        error: 'TRANSIENT',
        message: 'HTTP 502 Bad Gateway',
      });
    for (const c of iccids.filter((i) => !bad.includes(i))) {
      const s = (await store.cards.get(c))!;
      expect(s.status).toBe(CardStatus.SUSPENDED);
      expect(s.syncError).toBeNull();
    }
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'failed' })).toBe(2);
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'written' })).toBe(6);
    // The cursor went over the failed batch together with the batch after it (a stop right after a failed
    // batch leaves the cursor before it, so the retry reads it again).
    expect(saves).toEqual([null, iccids[1], iccids[5], iccids[7], null]);
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({
      state: 'idle',
      cursor: null,
      cards: 6,
      lastError: null,
    });
  });

  it('usage sweeps too: the failed batch is recorded, the usage of the others stored', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 3, cards: 9 });
    adapter.fail = {
      when: (b, kind) => kind === 'usage' && b.includes(iccids[4]),
      error: () => new Transient('timeout after 2000 ms'),
    };
    await engine.runSweep(id, 'usage');
    const usage = await store.usage.current(iccids);
    expect([...usage.keys()].sort()).toEqual([...iccids.slice(0, 3), ...iccids.slice(6)].sort());
    for (const c of iccids.slice(3, 6))
      expect((await store.cards.get(c))!.syncError).toMatchObject({ kind: 'usage', error: 'TRANSIENT' });
    expect(await store.checkpoints.get(id, 'usage')).toMatchObject({ state: 'idle', cards: 6 });
  });

  it('K batches in a row failing entirely stop the sweep ("platform down"); the cursor stays before them and the retry reads them', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 2, cards: 12, downAfter: 2 });
    let down = true;
    // Cards 4.. are behind a platform that answers 5xx to everything.
    adapter.fail = { when: (b) => down && iccids.indexOf(b[0]) >= 4, error: () => new Transient('HTTP 503') };
    await expect(engine.runSweep(id, 'status')).rejects.toThrow('HTTP 503');
    const stopped = await store.checkpoints.get(id, 'status');
    expect(stopped).toMatchObject({ state: 'failed', cursor: iccids[3], cards: 4 });
    expect(stopped!.lastError).toMatchObject({ error: 'TRANSIENT' });
    // Two batches were tried, no third.
    expect(adapter.statusCalls.filter((b) => iccids.indexOf(b[0]) >= 8)).toEqual([]);
    down = false;
    const before = adapter.statusCalls.length;
    await engine.runSweep(id, 'status');
    expect(adapter.statusCalls.slice(before).flat()).toEqual(iccids.slice(4));
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({
      state: 'idle',
      cursor: null,
      cards: 12,
    });
    for (const c of iccids) expect((await store.cards.get(c))!.status).toBe(CardStatus.SUSPENDED);
  });
});

describe('"platform down" on a platform read card by card', () => {
  it('3 batches in a row whose every card failed with a passing fault stop the sweep before them', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 1, cards: 10 });
    let down = true;
    adapter.cardDown = (i) => down && iccids.indexOf(i) >= 3;
    await expect(engine.runSweep(id, 'status')).rejects.toThrow('3 batches in a row read no card');
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({
      state: 'failed',
      cursor: iccids[2],
      cards: 3,
      lastError: { error: 'TRANSIENT' },
    });
    // The cards read so far are recorded failed, the cards after them were never asked.
    for (const c of iccids.slice(3, 6))
      expect((await store.cards.get(c))!.syncError).toMatchObject({ error: 'TRANSIENT' });
    for (const c of iccids.slice(6)) expect(adapter.reads(adapter.statusCalls, c)).toBe(0);
    down = false;
    await engine.runSweep(id, 'status');
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({ state: 'idle', cards: 10 });
    for (const c of iccids) expect((await store.cards.get(c))!.syncError).toBeNull();
  });

  it('cards refused one by one (unknown to the carrier) are no sign of a platform down', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 1, cards: 8 });
    for (const c of iccids.slice(2, 7)) adapter.cards.delete(c);
    await engine.runSweep(id, 'status');
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({ state: 'idle', cards: 3 });
    for (const c of iccids.slice(2, 7))
      expect((await store.cards.get(c))!.syncError).toMatchObject({ error: 'REJECTED' });
  });
});

describe('account-wide failures stop the sweep, which resumes from its checkpoint', () => {
  it('usage sweep, several batches in flight: the cursor is not null and no card before it is read again', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 2, cards: 16, parallel: 3 });
    let refused = true;
    adapter.fail = {
      when: (b, kind) => refused && kind === 'usage' && iccids.indexOf(b[0]) >= 10,
      error: () => new Unavailable('connect ECONNREFUSED'),
    };
    await expect(engine.runSweep(id, 'usage')).rejects.toThrow('ECONNREFUSED');
    const stopped = (await store.checkpoints.get(id, 'usage'))!;
    expect(stopped.state).toBe('failed');
    expect(stopped.lastError).toMatchObject({ kind: 'usage', error: 'UNAVAILABLE' });
    expect(stopped.cursor).not.toBeNull();
    const at = iccids.indexOf(stopped.cursor!);
    expect(at).toBeGreaterThanOrEqual(1);
    expect(at).toBeLessThan(10);
    // Not a batch failure: nothing recorded on the cards.
    for (const c of iccids.slice(10)) expect((await store.cards.get(c))!.syncError).toBeNull();
    refused = false;
    const before = adapter.usageCalls.length;
    await engine.runSweep(id, 'usage');
    const again = adapter.usageCalls.slice(before).flat();
    expect(again[0]).toBe(iccids[at + 1]);
    for (const c of iccids.slice(0, at + 1)) expect(again).not.toContain(c);
    expect(new Set(again)).toEqual(new Set(iccids.slice(at + 1)));
    expect(await store.checkpoints.get(id, 'usage')).toMatchObject({
      state: 'idle',
      cursor: null,
      cards: 16,
    });
    expect((await store.usage.current(iccids)).size).toBe(16);
  });

  it('a refusal of the credentials stops the sweep at once, without halving the batch card by card', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 4, cards: 8 });
    adapter.fail = {
      when: () => true,
      error: () => new Rejected('appid or password wrong', { endpoint: 'get/token', carrierCode: '12009' }),
    };
    await expect(engine.runSweep(id, 'status')).rejects.toThrow('appid or password wrong');
    expect(adapter.statusCalls).toEqual([iccids.slice(0, 4)]);
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({
      state: 'failed',
      lastError: { error: 'REJECTED', carrierCode: '12009' },
    });
  });

  it('a stopped sweep queued again (schedule, "sync now") still resumes from its cursor', async () => {
    const { id, adapter, engine, iccids } = await setup({ batch: 2, cards: 8 });
    let refused = true;
    adapter.fail = {
      when: (b) => refused && b.includes(iccids[4]),
      error: () => new Unavailable('connect ECONNREFUSED'),
    };
    await expect(engine.runSweep(id, 'status')).rejects.toThrow('ECONNREFUSED');
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({ state: 'failed', cursor: iccids[3] });
    await engine.requestSweep(id, 'status', 'schedule');
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({ state: 'queued', cursor: iccids[3] });
    refused = false;
    const before = adapter.statusCalls.length;
    await engine.runSweep(id, 'status');
    expect(adapter.statusCalls.slice(before).flat()).toEqual(iccids.slice(4));
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({ state: 'idle', cards: 8 });
  });
});

describe('imported inventory resumed after batches finished out of order', () => {
  it('counts every card of the account, also those resolved behind the checkpoint before the stop', async () => {
    const { id, adapter, engine, iccids } = await setup({
      batch: 2,
      cards: 10,
      parallel: 3,
      inventory: 'IMPORTED',
    });
    // Batch 2 (cards 2, 3) waits; batch 3 (cards 4, 5) finishes; then batch 2 dies (a worker crash).
    let release!: () => void;
    adapter.gates.set(iccids[2], new Promise<void>((r) => (release = r)));
    let crash = true;
    adapter.fail = { when: (b) => crash && b.includes(iccids[2]), error: () => new Error('worker crashed') };
    const run = engine.runSweep(id, 'inventory');
    const deadline = Date.now() + 20_000;
    while (!(await store.cards.get(iccids[5]))?.rawStatus) {
      if (Date.now() > deadline) throw new Error('batch 3 never finished');
      await new Promise((r) => setTimeout(r, 20));
    }
    release();
    await expect(run).rejects.toThrow('worker crashed');
    const stopped = (await store.checkpoints.get(id, 'inventory'))!;
    expect(stopped).toMatchObject({ state: 'failed', cursor: iccids[1], cards: 2 });
    crash = false;
    const before = adapter.statusCalls.length;
    await engine.runSweep(id, 'inventory');
    // Cards 4 and 5 were resolved already: walked and counted, not read again.
    const again = adapter.statusCalls.slice(before).flat();
    expect(again).not.toContain(iccids[4]);
    expect(again).not.toContain(iccids[5]);
    expect(again).toContain(iccids[2]);
    expect(await store.checkpoints.get(id, 'inventory')).toMatchObject({
      state: 'idle',
      cursor: null,
      cards: 10,
    });
    for (const c of iccids) expect((await store.cards.get(c))!.status).toBe(CardStatus.SUSPENDED);
    // A later inventory sweep reads nothing and still reports the account's cards.
    const calls = adapter.statusCalls.length;
    await engine.runSweep(id, 'inventory');
    expect(adapter.statusCalls.length).toBe(calls);
    expect(await store.checkpoints.get(id, 'inventory')).toMatchObject({ state: 'idle', cards: 10 });
  });
});
