import {
  CardStatus,
  OperationState,
  OperationType,
  PoolType,
  SuspendReason,
  type CardRef,
  type CarrierError,
  type CarrierReceipt,
} from '@simgate/core';
import nock from 'nock';
import { caught as rejection, useNock } from '../../../../test/support/carrier-specs';
import { CarrierHttp } from '../toolkit/carrier-http';
import { CmccOnelinkAdapter } from './adapter';
import { platform } from './index';

useNock(nock);
/** The carrier error `p` rejects with. */
const caught = async (p: Promise<unknown>): Promise<CarrierError> => (await rejection(p)) as CarrierError;

/**
 * OneLink adapter, feature by feature (karrio's four: the request built, the URL called, a success parsed,
 * an error parsed). Fixtures are written by hand from carriers.md §1 and sit at the bottom of this file.
 */

const HOST = 'http://onelink.test';
const BASE = `${HOST}/v5/ec/`;
const APPID = 'C5010000000001';
const PASSWORD = 'pa55-w0rd-secret';
const TOKEN = 'tok-3f9a1c7e5b2d4a6c';
let now = new Date('2026-03-15T02:00:00Z'); // 10:00 in Shanghai

function makeAdapter(options: Record<string, unknown> = {}): CmccOnelinkAdapter {
  return new CmccOnelinkAdapter(
    { id: 'cmcc-main', platform: 'cmcc-onelink', baseUrl: BASE, credentials: { appid: APPID, password: PASSWORD }, options },
    { http: new CarrierHttp({ platform: 'cmcc-onelink', timeoutMs: 2000 }), now: () => now },
  );
}

type Query = Record<string, string>;
const seen: { path: string; query: Query }[] = [];

/** Intercepts `path` once (or `times`), recording the query, answering `body`. */
function on(path: string, body: unknown, match: (q: Query) => boolean = () => true, times = 1): nock.Scope {
  return nock(HOST)
    .get(`/v5/ec/${path}`)
    .query((q) => match(q as Query))
    .times(times)
    .reply(200, (uri) => {
      seen.push({ path, query: Object.fromEntries(new URL(uri, HOST).searchParams) });
      return typeof body === 'string' ? body : JSON.stringify(body);
    });
}

function withToken(): nock.Scope {
  return on('get/token', TOKEN_OK, (q) => q.appid === APPID && q.password === PASSWORD);
}

beforeEach(() => {
  seen.length = 0;
  now = new Date('2026-03-15T02:00:00Z');
});

describe('registration', () => {
  it('exports the platform with its manifest', () => {
    expect(platform.manifest.id).toBe('cmcc-onelink');
    expect(platform.manifest.credentials).toEqual([
      expect.objectContaining({ name: 'appid', secret: false }),
      expect.objectContaining({ name: 'password', secret: true }),
    ]);
    expect(platform.manifest.quotas.endpoints).toEqual([{ match: 'change/*', points: 1, durationSeconds: 1, perEndpoint: true }]);
    expect(platform.connect({ id: 'a', platform: 'cmcc-onelink', baseUrl: BASE, credentials: { appid: 'x', password: 'y' } }, { http: new CarrierHttp(), now: () => now })).toBeInstanceOf(CmccOnelinkAdapter);
  });

  it('refuses an account without credentials', () => {
    expect(() => new CmccOnelinkAdapter({ id: 'a', platform: 'cmcc-onelink', baseUrl: BASE, credentials: { appid: 'x' } }, { http: new CarrierHttp(), now: () => now })).toThrow(/password/);
  });

  it('options: defaults applied, concurrency and page size capped, invalid values refused naming the account', () => {
    expect(makeAdapter().options).toEqual({ groupIds: [], basicInfo: 'auto', concurrency: 4, memberPageSize: 50, lifecycle: {} });
    expect(makeAdapter({ concurrency: 99, memberPageSize: 80, groupIds: ['G1'] }).options).toMatchObject({ concurrency: 10, memberPageSize: 50, groupIds: ['G1'] });
    for (const bad of [{ basicInfo: 'sometimes' }, { concurrency: 0 }, { groupIds: [''] }, { groupIDs: ['G1'] }]) {
      expect(() => makeAdapter(bad)).toThrow(/account 'cmcc-main', options/);
    }
    expect(platform.manifest.options?.safeParse({ concurrency: 2.5 }).success).toBe(false);
  });

  it('has no card list (IMPORTED inventory)', async () => {
    expect((await caught(makeAdapter().listCards())).kind).toBe('NOT_SUPPORTED');
  });
});

