import {
  CardStatus,
  NotSupported,
  OperationState,
  OperationType,
  Rejected,
  Transient,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierReceipt,
  type InventoryPage,
  type OperationItemProgress,
  type OperationOrder,
  type OperationProgress,
} from '@simgate/core';
import { sendContext } from '@simgate/carriers';
import { Store } from '@simgate/store';
import { MemoryCardLeases } from '../leases';
import { targetStatus } from '../sync-engine';
import { FakeCarrierBase, fakeEngine, fakeIccids, fakeManifest, fakeRecord } from './fake-platform';

/** The clock of the engine specs (a test moves `clock.t` of its account). */
export const T0 = new Date('2026-03-10T00:00:00Z');

/** The engine specs' platform: status, suspend, resume and activate, batches of `batch`. */
export function engineManifest(batch: number): AdapterManifest {
  return fakeManifest('fake-platform', batch, { operations: [OperationType.SUSPEND, OperationType.RESUME, OperationType.ACTIVATE] });
}

/** A card as the fake carrier reads it at T0. */
export function record(iccid: string, status: CardStatus = CardStatus.ACTIVE): CardRecord {
  return fakeRecord(iccid, T0, status);
}

/** A carrier in memory: counts every call; faults are switched on per card. */
export class FakeAdapter extends FakeCarrierBase {
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

  override async submit(order: OperationOrder, _refs: CardRef[], at: Date): Promise<CarrierReceipt> {
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

  /** From now on the carrier reports these items, and the order as `state`. */
  says(items: OperationItemProgress[], state: OperationProgress['state'] = OperationState.SUBMITTED): void {
    this.progressAnswer = () => ({ state, items });
  }

  override async progress(receipt: CarrierReceipt, refs: CardRef[]): Promise<OperationProgress> {
    this.progressCalls++;
    return this.progressAnswer(receipt, refs);
  }

  /** The carrier's listing: pages of cards, the cursor being the page's index. */
  listing: CardRecord[][] | null = null;
  readonly listCalls: (string | null)[] = [];
  /** The listing fails once when this cursor is asked. */
  listFailAt: string | null = null;

  override async listCards(cursor: string | null): Promise<InventoryPage> {
    if (!this.listing) throw new NotSupported('not in these tests');
    this.listCalls.push(cursor);
    if (cursor !== null && cursor === this.listFailAt) {
      this.listFailAt = null;
      throw new Error('listing crashed');
    }
    const i = cursor === null ? 0 : Number(cursor);
    return { cards: this.listing[i].map((c) => ({ ...c })), next: i + 1 < this.listing.length ? String(i + 1) : null };
  }
}

/**
 * Account number `n` (own id and ICCID range) on `store`, with its engine on a movable clock and a scriptable
 * carrier; `seed(count)` stores cards the store and the carrier agree on.
 */
export async function engineAccount(
  store: Store,
  n: number,
  o: { batch?: number; parallelBatches?: number; leaseTtlMs?: number; orderDeadlineHours?: number } = {},
) {
  const id = `acc-${n}`;
  const m = engineManifest(o.batch ?? 2);
  const adapter = new FakeAdapter(m, id);
  const clock = { t: T0 };
  const leases = new MemoryCardLeases();
  const { engine, metrics, queue } = await fakeEngine(
    store,
    id,
    m,
    adapter,
    { leases, leaseTtlMs: o.leaseTtlMs, now: () => clock.t, parallelBatches: o.parallelBatches ?? 1 },
    { orderDeadlineHours: o.orderDeadlineHours },
  );
  const iccids = fakeIccids('8986', n, 8);
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

/** The accounts of one spec file, numbered, on one in-memory store that `open` opens and `close` closes. */
export function engineAccounts() {
  let store: Store | null = null;
  let n = 0;
  return {
    async open(): Promise<Store> {
      store = await Store.open({ dataDir: null });
      return store;
    },
    add: (o: Parameters<typeof engineAccount>[2] = {}) => engineAccount(store!, ++n, o),
    close: async () => store?.close(),
  };
}
