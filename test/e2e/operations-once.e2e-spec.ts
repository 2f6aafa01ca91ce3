/**
 * Operations reach the carrier exactly once (docs/architecture.md, Operations), against the four simulators in
 * process on a fixed simulator clock that the test moves on:
 * - under the fault matrix (10 % 5xx, 2 % timeouts with a short request timeout, 1 % malformed) plus forced
 *   faults on the order requests themselves (a timeout: the order arrived, the answer was lost; a 5xx: it did
 *   not arrive), SUSPEND then RESUME of several cards per platform ends with every item COMPLETED, every card in
 *   the target status at the simulator, and the simulator's order log showing one accepted order per card and
 *   change, no duplicate, including the items that were resent;
 * - a submission run that "dies" between its quota slot and the send, or after the send before recording the
 *   answer, leaves items the re-run marks in doubt at once and resolves; items it never reached are sent by the
 *   re-run, once.
 */
import { SimClock, type ControlledSimulator, type SimRequest } from '@simgate/mocks';
import { sendContext } from '@simgate/carriers';
import { CardStatus, OperationState, OperationType, type CarrierAdapter } from '@simgate/core';
import type { Operation } from '@simgate/store';
import { sweepJobId } from '@simgate/sync';
import { startStack, waitForFullSync, type Stack } from '../support/stack';

const NOW = '2026-03-10T04:00:00Z';
const CARDS = 40;
const MATRIX = { serverErrorRate: 0.1, timeoutRate: 0.02, malformedRate: 0.01 };
const PLATFORMS = [
  { platform: 'cmcc-onelink', account: 'cmcc-main' },
  { platform: 'cucc-jasper', account: 'cucc-main' },
  { platform: 'ctcc-cmp', account: 'ctcc-main' },
  { platform: 'intl-1nce', account: 'intl-main' },
] as const;

jest.setTimeout(600_000);

let stack: Stack;
let clock: SimClock;
let opSeq = 0;

beforeAll(async () => {
  clock = SimClock.fixed(NOW);
  // Short request timeout: a hung answer (timeout fault) costs 500 ms. Orders complete 60 s of simulator time after
  // submission, longer than the 30 s resend grace and the 40 s steps of `settle`: an order that did arrive is still
  // pending at the carrier when its in-doubt item is first considered for a resend.
  // PGlite and the in-process queue by default; real PostgreSQL and Redis (Bull) when DATABASE_URL / REDIS_URL are set.
  stack = await startStack({
    cards: CARDS,
    clock,
    quotaFactor: 10,
    orderDelayMs: 60_000,
    timeoutMs: 500,
    databaseUrl: process.env.DATABASE_URL ?? null,
    redisUrl: process.env.REDIS_URL ?? null,
  });
  await stack.simgate.scheduler.kickOff();
  await waitForFullSync(stack.simgate, 300_000);
});

afterAll(async () => {
  await stack?.close();
});

