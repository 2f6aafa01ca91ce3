import nock from 'nock';
import { CardStatus, NotSupported, OperationState, OperationType, RateLimited, Rejected, SuspendReason, Transient, type CarrierReceipt } from '@simgate/core';
import { CarrierHttp } from '../toolkit';
import { caught, useNock } from '../../../../test/support/carrier-specs';
import { platform } from './index';

/**
 * intl-supersim: the unit tier. karrio's four tests per feature — the request built, the URL called, a success
 * parsed, an error parsed — with nock against the client; fixtures at the bottom of the file.
 */
useNock(nock);

const HOST = 'http://supersim.test';

function connect(credentials: Record<string, string> = CREDENTIALS, options: Record<string, unknown> = { capFleets: { '100': CAP_FLEET } }) {
  const account = { id: 'intl-supersim-main', platform: 'intl-supersim', baseUrl: `${HOST}/v1/`, credentials, options };
  const http = new CarrierHttp({ platform: 'intl-supersim' });
  return platform.connect(account, { http, now: () => AT });
}

/** A Basic-authenticated GET of `path` whose query is captured. */
function get(path: string, status: number, body: unknown, seen: Record<string, string>[] = []) {
  return nock(HOST, { reqheaders: { authorization: BASIC } })
    .get(path)
    .query((q) => {
      seen.push(q as Record<string, string>);
      return true;
    })
    .reply(status, JSON.stringify(body), { 'content-type': 'application/json' });
}

