import { CardStatus, SuspendReason, type CardRecord } from '@simgate/core';
import type { Store } from '@simgate/store';
import { counterValue as counter, fakeIccids } from './testing/fake-platform';
import { T0, engineAccounts, record } from './testing/engine-account';

/**
 * Sweeps of the sync engine on an in-memory carrier: status sweeps (checkpoints, resumes, batches in flight,
 * leases, batch halving, per-card retries), the listed inventory pipeline and enqueueing.
 */

const accounts = engineAccounts();
let store: Store;
beforeAll(async () => (store = await accounts.open()));
afterAll(() => accounts.close());
/** A fresh account (own id and ICCID range) on the shared store, with its engine. */
const setup = (batch = 2, parallelBatches = 1, leaseTtlMs?: number) => accounts.add({ batch, parallelBatches, leaseTtlMs });

describe('SyncEngine status sweeps', () => {
  it('writes changed cards only and moves the checkpoint cursor batch by batch', async () => {
    const { id, adapter, engine, metrics, seed } = await setup(2);
    const cards = await seed(5);
    adapter.cards.set(cards[3], record(cards[3], CardStatus.SUSPENDED));
    const saves: (string | null | undefined)[] = [];
    const save = store.checkpoints.save.bind(store.checkpoints);
    const spy = jest.spyOn(store.checkpoints, 'save').mockImplementation(async (...args) => {
      if (args[0] === id && 'cursor' in args[2]) saves.push(args[2].cursor);
      return save(...args);
    });
    try {
      await engine.runSweep(id, 'status');
    } finally {
      spy.mockRestore();
    }
    expect((await store.cards.get(cards[3]))!.status).toBe(CardStatus.SUSPENDED);
    expect((await store.cards.get(cards[3]))!.suspendReason).toBe(SuspendReason.MANUAL);
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'written' })).toBe(1);
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'unchanged' })).toBe(4);
    // Cursor: none at the start, then the last ICCID of each batch, then cleared when done.
    expect(saves).toEqual([null, cards[1], cards[3], cards[4], null]);
    const cp = await store.checkpoints.get(id, 'status');
    expect(cp).toMatchObject({ state: 'idle', cursor: null, cards: 5, lastError: null });
    expect(cp!.lastSuccessAt).toEqual(T0);
    expect(adapter.fetchCalls).toEqual([cards.slice(0, 2), cards.slice(2, 4), cards.slice(4)]);
  });

  it('a sweep that throws midway resumes from its saved cursor: cards before it are not read again', async () => {
    const { id, adapter, engine, metrics, seed, clock } = await setup(2);
    const cards = await seed(6);
    adapter.crashOn = cards[2];
    await expect(engine.runSweep(id, 'status')).rejects.toThrow('worker crashed');
    const failed = await store.checkpoints.get(id, 'status');
    expect(failed).toMatchObject({ state: 'failed', cursor: cards[1], cards: 2 });
    expect(failed!.lastError).toMatchObject({ kind: 'status', error: 'INTERNAL', message: 'worker crashed' });
    const durations = (await metrics.jobDuration.get()).values.filter((v) => v.metricName?.endsWith('_count') && v.labels.account === id);
    expect(durations.map((v) => [v.labels.outcome, v.value])).toEqual([['failure', 1]]);

    const before = adapter.fetchCalls.length;
    clock.t = new Date(T0.getTime() + 60_000);
    await engine.runSweep(id, 'status');
    const again = adapter.fetchCalls.slice(before).flat();
    expect(again).toEqual(cards.slice(2));
    expect(adapter.readCount(cards[0])).toBe(1);
    expect(adapter.readCount(cards[1])).toBe(1);
    const cp = await store.checkpoints.get(id, 'status');
    // The resumed sweep counts the cards of both runs and keeps the start of the first run as its sync time.
    expect(cp).toMatchObject({ state: 'idle', cursor: null, cards: 6 });
    expect(cp!.lastSuccessAt).toEqual(T0);
  });

  it('with several batches in flight, a slow batch holds the checkpoint but not the batches after it', async () => {
    const { id, adapter, engine, seed } = await setup(2, 2);
    const cards = await seed(8);
    let open!: () => void;
    adapter.gates.set(cards[0], new Promise<void>((r) => (open = r)));
    const saves: (string | null | undefined)[] = [];
    const save = store.checkpoints.save.bind(store.checkpoints);
    const spy = jest.spyOn(store.checkpoints, 'save').mockImplementation(async (...args) => {
      if (args[0] === id && 'cursor' in args[2]) saves.push(args[2].cursor);
      return save(...args);
    });
    const run = engine.runSweep(id, 'status');
    await new Promise((r) => setTimeout(r, 200));
    // The other slot went through batches 2–4 while batch 1 waited; no cursor moved past batch 1.
    expect(adapter.fetchCalls).toEqual([cards.slice(0, 2), cards.slice(2, 4), cards.slice(4, 6), cards.slice(6, 8)]);
    expect(saves).toEqual([null]);
    open();
    try {
      await run;
    } finally {
      spy.mockRestore();
    }
    expect(saves[0]).toBeNull();
    expect(saves.slice(1, -1)).toEqual([cards[7]]);
    expect(await store.checkpoints.get(id, 'status')).toMatchObject({ state: 'idle', cursor: null, cards: 8 });
  });

  it('a batch that outlasts the lease TTL keeps its cards leased until it ends', async () => {
    const { id, adapter, engine, seed, leases } = await setup(2, 1, 500);
    const cards = await seed(2);
    let open!: () => void;
    adapter.gates.set(cards[0], new Promise<void>((r) => (open = r)));
    const run = engine.runSweep(id, 'status');
    await new Promise((r) => setTimeout(r, 1_600));
    // Three TTLs later another job still cannot take the cards being read.
    expect(await leases.acquire([`status:${cards[0]}`, `status:${cards[1]}`], 1_000)).toEqual([]);
    open();
    await run;
    expect(await leases.acquire([`status:${cards[0]}`], 1_000)).toEqual([`status:${cards[0]}`]);
  });

  it('a new sweep after a complete one starts from the beginning', async () => {
    const { id, adapter, engine, seed } = await setup(3);
    const cards = await seed(4);
    await engine.runSweep(id, 'status');
    await engine.runSweep(id, 'status');
    for (const c of cards) expect(adapter.readCount(c)).toBe(2);
  });

  it('splits a batch the carrier refuses as a whole until the bad card is isolated', async () => {
    const { id, adapter, engine, metrics, seed } = await setup(4);
    const cards = await seed(4);
    for (const c of cards) adapter.cards.set(c, record(c, CardStatus.SUSPENDED));
    adapter.refuse.add(cards[2]);
    await engine.runSweep(id, 'status');
    // [0..3] refused → [0,1] read, [2,3] refused → [2] refused, [3] read.
    expect(adapter.fetchCalls).toEqual([cards, cards.slice(0, 2), cards.slice(2), [cards[2]], [cards[3]]]);
    const bad = (await store.cards.get(cards[2]))!;
    expect(bad.status).toBe(CardStatus.ACTIVE);
    expect(bad.syncError).toMatchObject({ kind: 'status', error: 'REJECTED', carrierCode: '-4' });
    for (const c of [cards[0], cards[1], cards[3]]) {
      const s = (await store.cards.get(c))!;
      expect(s.status).toBe(CardStatus.SUSPENDED);
      expect(s.syncError).toBeNull();
    }
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'failed' })).toBe(1);
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'written' })).toBe(3);
    expect(await counter(metrics.carrierErrors, { account: id, kind: 'status', error: 'REJECTED' })).toBe(3);
    expect((await store.checkpoints.get(id, 'status'))!.state).toBe('idle');
  });

  it('retries a card with passing faults alone, until it reads', async () => {
    const { id, adapter, engine, metrics, seed } = await setup(4);
    const cards = await seed(4);
    adapter.cards.set(cards[1], record(cards[1], CardStatus.SUSPENDED));
    adapter.flaky.set(cards[1], 2);
    await engine.runSweep(id, 'status');
    expect(adapter.fetchCalls).toEqual([cards, [cards[1]], [cards[1]]]);
    const s = (await store.cards.get(cards[1]))!;
    expect(s.status).toBe(CardStatus.SUSPENDED);
    expect(s.syncError).toBeNull();
    expect(await counter(metrics.retries, { account: id, kind: 'status', reason: 'card_transient' })).toBe(2);
    expect(await counter(metrics.cardsProcessed, { account: id, kind: 'status', result: 'failed' })).toBe(0);
  });

  it('records a card whose passing fault outlasts the rounds as a failure, and writes the others', async () => {
    const { id, adapter, engine, seed } = await setup(4);
    const cards = await seed(3);
    adapter.flaky.set(cards[0], 100);
    await engine.runSweep(id, 'status');
    // 1 batch read + 10 rounds for the card alone.
    expect(adapter.readCount(cards[0])).toBe(11);
    expect(adapter.readCount(cards[1])).toBe(1);
    expect((await store.cards.get(cards[0]))!.syncError).toMatchObject({ error: 'TRANSIENT' });
  });
});

