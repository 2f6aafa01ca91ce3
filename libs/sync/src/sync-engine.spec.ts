import {
  CardStatus,
  NotSupported,
  OperationState,
  OperationType,
  Rejected,
  SuspendReason,
  Transient,
  withLuhn,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierAdapter,
  type InventoryPage,
  type CarrierReceipt,
  type OperationOrder,
  type OperationProgress,
  type PoolMembersPage,
  type UsageSnapshot,
} from '@simgate/core';
import { sendContext } from '@simgate/carriers';
import { Store } from '@simgate/store';
import { MemoryCardLeases } from './leases';
import { counterValue as counter, fakeEngine, fakeManifest, fakeRecord } from './testing/fake-platform';
import { targetStatus } from './sync-engine';

const T0 = new Date('2026-03-10T00:00:00Z');

function manifest(batch: number): AdapterManifest {
  return fakeManifest('fake-platform', batch, { operations: [OperationType.SUSPEND, OperationType.RESUME, OperationType.ACTIVATE] });
}

function record(iccid: string, status: CardStatus = CardStatus.ACTIVE): CardRecord {
  return fakeRecord(iccid, T0, status);
}

/** A carrier in memory: counts every call; faults are switched on per card. */
class FakeAdapter implements CarrierAdapter {
  readonly account: CarrierAdapter['account'];
  readonly cards = new Map<string, CardRecord>();
  readonly fetchCalls: string[][] = [];
  /** A batch containing one of these is refused as a whole. */
  readonly refuse = new Set<string>();
  /** Per-card passing faults left before the card reads. */
  readonly flaky = new Map<string, number>();
  /** A batch containing this card crashes the job once (a worker dying mid-sweep). */
  crashOn: string | null = null;
  readonly submitCalls: OperationOrder[] = [];
  submitFault: Error | null = null;
  progressCalls = 0;
  progressAnswer: (receipt: CarrierReceipt, refs: CardRef[]) => OperationProgress = () => ({ state: OperationState.SUBMITTED, items: [] });

  constructor(
    readonly manifest: AdapterManifest,
    id: string,
  ) {
    this.account = { id, platform: manifest.id, baseUrl: 'http://fake/' };
  }

  /** A batch containing one of these cards waits for its promise before answering. */
  readonly gates = new Map<string, Promise<void>>();

  async fetchCards(refs: CardRef[]): Promise<BatchResult<CardRecord>> {
    const iccids = refs.map((r) => r.iccid);
    this.fetchCalls.push(iccids);
    for (const i of iccids) await this.gates.get(i);
    if (this.crashOn && iccids.includes(this.crashOn)) {
      this.crashOn = null;
      throw new Error('worker crashed');
    }
    if (iccids.some((i) => this.refuse.has(i))) throw new Rejected('unknown card in batch', { carrierCode: '-4' });
    const out: BatchResult<CardRecord> = { items: [], failures: [] };
    for (const i of iccids) {
      const left = this.flaky.get(i) ?? 0;
      if (left > 0) {
        this.flaky.set(i, left - 1);
        out.failures.push({ iccid: i, error: new Transient('card read timed out') });
        continue;
      }
      const c = this.cards.get(i);
      if (c) out.items.push({ ...c });
      else out.failures.push({ iccid: i, error: new Rejected('no such card') });
    }
    return out;
  }

  readCount(iccid: string): number {
    return this.fetchCalls.filter((b) => b.includes(iccid)).length;
  }

  async submit(order: OperationOrder, _refs: CardRef[], at: Date): Promise<CarrierReceipt> {
    // As the HTTP layer does for a request marked `order: true`: the caller marks the items sent, then it leaves.
    await sendContext()?.beforeSend?.({ method: 'POST', url: 'http://fake/orders', endpoint: 'orders', order: true });
    this.submitCalls.push(order);
    if (this.submitFault) throw this.submitFault;
    return {
      type: order.type,
      iccids: order.iccids,
      confirmBy: 'ORDER',
      carrierRef: `order-${this.submitCalls.length}`,
      expectedStatus: targetStatus(order.type),
      submittedAt: at,
    };
  }

  async progress(receipt: CarrierReceipt, refs: CardRef[]): Promise<OperationProgress> {
    this.progressCalls++;
    return this.progressAnswer(receipt, refs);
  }

  /** The carrier's listing: pages of cards, the cursor being the page's index. */
  listing: CardRecord[][] | null = null;
  readonly listCalls: (string | null)[] = [];
  /** The listing fails once when this cursor is asked. */
  listFailAt: string | null = null;

