import nock from 'nock';
import { AuthExpired, NotSupported, RateLimited, Rejected, Transient } from '@simgate/core';
import { CardStatus, OperationState, OperationType, SuspendReason } from '@simgate/core';
import type { CarrierAccountConfig, CarrierAdapter, CarrierReceipt, OperationOrder } from '@simgate/core';
import type { HttpPort, HttpRequest, HttpResponse } from '@simgate/core';
import { caught, useNock } from '../../../../test/support/carrier-specs';
import { CarrierHttp } from '../toolkit/carrier-http';
import { platform } from './index';

useNock(nock);

/** karrio's four tests per feature: request built, URL called, success parsed, error parsed. Fixtures at the bottom. */

const HOST = 'http://1nce.test';
const BASE = '/management-api';
let clock = new Date(0);

function connect(credentials = CREDENTIALS): CarrierAdapter {
  const account: CarrierAccountConfig = { id: 'intl-main', platform: 'intl-1nce', baseUrl: `${HOST}${BASE}/`, credentials };
  return platform.connect(account, { http: new CarrierHttp({ platform: 'intl-1nce' }), now: () => clock });
}

function token(value = 'tok-1', expiresIn = 3600): nock.Scope {
  return nock(HOST)
    .post(`${BASE}/oauth/token`, { grant_type: 'client_credentials' })
    .basicAuth({ user: CREDENTIALS.username, pass: CREDENTIALS.password })
    .reply(200, { status_code: 200, access_token: value, token_type: 'bearer', expires_in: expiresIn, userId: 'api-user', scope: 'all' });
}

interface Seen {
  path: string | null;
  body: unknown;
}

function api(method: 'get' | 'put' | 'post', path: RegExp | string, status: number, body: string | object, headers: Record<string, string> = {}, bearer = 'tok-1') {
  const seen: Seen = { path: null, body: undefined };
  const scope = nock(HOST, { reqheaders: { authorization: `Bearer ${bearer}` } })
    [method]((p: string) => {
      const pathOnly = p.split('?')[0];
      const ok = typeof path === 'string' ? pathOnly === `${BASE}/${path}` : path.test(pathOnly);
      if (ok) seen.path = p;
      return ok;
    }, (b: unknown) => {
      seen.body = b;
      return true;
    })
    .reply(status, typeof body === 'string' ? body : JSON.stringify(body), headers);
  return { scope, seen };
}

beforeEach(() => {
  clock = new Date(AT);
});

describe('intl-1nce platform', () => {
  it('exports `platform` for the registry, with its manifest as data', () => {
    const m = platform.manifest;
    expect(m.id).toBe('intl-1nce');
    expect(m.credentials.map((c) => [c.name, c.secret])).toEqual([
      ['username', false],
      ['password', true],
    ]);
    expect(m.quotas.account).toEqual({ points: 10, durationSeconds: 1 });
    expect(m.quotas.endpoints).toContainEqual({ match: 'oauth/token', points: 600, durationSeconds: 60, perEndpoint: false });
    expect(m.billingCycle).toEqual({ kind: 'NATURAL_MONTH', zone: 'UTC' });
    expect(m.capabilities.operations).toEqual([OperationType.SUSPEND, OperationType.RESUME]);
  });

  it('takes no options (an order deadline is the account field orderDeadlineHours, applied by the engine)', () => {
    expect(platform.manifest.options?.safeParse({}).success).toBe(true);
    const account = { id: 'intl-main', platform: 'intl-1nce', baseUrl: `${HOST}${BASE}/`, credentials: CREDENTIALS, options: { orderDeadlineHours: 2 } };
    expect(() => platform.connect(account, { http: new CarrierHttp({ platform: 'intl-1nce' }), now: () => clock })).toThrow(/account 'intl-main', options: Unrecognized key/);
  });
});