describe('token and transid', () => {
  it('request built: get/token carries appid, password and transid; other calls carry token and transid, never the appid', async () => {
    withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [STATUS_CT_ACTIVE] });
    on('query/sim-data-usage', USAGE_OK);
    on('query/sim-data-margin', MARGIN_OK);
    await makeAdapter().fetchUsage([{ iccid: ICCID_1 }], now);
    const [tok, status] = seen;
    expect(tok.query.transid).toMatch(new RegExp(`^${APPID}20260315100000\\d{8}$`));
    expect(tok.query.transid.length).toBeLessThanOrEqual(48);
    expect(status.query).toMatchObject({ token: TOKEN, iccids: ICCID_1 });
    expect(status.query.appid).toBeUndefined();
    expect(status.query.password).toBeUndefined();
    const seqs = seen.map((s) => Number(s.query.transid.slice(-8)));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('URL called: the token is fetched once and reused while valid', async () => {
    const tok = withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [STATUS_CT_ACTIVE] }, undefined, 2);
    on('query/sim-data-usage', USAGE_OK, undefined, 2);
    on('query/sim-data-margin', MARGIN_OK, undefined, 2);
    const a = makeAdapter();
    await a.fetchUsage([{ iccid: ICCID_1 }], now);
    await a.fetchUsage([{ iccid: ICCID_1 }], now);
    expect(tok.isDone()).toBe(true);
    expect(seen.filter((s) => s.path === 'get/token')).toHaveLength(1);
  });

  it('success parsed: a token past its ttl is fetched again', async () => {
    on('get/token', { status: '0', message: '正确', result: [{ token: TOKEN, ttl: '5' }] }, undefined, 2);
    on('query/sim-data-usage-daily/batch', DAILY_OK, undefined, 2);
    const a = makeAdapter();
    await a.fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now);
    now = new Date(now.getTime() + 10_000);
    await a.fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now);
    expect(seen.filter((s) => s.path === 'get/token')).toHaveLength(2);
  });

  it('error parsed: 12021 drops the token and the call is sent again with a new one; a second 12021 raises AuthExpired', async () => {
    withToken();
    on('query/sim-data-usage-daily/batch', TOKEN_EXPIRED);
    withToken();
    on('query/sim-data-usage-daily/batch', TOKEN_EXPIRED);
    const a = makeAdapter();
    const err = await caught(a.fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now));
    expect(err).toMatchObject({ kind: 'AUTH_EXPIRED', retryable: true, details: { carrierCode: '12021', endpoint: 'query/sim-data-usage-daily/batch' } });
    expect(seen.filter((s) => s.path === 'get/token')).toHaveLength(2);
    seen.length = 0;
    withToken();
    on('query/sim-data-usage-daily/batch', DAILY_OK);
    await expect(a.fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now)).resolves.toMatchObject({ items: [{ usedBytes: 2048 }] });
    expect(seen.filter((s) => s.path === 'get/token')).toHaveLength(1);
  });

  it('error parsed: wrong credentials (12009) are Rejected, not retryable, and the password never shows', async () => {
    on('get/token', { status: '12009', message: `appid或密码错误 ${PASSWORD}`, result: [] });
    const err = await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now));
    expect(err).toMatchObject({ kind: 'REJECTED', retryable: false, details: { carrierCode: '12009', endpoint: 'get/token' } });
    expect(JSON.stringify(err.toJSON())).not.toContain(PASSWORD);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('secrets never appear in transport errors', async () => {
    withToken();
    nock(HOST).get('/v5/ec/query/sim-data-usage-daily/batch').query(true).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const err = await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now));
    expect(err.kind).toBe('TRANSIENT');
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).not.toContain(PASSWORD);
  });
});

describe('errors from the envelope and the transport', () => {
  it.each([
    ['12049', 'RATE_LIMITED', true],
    ['12006', 'REJECTED', false],
    ['12001', 'REJECTED', false],
    ['12100', 'REJECTED', false],
    ['12002', 'REJECTED', false],
    ['77777', 'TRANSIENT', true],
  ])('status %s → %s', async (code, kind, retryable) => {
    withToken();
    on('query/sim-data-usage-daily/batch', { status: code, message: '消息', result: [] });
    const err = await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now));
    expect(err).toMatchObject({ kind, retryable, details: { platform: 'cmcc-onelink', carrierCode: code, carrierMessage: '消息', httpStatus: 200 } });
  });

  it.each([
    ['a truncated body', '{"status":"0","message":"正确","result":[{"msisdn'],
    ['HTML', '<html>502 Bad Gateway</html>'],
    ['no status', '{"result":[]}'],
    ['result not a list', '{"status":"0","message":"","result":{}}'],
    ['an item of the wrong shape', '{"status":"0","message":"","result":[{"dataAmount":{}}]}'],
  ])('%s → Transient', async (_what, body) => {
    withToken();
    on('query/sim-data-usage-daily/batch', body);
    expect((await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now))).kind).toBe('TRANSIENT');
  });

  it.each([
    [500, 'TRANSIENT'],
    [503, 'TRANSIENT'],
    [429, 'RATE_LIMITED'],
    [404, 'REJECTED'],
  ])('HTTP %d → %s', async (status, kind) => {
    withToken();
    nock(HOST).get('/v5/ec/query/sim-data-usage-daily/batch').query(true).reply(status, 'oops', { 'retry-after': '7' });
    const err = await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now));
    expect(err).toMatchObject({ kind, details: { httpStatus: status } });
    if (status === 429) expect(err.details.retryAfterSeconds).toBe(7);
  });
});