describe('intl-supersim', () => {
  it('connects an account under its platform id, and refuses one without credentials or with a misspelt option', async () => {
    expect(connect().account.platform).toBe('intl-supersim');
    expect((await caught(Promise.resolve().then(() => connect({})))).message).toMatch(/credentials/);
    expect((await caught(Promise.resolve().then(() => connect(CREDENTIALS, { capFleet: {} })))).message).toMatch(/capFleet/);
  });

  describe('inventory', () => {
    it('asks GET /Sims with PageSize=1000 and Basic auth, and follows next_page_url as given, on the account origin', async () => {
      const seen: Record<string, string>[] = [];
      get('/v1/Sims', 200, page([SIM_ACTIVE], 'https://elsewhere.example/v1/Sims?PageSize=1000&PageToken=PT2'), seen);
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      usageForActive(1000);
      const a = connect();
      const first = await a.listCards(null, null, AT);
      expect(seen[0]).toEqual({ PageSize: '1000' });
      expect(first.next).toBe('https://elsewhere.example/v1/Sims?PageSize=1000&PageToken=PT2');
      get('/v1/Sims', 200, page([SIM_INACTIVE], null), seen);
      const second = await a.listCards(first.next, null, AT);
      expect(seen[1]).toEqual({ PageSize: '1000', PageToken: 'PT2' });
      expect(second.next).toBeNull();
      expect(second.cards.map((c) => [c.iccid, c.status, c.suspendReason])).toEqual([[SIM_INACTIVE.iccid, CardStatus.SUSPENDED, SuspendReason.MANUAL]]);
    });

    it('maps an active SIM over its fleet limit as SUSPENDED / OVER_QUOTA', async () => {
      get('/v1/Sims', 200, page([SIM_ACTIVE], null));
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      usageForActive(60_000_000);
      const p = await connect().listCards(null, null, AT);
      expect(p.cards.map((c) => [c.rawStatus, c.status, c.suspendReason, c.rawReason])).toEqual([['active', CardStatus.SUSPENDED, SuspendReason.OVER_QUOTA, 'data_limit']]);
    });

    it('a 429 {code 20429} is RateLimited; a 401 {code 20003} is refused, with the token kept out of the message', async () => {
      get('/v1/Sims', 429, { code: 20429, message: 'Too Many Requests', status: 429 });
      expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(RateLimited);
      get('/v1/Sims', 401, { code: 20003, message: `Authenticate ${CREDENTIALS.authToken}`, status: 401 });
      const e = await caught(connect().listCards(null, null, AT));
      expect(e).toBeInstanceOf(Rejected);
      expect(e.message).toContain('20003');
      expect(e.message).not.toContain(CREDENTIALS.authToken);
    });

    it('a malformed page is Transient', async () => {
      get('/v1/Sims', 200, { sims: [{ sid: 'x' }], meta: {} });
      expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Transient);
    });
  });

  describe('cards', () => {
    it('reads a few cards SIM by SIM with GET /Sims?Iccid=; an unknown ICCID is that card’s refusal', async () => {
      const seen: Record<string, string>[] = [];
      get('/v1/Sims', 200, page([SIM_INACTIVE], null), seen);
      get('/v1/Sims', 200, page([], null), seen);
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      const res = await connect().fetchCards([{ iccid: SIM_INACTIVE.iccid }, { iccid: UNKNOWN_ICCID }], AT);
      expect(seen.map((q) => q.Iccid).sort()).toEqual([SIM_INACTIVE.iccid, UNKNOWN_ICCID].sort());
      expect(res.items.map((c) => c.status)).toEqual([CardStatus.SUSPENDED]);
      expect(res.failures.map((f) => [f.iccid, f.error.kind])).toEqual([[UNKNOWN_ICCID, 'REJECTED']]);
    });

    it('a scheduled SIM keeps the status it showed before', async () => {
      const a = connect();
      get('/v1/Sims', 200, page([SIM_INACTIVE], null));
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      await a.fetchCards([{ iccid: SIM_INACTIVE.iccid }], AT);
      get('/v1/Sims', 200, page([{ ...SIM_INACTIVE, status: 'scheduled' }], null));
      const again = await a.fetchCards([{ iccid: SIM_INACTIVE.iccid }], AT);
      expect(again.items.map((c) => [c.rawStatus, c.status, c.suspendReason])).toEqual([['scheduled', CardStatus.SUSPENDED, SuspendReason.MANUAL]]);
    });

    it('a 5xx is that card’s Transient failure', async () => {
      get('/v1/Sims', 500, { code: 20500, message: 'Internal', status: 500 });
      const res = await connect().fetchCards([{ iccid: SIM_INACTIVE.iccid }], AT);
      expect(res.failures.map((f) => f.error.kind)).toEqual(['TRANSIENT']);
    });
  });

  describe('usage', () => {
    it('one SIM: its billing period (cached), then Granularity=all from the period start to the start of the hour', async () => {
      const seen: Record<string, string>[] = [];
      get('/v1/Sims', 200, page([SIM_ACTIVE], null));
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      get(`/v1/Sims/${SIM_ACTIVE.sid}/BillingPeriods`, 200, PERIODS);
      get('/v1/UsageRecords', 200, { usage_records: [record(SIM_ACTIVE.sid, 1234)], meta: { next_page_url: null } }, seen);
      const a = connect();
      const res = await a.fetchUsage([{ iccid: SIM_ACTIVE.iccid }], AT);
      expect(seen[0]).toEqual({ Sim: SIM_ACTIVE.sid, Granularity: 'all', StartTime: '2026-02-28T08:12:40Z', EndTime: '2026-03-10T10:00:00Z', PageSize: '1000' });
      expect(res.items.map((u) => [u.usedBytes, u.quotaBytes, u.cycleStart.toISOString(), u.cycleEnd.toISOString()])).toEqual([[1234, 50_000_000, '2026-02-28T08:12:40.000Z', '2026-03-28T08:12:40.000Z']]);
      // The period is cached: the second read asks for the usage only.
      get('/v1/UsageRecords', 200, { usage_records: [record(SIM_ACTIVE.sid, 2000)], meta: { next_page_url: null } });
      expect((await a.fetchUsage([{ iccid: SIM_ACTIVE.iccid }], AT)).items[0].usedBytes).toBe(2000);
    });

    it('many SIMs: one account-wide Group=sim walk by day plus each SIM’s first, partial day', async () => {
      const seen: Record<string, string>[] = [];
      const sims = Array.from({ length: 50 }, (_, i) => ({ ...SIM_ACTIVE, sid: `HS${String(i).padStart(32, '0')}`, iccid: `8988307000000000${String(i).padStart(3, '0')}0` }));
      get('/v1/Sims', 200, page(sims, null));
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      for (const s of sims) get(`/v1/Sims/${s.sid}/BillingPeriods`, 200, PERIODS);
      const days = sims.flatMap((s) => [dayRecord(s.sid, '2026-02-28', 999_999), dayRecord(s.sid, '2026-03-01', 100), dayRecord(s.sid, '2026-03-10', 5)]);
      nock(HOST).get('/v1/UsageRecords').query((q) => q.Group === 'sim' && (seen.push(q as Record<string, string>), true)).reply(200, JSON.stringify({ usage_records: days, meta: { next_page_url: null } }));
      nock(HOST).get('/v1/UsageRecords').times(50).query((q) => q.Sim !== undefined && q.EndTime === '2026-03-01T00:00:00Z').reply(200, JSON.stringify({ usage_records: [record(SIM_ACTIVE.sid, 7)], meta: { next_page_url: null } }));
      const res = await connect().fetchUsage(sims.map((s) => ({ iccid: s.iccid })), AT);
      expect(seen).toEqual([{ Group: 'sim', Granularity: 'day', StartTime: '2026-02-07T00:00:00Z', EndTime: '2026-03-10T10:00:00Z', PageSize: '1000' }]);
      expect(res.failures).toEqual([]);
      // 7 (Feb 28 from 08:12:40) + 100 + 5: the whole Feb 28 record belongs partly to the previous period.
      expect(new Set(res.items.map((u) => u.usedBytes))).toEqual(new Set([112]));
      expect(nock.isDone()).toBe(true);
    });

    it('a usage query refused with 83604 is that card’s refusal (Rejected)', async () => {
      get('/v1/Sims', 200, page([SIM_ACTIVE], null));
      get('/v1/Fleets', 200, { fleets: [FLEET], meta: { next_page_url: null } });
      get(`/v1/Sims/${SIM_ACTIVE.sid}/BillingPeriods`, 200, PERIODS);
      get('/v1/UsageRecords', 400, { code: 83604, message: 'too long', status: 400 });
      const e = await caught(connect().fetchUsage([{ iccid: SIM_ACTIVE.iccid }], AT));
      expect(e).toBeInstanceOf(Rejected);
      expect(e.message).toContain('83604');
    });
  });

  describe('operations', () => {
    it('suspend: POST /Sims/{Sid} form-encoded Status=inactive; confirmed by re-reading until the status shows', async () => {
      get('/v1/Sims', 200, page([SIM_ACTIVE], null));
      let form = '';
      let type = '';
      nock(HOST, { reqheaders: { authorization: BASIC } })
        .post(`/v1/Sims/${SIM_ACTIVE.sid}`)
        .reply(function (_uri, body) {
          form = String(body);
          type = String(this.req.headers['content-type']);
          return [202, JSON.stringify({ ...SIM_ACTIVE, status: 'scheduled' })];
        });
      const a = connect();
      const receipt = await a.submit(order(OperationType.SUSPEND), [], AT);
      expect([form, type]).toEqual(['Status=inactive', 'application/x-www-form-urlencoded']);
      expect([receipt.confirmBy, receipt.carrierRef, receipt.expectedStatus]).toEqual(['STATUS', SIM_ACTIVE.sid, CardStatus.SUSPENDED]);
      get(`/v1/Sims/${SIM_ACTIVE.sid}`, 200, { ...SIM_ACTIVE, status: 'scheduled' });
      expect((await a.progress(receipt, [], AT)).state).toBe(OperationState.SUBMITTED);
      get(`/v1/Sims/${SIM_ACTIVE.sid}`, 200, { ...SIM_ACTIVE, status: 'inactive' });
      expect((await a.progress(receipt, [], AT)).state).toBe(OperationState.COMPLETED);
    });

    it('a change that did not apply (neither the target nor scheduled) fails', async () => {
      const receipt: CarrierReceipt = { type: OperationType.RESUME, iccids: [SIM_INACTIVE.iccid], confirmBy: 'STATUS', carrierRef: SIM_INACTIVE.sid, expectedStatus: CardStatus.ACTIVE, submittedAt: AT };
      get(`/v1/Sims/${SIM_INACTIVE.sid}`, 200, SIM_INACTIVE);
      const p = await connect().progress(receipt, [], AT);
      expect([p.state, p.items[0].state]).toEqual([OperationState.FAILED, OperationState.FAILED]);
    });

    it('a cap moves the SIM to the fleet options.capFleets names; a cap without a fleet is refused before any request', async () => {
      get('/v1/Sims', 200, page([SIM_ACTIVE], null));
      let form = '';
      nock(HOST)
        .post(`/v1/Sims/${SIM_ACTIVE.sid}`)
        .reply((_uri, body) => ((form = String(body)), [202, JSON.stringify({ ...SIM_ACTIVE, status: 'scheduled' })]));
      const a = connect();
      const receipt = await a.submit({ ...order(OperationType.SET_USAGE_CAP), params: { capMb: 100 } }, [], AT);
      expect(form).toBe(`Fleet=${CAP_FLEET}`);
      get(`/v1/Sims/${SIM_ACTIVE.sid}`, 200, { ...SIM_ACTIVE, fleet_sid: CAP_FLEET });
      expect((await a.progress(receipt, [], AT)).state).toBe(OperationState.COMPLETED);
      expect(await caught(a.submit({ ...order(OperationType.SET_USAGE_CAP), params: { capMb: 7 } }, [], AT))).toBeInstanceOf(Rejected);
    });

    it('rebind is NotSupported; a 400 {code 21000} refusal is Rejected', async () => {
      expect(await caught(connect().submit(order(OperationType.REBIND), [], AT))).toBeInstanceOf(NotSupported);
      get('/v1/Sims', 200, page([SIM_ACTIVE], null));
      nock(HOST).post(`/v1/Sims/${SIM_ACTIVE.sid}`).reply(400, JSON.stringify({ code: 21000, message: 'no', status: 400 }));
      expect(await caught(connect().submit(order(OperationType.ACTIVATE), [], AT))).toBeInstanceOf(Rejected);
    });
  });
});