describe('auth: POST /oauth/token', () => {
  it('builds the request: Basic username:password, client_credentials body', async () => {
    const t = token();
    api('get', 'v1/sims', 200, [], { 'X-Total-Pages': '1' });
    await connect().listCards(null, null, AT);
    expect(t.isDone()).toBe(true);
  });

  it('calls the token URL once while the token lives, again near its expiry', async () => {
    const a = connect();
    const t1 = token('tok-1', 3600);
    api('get', 'v1/sims', 200, [], { 'X-Total-Pages': '1' });
    api('get', 'v1/sims', 200, [], { 'X-Total-Pages': '1' });
    await a.listCards(null, null, AT);
    await a.listCards(null, null, AT);
    expect(t1.isDone()).toBe(true);
    clock = new Date(AT.getTime() + 3550_000); // inside the 60 s margin
    const t2 = token('tok-2', 3600);
    api('get', 'v1/sims', 200, [], { 'X-Total-Pages': '1' }, 'tok-2');
    await a.listCards(null, null, clock);
    expect(t2.isDone()).toBe(true);
  });

  it('parses a 401 on a call: the token is dropped and the call sent again with a new one; a second 401 raises AuthExpired', async () => {
    const a = connect();
    token('tok-1');
    api('get', 'v1/sims', 401, { statusCode: 401, message: 'Unauthorized' });
    token('tok-2');
    api('get', 'v1/sims', 401, { statusCode: 401, message: 'Unauthorized' }, {}, 'tok-2');
    const e = await caught(a.listCards(null, null, AT));
    expect(e).toBeInstanceOf(AuthExpired);
    const t3 = token('tok-3');
    api('get', 'v1/sims', 200, [], { 'X-Total-Pages': '1' }, 'tok-3');
    await a.listCards(null, null, AT);
    expect(t3.isDone()).toBe(true);
  });

  it('parses token errors: bad credentials are Rejected, 429 RateLimited, garbage Transient', async () => {
    nock(HOST).post(`${BASE}/oauth/token`).reply(400, { statusCode: 400, errorCode: 'BadCredentials', message: 'Bad credentials' });
    const bad = await caught(connect().listCards(null, null, AT));
    expect(bad).toBeInstanceOf(Rejected);
    expect((bad as Rejected).details).toMatchObject({ carrierCode: 'BadCredentials', httpStatus: 400, endpoint: 'oauth/token' });
    nock(HOST).post(`${BASE}/oauth/token`).reply(401, '');
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Rejected);
    nock(HOST).post(`${BASE}/oauth/token`).reply(429, '', { 'Retry-After': '7' });
    const limited = await caught(connect().listCards(null, null, AT));
    expect(limited).toBeInstanceOf(RateLimited);
    expect((limited as RateLimited).details.retryAfterSeconds).toBe(7);
    nock(HOST).post(`${BASE}/oauth/token`).reply(200, '{"access_tok');
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Transient);
  });
});