describe('SyncEngine listed inventory', () => {
  /** Pages of `per` new cards of this account. */
  function pages(n: number, count: number, per: number): CardRecord[][] {
    const iccids = fakeIccids('8987', n, count * per);
    return Array.from({ length: count }, (_, p) => iccids.slice(p * per, (p + 1) * per).map((i) => record(i)));
  }

  it('asks the next page while earlier pages are written, and writes every listed card', async () => {
    const { id, adapter, engine } = await setup(2);
    adapter.listing = pages(101, 6, 3);
    // Each write waits until the carrier has been asked for the page after it: the writes overlap the listing.
    const upsert = store.cards.upsert.bind(store.cards);
    const askedWhileWriting: number[] = [];
    const spy = jest.spyOn(store.cards, 'upsert').mockImplementation(async (...args) => {
      askedWhileWriting.push(adapter.listCalls.length);
      await new Promise((r) => setTimeout(r, 5));
      return upsert(...args);
    });
    try {
      await engine.runSweep(id, 'inventory');
    } finally {
      spy.mockRestore();
    }
    expect(adapter.listCalls).toEqual([null, '1', '2', '3', '4', '5']);
    // When page k (0-based) starts being written, page k+1 has already been asked (the last page has none).
    expect(askedWhileWriting).toEqual([2, 3, 4, 5, 6, 6]);
    for (const c of adapter.listing.flat()) expect((await store.cards.get(c.iccid))?.status).toBe(CardStatus.ACTIVE);
    expect(await store.checkpoints.get(id, 'inventory')).toMatchObject({ state: 'idle', cursor: null, cards: 18 });
  });

  it('a listing that fails midway resumes from the last page written in order; no page is skipped', async () => {
    const { id, adapter, engine } = await setup(2);
    adapter.listing = pages(102, 5, 2);
    adapter.listFailAt = '3';
    await expect(engine.runSweep(id, 'inventory')).rejects.toThrow('listing crashed');
    const failed = await store.checkpoints.get(id, 'inventory');
    // Pages 0–2 were written before the failure was seen: the checkpoint points at page 3.
    expect(failed).toMatchObject({ state: 'failed', cursor: '3', cards: 6 });
    await engine.runSweep(id, 'inventory');
    expect(adapter.listCalls).toEqual([null, '1', '2', '3', '3', '4']);
    for (const c of adapter.listing.flat()) expect(await store.cards.get(c.iccid)).not.toBeNull();
    expect(await store.checkpoints.get(id, 'inventory')).toMatchObject({ state: 'idle', cursor: null, cards: 10 });
  });

  it('a page whose write fails holds the checkpoint there, though later pages were written', async () => {
    const { id, adapter, engine } = await setup(2);
    adapter.listing = pages(104, 4, 2);
    const upsert = store.cards.upsert.bind(store.cards);
    let calls = 0;
    const spy = jest.spyOn(store.cards, 'upsert').mockImplementation(async (...args) => {
      if (++calls === 2) throw new Error('database went away');
      return upsert(...args);
    });
    try {
      await expect(engine.runSweep(id, 'inventory')).rejects.toThrow('database went away');
    } finally {
      spy.mockRestore();
    }
    expect(await store.checkpoints.get(id, 'inventory')).toMatchObject({ state: 'failed', cursor: '1', cards: 2 });
    await engine.runSweep(id, 'inventory');
    for (const c of adapter.listing.flat()) expect(await store.cards.get(c.iccid)).not.toBeNull();
  });

  it('a card listed twice (moved to the end after a change) ends with its later record and one history row per change', async () => {
    const { id, adapter, engine } = await setup(2);
    const p = pages(103, 3, 2);
    const moved = record(p[0][1].iccid, CardStatus.SUSPENDED);
    p[2].push(moved);
    adapter.listing = p;
    await engine.runSweep(id, 'inventory');
    const card = (await store.cards.get(moved.iccid))!;
    expect(card.status).toBe(CardStatus.SUSPENDED);
    const history = await store.cards.history(moved.iccid);
    // First seen ACTIVE, then the change to SUSPENDED: the later page's write waited for the earlier one.
    expect(history.map((h) => [h.prevStatus, h.status]).sort()).toEqual(
      [
        [null, CardStatus.ACTIVE],
        [CardStatus.ACTIVE, CardStatus.SUSPENDED],
      ].sort(),
    );
  });
});