describe('fetchCards (resolution of imported cards)', () => {
  it('request built: card-info then status by ICCIDs joined with _, stop reason only for stopped cards, basic info only when dates are unknown', async () => {
    withToken();
    on('query/sim-card-info/batch', CARD_INFO_OK);
    on('query/sim-status/batch', STATUS_OK);
    on('query/sim-stop-reason', STOP_MANUAL, (q) => q.iccid === ICCID_2);
    on('query/sim-basic-info', BASIC_OK, (q) => q.iccid === ICCID_1);
    const refs: CardRef[] = [
      { iccid: ICCID_1 },
      { iccid: ICCID_2, hints: { openedAt: new Date('2024-01-01T00:00:00Z'), activatedAt: new Date('2024-02-01T00:00:00Z') } },
    ];
    await makeAdapter().fetchCards(refs, now);
    const paths = seen.map((s) => s.path);
    expect(paths).toEqual(['get/token', 'query/sim-card-info/batch', 'query/sim-status/batch', expect.any(String), expect.any(String)]);
    expect(paths.slice(3).sort()).toEqual(['query/sim-basic-info', 'query/sim-stop-reason']);
    expect(seen[1].query.iccids).toBe(`${ICCID_1}_${ICCID_2}`);
    expect(seen[2].query.iccids).toBe(`${ICCID_1}_${ICCID_2}`);
  });

  it('URL called: 150 cards cost 2 card-info + 2 status batches (groups of 100)', async () => {
    const refs = Array.from({ length: 150 }, (_, i) => ({ iccid: `8986000000000${String(i).padStart(7, '0')}`, hints: { openedAt: null, activatedAt: null } }));
    withToken();
    const info = (q: Query) => ({ status: '0', message: '正确', result: q.iccids.split('_').map((iccid) => ({ status: '0', message: '正确', iccid, msisdn: null, imsi: null })) });
    const status = (q: Query) => ({ status: '0', message: '正确', result: q.iccids.split('_').map((iccid) => ({ iccid, msisdn: null, cardStatus: '7', lastChangeDate: null })) });
    const scope = nock(HOST)
      .get('/v5/ec/query/sim-card-info/batch').query(true).times(2).reply(200, (uri) => JSON.stringify(info(Object.fromEntries(new URL(uri, HOST).searchParams) as Query)))
      .get('/v5/ec/query/sim-status/batch').query(true).times(2).reply(200, (uri) => JSON.stringify(status(Object.fromEntries(new URL(uri, HOST).searchParams) as Query)));
    const res = await makeAdapter().fetchCards(refs, now);
    expect(scope.isDone()).toBe(true);
    expect(res.items).toHaveLength(150);
    expect(res.failures).toHaveLength(0);
    expect(res.items.every((c) => c.status === CardStatus.INVENTORY)).toBe(true);
  });

  it('success parsed: records with raw values, reasons and dates', async () => {
    withToken();
    on('query/sim-card-info/batch', CARD_INFO_OK);
    on('query/sim-status/batch', STATUS_OK);
    on('query/sim-stop-reason', STOP_MANUAL, (q) => q.iccid === ICCID_2);
    on('query/sim-basic-info', BASIC_OK, (q) => q.iccid === ICCID_1);
    on('query/sim-basic-info', BASIC_OK, (q) => q.iccid === ICCID_2);
    const res = await makeAdapter().fetchCards([{ iccid: ICCID_1 }, { iccid: ICCID_2 }], now);
    expect(res.failures).toEqual([]);
    expect(res.items).toEqual([
      expect.objectContaining({ iccid: ICCID_1, msisdn: MSISDN_1, imsi: '460040000000001', status: CardStatus.ACTIVE, suspendReason: null, rawStatus: '2', activatedAt: new Date('2025-01-01T19:04:05Z'), openedAt: new Date('2024-11-30T16:00:00Z'), asOf: now }),
      expect.objectContaining({ iccid: ICCID_2, status: CardStatus.SUSPENDED, suspendReason: SuspendReason.MANUAL, rawStatus: '02', rawReason: '000000002000', raw: expect.objectContaining({ shutdownReasonDesc: '主动停机', codeSet: 'PB' }) }),
    ]);
  });

  it('error parsed: an unknown card is a per-card failure; the rest resolve', async () => {
    withToken();
    on('query/sim-card-info/batch', CARD_INFO_ONE_UNKNOWN);
    on('query/sim-status/batch', { status: '0', message: '正确', result: [STATUS_CT_ACTIVE] }, (q) => q.iccids === ICCID_1);
    const res = await makeAdapter({ basicInfo: 'never' }).fetchCards([{ iccid: ICCID_1 }, { iccid: ICCID_UNKNOWN }], now);
    expect(res.items.map((c) => c.iccid)).toEqual([ICCID_1]);
    expect(res.failures).toEqual([{ iccid: ICCID_UNKNOWN, error: expect.objectContaining({ kind: 'REJECTED', details: expect.objectContaining({ carrierCode: '12006' }) }) }]);
  });

  it('error parsed: a rate-limit answer aborts the call with RateLimited', async () => {
    withToken();
    on('query/sim-card-info/batch', CARD_INFO_OK);
    on('query/sim-status/batch', RATE_LIMITED);
    expect((await caught(makeAdapter().fetchCards([{ iccid: ICCID_1 }, { iccid: ICCID_2 }], now))).kind).toBe('RATE_LIMITED');
  });

  it('a one-card batch refused as unknown (12006) is that card\'s failure', async () => {
    withToken();
    on('query/sim-card-info/batch', UNKNOWN_CARD);
    const res = await makeAdapter().fetchCards([{ iccid: ICCID_UNKNOWN }], now);
    expect(res).toEqual({ items: [], failures: [{ iccid: ICCID_UNKNOWN, error: expect.objectContaining({ kind: 'REJECTED' }) }] });
  });
});