describe('inventory: GET /v1/sims', () => {
  it('builds the request: page, pageSize=100, bearer', async () => {
    token();
    const { seen } = api('get', 'v1/sims', 200, SIM_LIST, LIST_HEADERS);
    await connect().listCards('2', null, AT);
    expect(seen.path).toBe(`${BASE}/v1/sims?page=2&pageSize=100`);
  });

  it('calls the list URL once per page', async () => {
    token();
    const { scope } = api('get', 'v1/sims', 200, SIM_LIST, LIST_HEADERS);
    await connect().listCards(null, null, AT);
    expect(scope.isDone()).toBe(true);
  });

  it('parses SIMs (20-digit ICCID, status rows) and the paging headers', async () => {
    token();
    api('get', 'v1/sims', 200, SIM_LIST, LIST_HEADERS);
    const page = await connect().listCards('2', null, AT);
    expect(page.next).toBe('3');
    expect(page.total).toBe(250);
    expect(page.cards.map((c) => [c.iccid, c.status, c.suspendReason, c.rawStatus])).toEqual([
      ['89882280666023067204', CardStatus.ACTIVE, null, 'Enabled'],
      ['89882280666023067212', CardStatus.INVENTORY, null, 'Enabled'],
      ['89882280666023067220', CardStatus.SUSPENDED, SuspendReason.MANUAL, 'Disabled'],
    ]);
    expect(page.cards[0]).toMatchObject({ msisdn: '882285000012345', imsi: '901405100012345', imei: '359000000000001' });
    expect(page.cards[0].activatedAt?.toISOString()).toBe('2026-01-15T08:13:40.000Z');

    token();
    api('get', 'v1/sims', 200, '[]', { 'X-Total-Pages': '3', 'X-Current-Page': '4' });
    expect(await connect().listCards('4', null, AT)).toMatchObject({ cards: [], next: null });
  });

  it('parses errors: 429 with Retry-After, 5xx, truncated body', async () => {
    token();
    api('get', 'v1/sims', 429, { statusCode: 429, message: 'Too Many Requests' }, { 'Retry-After': '2' });
    const e = await caught(connect().listCards(null, null, AT));
    expect(e).toBeInstanceOf(RateLimited);
    expect((e as RateLimited).details).toMatchObject({ retryAfterSeconds: 2, httpStatus: 429, endpoint: 'v1/sims' });
    token();
    api('get', 'v1/sims', 503, 'Service Unavailable');
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Transient);
    token();
    api('get', 'v1/sims', 200, SIM_LIST.slice(0, 100), LIST_HEADERS);
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Transient);
  });
});

describe('status: GET /v1/sims/{iccid} + /quota/data', () => {
  it('builds the requests with the 19-digit iccid', async () => {
    token();
    const sim = api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    const quota = api('get', /\/quota\/data$/, 200, QUOTA_OK);
    await connect().fetchCards([{ iccid: '89882280666023067204' }], AT);
    expect(sim.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720`);
    expect(quota.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720/quota/data`);
  });

  it('calls two URLs per card', async () => {
    token();
    const a = api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    const b = api('get', /\/quota\/data$/, 200, QUOTA_OK);
    await connect().fetchCards([{ iccid: '89882280666023067204' }], AT);
    expect(a.scope.isDone() && b.scope.isDone()).toBe(true);
  });

  it('parses status with the lifetime plan; an expired plan wins over everything', async () => {
    token();
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    api('get', /\/quota\/data$/, 200, QUOTA_OK);
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_EXHAUSTED);
    api('get', /\/quota\/data$/, 200, QUOTA_OK);
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_DISABLED);
    api('get', /\/quota\/data$/, 200, QUOTA_EXPIRED);
    const r = await connect().fetchCards(
      [{ iccid: '89882280666023067204' }, { iccid: '89882280666023067212' }, { iccid: '89882280666023067220' }],
      AT,
    );
    expect(r.items.map((c) => [c.status, c.suspendReason])).toEqual([
      [CardStatus.ACTIVE, null],
      [CardStatus.SUSPENDED, SuspendReason.OVER_QUOTA],
      [CardStatus.DEACTIVATED, SuspendReason.PLAN_EXPIRED],
    ]);
    // The plan carries the carrier's expiry (the forecast's carrier-stated expiresAt).
    expect(r.items[0].plan).toEqual({ kind: 'LIFETIME', name: null, totalBytes: 500 * 1048576, termMonths: null, expiresAt: '2036-01-15T08:13:40.000Z' });
    expect(r.items[2].rawReason).toBe('expiry_date=2026-11-30T00:00:00.000Z');
    expect(r.items[2].plan).toMatchObject({ expiresAt: '2026-11-30T00:00:00.000Z' });
  });

  it('parses errors: 404 is that card’s failure, a 500 that card’s Transient failure', async () => {
    token();
    api('get', /\/v1\/sims\/\d+$/, 404, { statusCode: 404, errorCode: 'NotFound', message: 'SIM not found' });
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    api('get', /\/quota\/data$/, 200, QUOTA_OK);
    const r = await connect().fetchCards([{ iccid: '89882280666023067999' }, { iccid: '89882280666023067204' }], AT);
    expect(r.items).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ iccid: '89882280666023067999' });
    expect(r.failures[0].error).toBeInstanceOf(Rejected);
    token();
    api('get', /\/v1\/sims\/\d+$/, 500, '');
    expect((await connect().fetchCards([{ iccid: '89882280666023067204' }], AT)).failures[0].error).toBeInstanceOf(Transient);
  });
});

