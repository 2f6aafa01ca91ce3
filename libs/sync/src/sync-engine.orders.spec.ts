import {
  CardStatus,
  OperationState,
  OperationType,
  Rejected,
  Transient,
} from '@simgate/core';
import type { Store } from '@simgate/store';
import { counterValue as counter } from './testing/fake-platform';
import { T0, engineAccounts, record } from './testing/engine-account';

/** Operations through the sync engine on an in-memory carrier: submission, the orders sweep, deadlines, in-doubt items. */

const accounts = engineAccounts();
let store: Store;
beforeAll(async () => (store = await accounts.open()));
afterAll(() => accounts.close());
/** A fresh account (own id and ICCID range) on the shared store, with its engine. */
const setup = (orderDeadlineHours?: number) => accounts.add({ orderDeadlineHours });

describe('SyncEngine operations', () => {
  async function operation(id: string, iccids: string[], type = OperationType.SUSPEND, key = `k-${id}-${type}`) {
    const { operation: op } = await store.operations.create({ idempotencyKey: key, type, params: {}, items: iccids.map((iccid) => ({ iccid, accountId: id })) }, T0);
    return op;
  }

  /** An account whose operation (a suspension) over `count` of its cards was just submitted; `fault`: the carrier's answer. */
  async function submitted(count: number, o: { fault?: Error; orderDeadlineHours?: number } = {}) {
    const account = await setup(o.orderDeadlineHours);
    const cards = await account.seed(count);
    const op = await operation(account.id, cards);
    account.adapter.submitFault = o.fault ?? null;
    await account.engine.submit(op.id);
    account.adapter.submitFault = null;
    return { ...account, cards, op };
  }

  it('submit(): PENDING items go SUBMITTED with the receipt; a second run never sends them again', async () => {
    const { id, adapter, engine, metrics, cards, op } = await submitted(3);
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
    const { id, adapter, engine, metrics, op } = await submitted(2, { fault: new Transient('timeout after 30000 ms') });
    expect(adapter.submitCalls).toHaveLength(1);
    const after = (await store.operations.get(op.id))!;
    for (const it of after.items) {
      expect(it.state).toBe(OperationState.SUBMITTED);
      expect(it.receipt).toBeNull();
      expect(it.error).toMatchObject({ inDoubt: true, error: 'TRANSIENT' });
    }
    expect(await counter(metrics.operationsSubmitted, { account: id, result: 'in_doubt' })).toBe(2);
    expect(await counter(metrics.retries, { account: id, kind: 'submit' })).toBe(0);
    await engine.submit(op.id);
    expect(adapter.submitCalls).toHaveLength(1);
  });

  it('a refusal at submission rejects the items', async () => {
    const { op } = await submitted(1, { fault: new Rejected('card in wrong state') });
    const after = (await store.operations.get(op.id))!;
    expect(after.state).toBe(OperationState.REJECTED);
    expect(after.items[0].error).toMatchObject({ error: 'REJECTED', message: 'card in wrong state' });
  });

  it('orders sweep: completes items the carrier reports COMPLETED and queues a status read of their cards', async () => {
    const { id, adapter, engine, queue, cards, op } = await submitted(2);
    adapter.says([
      { iccid: cards[0], state: OperationState.COMPLETED },
      { iccid: cards[1], state: OperationState.SUBMITTED },
    ]);
    await engine.runSweep(id, 'orders');
    let now = (await store.operations.get(op.id))!;
    expect(now.items.find((i) => i.iccid === cards[0])!.state).toBe(OperationState.COMPLETED);
    expect(now.items.find((i) => i.iccid === cards[1])!.state).toBe(OperationState.SUBMITTED);
    expect(now.state).toBe(OperationState.SUBMITTED);
    expect((await queue.counts()).waiting).toBe(1);

    adapter.says([], OperationState.COMPLETED);
    await engine.runSweep(id, 'orders');
    now = (await store.operations.get(op.id))!;
    expect(now.items.every((i) => i.state === OperationState.COMPLETED)).toBe(true);
    expect(now.state).toBe(OperationState.COMPLETED);
    expect((await store.checkpoints.get(id, 'orders'))!.state).toBe('idle');
  });

  it('orders sweep: fails items still pending past the receipt deadline, not before', async () => {
    const { id, adapter, engine, clock, op } = await submitted(1);
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
    const byPlatform = await submitted(1);
    expect((await store.operations.get(byPlatform.op.id))!.items[0].receipt!.deadline).toEqual(new Date(T0.getTime() + 24 * 3600_000));

    const byAccount = await submitted(1, { orderDeadlineHours: 2 });
    const op2 = byAccount.op;
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
    const { id, adapter, engine, clock, cards, op } = await submitted(3);
    adapter.says([
      { iccid: cards[0], state: OperationState.COMPLETED },
      { iccid: cards[1], state: OperationState.FAILED, message: 'refused by the carrier' },
      { iccid: cards[2], state: OperationState.SUBMITTED },
    ]);
    clock.t = new Date(T0.getTime() + 25 * 3600_000);
    await engine.runSweep(id, 'orders');
    const items = new Map((await store.operations.get(op.id))!.items.map((i) => [i.iccid, i]));
    expect(items.get(cards[0])!.state).toBe(OperationState.COMPLETED);
    expect(items.get(cards[1])!).toMatchObject({ state: OperationState.FAILED, error: { message: 'refused by the carrier' } });
    expect(items.get(cards[2])!.state).toBe(OperationState.FAILED);
    expect(items.get(cards[2])!.error!.message).toMatch(/before the deadline/);
  });

  it('orders sweep: fails items the carrier reports FAILED, with its message', async () => {
    const { id, adapter, engine, cards, op } = await submitted(1);
    adapter.says([{ iccid: cards[0], state: OperationState.FAILED, message: '号码状态不允许' }], OperationState.FAILED);
    await engine.runSweep(id, 'orders');
    const after = (await store.operations.get(op.id))!;
    expect(after.items[0].state).toBe(OperationState.FAILED);
    expect(after.items[0].error).toEqual({ message: '号码状态不允许' });
  });

  it('in-doubt items are completed by reading the card; one short of its target is resent once, after the processing time, with the reason on the item', async () => {
    const { id, adapter, engine, clock, cards, op } = await submitted(2, { fault: new Transient('socket hang up') });
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