describe('fetchUsage', () => {
  it('request built: one status batch for cards without a rawStatus hint, then usage and margin by ICCID', async () => {
    withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [STATUS_CT_ACTIVE] }, (q) => q.iccids === ICCID_1);
    on('query/sim-data-usage', USAGE_OK, (q) => q.iccid === ICCID_1);
    on('query/sim-data-margin', MARGIN_OK, (q) => q.iccid === ICCID_1);
    on('query/sim-data-usage', USAGE_OK, (q) => q.iccid === ICCID_2);
    on('query/sim-data-margin', MARGIN_OK, (q) => q.iccid === ICCID_2);
    await makeAdapter().fetchUsage([{ iccid: ICCID_1 }, { iccid: ICCID_2, hints: { rawStatus: '00' } }], now);
    expect(seen.filter((s) => s.path === 'query/sim-status/batch')).toHaveLength(1);
    expect(seen.filter((s) => s.path === 'query/sim-data-usage').map((s) => s.query.iccid).sort()).toEqual([ICCID_1, ICCID_2]);
  });

  it('URL called: with rawStatus hints no status batch is made (2 requests per card)', async () => {
    withToken();
    const u = on('query/sim-data-usage', USAGE_OK);
    const m = on('query/sim-data-margin', MARGIN_OK);
    await makeAdapter().fetchUsage([{ iccid: ICCID_1, hints: { rawStatus: '2' } }], now);
    expect(u.isDone() && m.isDone()).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['get/token', 'query/sim-data-usage', 'query/sim-data-margin']);
  });

  it('success parsed: KB × 1024, quota from the margin, asOf now for CT and start of day for PB', async () => {
    withToken();
    on('query/sim-data-usage', USAGE_OK, undefined, 2);
    on('query/sim-data-margin', MARGIN_OK, undefined, 2);
    const res = await makeAdapter({ concurrency: 1 }).fetchUsage([{ iccid: ICCID_1, hints: { rawStatus: '2' } }, { iccid: ICCID_2, hints: { rawStatus: '00' } }], now);
    expect(res.items).toEqual([
      expect.objectContaining({ iccid: ICCID_1, usedBytes: 20972032, quotaBytes: 104857600, remainingBytes: 104857600 - 20972032, asOf: now, cycleStart: new Date('2026-02-28T16:00:00Z'), cycleEnd: new Date('2026-03-31T16:00:00Z') }),
      expect.objectContaining({ iccid: ICCID_2, asOf: new Date('2026-03-14T16:00:00Z') }),
    ]);
  });

  it('error parsed: an unknown card is a failure; a malformed usage answer is Transient for that card', async () => {
    withToken();
    on('query/sim-data-usage', UNKNOWN_CARD, (q) => q.iccid === ICCID_UNKNOWN);
    on('query/sim-data-usage', { status: '0', message: '', result: [{ dataAmount: '-3' }] }, (q) => q.iccid === ICCID_1);
    on('query/sim-data-margin', MARGIN_OK, (q) => q.iccid === ICCID_1);
    const res = await makeAdapter({ concurrency: 1 }).fetchUsage([{ iccid: ICCID_UNKNOWN, hints: { rawStatus: '2' } }, { iccid: ICCID_1, hints: { rawStatus: '2' } }], now);
    expect(res.items).toEqual([]);
    expect(res.failures.map((f) => [f.iccid, f.error.kind])).toEqual([[ICCID_UNKNOWN, 'REJECTED'], [ICCID_1, 'TRANSIENT']]);
  });
});