describe('cycle usage: /usage (natural month, UTC) + /quota/data', () => {
  it('builds the requests: this month so far, UTC days', async () => {
    token();
    const u = api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    api('get', /\/quota\/data$/, 200, QUOTA_OK);
    await connect().fetchUsage([{ iccid: '89882280666023067204' }], AT);
    // AT is 2026-11-30T20:00Z: still November in UTC (already December 1st in Shanghai, and Nov 30 noon in LA).
    expect(u.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720/usage?start_dt=2026-11-01&end_dt=2026-11-30`);
  });

  it('calls two URLs per card', async () => {
    token();
    const u = api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    const q = api('get', /\/quota\/data$/, 200, QUOTA_OK);
    await connect().fetchUsage([{ iccid: '89882280666023067204' }], AT);
    expect(u.scope.isDone() && q.scope.isDone()).toBe(true);
  });

  it('parses: sum of the month’s daily stats, lifetime quota and remaining as 1NCE states them', async () => {
    token();
    api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    api('get', /\/quota\/data$/, 200, QUOTA_OK);
    const r = await connect().fetchUsage([{ iccid: '89882280666023067204' }], AT);
    const u = r.items[0];
    const day = (mb: number): number => Math.round(mb * 1048576);
    // The October stat is outside the cycle and not counted.
    expect(u.usedBytes).toBe(day(1.5) + day(0.25) + day(10.123456));
    expect(u.quotaBytes).toBe(500 * 1048576);
    expect(u.remainingBytes).toBe(day(321.5));
    expect(u.cycleStart.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(u.cycleEnd.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('parses errors: malformed stats are that card’s Transient failure, 404 is per card', async () => {
    token();
    api('get', /\/usage$/, 200, '{"stats":[{"date":"yesterday","data":{"volume":"x"}}]}');
    api('get', /\/quota\/data$/, 200, QUOTA_OK);
    expect((await connect().fetchUsage([{ iccid: '89882280666023067204' }], AT)).failures[0].error).toBeInstanceOf(Transient);
    token();
    api('get', /\/usage$/, 404, { statusCode: 404, message: 'SIM not found' });
    expect((await connect().fetchUsage([{ iccid: '89882280666023067204' }], AT)).failures).toHaveLength(1);
  });
});

describe('daily usage: /usage', () => {
  it('builds the request with the given days', async () => {
    token();
    const u = api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    await connect().fetchDailyUsage({ iccid: '89882280666023067204' }, '2026-10-31', '2026-11-30', AT);
    expect(u.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720/usage?start_dt=2026-10-31&end_dt=2026-11-30`);
  });

  it('calls the usage URL once for the range', async () => {
    token();
    const u = api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    await connect().fetchDailyUsage({ iccid: '89882280666023067204' }, '2026-10-31', '2026-11-30', AT);
    expect(u.scope.isDone()).toBe(true);
  });

  it('parses one entry per UTC day, same-day stats added', async () => {
    token();
    api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    const days = await connect().fetchDailyUsage({ iccid: '89882280666023067204' }, '2026-10-31', '2026-11-30', AT);
    expect(days.map((d) => d.day)).toEqual(['2026-10-31', '2026-11-01', '2026-11-29']);
    expect(days[2].usedBytes).toBe(Math.round(0.25 * 1048576) + Math.round(10.123456 * 1048576));
  });

  it('parses errors and refuses bad ranges before any request', async () => {
    token();
    api('get', /\/usage$/, 400, { statusCode: 400, message: 'start_dt older than 6 months' });
    const e = await caught(connect().fetchDailyUsage({ iccid: '89882280666023067204' }, '2026-01-01', '2026-01-31', AT));
    expect(e).toBeInstanceOf(Rejected);
    expect((e as Rejected).details.carrierMessage).toBe('start_dt older than 6 months');
    expect(await caught(connect().fetchDailyUsage({ iccid: '89882280666023067204' }, '2026-11-30', '2026-11-01', AT))).toBeInstanceOf(Rejected);
  });
});