describe('SyncEngine enqueueing', () => {
  it('queues a sweep once while it waits, marking its checkpoint queued', async () => {
    const { id, engine, queue } = await setup();
    expect(await engine.requestSweep(id, 'status', 'schedule')).toBe(true);
    expect(await engine.requestSweep(id, 'status', 'manual')).toBe(false);
    expect((await store.checkpoints.get(id, 'status'))!.state).toBe('queued');
    expect((await queue.counts()).waiting).toBe(1);
    // Pools are not on this platform: nothing is queued.
    expect(await engine.requestSweep(id, 'pools')).toBe(false);
  });

  it('drops jobs of accounts that are not configured (PermanentJobError)', async () => {
    const { engine } = await setup();
    await expect(
      engine.handle({ id: 'j', name: 'sweep', attemptsMade: 1, data: { type: 'sweep', accountId: 'gone', kind: 'status', reason: 'schedule' } }),
    ).rejects.toMatchObject({ name: 'PermanentJobError' });
    await expect(engine.handle({ id: 'j', name: 'submit', attemptsMade: 1, data: { type: 'submit', operationId: 'nope' } })).rejects.toMatchObject({
      name: 'PermanentJobError',
    });
  });

  it('"sync now" for cards reads each card once, in batches', async () => {
    const { id, adapter, engine, seed } = await setup(2);
    const cards = await seed(3);
    await engine.syncCards(id, 'status', [cards[2], cards[0], cards[1]]);
    expect(adapter.fetchCalls.flat().sort()).toEqual([...cards].sort());
    expect(adapter.fetchCalls.every((b) => b.length <= 2)).toBe(true);
  });
});
