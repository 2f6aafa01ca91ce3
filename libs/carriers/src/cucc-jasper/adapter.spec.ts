import { CardStatus, OperationState, OperationType, SuspendReason, type CarrierError, type CarrierReceipt } from '@simgate/core';
import nock from 'nock';
import { caught as rejection, useNock } from '../../../../test/support/carrier-specs';
import { CarrierHttp } from '../toolkit/carrier-http';
import { platform } from './index';
import { CuccJasperAdapter } from './adapter';

useNock(nock);
/** The carrier error `p` rejects with. */
const caught = async (p: Promise<unknown>): Promise<CarrierError> => (await rejection(p)) as CarrierError;

/**
 * Jasper adapter, feature by feature (karrio's four: the request built, the URL called, a success parsed,
 * an error parsed). Fixtures are written by hand from carriers.md §2 and sit at the bottom of this file.
 */

const HOST = 'http://jasper.test';
const BASE = `${HOST}/rws/api/v1/`;
const USER = 'simgate-api';
const API_KEY = 'k3y-5ecret-0f-jasper';
const BASIC = `Basic ${Buffer.from(`${USER}:${API_KEY}`).toString('base64')}`;
const NOW = new Date('2026-03-15T02:00:00Z');

function makeAdapter(options: Record<string, unknown> = {}): CuccJasperAdapter {
  return new CuccJasperAdapter(
    { id: 'cucc-main', platform: 'cucc-jasper', baseUrl: BASE, credentials: { username: USER, apiKey: API_KEY }, options },
    { http: new CarrierHttp({ platform: 'cucc-jasper', timeoutMs: 2000 }), now: () => NOW },
  );
}

type Query = Record<string, string>;
const seen: { method: string; path: string; query: Query; auth: string | undefined; body?: unknown }[] = [];

function on(method: 'get' | 'put', path: string, status: number, body: unknown, match: (q: Query) => boolean = () => true): nock.Scope {
  const scope = nock(HOST);
  const i = method === 'get' ? scope.get(`/rws/api/v1/${path}`) : scope.put(`/rws/api/v1/${path}`);
  return i.query((q) => match(q as Query)).reply(function (uri, reqBody) {
    const u = new URL(uri, HOST);
    seen.push({ method: method.toUpperCase(), path: u.pathname.replace('/rws/api/v1/', ''), query: Object.fromEntries(u.searchParams), auth: this.req.headers.authorization as string | undefined, body: reqBody });
    return [status, typeof body === 'string' ? body : JSON.stringify(body)];
  });
}

beforeEach(() => {
  seen.length = 0;
});

describe('registration and manifest', () => {
  it('exports the platform; quota 5/s with one call in flight; unsupported operations listed', () => {
    expect(platform.manifest).toMatchObject({ id: 'cucc-jasper', quotas: { account: { points: 5, durationSeconds: 1 }, maxInFlight: 1 }, capabilities: { inventory: 'MODIFIED_SINCE' } });
    expect(platform.manifest.capabilities.operations).not.toContain(OperationType.REBIND);
    expect(platform.manifest.capabilities.operations).not.toContain(OperationType.SET_USAGE_CAP);
    expect(platform.manifest.credentials).toEqual([expect.objectContaining({ name: 'username', secret: false }), expect.objectContaining({ name: 'apiKey', secret: true })]);
  });

  it('options: defaults applied, invalid values refused naming the account', () => {
    expect(makeAdapter().options).toEqual({ planMb: null, cycleStartDay: 27, initialModifiedSince: '2000-01-01T00:00:00Z', modifiedSinceOverlapSeconds: 300, pageSize: 50, auditDays: 365, maxAuditPages: 10, lifecycle: {} });
    expect(makeAdapter({ planMb: 100, cycleStartDay: 1 }).options).toMatchObject({ planMb: 100, cycleStartDay: 1 });
    for (const bad of [{ planMb: -1 }, { cycleStartDay: 29 }, { pageSize: 51 }, { initialModifiedSince: 'yesterday' }, { planMB: 100 }]) {
      expect(() => makeAdapter(bad)).toThrow(/account 'cucc-main', options/);
    }
  });

  it('no pools, no daily usage, no rebind or usage cap: NotSupported without a request', async () => {
    const a = makeAdapter();
    for (const p of [a.listPools(NOW), a.listPoolMembers('P1', null, NOW), a.fetchDailyUsage()]) expect((await caught(p)).kind).toBe('NOT_SUPPORTED');
    for (const type of [OperationType.REBIND, OperationType.SET_USAGE_CAP]) {
      expect((await caught(a.submit({ type, iccids: [ICCID_1], params: {}, idempotencyKey: 'k' }, [], NOW))).kind).toBe('NOT_SUPPORTED');
    }
    expect(seen).toHaveLength(0);
  });
});