describe('past-cycle usage: /usage over the UTC month', () => {
  it('builds the request: the whole month', async () => {
    token();
    const u = api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    await connect().fetchCycleUsage!([{ iccid: '89882280666023067204' }], '2026-10', AT);
    expect(u.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720/usage?start_dt=2026-10-01&end_dt=2026-10-31`);
  });

  it('calls once per card (no quota read: the lifetime volume of a past month is not served)', async () => {
    token();
    const u = api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    await connect().fetchCycleUsage!([{ iccid: '89882280666023067204' }], '2026-10', AT);
    expect(u.scope.isDone()).toBe(true);
  });

  it('parses the month’s stats only, final as of the month end', async () => {
    token();
    api('get', /\/usage$/, 200, USAGE_NOVEMBER);
    const r = await connect().fetchCycleUsage!([{ iccid: '89882280666023067204' }], '2026-10', AT);
    expect(r.items[0]).toMatchObject({ usedBytes: 99 * 1048576, quotaBytes: null, remainingBytes: null });
    expect(r.items[0].asOf.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('parses errors and refuses bad labels before any request', async () => {
    token();
    api('get', /\/usage$/, 404, { statusCode: 404, message: 'SIM not found' });
    expect((await connect().fetchCycleUsage!([{ iccid: '89882280666023067204' }], '2026-10', AT)).failures).toHaveLength(1);
    expect(await caught(connect().fetchCycleUsage!([{ iccid: '89882280666023067204' }], 'Oct', AT))).toBeInstanceOf(Rejected);
  });
});

describe('operations: submit', () => {
  const order = (type: OperationType, iccids = ['89882280666023067204']): OperationOrder => ({ type, iccids, params: {}, idempotencyKey: 'op-1' });

  it('builds the requests: PUT for one card, POST for several, 19-digit iccids', async () => {
    token();
    const put = api('put', /\/v1\/sims\/\d+$/, 200, '');
    await connect().submit(order(OperationType.SUSPEND), [], AT);
    expect(put.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720`);
    expect(put.seen.body).toEqual({ iccid: '8988228066602306720', status: 'Disabled' });
    token();
    const post = api('post', 'v1/sims', 201, '');
    await connect().submit(order(OperationType.RESUME, ['89882280666023067204', '89882280666023067212']), [], AT);
    expect(post.seen.body).toEqual([
      { iccid: '8988228066602306720', status: 'Enabled' },
      { iccid: '8988228066602306721', status: 'Enabled' },
    ]);
  });

  it('calls one URL per order', async () => {
    token();
    const post = api('post', 'v1/sims', 201, '');
    await connect().submit(order(OperationType.SUSPEND, ['89882280666023067204', '89882280666023067212']), [], AT);
    expect(post.scope.isDone()).toBe(true);
  });

  it('parses the acceptance (200 or 201 queued) into a STATUS receipt', async () => {
    token();
    api('post', 'v1/sims', 201, '');
    const r = await connect().submit(order(OperationType.SUSPEND, ['89882280666023067204', '89882280666023067212']), [], AT);
    expect(r).toMatchObject({ confirmBy: 'STATUS', carrierRef: null, expectedStatus: CardStatus.SUSPENDED, iccids: ['89882280666023067204', '89882280666023067212'] });
    expect(r).not.toHaveProperty('deadline');
  });

  it('parses errors: 422 expired keeps its message; unsupported operations fail before any request', async () => {
    token();
    api('put', /\/v1\/sims\/\d+$/, 422, { statusCode: 422, message: 'SIMs are expired and cannot be modified via API. Only extensions are permitted' });
    const e = await caught(connect().submit(order(OperationType.RESUME), [], AT));
    expect(e).toBeInstanceOf(Rejected);
    expect((e as Rejected).details.carrierMessage).toBe('SIMs are expired and cannot be modified via API. Only extensions are permitted');
    expect(e.message).toContain('SIMs are expired');
    for (const t of [OperationType.ACTIVATE, OperationType.REBIND, OperationType.SET_USAGE_CAP]) {
      expect(await caught(connect().submit(order(t), [], AT))).toBeInstanceOf(NotSupported);
    }
  });
});

