import { Carrier, CardStatus, OperationState, OperationType, PoolState, PoolType, SuspendReason } from '@simgate/core';
import type { CardRecord, EventDraft, UsageSnapshot } from '@simgate/core';
import { cardRecord } from '../../../test/support/records';
import { backends, postgresBackend } from '../../../test/support/backends';
import { Cursor, CursorExpired, InvalidCursor } from './events.repository';
import type { Store } from './store';

const T0 = new Date('2026-11-20T02:00:00Z');
const T1 = new Date('2026-11-21T02:00:00Z');
const T2 = new Date('2026-12-02T02:00:00Z');
const MB = 1024 * 1024;
const cycle = { cycleStart: new Date('2026-10-31T16:00:00Z'), cycleEnd: new Date('2026-11-30T16:00:00Z') };
const nextCycle = { cycleStart: new Date('2026-11-30T16:00:00Z'), cycleEnd: new Date('2026-12-31T16:00:00Z') };

let seq = 0;
/** A fresh account per test: events of one test never mix with another's. */
async function account(store: Store, snapshotDone: boolean) {
  const id = `acc-${++seq}`;
  await store.accounts.upsert([{ id, platform: 'cmcc-onelink', carrier: Carrier.CMCC, baseUrl: 'http://x/' }]);
  if (snapshotDone) await store.db.query(`INSERT INTO feed_accounts (account_id, snapshot_at) VALUES ($1, $2)`, [id, T0]);
  return { accountId: id, platform: 'cmcc-onelink', carrier: Carrier.CMCC };
}

const iccidOf = (n: number) => '8986' + String(n).padStart(15, '0');

const card = (iccid: string, over: Partial<CardRecord> = {}) => cardRecord(iccid, T0, over);

async function all(store: Store, accountId: string) {
  return (await store.events.read({ after: null, accountId, limit: 1000 })).events;
}