describe('listCards (modifiedSince)', () => {
  it('request built: Basic auth, modifiedSince, pageSize 50, pageNumber 1; then each device', async () => {
    on('get', 'devices', 200, PAGE_LAST);
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    await makeAdapter().listCards(null, '2026-03-01T00:00:00Z', NOW);
    expect(seen[0]).toMatchObject({ path: 'devices', auth: BASIC, query: { modifiedSince: '2026-03-01T00:00:00Z', pageSize: '50', pageNumber: '1' } });
    expect(seen[1]).toMatchObject({ path: `devices/${ICCID_1}`, auth: BASIC });
  });

  it('URL called: a first sync without a high-water mark starts far back; the mark is the listing start minus the overlap', async () => {
    on('get', 'devices', 200, PAGE_LAST, (q) => q.modifiedSince === '2000-01-01T00:00:00Z');
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    const page = await makeAdapter().listCards(null, null, NOW);
    expect(page).toMatchObject({ next: null, highWaterMark: '2026-03-15T01:55:00Z' });
  });

  it('success parsed: page 2 re-reads page 1 and reads a device that slid back across the boundary', async () => {
    const a = makeAdapter();
    on('get', 'devices', 200, PAGE_1, (q) => q.pageNumber === '1');
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    on('get', `devices/${ICCID_2}`, 200, DEVICE_DEACTIVATED_BY_USER);
    on('get', `devices/${ICCID_2}/ctdUsages`, 200, CTD_UNDER);
    on('get', `devices/${ICCID_2}/auditTrails`, 200, AUDIT_BY_USER, (q) => q.daysOfHistory === '365' && q.pageNumber === '1');
    const p1 = await a.listCards(null, '2026-03-01T00:00:00Z', NOW);
    expect(p1.highWaterMark).toBeNull();
    expect(p1.cards.map((c) => [c.iccid, c.status, c.suspendReason])).toEqual([
      [ICCID_1, CardStatus.ACTIVE, null],
      [ICCID_2, CardStatus.SUSPENDED, SuspendReason.MANUAL],
    ]);
    // While we read page 1, ICCID_1 changed and moved to the end: ICCID_3 slid from page 2 into page 1.
    on('get', 'devices', 200, PAGE_2_AFTER_SLIDE, (q) => q.pageNumber === '2');
    on('get', 'devices', 200, PAGE_1_AFTER_SLIDE, (q) => q.pageNumber === '1');
    on('get', `devices/${ICCID_4}`, 200, { ...DEVICE_ACTIVE, iccid: ICCID_4 });
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    on('get', `devices/${ICCID_3}`, 200, { ...DEVICE_ACTIVE, iccid: ICCID_3 });
    const p2 = await a.listCards(p1.next, null, NOW);
    expect(p2.cards.map((c) => c.iccid)).toEqual([ICCID_4, ICCID_1, ICCID_3]);
    expect(p2).toMatchObject({ next: null, highWaterMark: '2026-03-15T01:55:00Z' });
  });

  it('error parsed: rate limit (429 / 40000029) and missing modifiedSince (10000003)', async () => {
    on('get', 'devices', 429, RATE_LIMITED);
    expect(await caught(makeAdapter().listCards(null, null, NOW))).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, details: { carrierCode: '40000029', httpStatus: 429, endpoint: 'devices' } });
    on('get', 'devices', 400, { errorCode: '10000003', errorMessage: 'modifiedSince is required' });
    expect(await caught(makeAdapter().listCards(null, null, NOW))).toMatchObject({ kind: 'REJECTED', details: { carrierCode: '10000003' } });
    expect((await caught(makeAdapter().listCards('not a cursor', null, NOW))).kind).toBe('REJECTED');
  });
});

