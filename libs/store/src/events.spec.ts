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
    for (let n = 0; n < 5; n++) await store.events.write([draft(n)]);
    const p1 = await store.events.read({ after: Cursor.decode(start), accountId: src.accountId, limit: 2 });
    const p2 = await store.events.read({ after: Cursor.decode(p1.next), accountId: src.accountId, limit: 2 });
    const p3 = await store.events.read({ after: Cursor.decode(p2.next), accountId: src.accountId, limit: 2 });
    const p4 = await store.events.read({ after: Cursor.decode(p3.next), accountId: src.accountId, limit: 2 });
    expect([...p1.events, ...p2.events, ...p3.events].map((e) => e.subject)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(p4.events).toEqual([]);
    const late = await store.events.read({ after: Cursor.decode(start), accountId: src.accountId, types: ['sync.late'], limit: 10 });
    expect(late.events.map((e) => e.subject)).toEqual(['s1', 's3']);

    expect(() => Cursor.decode('not-a-cursor!')).toThrow(InvalidCursor);
    expect(() => Cursor.decode(Buffer.from('12.x').toString('base64url'))).toThrow(InvalidCursor);

    // Pruning everything written so far: the old cursor expires, the latest one still reads on.
    await store.events.prune(new Date(Date.now() + 60_000));
    await expect(store.events.read({ after: Cursor.decode(start), limit: 10 })).rejects.toBeInstanceOf(CursorExpired);
    const after = await store.events.read({ after: Cursor.decode(p4.next), limit: 10 });
    expect(after.events).toEqual([]);
  });
});

// Sequence values commit out of order: only a real server with two connections shows it.
(postgresBackend ? describe : describe.skip)('events on postgres: a transaction that commits late with a lower id', () => {
  let store: Store;
  beforeAll(async () => {
    store = await postgresBackend!.open();
  });
  afterAll(() => store.close());

  it('is never skipped by a reader following the cursor', async () => {
    const src = await account(store, true);
    const draft = (subject: string): EventDraft => ({ type: 'sync.late', accountId: src.accountId, subject, occurredAt: T0, data: {} });
    const start = Cursor.decode(await store.events.position());

    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((r) => (releaseSlow = r));
    let slowWrote!: () => void;
    const slowHasWritten = new Promise<void>((r) => (slowWrote = r));
    // The slow transaction takes its id first and commits last.
    const slow = store.db.transaction(async (tx) => {
      await store.events.append(tx, [draft('slow')]);
      slowWrote();
      await slowMayCommit;
    });
    await slowHasWritten;
    await store.events.write([draft('fast')]);

    const ids = await store.db.query<{ subject: string; id: string }>(`SELECT subject, id::text AS id FROM events WHERE account_id = $1`, [src.accountId]);
    // Only the fast one is visible yet, and the slow one holds the lower id: `id > last seen` would skip it.
    expect(ids.rows.map((r) => r.subject)).toEqual(['fast']);

    const first = await store.events.read({ after: start, accountId: src.accountId, limit: 10 });
    expect(first.events).toEqual([]);
    releaseSlow();
    await slow;
    const second = await store.events.read({ after: Cursor.decode(first.next), accountId: src.accountId, limit: 10 });
    expect(second.events.map((e) => e.subject)).toEqual(['slow', 'fast']);
    expect(Number(second.events[0].id.slice(4))).toBeLessThan(Number(second.events[1].id.slice(4)));
  });
});