describe.each(backends())('events on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => store.close());

  it('writes no per-card events during the snapshot, then card.added and card.status_changed in the change transaction', async () => {
    const src = await account(store, false);
    const [a, b] = [iccidOf(seq * 100 + 1), iccidOf(seq * 100 + 2)];
    await store.cards.upsert(src, [card(a)], T0);
    expect(await all(store, src.accountId)).toEqual([]);

    await store.db.query(`INSERT INTO feed_accounts (account_id, snapshot_at) VALUES ($1, $2)`, [src.accountId, T0]);
    await store.cards.upsert(
      src,
      [card(a, { status: CardStatus.SUSPENDED, suspendReason: SuspendReason.CREDIT_CONTROL, suspendReasons: [SuspendReason.CREDIT_CONTROL], rawStatus: '4', asOf: T1 }), card(b)],
      T1,
    );
    // Unchanged: nothing more.
    await store.cards.upsert(src, [card(b)], T1);
    const events = await all(store, src.accountId);
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['card.status_changed', a],
      ['card.added', b],
    ]);
    const changed = events[0].data as { before: { status: string }; after: { status: string; suspendReason: string; rawStatus: string }; recovery: { actor: string } };
    expect(changed.before.status).toBe(CardStatus.ACTIVE);
    expect(changed.after).toMatchObject({ status: CardStatus.SUSPENDED, suspendReason: SuspendReason.CREDIT_CONTROL, rawStatus: '4' });
    expect(changed.recovery.actor).toBe('CUSTOMER');
    expect(events[0].id).toMatch(/^evt_\d+$/);
  });

  it('fires each usage threshold once per card and cycle, silently during the snapshot, re-armed by a new cycle', async () => {
    const src = await account(store, false);
    const feed = { accountId: src.accountId, platform: src.platform, thresholds: [80, 100] };
    const [a, b] = [iccidOf(seq * 100 + 1), iccidOf(seq * 100 + 2)];
    const snap = (iccid: string, used: number, at: Date, c = cycle): UsageSnapshot => ({
      iccid,
      usedBytes: used * MB,
      quotaBytes: 100 * MB,
      remainingBytes: (100 - used) * MB,
      asOf: at,
      ...c,
    });
    // During the snapshot: b already at 85 % is marked, not announced.
    await store.usage.upsertCycles([snap(a, 10, T0), snap(b, 85, T0)], T0, feed);
    await store.db.query(`INSERT INTO feed_accounts (account_id, snapshot_at) VALUES ($1, $2)`, [src.accountId, T0]);
    expect(await all(store, src.accountId)).toEqual([]);

    // 79.99 % is under 80; exactly 80 % crosses it (no rounding at the boundary).
    await store.usage.upsertCycles([{ ...snap(a, 0, T1), usedBytes: 80 * MB - 1 }], T1, feed);
    expect(await all(store, src.accountId)).toEqual([]);
    await store.usage.upsertCycles([snap(a, 80, T1), snap(b, 90, T1)], T1, feed);
    await store.usage.upsertCycles([snap(a, 95, T1)], T1, feed);
    // Straight past both: two events, in order.
    await store.usage.upsertCycles([snap(b, 120, T1)], T1, feed);
    // New cycle: re-armed.
    await store.usage.upsertCycles([snap(a, 81, T2, nextCycle)], T2, feed);
    const crossed = (await all(store, src.accountId)).map((e) => [e.subject, (e.data as { threshold: number }).threshold, (e.data as { cycleStart: string }).cycleStart]);
    expect(crossed).toEqual([
      [a, 80, cycle.cycleStart.toISOString()],
      [b, 100, cycle.cycleStart.toISOString()],
      [a, 80, nextCycle.cycleStart.toISOString()],
    ]);
  });

  it('announces a pool crossing a threshold of its effective total and running dry, once', async () => {
    const src = await account(store, true);
    const pool = (used: number) => ({
      poolId: 'g1',
      name: 'pool',
      type: PoolType.FORWARD,
      state: used >= 100 ? PoolState.EXHAUSTED : PoolState.ACTIVE,
      perCardBytes: 10 * MB,
      totalBytes: 100 * MB,
      usedBytes: used * MB,
      remainingBytes: (100 - used) * MB,
      memberCount: 10,
      asOf: T1,
    });
    await store.pools.upsert(src.accountId, src.platform, [pool(50)], T1, [80, 100]);
    await store.pools.upsert(src.accountId, src.platform, [pool(85)], T1, [80, 100]);
    await store.pools.upsert(src.accountId, src.platform, [pool(101)], T1, [80, 100]);
    await store.pools.upsert(src.accountId, src.platform, [{ ...pool(102), asOf: T2 }], T2, [80, 100]);
    expect((await all(store, src.accountId)).map((e) => [e.type, (e.data as { threshold?: number }).threshold ?? null])).toEqual([
      ['pool.threshold_crossed', 80],
      ['pool.threshold_crossed', 100],
      ['pool.exhausted', null],
    ]);
  });

  it('announces an operation once it is final, with its items, and items in doubt', async () => {
    const src = await account(store, false);
    const [a, b] = [iccidOf(seq * 100 + 1), iccidOf(seq * 100 + 2)];
    const { operation } = await store.operations.create(
      { idempotencyKey: `k-${seq}`, type: OperationType.SUSPEND, params: {}, items: [a, b].map((iccid) => ({ iccid, accountId: src.accountId })) },
      T0,
    );
    await store.operations.transition(operation.id, [a, b], OperationState.SUBMITTED, T0);
    await store.operations.markInDoubt(operation.id, [b], T0, { inDoubt: true, reason: 'timeout' });
    await store.operations.transition(operation.id, [a], OperationState.COMPLETED, T1);
    expect((await all(store, src.accountId)).map((e) => e.type)).toEqual(['operation.in_doubt']);
    await store.operations.transition(operation.id, [b], OperationState.FAILED, T1, { error: { reason: 'deadline' } });
    // Already final: another transition does not announce it again.
    await store.operations.transition(operation.id, [b], OperationState.FAILED, T1, { from: [OperationState.SUBMITTED] });
    const events = await all(store, src.accountId);
    expect(events.map((e) => e.type)).toEqual(['operation.in_doubt', 'operation.completed']);
    const data = events[1].data as { counts: unknown; items: { iccid: string; state: string }[] };
    expect(data.counts).toEqual({ completed: 1, failed: 1, rejected: 0 });
    expect(data.items.map((i) => [i.iccid, i.state])).toEqual([
      [a, OperationState.COMPLETED],
      [b, OperationState.FAILED],
    ]);
  });

  it('completes an account snapshot once, when every sweep kind has succeeded', async () => {
    const src = await account(store, false);
    const kinds = ['inventory', 'status'];
    await store.checkpoints.save(src.accountId, 'inventory', { state: 'idle', lastSuccessAt: T0 }, T0);
    expect(await store.events.completeSnapshot(src.accountId, kinds, T0)).toBe(false);
    await store.checkpoints.save(src.accountId, 'status', { state: 'idle', lastSuccessAt: T0 }, T0);
    const results = await Promise.all([1, 2, 3].map(() => store.events.completeSnapshot(src.accountId, kinds, T1)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await all(store, src.accountId)).map((e) => e.type)).toEqual(['account.snapshot_completed']);
  });

  it('pages in order, resumes by cursor, filters by type, and refuses cursors it never gave or has pruned', async () => {
    const src = await account(store, true);
    const draft = (n: number): EventDraft => ({ type: n % 2 ? 'sync.late' : 'sync.recovered', accountId: src.accountId, subject: `s${n}`, occurredAt: T0, data: { n } });
    const start = await store.events.position();
    // Twelve, so that positions cross a digit (an order by text would put 10 before 9).
    for (let n = 0; n < 12; n++) await store.events.write([draft(n)]);
    const seen: string[] = [];
    let after = Cursor.decode(start);
    let last;
    for (let page = 0; page < 5; page++) {
      last = await store.events.read({ after, accountId: src.accountId, limit: 5 });
      seen.push(...last.events.map((e) => e.subject!));
      after = Cursor.decode(last.next);
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, n) => `s${n}`));
    expect(last!.events).toEqual([]);
    const late = await store.events.read({ after: Cursor.decode(start), accountId: src.accountId, types: ['sync.late'], limit: 10 });
    expect(late.events.map((e) => e.subject)).toEqual(['s1', 's3', 's5', 's7', 's9', 's11']);

    expect(() => Cursor.decode('not-a-cursor!')).toThrow(InvalidCursor);
    expect(() => Cursor.decode(Buffer.from('12.x').toString('base64url'))).toThrow(InvalidCursor);

    // Pruning everything written so far: the old cursor expires, the latest one still reads on.
    await store.events.prune(new Date(Date.now() + 60_000));
    await expect(store.events.read({ after: Cursor.decode(start), limit: 10 })).rejects.toBeInstanceOf(CursorExpired);
    expect((await store.events.read({ after, limit: 10 })).events).toEqual([]);
  });
});