describe('fetchCards', () => {
  it('request built: devices/{iccid}; ctdUsages and auditTrails only for DEACTIVATED cards', async () => {
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    on('get', `devices/${ICCID_2}`, 200, DEVICE_DEACTIVATED_BY_USER);
    on('get', `devices/${ICCID_2}/ctdUsages`, 200, CTD_UNDER);
    on('get', `devices/${ICCID_2}/auditTrails`, 200, AUDIT_BY_USER);
    await makeAdapter().fetchCards([{ iccid: ICCID_1 }, { iccid: ICCID_2 }], NOW);
    expect(seen.map((s) => s.path)).toEqual([`devices/${ICCID_1}`, `devices/${ICCID_2}`, `devices/${ICCID_2}/ctdUsages`, `devices/${ICCID_2}/auditTrails`]);
  });

  it('URL called: an over-quota card needs no audit trail', async () => {
    on('get', `devices/${ICCID_2}`, 200, DEVICE_DEACTIVATED_BY_USER);
    const ctd = on('get', `devices/${ICCID_2}/ctdUsages`, 200, CTD_OVER);
    const res = await makeAdapter().fetchCards([{ iccid: ICCID_2 }], NOW);
    expect(ctd.isDone()).toBe(true);
    expect(res.items[0]).toMatchObject({ status: CardStatus.SUSPENDED, suspendReason: SuspendReason.OVER_QUOTA });
    expect(seen.some((s) => s.path.endsWith('auditTrails'))).toBe(false);
  });

  it('success parsed: record fields, system deactivation → UNKNOWN, audit pages followed', async () => {
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    on('get', `devices/${ICCID_3}`, 200, { ...DEVICE_DEACTIVATED_BY_USER, iccid: ICCID_3 });
    on('get', `devices/${ICCID_3}/ctdUsages`, 200, CTD_UNDER);
    on('get', `devices/${ICCID_3}/auditTrails`, 200, { ...AUDIT_BY_USER, lastPage: false }, (q) => q.pageNumber === '1');
    on('get', `devices/${ICCID_3}/auditTrails`, 200, AUDIT_BY_SYSTEM_LATER, (q) => q.pageNumber === '2');
    const res = await makeAdapter({ planMb: 100 }).fetchCards([{ iccid: ICCID_1 }, { iccid: ICCID_3 }], NOW);
    expect(res.items[0]).toMatchObject({ iccid: ICCID_1, msisdn: '1460000000001', imsi: '460010000000001', imei: '356938035643809', status: CardStatus.ACTIVE, rawStatus: 'ACTIVATED', activatedAt: new Date('2025-05-01T00:00:00Z'), openedAt: new Date('2025-01-10T00:00:00Z'), plan: { monthlyBytes: 104857600 } });
    expect(res.items[1]).toMatchObject({ iccid: ICCID_3, suspendReason: SuspendReason.UNKNOWN, raw: expect.objectContaining({ deactivatedBy: 'system' }) });
  });

  it('error parsed: an unknown ICCID (404 / 20000001) is that card\'s failure; a 500 is that card\'s Transient failure', async () => {
    on('get', `devices/${ICCID_UNKNOWN}`, 404, { errorCode: '20000001', errorMessage: 'ICCID not found' });
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    const res = await makeAdapter().fetchCards([{ iccid: ICCID_UNKNOWN }, { iccid: ICCID_1 }], NOW);
    expect(res.items.map((c) => c.iccid)).toEqual([ICCID_1]);
    expect(res.failures).toEqual([{ iccid: ICCID_UNKNOWN, error: expect.objectContaining({ kind: 'REJECTED', details: expect.objectContaining({ carrierCode: '20000001', httpStatus: 404 }) }) }]);
    on('get', `devices/${ICCID_1}`, 500, { errorCode: '30000001', errorMessage: 'unknown server error' });
    const failed = await makeAdapter().fetchCards([{ iccid: ICCID_1 }], NOW);
    expect(failed.items).toEqual([]);
    expect(failed.failures[0].error).toMatchObject({ kind: 'TRANSIENT', details: { carrierCode: '30000001' } });
  });
});