  async listCards(cursor: string | null): Promise<InventoryPage> {
    if (!this.listing) throw new NotSupported('not in these tests');
    this.listCalls.push(cursor);
    if (cursor !== null && cursor === this.listFailAt) {
      this.listFailAt = null;
      throw new Error('listing crashed');
    }
    const i = cursor === null ? 0 : Number(cursor);
    return { cards: this.listing[i].map((c) => ({ ...c })), next: i + 1 < this.listing.length ? String(i + 1) : null };
  }
  async fetchUsage(): Promise<BatchResult<UsageSnapshot>> {
    throw new NotSupported('not in these tests');
  }
  async fetchDailyUsage(): Promise<never[]> {
    return [];
  }
  async listPools(): Promise<never[]> {
    return [];
  }
  async listPoolMembers(): Promise<PoolMembersPage> {
    return { iccids: [], next: null, total: 0 };
  }
}



let store: Store;
let accounts = 0;

beforeAll(async () => {
  store = await Store.open({ dataDir: null });
});
afterAll(() => store.close());

/** A fresh account (own id and ICCID range) on the shared store, with its engine. */
async function setup(batch = 2, parallelBatches = 1, leaseTtlMs?: number, orderDeadlineHours?: number) {
  const n = ++accounts;
  const id = `acc-${n}`;
  const m = manifest(batch);
  const adapter = new FakeAdapter(m, id);
  const clock = { t: T0 };
  const leases = new MemoryCardLeases();
  const { engine, metrics, queue } = await fakeEngine(store, id, m, adapter, { leases, leaseTtlMs, now: () => clock.t, parallelBatches }, { orderDeadlineHours });
  const iccids = Array.from({ length: 8 }, (_, i) => withLuhn('8986' + String(n).padStart(6, '0') + String(i).padStart(9, '0')));
  const src = { accountId: id, platform: m.id, carrier: m.carrier };
  /** Cards the store and the carrier agree on. */
  const seed = async (count: number) => {
    const list = iccids.slice(0, count);
    for (const i of list) adapter.cards.set(i, record(i));
    await store.cards.upsert(src, list.map((i) => record(i)), T0);
    return list;
  };
  return { id, adapter, engine, metrics, queue, clock, seed, iccids, leases };
}

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
    return Array.from({ length: count }, (_, p) =>
      Array.from({ length: per }, (_, i) => record(withLuhn('8987' + String(n).padStart(6, '0') + String(p * per + i).padStart(9, '0')))),
    );
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

