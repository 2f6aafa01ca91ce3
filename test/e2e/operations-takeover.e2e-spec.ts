import { SimClock } from '@simgate/mocks';
import { CardStatus, OperationState, OperationType } from '@simgate/core';
import type { Operation } from '@simgate/store';
import { startStack, waitForFullSync, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * A worker SIGKILLed while it submits operations (issue: "a killed worker loses operations, silently"): two
 * worker processes on Redis and PostgreSQL, the simulators in this process. The first worker takes the submit
 * jobs and is killed as soon as it marked its first items sent; the second takes the jobs over once the lock
 * expires. Within seconds no item is left marked sent without an outcome: each is confirmed by a receipt, or
 * in doubt with its reason; the items the dead worker never reached are sent by the survivor, once; the carrier
 * received at most one order per card, no duplicate. Runs when REDIS_URL and DATABASE_URL are set.
 */
const REDIS_URL = process.env.REDIS_URL;
const DATABASE_URL = process.env.DATABASE_URL;
const run = REDIS_URL && DATABASE_URL ? describe : describe.skip;

type Worker = WorkerProcess;

const startWorker = (stack: Stack): Worker => startWorkerProcess('worker', stack, DATABASE_URL!, REDIS_URL!);

async function until<T>(what: string, fn: () => Promise<T | null | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

run('a worker killed while it submits operations', () => {
  let stack: Stack;
  let clock: SimClock;
  const workers: Worker[] = [];

  beforeAll(async () => {
    clock = SimClock.fixed('2026-03-10T04:00:00Z');
    stack = await startStack({ cards: 40, clock, quotaFactor: 1, orderDelayMs: 60_000, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, worker: false });
    workers.push(startWorker(stack));
    await stack.simgate.scheduler.kickOff();
    await waitForFullSync(stack.simgate, 240_000);
  }, 300_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await stack?.close();
  });

  it('no item stays marked sent without an outcome; unreached items are sent by the survivor, once; no duplicate order', async () => {
    const sg = stack.simgate;
    const pick = async (account: string, n: number) => {
      const refs = await sg.store.cards.refs(account, null, 1000, { statuses: [CardStatus.ACTIVE] });
      const cards = await sg.store.cards.getMany(refs.map((r) => r.iccid));
      return cards.filter((c) => !c.suspendReasons.length).map((c) => c.iccid).sort().slice(0, n);
    };
    const plan = [
      { account: 'ctcc-main', platform: 'ctcc-cmp', cards: await pick('ctcc-main', 12) },
      { account: 'cmcc-main', platform: 'cmcc-onelink', cards: await pick('cmcc-main', 3) },
    ];
    const ops: Operation[] = [];
    for (const p of plan) {
      // One operation per card: several submit jobs, some done, some cut off, some not started when the worker dies.
      for (const iccid of p.cards) {
        const { operation } = await sg.store.operations.create(
          { idempotencyKey: `kill-${iccid}`, type: OperationType.SUSPEND, params: {}, items: [{ iccid, accountId: p.account }] },
          clock.now(),
        );
        ops.push(operation);
      }
    }
    for (const op of ops) await sg.engine.requestSubmit(op.id);
    const items = async () => (await Promise.all(ops.map(async (o) => (await sg.store.operations.get(o.id))!.items[0]))).flat();
    // Killed as soon as it has marked its first items sent.
    await until('the first items marked sent', async () => (await items()).some((i) => i.state === OperationState.SUBMITTED));
    workers[0].child.kill('SIGKILL');
    const killedAt = Date.now();
    await workers[0].exited;
    const atKill = await items();
    const markedAtKill = atKill.filter((i) => i.state !== OperationState.PENDING).length;

    workers.push(startWorker(stack));
    // Within seconds of the lock expiring: nothing PENDING, nothing marked sent without receipt or error.
    const settled = await until(
      'every item to have an outcome',
      async () => {
        const now = await items();
        const open = now.filter((i) => i.state === OperationState.PENDING || (i.state === OperationState.SUBMITTED && !i.receipt && !i.error));
        return open.length === 0 ? now : null;
      },
      30_000,
    );
    const takeoverMs = Date.now() - killedAt;
    const inDoubt = settled.filter((i) => i.state === OperationState.SUBMITTED && !i.receipt);
    for (const it of inDoubt) expect(it.error).toMatchObject({ inDoubt: true });
    console.log(
      `killed with ${markedAtKill} of ${atKill.length} items marked sent; every item had an outcome ${takeoverMs} ms after the kill: ${settled.filter((i) => i.receipt).length} with receipt, ${inDoubt.length} in doubt (${inDoubt.map((i) => (i.error as { reason?: string }).reason ?? (i.error as { message?: string }).message).join('; ')})`,
    );

    // The carrier's order log: at most one accepted order per card, no duplicate; every receipt matches one order.
    for (const p of plan) {
      const log = stack.local!.get(p.platform).counters.orders;
      for (const iccid of p.cards) {
        const mine = log.filter((o) => o.key.startsWith(`${iccid}|`));
        expect([iccid, mine.filter((o) => o.duplicate).length]).toEqual([iccid, 0]);
        expect(mine.filter((o) => o.accepted).length).toBeLessThanOrEqual(1);
        const item = settled.find((i) => i.iccid === iccid)!;
        if (item.receipt) expect([iccid, mine.filter((o) => o.accepted).length]).toEqual([iccid, 1]);
      }
    }

    // The carriers complete their orders; the survivor confirms them, the in-doubt ones by re-reading the card.
    clock.advance(2 * 60_000);
    for (const p of plan) await sg.engine.requestSweep(p.account, 'orders', 'manual');
    const reached = new Set(plan.flatMap((p) => stack.local!.get(p.platform).counters.orders.filter((o) => o.accepted).map((o) => o.key.split('|')[0])));
    const final = await until(
      'every order that reached a carrier to complete',
      async () => {
        const now = await items();
        return now.every((i) => !reached.has(i.iccid) || i.state === OperationState.COMPLETED) ? now : null;
      },
      60_000,
    );
    // What never reached a carrier is still in doubt (resent after the platform's processing time, 48 h), never lost.
    for (const it of final.filter((i) => !reached.has(i.iccid))) {
      expect(it.state).toBe(OperationState.SUBMITTED);
      expect(it.error).toMatchObject({ inDoubt: true });
    }
  }, 180_000);
});