async function idle(timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await stack.simgate.queue.counts();
    if (c.active + c.waiting + c.delayed === 0) return;
    if (Date.now() > until) throw new Error(`queue not idle after ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createOp(type: OperationType, account: string, iccids: string[]): Promise<Operation> {
  const { operation } = await stack.simgate.store.operations.create(
    { idempotencyKey: `once-${++opSeq}-${type}`, type, params: {}, items: iccids.map((iccid) => ({ iccid, accountId: account })) },
    clock.now(),
  );
  return operation;
}

/**
 * Drives confirmations: simulator time moves on, then an orders sweep; until every item is final. The first
 * rounds move 40 s (past the resend grace); later ones past the platform's typical processing time, after
 * which an in-doubt order that the carrier cannot show as pending is resent.
 */
async function settle(account: string, opIds: string[], rounds = 12): Promise<Operation[]> {
  const sg = stack.simgate;
  const typicalMs = sg.runtime.get(account).manifest.orderProcessing.typicalHours * 3600_000;
  for (let round = 0; round < rounds; round++) {
    const stepMs = round < 3 ? 40_000 : typicalMs + 60_000;
    await idle();
    const ops = await Promise.all(opIds.map(async (id) => (await sg.store.operations.get(id))!));
    if (ops.every((o) => o.items.every((i) => [OperationState.COMPLETED, OperationState.FAILED, OperationState.REJECTED].includes(i.state)))) return ops;
    clock.advance(stepMs);
    await sg.engine.requestSweep(account, 'orders', 'manual');
  }
  const ops = await Promise.all(opIds.map(async (id) => (await sg.store.operations.get(id))!));
  throw new Error(`operations not final after ${rounds} rounds: ${JSON.stringify(ops.map((o) => o.items.map((i) => [i.iccid, i.state, i.error, i.resends])))}`);
}

/** Cards ACTIVE without any suspension reason, in ICCID order, as re-read now (simulator time moves in this suite). */
async function activeCards(account: string, n: number, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const all = await stack.simgate.store.cards.refs(account, null, 1000, {});
  await stack.simgate.engine.syncCards(account, 'status', all.map((r) => r.iccid));
  const refs = await stack.simgate.store.cards.refs(account, null, 1000, { statuses: [CardStatus.ACTIVE] });
  const cards = await stack.simgate.store.cards.getMany(refs.map((r) => r.iccid));
  const ok = cards.filter((c) => c.status === CardStatus.ACTIVE && !c.suspendReasons.length && !skip.has(c.iccid)).map((c) => c.iccid);
  if (ok.length < n) throw new Error(`only ${ok.length} active cards in ${account}`);
  return ok.sort().slice(0, n);
}

/** Statuses read from the simulator itself (faults off), not from simgate's store. */
async function statusAtCarrier(account: string, iccids: string[]): Promise<Map<string, CardStatus>> {
  const rt = stack.simgate.runtime.get(account);
  const out = new Map<string, CardStatus>();
  for (const iccid of iccids) {
    const card = await stack.simgate.store.cards.get(iccid);
    const r = await rt.adapter.fetchCards([{ iccid, msisdn: card?.msisdn ?? null, hints: { stoppedBySimgate: true } }], clock.now());
    if (r.items[0]) out.set(iccid, r.items[0].status);
  }
  return out;
}

interface OrderRec {
  key: string;
  accepted: boolean;
  duplicate: boolean;
}

function ordersOf(platform: string, iccid: string, log: OrderRec[]): OrderRec[] {
  void platform;
  return log.filter((o) => o.key.startsWith(`${iccid}|`));
}

/** Whether a simulator request places an order (the requests adapters mark `order: true`). */
function isOrder(platform: string, r: SimRequest): boolean {
  const path = r.path.replace(/^\/+/, '');
  switch (platform) {
    case 'cmcc-onelink':
      return path.startsWith('change/');
    case 'cucc-jasper':
      return r.method === 'PUT';
    case 'ctcc-cmp':
      return r.query.method === 'disabledNumber';
    default:
      return (r.method === 'PUT' || r.method === 'POST') && path.startsWith('v1/sims');
  }
}

/**
 * The simulator's next order request meets a fault, whatever other requests come first: `answer-lost` — the
 * order is taken, its answer never comes (timeout); `not-arrived` — a 502 before the platform saw it.
 */
function failNextOrder(sim: ControlledSimulator, fate: 'answer-lost' | 'not-arrived'): void {
  const original = sim.handle.bind(sim);
  (sim as { handle: ControlledSimulator['handle'] }).handle = async (req) => {
    if (!isOrder(sim.platform, req)) return original(req);
    (sim as { handle: ControlledSimulator['handle'] }).handle = original;
    if (fate === 'not-arrived') return { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>502 Bad Gateway</body></html>' };
    return { ...(await original(req)), hang: true };
  };
}

async function orderLog(platform: string): Promise<OrderRec[]> {
  return stack.local!.get(platform).counters.orders.map((o) => ({ key: o.key, accepted: o.accepted, duplicate: o.duplicate }));
}

describe('operations reach the carrier exactly once, under the fault matrix', () => {
  for (const { platform, account } of PLATFORMS) {
    it(`${platform}: SUSPEND then RESUME of several cards, forced and random faults on the orders; every item completes, each order arrives once`, async () => {
      const sg = stack.simgate;
      const cards = await activeCards(account, 6);
      const [a, b] = [cards.slice(0, 3), cards.slice(3)];
      const sim = stack.local!.get(platform);
      const resentItems: string[] = [];
      for (const type of [OperationType.SUSPEND, OperationType.RESUME]) {
        if (type === OperationType.RESUME) clock.advance(31 * 60_000); // OneLink: a card changed < 30 min ago refuses another change
        await idle();
        stack.local!.setFaults(platform, { ...MATRIX });
        // The first order request times out (it arrives, its answer is lost); in the second operation the first gets a 5xx (it does not arrive).
        failNextOrder(sim, 'answer-lost');
        const opA = await createOp(type, account, a);
        await sg.engine.requestSubmit(opA.id);
        await idle();
        failNextOrder(sim, 'not-arrived');
        const opB = await createOp(type, account, b);
        await sg.engine.requestSubmit(opB.id);
        const ops = await settle(account, [opA.id, opB.id]);
        stack.local!.setFaults(platform, { reset: true });
        for (const op of ops) {
          for (const it of op.items) {
            expect({ iccid: it.iccid, state: it.state, error: it.error }).toEqual({ iccid: it.iccid, state: OperationState.COMPLETED, error: null });
            if (it.resends.length) resentItems.push(it.iccid);
            for (const r of it.resends) expect(r.reason.length).toBeGreaterThan(10);
          }
        }
        // At least one order of the 5xx operation did not arrive: it was resent (once or more), and it says why.
        expect(ops[1].items.some((i) => i.resends.length > 0)).toBe(true);
        const want = type === OperationType.SUSPEND ? CardStatus.SUSPENDED : CardStatus.ACTIVE;
        const at = await statusAtCarrier(account, cards);
        for (const iccid of cards) expect([iccid, at.get(iccid)]).toEqual([iccid, want]);
      }
      // The simulator's order log: per card, one accepted SUSPEND and one accepted RESUME; nothing flagged duplicate.
      const log = await orderLog(platform);
      for (const iccid of cards) {
        const mine = ordersOf(platform, iccid, log);
        expect([iccid, mine.filter((o) => o.duplicate)]).toEqual([iccid, []]);
        expect([iccid, mine.filter((o) => o.accepted).length]).toEqual([iccid, 2]);
      }
      expect(resentItems.length).toBeGreaterThan(0);
    });
  }
});

describe('a submission run that dies is taken over within seconds', () => {
  /** Makes the adapter's next submit calls behave as given (in order), then restores it. */
  function patchSubmit(adapter: CarrierAdapter, plan: ('send' | 'die-before-send' | 'die-after-send' | 'die-before-slot')[]): () => void {
    const original = adapter.submit.bind(adapter);
    let n = 0;
    adapter.submit = async (order, refs, at) => {
      const step = plan[n++] ?? 'send';
      if (step === 'send') return original(order, refs, at);
      if (step === 'die-before-slot') return new Promise(() => undefined);
      if (step === 'die-before-send') {
        // What the HTTP layer does once the order request holds its slot; then the process is gone.
        await sendContext()!.beforeSend!({ method: 'GET', url: 'http://dead/', endpoint: 'order', order: true });
        return new Promise(() => undefined);
      }
      await original(order, refs, at);
      return new Promise(() => undefined);
    };
    return () => void (adapter.submit = original);
  }

  /** Waits until the operation's items are in the given states (a run working in the background). */
  async function until(opId: string, states: OperationState[]): Promise<Operation> {
    const end = Date.now() + 30_000;
    for (;;) {
      const cur = (await stack.simgate.store.operations.get(opId))!;
      if (JSON.stringify(cur.items.map((i) => i.state)) === JSON.stringify(states)) return cur;
      if (Date.now() > end) throw new Error(`items not ${JSON.stringify(states)}: ${JSON.stringify(cur.items.map((i) => i.state))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('ctcc-cmp: items marked by the dead run go in doubt at once and are resolved; its unmarked items are sent by the re-run, once', async () => {
    const account = 'ctcc-main';
    const sg = stack.simgate;
    await idle();
    const used = new Set<string>();
    for (const o of await orderLog('ctcc-cmp')) used.add(o.key.split('|')[0]);
    const cards = await activeCards(account, 5, used);
    const rt = sg.runtime.get(account);
    const { SUBMITTED, PENDING, COMPLETED } = OperationState;

    // Operation 1: card 1 is sent; card 2 is sent and the worker dies before recording the answer; card 3 never reached.
    let restore = patchSubmit(rt.adapter, ['send', 'die-after-send']);
    const op1 = await createOp(OperationType.SUSPEND, account, cards.slice(0, 3));
    void sg.engine.submit(op1.id); // never settles: the run is stuck in its (dead) call
    await until(op1.id, [SUBMITTED, SUBMITTED, PENDING]);
    restore();
    // Operation 2: card 4 is marked with its slot in hand, then the worker dies before the request leaves; card 5 never reached.
    restore = patchSubmit(rt.adapter, ['die-before-send']);
    const op2 = await createOp(OperationType.SUSPEND, account, cards.slice(3));
    void sg.engine.submit(op2.id);
    await until(op2.id, [SUBMITTED, PENDING]);
    restore();

    // The re-runs (the queue re-runs a job once the dead worker's lock expires).
    clock.advance(1000);
    const takeoverAt = clock.now().getTime();
    await sg.engine.submit(op1.id);
    await sg.engine.submit(op2.id);
    const items = new Map([...(await sg.store.operations.get(op1.id))!.items, ...(await sg.store.operations.get(op2.id))!.items].map((i) => [i.iccid, i]));
    expect(items.get(cards[0])!.receipt).not.toBeNull();
    expect(items.get(cards[0])!.error).toBeNull();
    for (const c of [cards[1], cards[3]]) {
      expect(items.get(c)!.state).toBe(SUBMITTED);
      expect(items.get(c)!.receipt).toBeNull();
      expect(items.get(c)!.error).toEqual({ inDoubt: true, reason: 'worker stopped mid-submission' });
    }
    for (const c of [cards[2], cards[4]]) expect(items.get(c)!.receipt).not.toBeNull(); // sent by the re-run
    // Resolution starts now, not at the next scheduled sweep (every 60 s): an orders sweep of the account
    // starts within seconds of the takeover (the clock stands still meanwhile).
    const within = Date.now() + 10_000;
    for (;;) {
      const cp = await sg.store.checkpoints.get(account, 'orders');
      if ((cp?.startedAt?.getTime() ?? 0) >= takeoverAt || (await sg.queue.has(sweepJobId(account, 'orders')))) break;
      if (Date.now() > within) throw new Error(`no orders sweep within 10 s of the takeover: ${JSON.stringify(cp)}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const done = await settle(account, [op1.id, op2.id]);
    const final = new Map(done.flatMap((o) => o.items).map((i) => [i.iccid, i]));
    for (const c of cards) expect([c, final.get(c)!.state]).toEqual([c, COMPLETED]);
    // Card 4's order never left: resent once, after the processing time (CTCC shows no pending order). Card 2's
    // did: the re-read completed it, never resent.
    expect(final.get(cards[3])!.resends.map((r) => r.outcome)).toEqual(['accepted']);
    expect(final.get(cards[3])!.resends[0].reason).toMatch(/processing time/);
    for (const c of [cards[0], cards[1], cards[2], cards[4]]) expect([c, final.get(c)!.resends]).toEqual([c, []]);
    const log = await orderLog('ctcc-cmp');
    for (const iccid of cards) {
      const mine = ordersOf('ctcc-cmp', iccid, log);
      expect([iccid, mine.filter((o) => o.accepted).length, mine.filter((o) => o.duplicate).length]).toEqual([iccid, 1, 0]);
    }
    const at = await statusAtCarrier(account, cards);
    for (const iccid of cards) expect([iccid, at.get(iccid)]).toEqual([iccid, CardStatus.SUSPENDED]);
  });

  it('cucc-jasper: a run that died before its quota slot left its items PENDING; the re-run sends each once', async () => {
    const account = 'cucc-main';
    const sg = stack.simgate;
    await idle();
    const used = new Set<string>();
    for (const o of await orderLog('cucc-jasper')) used.add(o.key.split('|')[0]);
    const cards = await activeCards(account, 2, used);
    const restore = patchSubmit(sg.runtime.get(account).adapter, ['die-before-slot']);
    const op = await createOp(OperationType.SUSPEND, account, cards);
    void sg.engine.submit(op.id);
    await new Promise((r) => setTimeout(r, 300));
    restore();
    expect((await sg.store.operations.get(op.id))!.items.map((i) => i.state)).toEqual([OperationState.PENDING, OperationState.PENDING]);
    await sg.engine.submit(op.id);
    const [done] = await settle(account, [op.id]);
    for (const it of done.items) {
      expect([it.iccid, it.state, it.resends]).toEqual([it.iccid, OperationState.COMPLETED, []]);
    }
    const log = await orderLog('cucc-jasper');
    for (const iccid of cards) {
      const mine = ordersOf('cucc-jasper', iccid, log);
      expect([iccid, mine.filter((o) => o.accepted).length, mine.filter((o) => o.duplicate).length]).toEqual([iccid, 1, 0]);
    }
  });
});