// ----- fixtures -----
const AT = new Date('2026-03-10T10:30:00Z');
const CREDENTIALS = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'tok-0123456789' };
const BASIC = `Basic ${Buffer.from(`${CREDENTIALS.accountSid}:${CREDENTIALS.authToken}`).toString('base64')}`;
const CAP_FLEET = 'HF00000000000000000000000000000100';
const FLEET = { sid: 'HF00000000000000000000000000000050', unique_name: 'fleet-50mb', data_enabled: true, data_limit: 50, data_metering: 'payg' };
const UNKNOWN_ICCID = '89883070000000099990';
const SIM_ACTIVE = { sid: 'HS00000000000000000000000000000001', unique_name: null, iccid: '89883070000000000011', status: 'active', fleet_sid: FLEET.sid, date_created: '2025-01-02T03:04:05Z', date_updated: '2025-01-02T03:04:05Z' };
const SIM_INACTIVE = { ...SIM_ACTIVE, sid: 'HS00000000000000000000000000000002', iccid: '89883070000000000029', status: 'inactive' };
const PERIODS = {
  billing_periods: [{ sid: 'HB1', sim_sid: SIM_ACTIVE.sid, start_time: '2026-02-28T08:12:40Z', end_time: '2026-03-28T08:12:40Z', period_type: 'active' }],
  meta: { next_page_url: null },
};

function page(sims: unknown[], next: string | null) {
  return { sims, meta: { page: 0, page_size: 1000, key: 'sims', next_page_url: next } };
}

function record(sid: string, bytes: number) {
  return { sim_sid: sid, period: { start_time: '2026-02-28T08:12:40Z', end_time: '2026-03-10T10:00:00Z' }, data_total: bytes };
}

function dayRecord(sid: string, day: string, bytes: number) {
  return { sim_sid: sid, period: { start_time: `${day}T00:00:00Z`, end_time: `${day}T23:59:59Z` }, data_total: bytes };
}

/** An active SIM's over-quota check on a one-SIM page: its period and its usage. */
function usageForActive(bytes: number) {
  get(`/v1/Sims/${SIM_ACTIVE.sid}/BillingPeriods`, 200, PERIODS);
  get('/v1/UsageRecords', 200, { usage_records: [record(SIM_ACTIVE.sid, bytes)], meta: { next_page_url: null } });
}

function order(type: OperationType) {
  return { type, iccids: [SIM_ACTIVE.iccid], params: {}, idempotencyKey: `k-${type}` };
}