describe('daily and past-cycle usage (batches)', () => {
  it('request built: queryDate yyyyMMdd, ICCIDs joined', async () => {
    withToken();
    on('query/sim-data-usage-daily/batch', DAILY_OK);
    await makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }, { iccid: ICCID_2 }], '2026-03-08', now);
    expect(seen[1].query).toMatchObject({ queryDate: '20260308', iccids: `${ICCID_1}_${ICCID_2}` });
  });

  it('URL called: one card over a range asks only the days inside the 7-day window', async () => {
    withToken();
    on('query/sim-data-usage-daily/batch', DAILY_OK, undefined, 7);
    const days = await makeAdapter().fetchDailyUsage({ iccid: ICCID_1 }, '2026-03-01', '2026-03-20', now);
    expect(seen.filter((s) => s.path.includes('daily')).map((s) => s.query.queryDate)).toEqual(
      ['20260308', '20260309', '20260310', '20260311', '20260312', '20260313', '20260314'],
    );
    expect(days.map((d) => d.day)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14']);
  });

  it('success parsed: monthly batch → usage of the past cycle', async () => {
    withToken();
    on('query/sim-data-usage-monthly/batch', MONTHLY_OK, (q) => q.queryDate === '202602');
    const res = await makeAdapter().fetchCycleUsage([{ iccid: ICCID_1 }, { iccid: ICCID_2 }], '2026-02', now);
    expect(res.items).toEqual([expect.objectContaining({ iccid: ICCID_1, usedBytes: 1048576, cycleStart: new Date('2026-01-31T16:00:00Z') })]);
    expect(res.failures).toEqual([{ iccid: ICCID_2, error: expect.objectContaining({ kind: 'REJECTED' }) }]);
  });

  it('error parsed: a day outside the window is refused without a request; 12022 from the platform is Rejected', async () => {
    expect((await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-15', now))).kind).toBe('REJECTED');
    expect(seen).toHaveLength(0);
    withToken();
    on('query/sim-data-usage-daily/batch', { status: '12022', message: '查询日期超出范围', result: [] });
    expect((await caught(makeAdapter().fetchDailyUsageBatch([{ iccid: ICCID_1 }], '2026-03-14', now))).details.carrierCode).toBe('12022');
  });
});

describe('pools (groups from options.groupIds)', () => {
  it('request built: groupId on usage, margin and a one-member page for the total', async () => {
    withToken();
    on('query/group-data-usage', GROUP_USAGE_OK, (q) => q.groupId === 'G100');
    on('query/group-data-margin', GROUP_MARGIN_OK, (q) => q.groupId === 'G100');
    on('query/group-member', GROUP_MEMBERS_OK, (q) => q.groupId === 'G100' && q.pageSize === '1' && q.startNum === '1');
    await makeAdapter({ groupIds: ['G100'] }).listPools(now);
    expect(seen.map((s) => s.path)).toEqual(['get/token', 'query/group-data-usage', 'query/group-data-margin', 'query/group-member']);
  });

  it('URL called: no groupIds, no request', async () => {
    expect(await makeAdapter().listPools(now)).toEqual([]);
    expect(seen).toHaveLength(0);
  });

  it('success parsed: pool totals and member pages (startNum = page number)', async () => {
    withToken();
    on('query/group-data-usage', GROUP_USAGE_OK);
    on('query/group-data-margin', GROUP_MARGIN_OK);
    on('query/group-member', GROUP_MEMBERS_OK);
    const [pool] = await makeAdapter({ groupIds: ['G100'] }).listPools(now);
    expect(pool).toMatchObject({ poolId: 'G100', type: PoolType.FORWARD, totalBytes: 10485760, usedBytes: 5242880, remainingBytes: 5242880, memberCount: 3 });
    withToken();
    on('query/group-member', GROUP_MEMBERS_OK, (q) => q.startNum === '1' && q.pageSize === '2');
    on('query/group-member', GROUP_MEMBERS_PAGE_2, (q) => q.startNum === '2' && q.pageSize === '2');
    const a = makeAdapter({ memberPageSize: 2 });
    const p1 = await a.listPoolMembers('G100', null, now);
    expect(p1).toEqual({ iccids: [ICCID_1, ICCID_2], next: '2', total: 3 });
    expect(await a.listPoolMembers('G100', p1.next, now)).toEqual({ iccids: [ICCID_3], next: null, total: 3 });
  });

  it('error parsed: an unknown group (12011) is Rejected', async () => {
    withToken();
    on('query/group-data-usage', { status: '12011', message: '群组不存在', result: [] });
    expect((await caught(makeAdapter({ groupIds: ['nope'] }).listPools(now))).details.carrierCode).toBe('12011');
  });
});

describe('operations', () => {
  const order = (type: OperationType, iccids: string[]) => ({ type, iccids, params: {}, idempotencyKey: 'k1' });

  it('request built: one card → change/sim-status with operType 0 and reason 01; several → batch by MSISDNs with operType 9', async () => {
    withToken();
    on('change/sim-status', CHANGE_OK, (q) => q.iccid === ICCID_1 && q.operType === '0' && q.reason === '01');
    on('change/sim-status/batch', CHANGE_BATCH_OK, (q) => q.msisdns === `${MSISDN_1}_${MSISDN_2}` && q.operType === '9' && q.reason === '01');
    const a = makeAdapter();
    const r1 = await a.submit(order(OperationType.SUSPEND, [ICCID_1]), [{ iccid: ICCID_1 }], now);
    const r2 = await a.submit(order(OperationType.SUSPEND, [ICCID_1, ICCID_2]), [{ iccid: ICCID_1, msisdn: MSISDN_1 }, { iccid: ICCID_2, msisdn: MSISDN_2 }], now);
    expect(r1).toMatchObject({ confirmBy: 'ORDER', carrierRef: 'ORD20260315001', expectedStatus: CardStatus.SUSPENDED, submittedAt: now });
    expect(r1).not.toHaveProperty('deadline'); // the sync engine sets deadlines
    expect(r2).toMatchObject({ confirmBy: 'JOB', carrierRef: 'JOB778', iccids: [ICCID_1, ICCID_2] });
  });

  it('URL called: resume of several cards without MSISDNs resolves them first (card-info batch), then operType 11', async () => {
    withToken();
    on('query/sim-card-info/batch', CARD_INFO_OK);
    on('change/sim-status/batch', CHANGE_BATCH_OK, (q) => q.operType === '11' && q.msisdns === `${MSISDN_1}_${MSISDN_2}`);
    await makeAdapter().submit(order(OperationType.RESUME, [ICCID_1, ICCID_2]), [], now);
    expect(seen.map((s) => s.path)).toEqual(['get/token', 'query/sim-card-info/batch', 'change/sim-status/batch']);
  });

  it.each([
    ['7', '2'],
    ['1', '6'],
    ['07', '6'],
    ['6', '5'],
  ])('success parsed: activating one card in cardStatus %s uses operType %s', async (cardStatus, operType) => {
    withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [{ ...STATUS_CT_ACTIVE, cardStatus }] });
    on('change/sim-status', CHANGE_OK, (q) => q.operType === operType && q.reason === undefined);
    const r = await makeAdapter().submit(order(OperationType.ACTIVATE, [ICCID_1]), [{ iccid: ICCID_1 }], now);
    expect(r).toMatchObject({ confirmBy: 'ORDER', expectedStatus: CardStatus.ACTIVE });
  });

  it('success parsed: batch activation of inventory cards uses operType 5, of awaiting cards 7', async () => {
    withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [{ ...STATUS_CT_ACTIVE, cardStatus: '7' }, { ...STATUS_PB_STOPPED, cardStatus: '7' }] });
    on('change/sim-status/batch', CHANGE_BATCH_OK, (q) => q.operType === '5');
    await makeAdapter().submit(order(OperationType.ACTIVATE, [ICCID_1, ICCID_2]), [], now);
    expect(seen.at(-1)?.query.msisdns).toBe(`${MSISDN_1}_${MSISDN_2}`);
  });

  it('error parsed: 12034 (changed within 30 minutes) is Rejected with a clear message', async () => {
    withToken();
    on('change/sim-status', { status: '12034', message: '该号码30分钟内已提交过变更', result: [] });
    const err = await caught(makeAdapter().submit(order(OperationType.SUSPEND, [ICCID_1]), [], now));
    expect(err).toMatchObject({ kind: 'REJECTED', retryable: false, details: { carrierCode: '12034', retryAfterSeconds: 1800, endpoint: 'change/sim-status' } });
    expect(err.message).toMatch(/30 minutes/);
  });

  it('error parsed: mixed activations, test cards in a batch and unsupported operations are refused before any change', async () => {
    withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [{ ...STATUS_CT_ACTIVE, cardStatus: '7' }, { ...STATUS_PB_STOPPED, cardStatus: '1' }] });
    expect((await caught(makeAdapter().submit(order(OperationType.ACTIVATE, [ICCID_1, ICCID_2]), [], now))).message).toMatch(/split/);
    withToken();
    on('query/sim-status/batch', { status: '0', message: '正确', result: [{ ...STATUS_CT_ACTIVE, cardStatus: '6' }, { ...STATUS_PB_STOPPED, cardStatus: '6' }] });
    expect((await caught(makeAdapter().submit(order(OperationType.ACTIVATE, [ICCID_1, ICCID_2]), [], now))).message).toMatch(/test cards/);
    expect((await caught(makeAdapter().submit(order(OperationType.REBIND, [ICCID_1]), [], now))).kind).toBe('NOT_SUPPORTED');
    expect((await caught(makeAdapter().submit(order(OperationType.SET_USAGE_CAP, [ICCID_1]), [], now))).kind).toBe('NOT_SUPPORTED');
    expect(seen.some((s) => s.path.startsWith('change/'))).toBe(false);
  });
});

