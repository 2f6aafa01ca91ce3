import {
  Carrier,
  CardStatus,
  OperationState,
  OperationType,
  PoolState,
  PoolType,
  SuspendReason,
  monthlyPlan,
  type CardRecord,
} from '@simgate/core';
import { cardRecord } from '../../../test/support/records';
import { backends } from '../../../test/support/backends';
import { IdempotencyConflict } from './operations.repository';
import type { Store } from './store';

const T0 = new Date('2026-11-20T02:00:00Z');
const T1 = new Date('2026-11-21T02:00:00Z');
const SRC = { accountId: 'acc-1', platform: 'cmcc-onelink', carrier: Carrier.CMCC };

const card = (iccid: string, over: Partial<CardRecord> = {}) => cardRecord(iccid, T0, over);

const iccid = (n: number) => {
  // 19-digit ICCIDs with a valid Luhn digit, derived from n.
  const body = '898600' + String(n).padStart(12, '0');
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = Number(body[i]);
    if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + ((10 - (sum % 10)) % 10);
};

describe.each(backends())('store on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
    await store.accounts.upsert([{ id: 'acc-1', platform: 'cmcc-onelink', carrier: Carrier.CMCC, baseUrl: 'http://x/' }]);
  });
  afterAll(() => store.close());

  it('migrates idempotently', async () => {
    const { migrate } = await import('./migrations');
    expect(await migrate(store.db)).toEqual([]);
  });

  describe('cards', () => {
    it('inserts new cards, then writes only the rows whose content changed', async () => {
      const recs = [1, 2, 3].map((n) => card(iccid(n)));
      const first = await store.cards.upsert(SRC, recs, T0);
      expect(first).toMatchObject({ inserted: 3, updated: 0, unchanged: 0, statusChanges: 3 });

      const again = await store.cards.upsert(SRC, recs, T1);
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, statusChanges: 0 });
      // Unchanged rows were not rewritten: synced_at keeps the first sync's time.
      expect((await store.cards.get(iccid(1)))!.syncedAt.getTime()).toBe(T0.getTime());

      const changed = [card(iccid(1)), card(iccid(2), { imei: '356938035643809' }), card(iccid(3))];
      const third = await store.cards.upsert(SRC, changed, T1);
      expect(third).toMatchObject({ inserted: 0, updated: 1, unchanged: 2, statusChanges: 0 });
      const c2 = (await store.cards.get(iccid(2)))!;
      expect(c2.imei).toBe('356938035643809');
      expect(c2.syncedAt.getTime()).toBe(T1.getTime());
    });

    it('reads cards without the raw payload when asked (raw: false), everything else the same', async () => {
      const id = iccid(7);
      await store.cards.upsert(SRC, [card(id, { raw: { status: '2', extra: 'x' } })], T0);
      const full = (await store.cards.get(id))!;
      expect(full.raw).toEqual({ status: '2', extra: 'x' });
      const lean = (await store.cards.get(id, { raw: false }))!;
      expect(lean.raw).toBeUndefined();
      expect({ ...lean, raw: full.raw }).toEqual(full);
      const [listed] = await store.cards.list({ q: id }, 1, null, { raw: false });
      expect(listed).toEqual(lean);
      expect((await store.cards.list({ q: id }, 1, null))[0]).toEqual(full);
    });

    it('prepared reads (named statements on PostgreSQL) give the same rows as plain ones, on every pooled connection', async () => {
      const id = iccid(8);
      await store.cards.upsert(SRC, [card(id)], T0);
      const sql = 'SELECT iccid, synced_at FROM cards WHERE iccid = $1';
      const plain = await store.db.query(sql, [id]);
      const prepared = await Promise.all(Array.from({ length: 12 }, () => store.db.query(sql, [id], { prepare: true })));
      for (const r of prepared) expect(r.rows).toEqual(plain.rows);
      expect((await store.db.query(sql, [iccid(9)], { prepare: true })).rows).toEqual([]);
    });

    it('records every change of status or reason in the history, with raw values', async () => {
      const id = iccid(10);
      await store.cards.upsert(SRC, [card(id)], T0);
      await store.cards.upsert(
        SRC,
        [
          card(id, {
            status: CardStatus.SUSPENDED,
            suspendReason: SuspendReason.VIOLATION,
            suspendReasons: [SuspendReason.VIOLATION, SuspendReason.MANUAL],
            rawStatus: '4',
            rawReason: '000000002200',
            asOf: T1,
          }),
        ],
        T1,
      );
      // Same status, one reason fewer: still a change.
      await store.cards.upsert(
        SRC,
        [card(id, { status: CardStatus.SUSPENDED, suspendReason: SuspendReason.VIOLATION, suspendReasons: [SuspendReason.VIOLATION], rawStatus: '4', rawReason: '000000000200', asOf: T1 })],
        T1,
      );
      const h = await store.cards.history(id);
      expect(h.map((x) => [x.prevStatus, x.status, x.suspendReasons.join('+')])).toEqual([
        [CardStatus.SUSPENDED, CardStatus.SUSPENDED, 'VIOLATION'],
        [CardStatus.ACTIVE, CardStatus.SUSPENDED, 'VIOLATION+MANUAL'],
        [null, CardStatus.ACTIVE, ''],
      ]);
      expect(h[1].rawReason).toBe('000000002200');
      const stored = (await store.cards.get(id))!;
      expect(stored.suspendReasons).toEqual([SuspendReason.VIOLATION]);
      expect(stored.rawStatus).toBe('4');
    });

    it('keeps known identifiers and dates when a later record lacks them', async () => {
      const id = iccid(20);
      await store.cards.upsert(SRC, [card(id, { imsi: '460040000000001', openedAt: new Date('2025-05-01T00:00:00Z') })], T0);
      await store.cards.upsert(SRC, [card(id, { imsi: null, msisdn: null, openedAt: null, plan: null })], T1);
      const c = (await store.cards.get(id))!;
      expect(c.imsi).toBe('460040000000001');
      expect(c.msisdn).toBe('1440' + id.slice(-9));
      expect(c.openedAt?.toISOString()).toBe('2025-05-01T00:00:00.000Z');
      expect(c.plan).toEqual(monthlyPlan(100 * 1024 * 1024, 12));
    });

    it('imports order-list cards without overwriting known cards, and resolves them later as a first status', async () => {
      const known = iccid(30);
      await store.cards.upsert(SRC, [card(known)], T0);
      const fresh = iccid(31);
      const r = await store.cards.importRefs(SRC, [{ iccid: known, msisdn: '1' }, { iccid: fresh, msisdn: '1440000000031' }], T0);
      expect(r.inserted).toBe(1);
      expect((await store.cards.get(known))!.status).toBe(CardStatus.ACTIVE);
      const imported = (await store.cards.get(fresh))!;
      expect(imported).toMatchObject({ status: CardStatus.UNKNOWN, rawStatus: '', msisdn: '1440000000031' });
      await store.cards.upsert(SRC, [card(fresh, { status: CardStatus.INVENTORY, rawStatus: '7' })], T1);
      const h = await store.cards.history(fresh);
      expect(h).toHaveLength(1);
      expect(h[0]).toMatchObject({ prevStatus: null, status: CardStatus.INVENTORY });
    });

    it('handles batches larger than one statement and the last record of a card wins', async () => {
      const n = 2500;
      const recs = Array.from({ length: n }, (_, i) => card(iccid(100000 + i)));
      recs.push(card(iccid(100000), { status: CardStatus.INVENTORY, rawStatus: '7' }));
      const r = await store.cards.upsert(SRC, recs, T0);
      expect(r.inserted).toBe(n);
      expect((await store.cards.get(iccid(100000)))!.status).toBe(CardStatus.INVENTORY);
      expect(await store.cards.count('acc-1')).toBeGreaterThanOrEqual(n);
    });

    it('rolls a failing batch back whole: no half-written record', async () => {
      const good = card(iccid(40));
      const bad = card(iccid(41), { status: undefined as unknown as CardStatus }); // violates NOT NULL
      await expect(store.cards.upsert(SRC, [good, bad], T0)).rejects.toThrow();
      expect(await store.cards.get(iccid(40))).toBeNull();
    });

    it('lists with filters and keyset paging, and records per-card sync errors', async () => {
      const ids = [50, 51, 52, 53].map(iccid);
      await store.accounts.upsert([{ id: 'acc-2', platform: 'cmcc-onelink', carrier: Carrier.CMCC, baseUrl: 'http://y/' }]);
      const SRC2 = { ...SRC, accountId: 'acc-2' };
      await store.cards.upsert(SRC2, [
        card(ids[0], { status: CardStatus.SUSPENDED, suspendReason: SuspendReason.MANUAL, suspendReasons: [SuspendReason.MANUAL], rawStatus: '4' }),
        card(ids[1], { status: CardStatus.SUSPENDED, suspendReason: SuspendReason.OVER_QUOTA, suspendReasons: [SuspendReason.OVER_QUOTA, SuspendReason.MANUAL], rawStatus: '4' }),
        card(ids[2]),
        card(ids[3], { poolId: 'G1' }),
      ], T0);
      const manual = await store.cards.list({ accountId: 'acc-2', reason: 'MANUAL' }, 10, null);
      expect(manual.map((c) => c.iccid)).toEqual([ids[0], ids[1]]);
      // Status and reason together (the console's filtered list, indexed by 0002), paged by ICCID; a secondary reason matches too.
      const both = (reason: string, limit: number, after: string | null) =>
        store.cards.list({ accountId: 'acc-2', status: 'SUSPENDED', reason }, limit, after).then((p) => p.map((c) => c.iccid));
      expect(await both('OVER_QUOTA', 10, null)).toEqual([ids[1]]);
      expect(await both('MANUAL', 1, null)).toEqual([ids[0]]);
      expect(await both('MANUAL', 1, ids[0])).toEqual([ids[1]]);
      expect(await both('MANUAL', 10, ids[1])).toEqual([]);
      expect(await both('VIOLATION', 10, null)).toEqual([]);
      expect(await store.cards.list({ accountId: 'acc-2', status: 'ACTIVE', reason: 'MANUAL' }, 10, null)).toEqual([]);
      const page1 = await store.cards.list({ accountId: 'acc-2', status: 'SUSPENDED' }, 1, null);
      const page2 = await store.cards.list({ accountId: 'acc-2', status: 'SUSPENDED' }, 1, page1[0].iccid);
      expect([page1[0].iccid, page2[0].iccid]).toEqual([ids[0], ids[1]]);
      expect((await store.cards.list({ poolId: 'G1' }, 10, null)).map((c) => c.iccid)).toEqual([ids[3]]);
      expect((await store.cards.list({ q: ids[2].slice(0, 17) }, 100, null)).map((c) => c.iccid)).toContain(ids[2]);
      expect(await store.cards.list({ q: '%' }, 10, null)).toEqual([]);

      await store.cards.recordSyncError([ids[2]], { code: '12006', kind: 'REJECTED' }, T1);
      expect((await store.cards.get(ids[2]))!.syncError).toMatchObject({ code: '12006' });
      // The next successful read clears it.
      await store.cards.upsert(SRC2, [card(ids[2])], T1);
      expect((await store.cards.get(ids[2]))!.syncError).toBeNull();
    });
  });

  describe('usage', () => {
    const cycle = { cycleStart: new Date('2026-10-31T16:00:00Z'), cycleEnd: new Date('2026-11-30T16:00:00Z') };
    it('upserts cycle usage change-only, allows negative remaining, and returns the latest cycle', async () => {
      const id = iccid(60);
      const snap = { iccid: id, usedBytes: 120, quotaBytes: 100, remainingBytes: -20, asOf: T0, ...cycle };
      expect(await store.usage.upsertCycles([snap], T0)).toEqual({ written: 1, unchanged: 0, crossed: 0 });
      expect(await store.usage.upsertCycles([snap], T1)).toEqual({ written: 0, unchanged: 1, crossed: 0 });
      expect(await store.usage.upsertCycles([{ ...snap, usedBytes: 130, remainingBytes: -30 }], T1)).toEqual({ written: 1, unchanged: 0, crossed: 0 });
      const prevCycle = { cycleStart: new Date('2026-09-30T16:00:00Z'), cycleEnd: cycle.cycleStart };
      await store.usage.upsertCycles([{ ...snap, ...prevCycle, usedBytes: 5, remainingBytes: 95 }], T1);
      const cur = (await store.usage.current([id])).get(id)!;
      expect(cur).toMatchObject({ usedBytes: 130, remainingBytes: -30, quotaBytes: 100 });
      expect(cur.cycleStart.toISOString()).toBe(cycle.cycleStart.toISOString());
      expect((await store.usage.cycles(id, null, null)).map((u) => u.usedBytes)).toEqual([5, 130]);
    });

    it('reads a card with its latest cycle in one statement: the same card and usage as get() and current()', async () => {
      const withUsage = iccid(62);
      const without = iccid(63);
      await store.cards.upsert(SRC, [card(withUsage, { raw: { cardStatus: '2' } }), card(without)], T0);
      const snap = { iccid: withUsage, usedBytes: 7, quotaBytes: null, remainingBytes: null, asOf: T0, ...cycle };
      await store.usage.upsertCycles([{ ...snap, raw: { dataAmount: '0.01' } }], T1);
      await store.usage.upsertCycles([{ ...snap, cycleStart: new Date('2026-09-30T16:00:00Z'), cycleEnd: cycle.cycleStart, usedBytes: 3 }], T0);

      const got = (await store.cards.getWithUsage(withUsage))!;
      expect(got.card).toEqual(await store.cards.get(withUsage, { raw: false }));
      expect(got.card.raw).toBeUndefined();
      const { raw: _raw, ...current } = (await store.usage.current([withUsage])).get(withUsage)!;
      expect(got.usage).toEqual(current);
      expect(got.usage).toMatchObject({ usedBytes: 7, quotaBytes: null, syncedAt: T1 });

      expect(await store.cards.getWithUsage(without)).toEqual({ card: await store.cards.get(without, { raw: false }), usage: null });
      expect(await store.cards.getWithUsage(iccid(64))).toBeNull();
    });

    it('stores daily usage and reads a day range', async () => {
      const id = iccid(61);
      const days = ['2026-11-01', '2026-11-02', '2026-11-03'].map((day, i) => ({ iccid: id, day, usedBytes: (i + 1) * 1000 }));
      expect((await store.usage.upsertDaily(days, T0)).written).toBe(3);
      expect((await store.usage.upsertDaily(days, T1)).written).toBe(0);
      expect((await store.usage.daily(id, '2026-11-02', '2026-11-03')).map((d) => [d.day, d.usedBytes])).toEqual([
        ['2026-11-02', 2000],
        ['2026-11-03', 3000],
      ]);
    });
  });

  describe('pools', () => {
    it('upserts pools change-only and replaces members, pointing cards at the pool', async () => {
      const pool = {
        poolId: 'G9', name: 'fleet', type: PoolType.FORWARD, state: PoolState.ACTIVE, perCardBytes: 10, totalBytes: 30,
        usedBytes: 12, remainingBytes: 18, memberCount: 3, asOf: T0,
      };
      expect(await store.pools.upsert('acc-1', 'cmcc-onelink', [pool], T0)).toEqual({ written: 1, events: 0 });
      expect(await store.pools.upsert('acc-1', 'cmcc-onelink', [pool], T1)).toEqual({ written: 0, events: 0 });
      const ids = [70, 71, 72].map(iccid);
      await store.cards.upsert(SRC, ids.map((i) => card(i)), T0);
      expect(await store.pools.replaceMembers('acc-1', 'G9', ids)).toEqual({ added: 3, removed: 0 });
      expect(await store.pools.replaceMembers('acc-1', 'G9', ids.slice(1))).toEqual({ added: 0, removed: 1 });
      expect(await store.pools.members('acc-1', 'G9')).toEqual(ids.slice(1));
      expect((await store.cards.get(ids[0]))!.poolId).toBeNull();
      expect((await store.cards.get(ids[1]))!.poolId).toBe('G9');
    });
  });

  describe('operations', () => {
    const items = [{ iccid: iccid(80), accountId: 'acc-1' }, { iccid: iccid(81), accountId: 'acc-1' }];
    it('creates an operation once per idempotency key; a replay returns it; a different request conflicts', async () => {
      const op = { idempotencyKey: 'k-1', type: OperationType.SUSPEND, params: {}, items };
      const a = await store.operations.create(op, T0);
      expect(a.created).toBe(true);
      expect(a.operation.state).toBe(OperationState.PENDING);
      const b = await store.operations.create({ ...op, items: [...items].reverse() }, T1);
      expect(b).toMatchObject({ created: false, operation: { id: a.operation.id } });
      await expect(store.operations.create({ ...op, type: OperationType.RESUME }, T1)).rejects.toBeInstanceOf(IdempotencyConflict);
    });

    it('guards transitions so an item is submitted once, and rolls the state up', async () => {
      const { operation } = await store.operations.create({ idempotencyKey: 'k-2', type: OperationType.ACTIVATE, params: {}, items }, T0);
      const ids = items.map((i) => i.iccid);
      expect(await store.operations.transition(operation.id, ids, OperationState.SUBMITTED, T0, { from: [OperationState.PENDING] })).toBe(2);
      // A second submitter finds nothing PENDING.
      expect(await store.operations.transition(operation.id, ids, OperationState.SUBMITTED, T0, { from: [OperationState.PENDING] })).toBe(0);
      await store.operations.transition(operation.id, [ids[0]], OperationState.COMPLETED, T1);
      expect((await store.operations.get(operation.id))!.state).toBe(OperationState.SUBMITTED);
      await store.operations.transition(operation.id, [ids[1]], OperationState.FAILED, T1, { error: { message: 'deadline' } });
      const done = (await store.operations.get(operation.id))!;
      expect(done.state).toBe(OperationState.COMPLETED);
      expect(done.items.map((i) => [i.state, i.attempts])).toEqual([
        [OperationState.COMPLETED, 1],
        [OperationState.FAILED, 1],
      ]);
    });
  });

  describe('checkpoints', () => {
    it('saves partial patches without clearing other fields', async () => {
      await store.checkpoints.save('acc-1', 'inventory', { state: 'running', cursor: 'p3', startedAt: T0 }, T0);
      await store.checkpoints.save('acc-1', 'inventory', { cards: 150 }, T0);
      let cp = (await store.checkpoints.get('acc-1', 'inventory'))!;
      expect(cp).toMatchObject({ state: 'running', cursor: 'p3', cards: 150 });
      await store.checkpoints.save('acc-1', 'inventory', { state: 'idle', cursor: null, highWaterMark: '2026-11-21T00:00:00Z', lastSuccessAt: T1 }, T1);
      cp = (await store.checkpoints.get('acc-1', 'inventory'))!;
      expect(cp).toMatchObject({ state: 'idle', cursor: null, highWaterMark: '2026-11-21T00:00:00Z', cards: 150 });
      expect(cp.lastSuccessAt!.getTime()).toBe(T1.getTime());
      expect(cp.startedAt!.getTime()).toBe(T0.getTime());
    });
  });

  it('keeps a generated setting once created', async () => {
    expect(await store.settings.getOrCreate('api-key', 'first')).toBe('first');
    expect(await store.settings.getOrCreate('api-key', 'second')).toBe('first');
  });
});