describe('SyncEngine operations', () => {
  async function operation(id: string, iccids: string[], type = OperationType.SUSPEND, key = `k-${id}-${type}`) {
    const { operation: op } = await store.operations.create({ idempotencyKey: key, type, params: {}, items: iccids.map((iccid) => ({ iccid, accountId: id })) }, T0);
    return op;
  }

  it('submit(): PENDING items go SUBMITTED with the receipt; a second run never sends them again', async () => {
    const { id, adapter, engine, metrics, seed } = await setup();
    const cards = await seed(3);
    const op = await operation(id, cards);
    await engine.submit(op.id);
    expect(adapter.submitCalls).toHaveLength(1);
    expect(adapter.submitCalls[0]).toMatchObject({ type: OperationType.SUSPEND, iccids: cards, idempotencyKey: `k-${id}-SUSPEND#1` });
    const after = (await store.operations.get(op.id))!;
    expect(after.state).toBe(OperationState.SUBMITTED);
    for (const it of after.items) {
      expect(it.state).toBe(OperationState.SUBMITTED);
      expect(it.receipt).toMatchObject({ carrierRef: 'order-1', confirmBy: 'ORDER' });
      expect(it.error).toBeNull();
    }
    expect(await counter(metrics.operationsSubmitted, { account: id, result: 'accepted' })).toBe(3);

    await engine.submit(op.id);
    await engine.handle({ id: 'j', name: 'submit', attemptsMade: 1, data: { type: 'submit', operationId: op.id } });
    expect(adapter.submitCalls).toHaveLength(1);
  });

  it('a timeout at submission leaves the items SUBMITTED without receipt ("in doubt"), sent exactly once', async () => {
    const { id, adapter, engine, metrics, seed } = await setup();
    const cards = await seed(2);
    adapter.submitFault = new Transient('timeout after 30000 ms');
    const op = await operation(id, cards);
    await engine.submit(op.id);
    expect(adapter.submitCalls).toHaveLength(1);
    const after = (await store.operations.get(op.id))!;
    for (const it of after.items) {
      expect(it.state).toBe(OperationState.SUBMITTED);
      expect(it.receipt).toBeNull();
      expect(it.error).toMatchObject({ inDoubt: true, error: 'TRANSIENT' });
    }
    expect(await counter(metrics.operationsSubmitted, { account: id, result: 'in_doubt' })).toBe(2);
    expect(await counter(metrics.retries, { account: id, kind: 'submit' })).toBe(0);
    adapter.submitFault = null;
    await engine.submit(op.id);
    expect(adapter.submitCalls).toHaveLength(1);
  });

  it('a refusal at submission rejects the items', async () => {
    const { id, adapter, engine, seed } = await setup();
    const cards = await seed(1);
    adapter.submitFault = new Rejected('card in wrong state');
    const op = await operation(id, cards);
    await engine.submit(op.id);
    const after = (await store.operations.get(op.id))!;
    expect(after.state).toBe(OperationState.REJECTED);
    expect(after.items[0].error).toMatchObject({ error: 'REJECTED', message: 'card in wrong state' });
  });

  it('orders sweep: completes items the carrier reports COMPLETED and queues a status read of their cards', async () => {
    const { id, adapter, engine, seed, queue } = await setup();
    const cards = await seed(2);
    const op = await operation(id, cards);
    await engine.submit(op.id);
    adapter.progressAnswer = () => ({
      state: OperationState.SUBMITTED,
      items: [
        { iccid: cards[0], state: OperationState.COMPLETED },
        { iccid: cards[1], state: OperationState.SUBMITTED },
      ],
    });
    await engine.runSweep(id, 'orders');
    let now = (await store.operations.get(op.id))!;
    expect(now.items.find((i) => i.iccid === cards[0])!.state).toBe(OperationState.COMPLETED);
    expect(now.items.find((i) => i.iccid === cards[1])!.state).toBe(OperationState.SUBMITTED);
    expect(now.state).toBe(OperationState.SUBMITTED);
    expect((await queue.counts()).waiting).toBe(1);

    adapter.progressAnswer = () => ({ state: OperationState.COMPLETED, items: [] });
    await engine.runSweep(id, 'orders');
    now = (await store.operations.get(op.id))!;
    expect(now.items.every((i) => i.state === OperationState.COMPLETED)).toBe(true);
    expect(now.state).toBe(OperationState.COMPLETED);
    expect((await store.checkpoints.get(id, 'orders'))!.state).toBe('idle');
  });

  it('orders sweep: fails items still pending past the receipt deadline, not before', async () => {
    const { id, adapter, engine, seed, clock } = await setup();
    const cards = await seed(1);
    const op = await operation(id, cards);
    await engine.submit(op.id);
    clock.t = new Date(T0.getTime() + 23 * 3600_000);
    await engine.runSweep(id, 'orders');
    expect((await store.operations.get(op.id))!.items[0].state).toBe(OperationState.SUBMITTED);
    clock.t = new Date(T0.getTime() + 25 * 3600_000);
    await engine.runSweep(id, 'orders');
    const after = (await store.operations.get(op.id))!;
    expect(after.items[0].state).toBe(OperationState.FAILED);
    expect(after.items[0].error!.message).toMatch(/deadline/);
    expect(adapter.progressCalls).toBe(2);
  });

  it('the stored receipt carries the deadline the engine set: the platform\'s by default, the account\'s when it sets one', async () => {
    const byPlatform = await setup();
    const op1 = await operation(byPlatform.id, await byPlatform.seed(1));
    await byPlatform.engine.submit(op1.id);
    expect((await store.operations.get(op1.id))!.items[0].receipt!.deadline).toEqual(new Date(T0.getTime() + 24 * 3600_000));

    const byAccount = await setup(2, 1, undefined, 2);
    const op2 = await operation(byAccount.id, await byAccount.seed(1));
    await byAccount.engine.submit(op2.id);
    expect((await store.operations.get(op2.id))!.items[0].receipt!.deadline).toEqual(new Date(T0.getTime() + 2 * 3600_000));
    byAccount.clock.t = new Date(T0.getTime() + 3600_000);
    await byAccount.engine.runSweep(byAccount.id, 'orders');
    expect((await store.operations.get(op2.id))!.items[0].state).toBe(OperationState.SUBMITTED);
    byAccount.clock.t = new Date(T0.getTime() + 3 * 3600_000);
    await byAccount.engine.runSweep(byAccount.id, 'orders');
    expect((await store.operations.get(op2.id))!.items[0]).toMatchObject({
      state: OperationState.FAILED,
      error: { message: `no result from the carrier before the deadline ${new Date(T0.getTime() + 2 * 3600_000).toISOString()}` },
    });
  });

  it('orders sweep: past the deadline only the items the carrier still holds fail; those it finished keep its word', async () => {
    const { id, adapter, engine, seed, clock } = await setup();
    const cards = await seed(3);
    const op = await operation(id, cards);
    await engine.submit(op.id);
    adapter.progressAnswer = () => ({
      state: OperationState.SUBMITTED,
      items: [
        { iccid: cards[0], state: OperationState.COMPLETED },
        { iccid: cards[1], state: OperationState.FAILED, message: 'refused by the carrier' },
        { iccid: cards[2], state: OperationState.SUBMITTED },
      ],
    });
    clock.t = new Date(T0.getTime() + 25 * 3600_000);
    await engine.runSweep(id, 'orders');
    const items = new Map((await store.operations.get(op.id))!.items.map((i) => [i.iccid, i]));
    expect(items.get(cards[0])!.state).toBe(OperationState.COMPLETED);
    expect(items.get(cards[1])!).toMatchObject({ state: OperationState.FAILED, error: { message: 'refused by the carrier' } });
    expect(items.get(cards[2])!.state).toBe(OperationState.FAILED);
    expect(items.get(cards[2])!.error!.message).toMatch(/before the deadline/);
  });

  it('orders sweep: fails items the carrier reports FAILED, with its message', async () => {
    const { id, adapter, engine, seed } = await setup();
    const cards = await seed(1);
    const op = await operation(id, cards);
    await engine.submit(op.id);
    adapter.progressAnswer = () => ({ state: OperationState.FAILED, items: [{ iccid: cards[0], state: OperationState.FAILED, message: '号码状态不允许' }] });
    await engine.runSweep(id, 'orders');
    const after = (await store.operations.get(op.id))!;
    expect(after.items[0].state).toBe(OperationState.FAILED);
    expect(after.items[0].error).toEqual({ message: '号码状态不允许' });
  });

  it('in-doubt items are completed by reading the card; one short of its target is resent once, after the processing time, with the reason on the item', async () => {
    const { id, adapter, engine, seed, clock } = await setup();
    const cards = await seed(2);
    adapter.submitFault = new Transient('socket hang up');
    const op = await operation(id, cards);
    await engine.submit(op.id);
    adapter.submitFault = null;
    // The carrier did receive the order for the first card only.
    adapter.cards.set(cards[0], record(cards[0], CardStatus.SUSPENDED));
    // Within the platform's processing time (1 h) the other order may still be pending: not resent.
    clock.t = new Date(T0.getTime() + 30 * 60_000);
    await engine.runSweep(id, 'orders');
    let after = (await store.operations.get(op.id))!;
    expect(after.items.find((i) => i.iccid === cards[0])!.state).toBe(OperationState.COMPLETED);
    expect(after.items.find((i) => i.iccid === cards[1])!.state).toBe(OperationState.SUBMITTED);
    expect(adapter.progressCalls).toBe(0);
    expect(adapter.submitCalls).toHaveLength(1);

    // Past it without the target showing: sent again, that card alone, and the item says so.
    clock.t = new Date(T0.getTime() + 3600_000 + 1000);
    await engine.runSweep(id, 'orders');
    expect(adapter.submitCalls).toHaveLength(2);
    expect(adapter.submitCalls[1].iccids).toEqual([cards[1]]);
    after = (await store.operations.get(op.id))!;
    const resent = after.items.find((i) => i.iccid === cards[1])!;
    expect(resent.state).toBe(OperationState.SUBMITTED);
    expect(resent.receipt).not.toBeNull();
    expect(resent.error).toBeNull();
    expect(resent.resends).toHaveLength(1);
    expect(resent.resends[0]).toMatchObject({ outcome: 'accepted', at: clock.t });
    expect(resent.resends[0].reason).toMatch(/processing time/);
    expect(after.items.find((i) => i.iccid === cards[0])!.resends).toEqual([]);

    // With a receipt it is polled, never sent a third time.
    await engine.runSweep(id, 'orders');
    expect(adapter.submitCalls).toHaveLength(2);
    expect(adapter.progressCalls).toBe(1);
  });
});