describe('progress', () => {
  const orderReceipt = (): CarrierReceipt => ({
    type: OperationType.SUSPEND, iccids: [ICCID_1], confirmBy: 'ORDER', carrierRef: 'ORD20260315001',
    expectedStatus: CardStatus.SUSPENDED, submittedAt: now,
  });
  const jobReceipt = (): CarrierReceipt => ({
    type: OperationType.SUSPEND, iccids: [ICCID_1, ICCID_2], confirmBy: 'JOB', carrierRef: 'JOB778',
    expectedStatus: CardStatus.SUSPENDED, submittedAt: now,
    raw: { msisdns: { [ICCID_1]: MSISDN_1, [ICCID_2]: MSISDN_2 } },
  });

  it('request built: order-info by orderNum, sim-batch-result by jobId', async () => {
    withToken();
    on('query/order-info', ORDER_IN_PROGRESS, (q) => q.orderNum === 'ORD20260315001');
    on('query/sim-batch-result', JOB_PENDING, (q) => q.jobId === 'JOB778');
    const a = makeAdapter();
    expect((await a.progress(orderReceipt(), [], now)).state).toBe(OperationState.SUBMITTED);
    expect((await a.progress(jobReceipt(), [], now)).state).toBe(OperationState.SUBMITTED);
  });

  it('URL called: a week later the carrier still holds the order → still SUBMITTED (the engine applies deadlines)', async () => {
    withToken();
    const s = on('query/order-info', ORDER_IN_PROGRESS);
    const p = await makeAdapter().progress(orderReceipt(), [], new Date(now.getTime() + 8 * 24 * 3600_000));
    expect(s.isDone()).toBe(true);
    expect(p.state).toBe(OperationState.SUBMITTED);
    expect(p.items.every((i) => i.state === OperationState.SUBMITTED)).toBe(true);
  });

  it('success parsed: completed order; job done with failures per item', async () => {
    withToken();
    on('query/order-info', ORDER_COMPLETED);
    on('query/sim-batch-result', JOB_PARTIAL);
    const a = makeAdapter();
    expect((await a.progress(orderReceipt(), [], now)).state).toBe(OperationState.COMPLETED);
    const p = await a.progress(jobReceipt(), [], now);
    expect(p.items).toEqual([
      { iccid: ICCID_1, state: OperationState.COMPLETED },
      { iccid: ICCID_2, state: OperationState.FAILED, message: '12036 号码状态不允许变更' },
    ]);
  });

  it('error parsed: unknown order (12010) is Rejected; a failed job is FAILED', async () => {
    withToken();
    on('query/order-info', { status: '12010', message: '订单不存在', result: [] });
    on('query/sim-batch-result', { status: '0', message: '正确', result: [{ jobStatus: '4' }] });
    const a = makeAdapter();
    expect((await caught(a.progress(orderReceipt(), [], now))).kind).toBe('REJECTED');
    expect((await a.progress(jobReceipt(), [], now)).state).toBe(OperationState.FAILED);
  });
});