// Sequence values commit out of order: only a real server with two connections shows it.
(postgresBackend ? describe : describe.skip)('events on postgres: transactions that commit out of order', () => {
  let store: Store;
  beforeAll(async () => {
    store = await postgresBackend!.open();
  });
  afterAll(() => store.close());

  it('a sequence value taken first can commit last; the feed still never passes an event that commits later', async () => {
    const src = await account(store, true);
    const draft = (subject: string): EventDraft => ({ type: 'sync.late', accountId: src.accountId, subject, occurredAt: T0, data: {} });
    const start = Cursor.decode(await store.events.position());

    // The hazard, with the table's own id sequence: a slow transaction takes id n, a fast one n+1 and commits;
    // a reader that remembered the highest id seen (n+1) would never read n.
    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((r) => (releaseSlow = r));
    let slowTook!: (id: number) => void;
    const slowId = new Promise<number>((r) => (slowTook = r));
    const slow = store.db.transaction(async (tx) => {
      const r = await tx.query<{ id: string }>(`SELECT nextval('events_id_seq')::text AS id`);
      slowTook(Number(r.rows[0].id));
      await slowMayCommit;
      // Its event is written as its last step, after the fast one committed.
      await store.events.append(tx, [draft('slow')]);
    });
    const taken = await slowId;
    await store.events.write([draft('fast')]);
    const fastId = (await store.events.read({ after: start, accountId: src.accountId, limit: 10 })).events.map((e) => Number(e.id.slice(4)));
    expect(fastId).toHaveLength(1);
    expect(taken).toBeLessThan(fastId[0]);

    const first = await store.events.read({ after: start, accountId: src.accountId, limit: 10 });
    expect(first.events.map((e) => e.subject)).toEqual(['fast']);
    releaseSlow();
    await slow;
    const second = await store.events.read({ after: Cursor.decode(first.next), accountId: src.accountId, limit: 10 });
    expect(second.events.map((e) => e.subject)).toEqual(['slow']);
  });

  it('orders event-writing transactions by commit: a second writer waits for the first, and a reader sees neither half-done', async () => {
    const src = await account(store, true);
    const draft = (subject: string): EventDraft => ({ type: 'sync.late', accountId: src.accountId, subject, occurredAt: T0, data: {} });
    const start = Cursor.decode(await store.events.position());
    let release!: () => void;
    const mayCommit = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const hasWritten = new Promise<void>((r) => (wrote = r));
    const a = store.db.transaction(async (tx) => {
      await store.events.append(tx, [draft('a1'), draft('a2')]);
      wrote();
      await mayCommit;
    });
    await hasWritten;
    let bDone = false;
    const b = store.events.write([draft('b')]).then(() => (bDone = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(bDone).toBe(false);
    expect((await store.events.read({ after: start, accountId: src.accountId, limit: 10 })).events).toEqual([]);
    release();
    await Promise.all([a, b]);
    const page = await store.events.read({ after: start, accountId: src.accountId, limit: 10 });
    expect(page.events.map((e) => e.subject)).toEqual(['a1', 'a2', 'b']);
  });
});
