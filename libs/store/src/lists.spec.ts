import { Carrier, OperationState, OperationType, PoolState, PoolType, type PoolRecord } from '@simgate/core';
import { backends } from '../../../test/support/backends';
import type { Store } from './store';

/** The paged lists of issue 14: operations (filters, IN_DOUBT, keyset order) and pools and members by keyset. */

const T0 = new Date('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const iccidOf = (n: number) => '8986' + String(n).padStart(15, '0');

const pool = (poolId: string): PoolRecord => ({
  poolId,
  name: null,
  type: PoolType.BACKWARD,
  state: PoolState.ACTIVE,
  perCardBytes: null,
  totalBytes: 100,
  usedBytes: 10,
  remainingBytes: 90,
  memberCount: null,
  asOf: T0,
});

describe.each(backends())('lists on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
    await store.accounts.upsert([
      { id: 'acc-a', platform: 'cmcc-onelink', carrier: Carrier.CMCC, baseUrl: 'http://a/' },
      { id: 'acc-b', platform: 'intl-1nce', carrier: Carrier.OVERSEAS, baseUrl: 'http://b/' },
    ]);
  });
  afterAll(() => store.close());

  it('operations: newest first, by state (IN_DOUBT: an item sent with an unknown outcome), type, account, since; keyset pages', async () => {
    const mk = async (key: string, type: OperationType, s: number, items: { iccid: string; accountId: string; state?: OperationState }[]) =>
      (await store.operations.create({ idempotencyKey: key, type, params: {}, items }, at(s))).operation.id;
    const a = await mk('k-a', OperationType.SUSPEND, 1, [{ iccid: iccidOf(1), accountId: 'acc-a' }]);
    const b = await mk('k-b', OperationType.RESUME, 2, [
      { iccid: iccidOf(2), accountId: 'acc-a', state: OperationState.SUBMITTED },
      { iccid: iccidOf(3), accountId: 'acc-b', state: OperationState.SUBMITTED },
    ]);
    const c = await mk('k-c', OperationType.SUSPEND, 3, [{ iccid: iccidOf(4), accountId: 'acc-b', state: OperationState.SUBMITTED }]);
    expect(await store.operations.markInDoubt(b, [iccidOf(3)], at(4), { inDoubt: true, reason: 'timeout' })).toBe(1);

    const ids = async (f: Parameters<Store['operations']['list']>[0], limit = 100, after: { createdAt: Date; id: string } | null = null) =>
      (await store.operations.list(f, limit, after)).map((o) => o.id);
    expect(await ids({})).toEqual([c, b, a]);
    expect(await ids({ state: 'IN_DOUBT' })).toEqual([b]);
    expect(await ids({ state: OperationState.SUBMITTED })).toEqual([c, b]);
    expect(await ids({ state: OperationState.PENDING })).toEqual([a]);
    expect(await ids({ type: OperationType.SUSPEND })).toEqual([c, a]);
    expect(await ids({ accountId: 'acc-b' })).toEqual([c, b]);
    expect(await ids({ accountId: 'acc-b', state: 'IN_DOUBT' })).toEqual([b]);
    expect(await ids({ since: at(2) })).toEqual([c, b]);
    // Keyset: after the first page's last, the rest, whatever was created meanwhile at the top.
    const first = await store.operations.list({}, 2, null);
    expect(first.map((o) => o.id)).toEqual([c, b]);
    await mk('k-d', OperationType.SUSPEND, 5, [{ iccid: iccidOf(5), accountId: 'acc-a' }]);
    expect(await ids({}, 2, { createdAt: first[1].createdAt, id: first[1].id })).toEqual([a]);

    const [tally] = await store.operations.list({ state: 'IN_DOUBT' }, 1, null);
    expect(tally).toMatchObject({ itemCount: 2, inDoubt: 1, byState: { SUBMITTED: 2 }, accounts: ['acc-a', 'acc-b'] });
  });

  it('pools and members page by keyset in (account, pool) and ICCID order', async () => {
    await store.pools.upsert('acc-a', 'cmcc-onelink', [pool('P2'), pool('P1')], T0);
    await store.pools.upsert('acc-b', 'intl-1nce', [pool('P0')], T0);
    const key = (p: { accountId: string; poolId: string }) => `${p.accountId}:${p.poolId}`;
    expect((await store.pools.list()).map(key)).toEqual(['acc-a:P1', 'acc-a:P2', 'acc-b:P0']);
    expect((await store.pools.list({}, { limit: 2 })).map(key)).toEqual(['acc-a:P1', 'acc-a:P2']);
    expect((await store.pools.list({}, { limit: 2, after: { accountId: 'acc-a', poolId: 'P2' } })).map(key)).toEqual(['acc-b:P0']);
    expect((await store.pools.list({ platform: 'intl-1nce' })).map(key)).toEqual(['acc-b:P0']);
    expect((await store.pools.list({ accountId: 'acc-a' }, { after: { accountId: 'acc-a', poolId: 'P1' } })).map(key)).toEqual(['acc-a:P2']);

    const members = [7, 3, 9, 1, 5].map(iccidOf);
    await store.pools.replaceMembers('acc-a', 'P1', members);
    const sorted = [...members].sort();
    expect(await store.pools.members('acc-a', 'P1', { limit: 2 })).toEqual(sorted.slice(0, 2));
    expect(await store.pools.members('acc-a', 'P1', { limit: 2, after: sorted[1] })).toEqual(sorted.slice(2, 4));
    expect(await store.pools.members('acc-a', 'P1', { after: sorted[3] })).toEqual(sorted.slice(4));
    expect(await store.pools.memberCount('acc-a', 'P1')).toBe(5);
    expect(await store.pools.memberCount('acc-a', 'P2')).toBe(0);
  });
});