// ------------------------------------------------------------------------------------------------ fixtures
// Written by hand from carriers.md §1 (not from any simulator).

const ICCID_1 = '89860400000000000017';
const ICCID_2 = '89860400000000000025';
const ICCID_3 = '89860400000000000033';
const ICCID_UNKNOWN = '89860400000000009991';
const MSISDN_1 = '1440000000001';
const MSISDN_2 = '1440000000002';

const TOKEN_OK = { status: '0', message: '正确', result: [{ token: TOKEN, ttl: '3600' }] };
const TOKEN_EXPIRED = { status: '12021', message: 'TOKEN不存在或已过期，请重新获取', result: [] };
const RATE_LIMITED = { status: '12049', message: '调用频率超限，请稍后再试', result: [] };
const UNKNOWN_CARD = { status: '12006', message: '号码不存在', result: [] };

const CARD_INFO_OK = {
  status: '0', message: '正确',
  result: [
    { status: '0', message: '正确', msisdn: MSISDN_1, iccid: ICCID_1, imsi: '460040000000001' },
    { status: '0', message: '正确', msisdn: MSISDN_2, iccid: ICCID_2, imsi: '460040000000002' },
  ],
};
const CARD_INFO_ONE_UNKNOWN = {
  status: '0', message: '正确',
  result: [
    { status: '0', message: '正确', msisdn: MSISDN_1, iccid: ICCID_1, imsi: '460040000000001' },
    { status: '12006', message: '号码不存在', msisdn: '', iccid: ICCID_UNKNOWN, imsi: '' },
  ],
};
const STATUS_CT_ACTIVE = { msisdn: MSISDN_1, iccid: ICCID_1, cardStatus: '2', lastChangeDate: '2025-01-02 03:04:05' };
const STATUS_PB_STOPPED = { msisdn: MSISDN_2, iccid: ICCID_2, cardStatus: '02', lastChangeDate: '2026-03-01 08:00:00' };
const STATUS_OK = { status: '0', message: '正确', result: [STATUS_CT_ACTIVE, STATUS_PB_STOPPED] };
const STOP_MANUAL = { status: '0', message: '正确', result: [{ stopReason: '000000002000', shutdownReasonDesc: '主动停机' }] };
const BASIC_OK = {
  status: '0', message: '正确',
  result: [{ msisdn: MSISDN_1, iccid: ICCID_1, imsi: '460040000000001', activeDate: '2025-01-02 03:04:05', openDate: '2024-12-01 00:00:00' }],
};
const USAGE_OK = { status: '0', message: '正确', result: [{ dataAmount: '20480.5', apnUseAmountList: [{ apnName: 'CMIOT', apnUseAmount: '20480.5' }] }] };
const MARGIN_OK = {
  status: '0', message: '正确',
  result: [{ accmMarginList: [{ offeringId: '100001', offeringName: '物联网100M套餐', totalAmount: '102400', useAmount: '20480.5', remainAmount: '81919.5' }] }],
};
const DAILY_OK = { status: '0', message: '正确', result: [{ msisdn: MSISDN_1, iccid: ICCID_1, dataAmount: '2' }] };
const MONTHLY_OK = { status: '0', message: '正确', result: [{ msisdn: MSISDN_1, iccid: ICCID_1, dataAmount: '1024' }] };
const GROUP_USAGE_OK = { status: '0', message: '正确', result: [{ useAmount: '5120' }] };
const GROUP_MARGIN_OK = {
  status: '0', message: '正确',
  result: [{ flowPoolSharingInfo: [{ offeringId: '200001', offeringName: '流量池10M', totalAmount: '10240', useAmount: '5120', remainAmount: '5120' }] }],
};
const GROUP_MEMBERS_OK = { status: '0', message: '正确', result: [{ total: '3', memberList: [{ msisdn: MSISDN_1, iccid: ICCID_1 }, { msisdn: MSISDN_2, iccid: ICCID_2 }] }] };
const GROUP_MEMBERS_PAGE_2 = { status: '0', message: '正确', result: [{ total: '3', memberList: [{ msisdn: '1440000000003', iccid: ICCID_3 }] }] };
const CHANGE_OK = { status: '0', message: '正确', result: [{ orderNum: 'ORD20260315001', msisdn: MSISDN_1 }] };
const CHANGE_BATCH_OK = { status: '0', message: '正确', result: [{ jobId: 'JOB778' }] };
const ORDER_IN_PROGRESS = { status: '0', message: '正确', result: [{ orderNum: 'ORD20260315001', status: 'inProgress', statusDate: '2026-03-15 10:01:00', createDate: '2026-03-15 10:00:00' }] };
const ORDER_COMPLETED = { status: '0', message: '正确', result: [{ orderNum: 'ORD20260315001', status: 'completed', statusDate: '2026-03-16 10:00:00', createDate: '2026-03-15 10:00:00' }] };
const JOB_PENDING = { status: '0', message: '正确', result: [{ jobStatus: '1' }] };
const JOB_PARTIAL = {
  status: '0', message: '正确',
  result: [{
    jobStatus: '3',
    resultList: [
      { status: '0', message: '成功', resultId: MSISDN_1, resultType: '1' },
      { status: '12036', message: '号码状态不允许变更', resultId: MSISDN_2, resultType: '1' },
    ],
  }],
};