describe('usage', () => {
  it('request built: ctdUsages per card; usageInZone with cycleStartDate yyyy-MM-ddZ for a past cycle', async () => {
    on('get', `devices/${ICCID_1}/ctdUsages`, 200, CTD_UNDER);
    on('get', `devices/${ICCID_1}/usageInZone`, 200, ZONE_USAGE, (q) => q.cycleStartDate === '2026-01-27Z');
    const a = makeAdapter();
    await a.fetchUsage([{ iccid: ICCID_1 }], NOW);
    await a.fetchCycleUsage([{ iccid: ICCID_1 }], '2026-02', NOW);
    expect(seen.map((s) => s.path)).toEqual([`devices/${ICCID_1}/ctdUsages`, `devices/${ICCID_1}/usageInZone`]);
  });

  it('URL called: duplicate refs are read once', async () => {
    const s = on('get', `devices/${ICCID_1}/ctdUsages`, 200, CTD_UNDER);
    await makeAdapter().fetchUsage([{ iccid: ICCID_1 }, { iccid: ICCID_1 }], NOW);
    expect(s.isDone()).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('success parsed: bytes as given, 27th–26th cycle, quota from options.planMb or null', async () => {
    on('get', `devices/${ICCID_1}/ctdUsages`, 200, CTD_UNDER);
    const [u] = (await makeAdapter({ planMb: 100 }).fetchUsage([{ iccid: ICCID_1 }], NOW)).items;
    expect(u).toMatchObject({ usedBytes: 52428800, quotaBytes: 104857600, remainingBytes: 52428800, cycleStart: new Date('2026-02-26T16:00:00Z'), cycleEnd: new Date('2026-03-26T16:00:00Z'), asOf: NOW });
    on('get', `devices/${ICCID_1}/ctdUsages`, 200, CTD_UNDER);
    const [v] = (await makeAdapter().fetchUsage([{ iccid: ICCID_1 }], NOW)).items;
    expect(v).toMatchObject({ quotaBytes: null, remainingBytes: null });
    on('get', `devices/${ICCID_1}/usageInZone`, 200, ZONE_USAGE);
    const [p] = (await makeAdapter().fetchCycleUsage([{ iccid: ICCID_1 }], '2026-02', NOW)).items;
    expect(p).toMatchObject({ usedBytes: 3000, cycleStart: new Date('2026-01-26T16:00:00Z') });
  });

  it('error parsed: a cycle too old (10000032) is a failure; a malformed body is that card\'s Transient failure', async () => {
    on('get', `devices/${ICCID_1}/usageInZone`, 400, { errorCode: '10000032', errorMessage: 'cycleStartDate invalid' });
    const res = await makeAdapter().fetchCycleUsage([{ iccid: ICCID_1 }], '2025-01', NOW);
    expect(res.failures[0].error.details.carrierCode).toBe('10000032');
    on('get', `devices/${ICCID_1}/ctdUsages`, 200, '{"iccid":"898601');
    expect((await makeAdapter().fetchUsage([{ iccid: ICCID_1 }], NOW)).failures[0].error.kind).toBe('TRANSIENT');
  });
});

describe('operations', () => {
  const order = (type: OperationType) => ({ type, iccids: [ICCID_1], params: {}, idempotencyKey: 'k1' });

  it.each([
    [OperationType.SUSPEND, 'DEACTIVATED', CardStatus.SUSPENDED],
    [OperationType.RESUME, 'ACTIVATED', CardStatus.ACTIVE],
    [OperationType.ACTIVATE, 'ACTIVATED', CardStatus.ACTIVE],
  ])('request built: %s → PUT devices/{iccid} {status: %s}; receipt confirmed by STATUS', async (type, status, expected) => {
    on('put', `devices/${ICCID_1}`, 200, { iccid: ICCID_1, effectiveDate: '2026-03-15T02:00:00Z' });
    const r = await makeAdapter().submit(order(type), [], NOW);
    expect(seen[0]).toMatchObject({ method: 'PUT', auth: BASIC, body: { status } });
    expect(r).toMatchObject({ confirmBy: 'STATUS', carrierRef: null, expectedStatus: expected, iccids: [ICCID_1] });
    expect(r).not.toHaveProperty('deadline'); // the sync engine sets deadlines
  });

  const receipt = (): CarrierReceipt => ({ type: OperationType.SUSPEND, iccids: [ICCID_1], confirmBy: 'STATUS', carrierRef: null, expectedStatus: CardStatus.SUSPENDED, submittedAt: NOW });

  it('URL called: progress re-reads the device (no inference reads)', async () => {
    const s = on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    expect((await makeAdapter().progress(receipt(), [], NOW)).state).toBe(OperationState.SUBMITTED);
    expect(s.isDone()).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('success parsed: COMPLETED once the device shows the status; still SUBMITTED days later while it does not (the engine applies deadlines)', async () => {
    on('get', `devices/${ICCID_1}`, 200, DEVICE_DEACTIVATED_BY_USER);
    expect((await makeAdapter().progress(receipt(), [], NOW)).state).toBe(OperationState.COMPLETED);
    on('get', `devices/${ICCID_1}`, 200, DEVICE_ACTIVE);
    const late = await makeAdapter().progress(receipt(), [], new Date(NOW.getTime() + 5 * 24 * 3600_000));
    expect(late).toMatchObject({ state: OperationState.SUBMITTED, items: [{ iccid: ICCID_1, state: OperationState.SUBMITTED, message: 'status ACTIVATED' }] });
  });

  it('error parsed: an unknown card on re-read is that item FAILED; a refusal of the account fails the call', async () => {
    on('get', `devices/${ICCID_1}`, 200, DEVICE_DEACTIVATED_BY_USER);
    on('get', `devices/${ICCID_UNKNOWN}`, 404, { errorCode: '20000001', errorMessage: 'ICCID not found' });
    const p = await makeAdapter().progress({ ...receipt(), iccids: [ICCID_1, ICCID_UNKNOWN] }, [], NOW);
    expect(p.items).toEqual([
      { iccid: ICCID_1, state: OperationState.COMPLETED },
      { iccid: ICCID_UNKNOWN, state: OperationState.FAILED, message: expect.stringContaining('20000001') },
    ]);
    on('get', `devices/${ICCID_1}`, 401, { errorCode: '10000001', errorMessage: 'Invalid credentials' });
    expect(await caught(makeAdapter().progress(receipt(), [], NOW))).toMatchObject({ kind: 'REJECTED', details: { carrierCode: '10000001' } });
  });

  it('error parsed: 10000029 (back to pre-activation) is Rejected; bad credentials are Rejected and the key never shows', async () => {
    on('put', `devices/${ICCID_1}`, 400, { errorCode: '10000029', errorMessage: 'cannot return to a pre-activation status' });
    expect(await caught(makeAdapter().submit(order(OperationType.ACTIVATE), [], NOW))).toMatchObject({ kind: 'REJECTED', details: { carrierCode: '10000029' } });
    on('put', `devices/${ICCID_1}`, 401, { errorCode: '10000001', errorMessage: `Invalid credentials for ${BASIC} ${API_KEY}` });
    const err = await caught(makeAdapter().submit(order(OperationType.SUSPEND), [], NOW));
    expect(err).toMatchObject({ kind: 'REJECTED', retryable: false, details: { carrierCode: '10000001', httpStatus: 401 } });
    const shown = JSON.stringify(err.toJSON()) + err.message;
    for (const secret of [API_KEY, BASIC, BASIC.slice(6)]) expect(shown).not.toContain(secret);
  });
});

describe('errors by body, then status', () => {
  it.each([
    [429, '', 'RATE_LIMITED'],
    [503, '<html>busy</html>', 'TRANSIENT'],
    [401, '', 'REJECTED'],
    [400, { errorCode: '10000011', errorMessage: 'required field missing' }, 'REJECTED'],
    [500, { errorCode: '40000029', errorMessage: '接口请求超过限制次数，请稍后再试' }, 'RATE_LIMITED'],
    [200, 'not json', 'TRANSIENT'],
    [200, { errorCode: '30000001', errorMessage: 'unknown server error' }, 'TRANSIENT'],
    [200, { iccid: '89860100000000000011' }, 'TRANSIENT'],
  ])('HTTP %d %p → %s', async (status, body, kind) => {
    on('get', `devices/${ICCID_1}`, status, body);
    const res = makeAdapter().fetchCards([{ iccid: ICCID_1 }], NOW);
    // A card's own read that is refused or hits a passing fault is that card's failure; account-wide errors throw.
    if (kind === 'REJECTED' || kind === 'TRANSIENT') expect((await res).failures[0].error.kind).toBe(kind);
    else expect((await caught(res)).kind).toBe(kind);
  });

  it('transport failures never show the API key', async () => {
    nock(HOST).get(`/rws/api/v1/devices/${ICCID_1}`).replyWithError({ code: 'ECONNREFUSED', message: `connect refused ${API_KEY}` });
    const res = await makeAdapter().fetchCards([{ iccid: ICCID_1 }], NOW).then((r) => r.failures[0].error, (e: CarrierError) => e);
    expect(['UNAVAILABLE', 'TRANSIENT']).toContain(res.kind);
    expect(res.message).not.toContain(API_KEY);
  });
});

// ------------------------------------------------------------------------------------------------ fixtures
// Written by hand from carriers.md §2 (not from any simulator).

const ICCID_1 = '89860100000000000011';
const ICCID_2 = '89860100000000000029';
const ICCID_3 = '89860100000000000037';
const ICCID_4 = '89860100000000000045';
const ICCID_UNKNOWN = '89860100000000009992';

const RATE_LIMITED = { errorCode: '40000029', errorMessage: '接口请求超过限制次数，请稍后再试' };
const listed = (iccid: string, status = 'ACTIVATED') => ({ iccid, status, ratePlan: 'CU-100M', communicationPlan: 'CU-DATA' });
const PAGE_LAST = { pageNumber: 1, lastPage: true, devices: [listed(ICCID_1)] };
const PAGE_1 = { pageNumber: 1, lastPage: false, devices: [listed(ICCID_1), listed(ICCID_2, 'DEACTIVATED')] };
// After ICCID_1 moved to the end: [ICCID_2, ICCID_3] [ICCID_4, ICCID_1] (page size 2 for the example).
const PAGE_1_AFTER_SLIDE = { pageNumber: 1, lastPage: false, devices: [listed(ICCID_2, 'DEACTIVATED'), listed(ICCID_3)] };
const PAGE_2_AFTER_SLIDE = { pageNumber: 2, lastPage: true, devices: [listed(ICCID_4), listed(ICCID_1)] };

const DEVICE_ACTIVE = {
  iccid: ICCID_1, imsi: '460010000000001', msisdn: '1460000000001', imei: '356938035643809', status: 'ACTIVATED',
  ratePlan: 'CU-100M', communicationPlan: 'CU-DATA', customer: 'ACME', dateActivated: '2025-05-01T00:00:00Z',
  dateUpdated: '2026-03-10T08:00:00Z', dateShipped: '2025-01-10T00:00:00Z', accountId: '100200', overageLimitOverride: 'DEFAULT',
};
const DEVICE_DEACTIVATED_BY_USER = { ...DEVICE_ACTIVE, iccid: ICCID_2, msisdn: '1460000000002', status: 'DEACTIVATED' };
const CTD_UNDER = { iccid: ICCID_1, ctdDataUsage: 52428800, ctdSMSUsage: 3, ctdVoiceUsage: 0, ctdSessionCount: 12, overageLimitReached: false, overageLimitOverride: 'DEFAULT' };
const CTD_OVER = { ...CTD_UNDER, iccid: ICCID_2, overageLimitReached: true };
const AUDIT_BY_USER = {
  iccid: ICCID_2, pageNumber: 1, lastPage: true,
  deviceAuditTrails: [{ field: 'status', priorValue: 'ACTIVATED', value: 'DEACTIVATED', effectiveDate: '2026-03-01T02:00:00Z', status: 'Executed', userName: USER }],
};
const AUDIT_BY_SYSTEM_LATER = {
  iccid: ICCID_3, pageNumber: 2, lastPage: true,
  deviceAuditTrails: [{ field: 'status', priorValue: 'ACTIVATED', value: 'DEACTIVATED', effectiveDate: '2026-03-05T02:00:00Z', status: 'Executed', userName: 'system' }],
};
const ZONE_USAGE = {
  iccid: ICCID_1, cycleStartDate: '2026-01-27Z', cycleEndDate: '2026-02-26Z',
  deviceCycleUsageInZones: { China: [{ ratePlan: 'CU-100M', zone: 'China', dataUsage: 2000, smsMOUsage: 0, smsMTUsage: 0, voiceMOUsage: 0, voiceMTUsage: 0 }], HK: [{ ratePlan: 'CU-100M', zone: 'HK', dataUsage: 1000 }] },
};