describe('operations: progress (re-reading the SIM)', () => {
  const receipt = (type: OperationType): CarrierReceipt => ({
    type,
    iccids: ['89882280666023067204'],
    confirmBy: 'STATUS',
    carrierRef: null,
    expectedStatus: type === OperationType.SUSPEND ? CardStatus.SUSPENDED : CardStatus.ACTIVE,
    submittedAt: AT,
  });

  it('builds the read request', async () => {
    token();
    const s = api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    await connect().progress(receipt(OperationType.SUSPEND), [], AT);
    expect(s.seen.path).toBe(`${BASE}/v1/sims/8988228066602306720`);
  });

  it('calls once per card', async () => {
    token();
    const s = api('get', /\/v1\/sims\/\d+$/, 200, SIM_DISABLED);
    await connect().progress(receipt(OperationType.SUSPEND), [], AT);
    expect(s.scope.isDone()).toBe(true);
  });

  it('parses: pending until the status shows (however late: the engine applies deadlines), then completed', async () => {
    token();
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_DISABLED);
    api('get', /\/v1\/sims\/\d+$/, 200, SIM_ACTIVE);
    const a = connect();
    expect((await a.progress(receipt(OperationType.SUSPEND), [], AT)).state).toBe(OperationState.SUBMITTED);
    expect((await a.progress(receipt(OperationType.SUSPEND), [], AT)).state).toBe(OperationState.COMPLETED);
    const late = await a.progress(receipt(OperationType.SUSPEND), [], new Date(AT.getTime() + 25 * 3600_000));
    expect(late.state).toBe(OperationState.SUBMITTED);
    expect(late.items).toEqual([{ iccid: '89882280666023067204', state: OperationState.SUBMITTED, message: 'status Enabled, waiting for Disabled' }]);
  });

  it('parses errors: 404 fails the item, 429 fails the call', async () => {
    token();
    api('get', /\/v1\/sims\/\d+$/, 404, { statusCode: 404, message: 'SIM not found' });
    api('get', /\/v1\/sims\/\d+$/, 429, '');
    const a = connect();
    expect((await a.progress(receipt(OperationType.RESUME), [], AT)).state).toBe(OperationState.FAILED);
    expect(await caught(a.progress(receipt(OperationType.RESUME), [], AT))).toBeInstanceOf(RateLimited);
  });
});

describe('secrets', () => {
  it('never appear in errors (password, Basic header, bearer token)', async () => {
    const basic = Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64');
    nock(HOST).post(`${BASE}/oauth/token`).reply(400, { errorCode: 'BadCredentials', message: `bad ${CREDENTIALS.password} / Basic ${basic}` });
    const e1 = await caught(connect().listCards(null, null, AT));
    token('tok-secret-123');
    api('get', 'v1/sims', 500, { message: 'token tok-secret-123 broke' }, {}, 'tok-secret-123');
    const e2 = await caught(connect().listCards(null, null, AT));
    for (const e of [e1, e2]) {
      const text = JSON.stringify((e as Rejected).toJSON());
      for (const s of [CREDENTIALS.password, basic, 'tok-secret-123']) expect(text).not.toContain(s);
    }
  });

  it('are listed on every request', async () => {
    const sent: { endpoint: string; secrets: string[] }[] = [];
    const http: HttpPort = {
      send: async (r: HttpRequest): Promise<HttpResponse> => {
        sent.push({ endpoint: r.endpoint, secrets: r.secrets ?? [] });
        return r.endpoint === 'oauth/token'
          ? { status: 200, headers: {}, body: '{"access_token":"tok-9","expires_in":3600}' }
          : { status: 200, headers: { 'x-total-pages': '1' }, body: '[]' };
      },
    };
    const a = platform.connect({ id: 'x', platform: 'intl-1nce', baseUrl: HOST + BASE, credentials: CREDENTIALS }, { http, now: () => clock });
    await a.listCards(null, null, AT);
    expect(sent[0].secrets).toContain(CREDENTIALS.password);
    expect(sent[1].secrets).toEqual(expect.arrayContaining([CREDENTIALS.password, 'tok-9']));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Fixtures, written by hand from carriers.md §4.

/** 2026-11-30 20:00 UTC: November in UTC, December 1st in Shanghai, noon in Los Angeles. */
const AT = new Date('2026-11-30T20:00:00Z');

const CREDENTIALS = { username: 'api-user@example.com', password: 'S3cret-pass' };

const LIST_HEADERS = { 'X-Count-Per-Page': '100', 'X-Current-Page': '2', 'X-Total-Count': '250', 'X-Total-Pages': '3' };

const SIM_ACTIVE = {
  iccid: '8988228066602306720',
  iccid_with_luhn: '89882280666023067204',
  imsi: '901405100012345',
  msisdn: '882285000012345',
  imei: '359000000000001',
  imei_lock: false,
  status: 'Enabled',
  activation_date: '2026-01-15T08:13:40.000+0000',
  ip_address: '10.0.0.1',
  current_quota: 500,
  quota_status: { id: 0, description: 'More than 20% of volume left', threshold_reached_date: null, quota_exceeded_date: null },
  label: 'pump-17',
};

const SIM_INVENTORY = {
  ...SIM_ACTIVE,
  iccid: '8988228066602306721',
  iccid_with_luhn: '89882280666023067212',
  imsi: '901405100012346',
  msisdn: '882285000012346',
  imei: '',
  activation_date: null,
  label: null,
};

const SIM_EXHAUSTED = {
  ...SIM_ACTIVE,
  iccid: '8988228066602306721',
  iccid_with_luhn: '89882280666023067212',
  quota_status: { id: 2, description: 'Volume exhausted', threshold_reached_date: '2026-11-20T00:00:00.000+0000', quota_exceeded_date: '2026-11-28T00:00:00.000+0000' },
};

const SIM_DISABLED = { ...SIM_ACTIVE, iccid: '8988228066602306722', iccid_with_luhn: '89882280666023067220', status: 'Disabled' };

const SIM_LIST = JSON.stringify([SIM_ACTIVE, SIM_INVENTORY, SIM_DISABLED]);

const QUOTA_OK = {
  volume: '321.5',
  total_volume: '500',
  expiry_date: '2036-01-15T08:13:40.000Z',
  last_volume_added: '500',
  last_status_change_date: '2026-01-15T08:13:40.000Z',
  threshold_percentage: '20',
};

const QUOTA_EXPIRED = { ...QUOTA_OK, expiry_date: '2026-11-30T00:00:00.000Z' };

const USAGE_NOVEMBER = {
  stats: [
    { date: '2026-10-31', data: { volume: '99.0', volume_rx: '50.0', volume_tx: '49.0', traffic_type: { id: 5, description: 'Data' } } },
    { date: '2026-11-01', data: { volume: '1.5', volume_rx: '1.0', volume_tx: '0.5', traffic_type: { id: 5, description: 'Data' } } },
    { date: '2026-11-29', data: { volume: '0.25', volume_rx: '0.2', volume_tx: '0.05', traffic_type: { id: 5, description: 'Data' } } },
    { date: '2026-11-29', data: { volume: '10.123456', volume_rx: '10', volume_tx: '0.123456', traffic_type: { id: 5, description: 'Data' } } },
  ],
};
