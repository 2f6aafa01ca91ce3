import nock from 'nock';
import { RateLimited, Rejected, Transient } from '@simgate/core';
import { CardStatus, OperationState, OperationType, SuspendReason } from '@simgate/core';
import type { CarrierAccountConfig, CarrierAdapter, CarrierReceipt, OperationOrder } from '@simgate/core';
import { caught, useNock } from '../../../../test/support/carrier-specs';
import { CarrierHttp } from '../toolkit/carrier-http';
import { platform } from './index';
import { naturalOrdering, strEnc } from './str-enc';

useNock(nock);

/** karrio's four tests per feature: request built, URL called, success parsed, error parsed. Fixtures at the bottom. */

const HOST = 'http://ctcc.test:9001';
const PATH = '/m2m_ec/query.do';

function connect(options: Record<string, unknown> = {}, credentials = CREDENTIALS): CarrierAdapter {
  const account: CarrierAccountConfig = { id: 'ctcc-main', platform: 'ctcc-cmp', baseUrl: HOST + PATH, credentials, options };
  return platform.connect(account, { http: new CarrierHttp({ platform: 'ctcc-cmp' }), now: () => AT });
}

function intercept(body: string, status = 200): { scope: nock.Scope; seen: { query: Record<string, string> | null } } {
  const seen: { query: Record<string, string> | null } = { query: null };
  const scope = nock(HOST)
    .get(PATH)
    .query((q) => {
      seen.query = q as Record<string, string>;
      return true;
    })
    .reply(status, body);
  return { scope, seen };
}

describe('ctcc-cmp platform', () => {
  it('exports `platform` for the registry', () => {
    expect(platform.manifest.id).toBe('ctcc-cmp');
    expect(typeof platform.connect).toBe('function');
  });

  it('declares its manifest as data', () => {
    const m = platform.manifest;
    expect(m.credentials.map((c) => [c.name, c.secret])).toEqual([
      ['userId', false],
      ['password', true],
      ['key', true],
    ]);
    expect(m.quotas.account).toEqual({ points: 20, durationSeconds: 1 });
    expect(m.batchSizes.inventoryPage).toBe(50);
    expect(m.capabilities.pools).toBe(false);
    expect(m.cooldowns.rebindsPerMonth).toBe(2);
    expect(m.billingCycle).toEqual({ kind: 'NATURAL_MONTH', zone: 'Asia/Shanghai' });
  });

  it('declares its options as a schema: defaults applied, a bad option refused naming the account and the option', () => {
    expect(platform.manifest.options?.safeParse({})).toEqual({ success: true, data: { planMb: null, cardKey: 'iccid', lifecycle: {} } });
    expect(() => connect({ planMb: '100' })).toThrow(/account 'ctcc-main', options\.planMb/);
    expect(() => connect({ cardKey: 'imsi' })).toThrow(Rejected);
    expect(() => connect({ orderDeadlineHours: 48 })).toThrow(/options: Unrecognized key/);
  });
});

describe('inventory: getSIMList', () => {
  it('builds the request: pageIndex sent, not signed (vector B′)', async () => {
    const { seen } = intercept(SIM_LIST_FULL_PAGE);
    await connect().listCards('2', null, AT);
    expect(seen.query).toEqual({ method: 'getSIMList', user_id: CREDENTIALS.userId, passWord: PASSWORD_ENC, sign: SIGN_B_PRIME, pageIndex: '2' });
  });

  it('calls the base URL once per page', async () => {
    const { scope } = intercept(SIM_LIST_LAST_PAGE);
    await connect().listCards(null, null, AT);
    expect(scope.isDone()).toBe(true);
  });

  it('parses a page: cards, next page, total', async () => {
    intercept(SIM_LIST_FULL_PAGE);
    const full = await connect().listCards('2', null, AT);
    expect(full.cards).toHaveLength(50);
    expect(full.next).toBe('3');
    expect(full.total).toBe(120);

    intercept(SIM_LIST_LAST_PAGE);
    const page = await connect({ planMb: 100 }).listCards('3', null, AT);
    expect(page.next).toBeNull();
    expect(page.cards.map((c) => [c.iccid, c.status, c.rawStatus])).toEqual([
      ['89860312345678901235', CardStatus.ACTIVE, '4'],
      ['89860312345678901243', CardStatus.INVENTORY, '1'],
      ['89860312345678901250', CardStatus.CANCELLED, '7'],
    ]);
    expect(page.cards[0]).toMatchObject({ msisdn: '1410012345678', imsi: '460110123456789', plan: { kind: 'MONTHLY', monthlyBytes: 100 * 1048576 } });
    // 2026-11-02 09:30 in Shanghai is 01:30 UTC, whatever the process zone (zone.spec.ts runs the mappers under several TZ values).
    expect(page.cards[0].activatedAt?.toISOString()).toBe('2026-11-02T01:30:00.000Z');
    expect(page.cards[1].activatedAt).toBeNull();

    intercept(SIM_LIST_PAST_END);
    expect(await connect().listCards('9', null, AT)).toMatchObject({ cards: [], next: null });
  });

  it('parses errors: plain-text codes, truncated JSON', async () => {
    intercept('-1：用户名或密码错误');
    const bad = await caught(connect().listCards(null, null, AT));
    expect(bad).toBeInstanceOf(Rejected);
    expect((bad as Rejected).details).toMatchObject({ carrierCode: '-1', carrierMessage: '用户名或密码错误', endpoint: 'getSIMList' });

    intercept('101004：请求过于频繁，请稍后再试');
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(RateLimited);

    intercept(SIM_LIST_LAST_PAGE.slice(0, 60));
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Transient);

    intercept('', 503);
    expect(await caught(connect().listCards(null, null, AT))).toBeInstanceOf(Transient);
  });
});

describe('status: queryCardMainStatus', () => {
  it('builds the request (vector D: access_number, mixed-case ordinal sort)', async () => {
    const { seen } = intercept(STATUS_ACTIVE);
    await connect({ cardKey: 'msisdn' }, CREDENTIALS_D).fetchCards([{ iccid: '89860312345678901235', msisdn: '14100000001' }], AT);
    expect(seen.query).toEqual({
      method: 'queryCardMainStatus',
      user_id: 'TestUser01',
      passWord: '848940BE8B58AAF2F717267A193438D9',
      sign: SIGN_D,
      access_number: '14100000001',
      queryDropCard: 'true',
    });
  });

  it('calls once per card, by iccid by default', async () => {
    const a = intercept(STATUS_ACTIVE);
    const b = intercept(STATUS_STOPPED);
    await connect().fetchCards([{ iccid: '89860312345678901235' }, { iccid: '89860312345678901243' }], AT);
    expect(a.scope.isDone() && b.scope.isDone()).toBe(true);
    expect(a.seen.query?.iccid).toBe('89860312345678901235');
    expect(b.seen.query?.iccid).toBe('89860312345678901243');
  });

  it('parses status, net block, and the simgate-stop hint', async () => {
    intercept(STATUS_ACTIVE);
    intercept(STATUS_CUT_OFF);
    intercept(STATUS_STOPPED);
    intercept(STATUS_STOPPED);
    const r = await connect().fetchCards(
      [
        { iccid: '89860312345678901235', msisdn: '1410012345678' },
        { iccid: '89860312345678901243' },
        { iccid: '89860312345678901250', hints: { stoppedBySimgate: true } },
        { iccid: '89860312345678901268' },
      ],
      AT,
    );
    expect(r.failures).toEqual([]);
    expect(r.items.map((c) => [c.status, c.suspendReason, c.rawStatus, c.rawReason])).toEqual([
      [CardStatus.ACTIVE, null, '4', null],
      [CardStatus.SUSPENDED, SuspendReason.USAGE_CAP, '4', '已断网'],
      [CardStatus.SUSPENDED, SuspendReason.MANUAL, '5', '停机'],
      [CardStatus.SUSPENDED, SuspendReason.UNKNOWN, '5', '停机'],
    ]);
    expect(r.items[0]).toMatchObject({ iccid: '89860312345678901235', msisdn: '1410012345678' });
    expect(r.items[0].openedAt?.toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });

  it('parses errors: -4 is that card’s failure, -3 fails the call', async () => {
    intercept(STATUS_ACTIVE);
    intercept('-4：号码不存在');
    const r = await connect().fetchCards([{ iccid: '89860312345678901235' }, { iccid: '89860312345678901243' }], AT);
    expect(r.items).toHaveLength(1);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].iccid).toBe('89860312345678901243');
    expect(r.failures[0].error).toBeInstanceOf(Rejected);
    expect(r.failures[0].error.details.carrierCode).toBe('-4');

    intercept('-3：签名错误');
    expect(await caught(connect().fetchCards([{ iccid: '89860312345678901235' }], AT))).toBeInstanceOf(Rejected);

    intercept('{"resultCode":"-4","resultMsg":"号码不存在"}');
    expect((await connect().fetchCards([{ iccid: '89860312345678901235' }], AT)).failures[0].error.details.carrierCode).toBe('-4');
  });
});

describe('cycle usage: queryTraffic', () => {
  it('builds the request (vector C′: needDtl sent, not signed)', async () => {
    const { seen } = intercept(TRAFFIC_MONTH);
    await connect().fetchUsage([{ iccid: '89860312345678901235' }], AT);
    expect(seen.query).toEqual({
      method: 'queryTraffic',
      user_id: CREDENTIALS.userId,
      passWord: PASSWORD_ENC,
      sign: SIGN_C_PRIME,
      iccid: '89860312345678901235',
      needDtl: '0',
    });
  });

  it('calls the base URL once per card', async () => {
    const { scope } = intercept(TRAFFIC_MONTH);
    await connect().fetchUsage([{ iccid: '89860312345678901235' }], AT);
    expect(scope.isDone()).toBe(true);
  });

  it('parses MB text into bytes in the Shanghai natural month, with the configured plan', async () => {
    intercept(TRAFFIC_MONTH);
    const r = await connect({ planMb: 1024 }).fetchUsage([{ iccid: '89860312345678901235' }], AT);
    const u = r.items[0];
    expect(u.usedBytes).toBe(Math.round(512.37 * 1048576));
    expect(u.quotaBytes).toBe(1024 * 1048576);
    expect(u.remainingBytes).toBe(1024 * 1048576 - Math.round(512.37 * 1048576));
    // AT is 2026-11-30T17:00Z = 2026-12-01 01:00 in Shanghai: the December cycle.
    expect(u.cycleStart.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(u.cycleEnd.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(u.raw).toMatchObject({ TOTAL_BYTES_CNT: '512.37MB' });

    intercept(TRAFFIC_MONTH);
    expect((await connect().fetchUsage([{ iccid: '89860312345678901235' }], AT)).items[0]).toMatchObject({ quotaBytes: null, remainingBytes: null });
  });

  it('parses errors: IRESULT, plain text, truncated XML', async () => {
    intercept(TRAFFIC_ERROR_XML);
    expect((await connect().fetchUsage([{ iccid: '89860312345678901235' }], AT)).failures[0].error.details.carrierCode).toBe('-4');
    intercept('-2：缺少参数');
    expect(await caught(connect().fetchUsage([{ iccid: '89860312345678901235' }], AT))).toBeInstanceOf(Rejected);
    intercept(TRAFFIC_MONTH.slice(0, 70));
    // A truncated answer about one card is that card's passing failure: the sync engine reads it again alone.
    expect((await connect().fetchUsage([{ iccid: '89860312345678901235' }], AT)).failures[0].error).toBeInstanceOf(Transient);
  });
});

describe('daily usage: queryTrafficByDate needDtl=1', () => {
  it('builds the request: dates and needDtl sent, not signed', async () => {
    const { seen } = intercept(TRAFFIC_DAILY);
    await connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-01', '2026-11-03', AT);
    expect(seen.query).toEqual({
      method: 'queryTrafficByDate',
      user_id: CREDENTIALS.userId,
      passWord: PASSWORD_ENC,
      sign: SIGN_C_PRIME_FOR('queryTrafficByDate'),
      iccid: '89860312345678901235',
      startDate: '20261101',
      endDate: '20261103',
      needDtl: '1',
    });
  });

  it('calls the base URL once for the whole range', async () => {
    const { scope } = intercept(TRAFFIC_DAILY);
    await connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-01', '2026-11-03', AT);
    expect(scope.isDone()).toBe(true);
  });

  it('parses one entry per ITEM', async () => {
    intercept(TRAFFIC_DAILY);
    const days = await connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-01', '2026-11-03', AT);
    expect(days.map((d) => [d.day, d.usedBytes])).toEqual([
      ['2026-11-01', Math.round(1.25 * 1048576)],
      ['2026-11-02', 0],
      ['2026-11-03', Math.round(10.5 * 1048576)],
    ]);
    intercept(TRAFFIC_DAILY_ONE);
    expect(await connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-01', '2026-11-01', AT)).toHaveLength(1);
  });

  it('parses errors and refuses bad dates before any request', async () => {
    intercept('101004：请求过于频繁，请稍后再试');
    expect(await caught(connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-01', '2026-11-03', AT))).toBeInstanceOf(RateLimited);
    expect(await caught(connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-03', '2026-11-01', AT))).toBeInstanceOf(Rejected);
    intercept(TRAFFIC_DAILY_BAD_ITEM);
    expect(await caught(connect().fetchDailyUsage({ iccid: '89860312345678901235' }, '2026-11-01', '2026-11-03', AT))).toBeInstanceOf(Transient);
  });
});

describe('past-cycle usage: queryTrafficByDate needDtl=0 over the cycle', () => {
  it('builds the request: the Shanghai month, dates sent, not signed', async () => {
    const { seen } = intercept(TRAFFIC_MONTH);
    await connect().fetchCycleUsage!([{ iccid: '89860312345678901235' }], '2026-11', AT);
    expect(seen.query).toMatchObject({ method: 'queryTrafficByDate', startDate: '20261101', endDate: '20261130', needDtl: '0', sign: SIGN_C_PRIME_FOR('queryTrafficByDate') });
  });

  it('calls once per card; the current cycle ends today', async () => {
    const { scope, seen } = intercept(TRAFFIC_MONTH);
    await connect().fetchCycleUsage!([{ iccid: '89860312345678901235' }], '2026-12', AT);
    expect(scope.isDone()).toBe(true);
    expect(seen.query).toMatchObject({ startDate: '20261201', endDate: '20261201' });
  });

  it('parses the cycle total, final as of the cycle end', async () => {
    intercept(TRAFFIC_MONTH);
    const r = await connect({ planMb: 1024 }).fetchCycleUsage!([{ iccid: '89860312345678901235' }], '2026-11', AT);
    expect(r.items[0]).toMatchObject({ usedBytes: Math.round(512.37 * 1048576), quotaBytes: 1024 * 1048576 });
    expect(r.items[0].cycleStart.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(r.items[0].asOf.toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });

  it('parses errors and refuses bad labels before any request', async () => {
    intercept('-4：号码不存在');
    expect((await connect().fetchCycleUsage!([{ iccid: '89860312345678901235' }], '2026-11', AT)).failures).toHaveLength(1);
    expect(await caught(connect().fetchCycleUsage!([{ iccid: '89860312345678901235' }], '2026-13', AT))).toBeInstanceOf(Rejected);
    expect(await caught(connect().fetchCycleUsage!([{ iccid: '89860312345678901235' }], '2027-01', AT))).toBeInstanceOf(Rejected);
  });
});

describe('operations: submit', () => {
  const order = (type: OperationType, params: OperationOrder['params'] = {}): OperationOrder => ({
    type,
    iccids: ['89860312345678901235'],
    params,
    idempotencyKey: 'op-1',
  });

  it('builds the requests (vector A: disabledNumber 19 with the empty acctCd signed)', async () => {
    const { seen } = intercept(ORDER_OK);
    await connect({ cardKey: 'msisdn' }).submit(order(OperationType.SUSPEND), [{ iccid: '89860312345678901235', msisdn: '1410012345678' }], AT);
    expect(seen.query).toEqual({
      method: 'disabledNumber',
      user_id: CREDENTIALS.userId,
      passWord: PASSWORD_ENC,
      sign: SIGN_A,
      access_number: '1410012345678',
      orderTypeId: '19',
      acctCd: '',
    });

    const cases: [OperationOrder, Record<string, string>][] = [
      [order(OperationType.RESUME), { method: 'disabledNumber', orderTypeId: '20', acctCd: '' }],
      [order(OperationType.ACTIVATE), { method: 'requestServActive' }],
      [order(OperationType.SET_USAGE_CAP, { capMb: 500 }), { method: 'offNetAction', action: '1', quota: '500', type: '1' }],
      [order(OperationType.SET_USAGE_CAP, { capMb: null }), { method: 'offNetAction', action: '3', quota: '0', type: '1' }],
      [order(OperationType.REBIND, { imei: '860000000000001' }), { method: 'IMEIReRecord', action: 'ADD', imei: '860000000000001' }],
    ];
    for (const [o, expected] of cases) {
      const c = intercept(ORDER_OK);
      await connect().submit(o, [], AT);
      expect(c.seen.query).toMatchObject({ ...expected, iccid: '89860312345678901235' });
    }
    const modify = intercept(ORDER_OK);
    await connect().submit(order(OperationType.SET_USAGE_CAP, { capMb: 800 }), [{ iccid: '89860312345678901235', hints: { usageCapMb: 500 } }], AT);
    expect(modify.seen.query).toMatchObject({ action: '2', quota: '800' });
  });

  it('calls the base URL once per order', async () => {
    const { scope } = intercept(ORDER_OK);
    await connect().submit(order(OperationType.ACTIVATE), [], AT);
    expect(scope.isDone()).toBe(true);
  });

  it('parses the acceptance into a STATUS receipt (no deadline: the engine sets it)', async () => {
    intercept(ORDER_OK);
    const r = await connect().submit(order(OperationType.SUSPEND), [], AT);
    expect(r).toMatchObject({
      type: OperationType.SUSPEND,
      confirmBy: 'STATUS',
      carrierRef: 'GT202612010001',
      expectedStatus: CardStatus.SUSPENDED,
      iccids: ['89860312345678901235'],
    });
    expect(r).not.toHaveProperty('deadline');
  });

  it('parses errors: -7 order in progress, -5 rebind limit; refuses what it cannot send', async () => {
    intercept('-7：该号码有在途工单');
    const busy = await caught(connect().submit(order(OperationType.SUSPEND), [], AT));
    expect(busy).toBeInstanceOf(Rejected);
    expect((busy as Rejected).details.carrierCode).toBe('-7');
    intercept('{"resultCode":"-5","resultMsg":"重复订购"}');
    expect(await caught(connect().submit(order(OperationType.REBIND, { imei: '860000000000001' }), [], AT))).toBeInstanceOf(Rejected);
    expect(await caught(connect().submit(order(OperationType.REBIND), [], AT))).toBeInstanceOf(Rejected);
    expect(await caught(connect().submit({ ...order(OperationType.SUSPEND), iccids: ['89860312345678901235', '89860312345678901243'] }, [], AT))).toBeInstanceOf(Rejected);
  });
});

describe('operations: progress (re-reading queryCardMainStatus)', () => {
  const receipt = (type: OperationType, expectedStatus: CardStatus | null): CarrierReceipt => ({
    type,
    iccids: ['89860312345678901235'],
    confirmBy: 'STATUS',
    carrierRef: 'GT202612010001',
    expectedStatus,
    submittedAt: AT,
  });

  it('builds the status request', async () => {
    const { seen } = intercept(STATUS_ACTIVE);
    await connect().progress(receipt(OperationType.SUSPEND, CardStatus.SUSPENDED), [], AT);
    expect(seen.query).toMatchObject({ method: 'queryCardMainStatus', iccid: '89860312345678901235' });
  });

  it('calls once per card, and not at all for changes the platform confirms on acceptance', async () => {
    const { scope } = intercept(STATUS_ACTIVE);
    await connect().progress(receipt(OperationType.RESUME, CardStatus.ACTIVE), [], AT);
    expect(scope.isDone()).toBe(true);
    const done = await connect().progress(receipt(OperationType.REBIND, null), [], AT);
    expect(done.state).toBe(OperationState.COMPLETED);
  });

  it('parses: pending until the target status shows (however late: the engine applies deadlines), completed when it does', async () => {
    intercept(STATUS_ACTIVE);
    expect((await connect().progress(receipt(OperationType.SUSPEND, CardStatus.SUSPENDED), [], AT)).state).toBe(OperationState.SUBMITTED);
    intercept(STATUS_STOPPED);
    expect((await connect().progress(receipt(OperationType.SUSPEND, CardStatus.SUSPENDED), [], AT)).state).toBe(OperationState.COMPLETED);
    // Resume completes on productMainStatusCd 4 even if a usage cap cuts the network.
    intercept(STATUS_CUT_OFF);
    expect((await connect().progress(receipt(OperationType.RESUME, CardStatus.ACTIVE), [], AT)).state).toBe(OperationState.COMPLETED);
    intercept(STATUS_ACTIVE);
    const late = await connect().progress(receipt(OperationType.SUSPEND, CardStatus.SUSPENDED), [], new Date(AT.getTime() + 121 * 3600_000));
    expect(late.state).toBe(OperationState.SUBMITTED);
    expect(late.items).toEqual([{ iccid: '89860312345678901235', state: OperationState.SUBMITTED, message: 'productMainStatusCd 4, waiting for 5' }]);
  });

  it('parses errors: -4 fails the item, a rate limit fails the call', async () => {
    intercept('-4：号码不存在');
    const p = await connect().progress(receipt(OperationType.SUSPEND, CardStatus.SUSPENDED), [], AT);
    expect(p.state).toBe(OperationState.FAILED);
    intercept('101004：请求过于频繁，请稍后再试');
    expect(await caught(connect().progress(receipt(OperationType.SUSPEND, CardStatus.SUSPENDED), [], AT))).toBeInstanceOf(RateLimited);
  });
});

describe('secrets', () => {
  it('never appear in error messages or details', async () => {
    const secretBody = `-1：用户名或密码错误 ${CREDENTIALS.password} ${CREDENTIALS.key} ${PASSWORD_ENC}`;
    const answers = [secretBody, `<html>${CREDENTIALS.password}`, `{"resultCode":"-3","resultMsg":"sign ${SIGN_B_PRIME} wrong"}`];
    for (const body of answers) {
      intercept(body, 200);
      const e = await caught(connect().listCards('2', null, AT));
      const text = JSON.stringify({ message: e.message, ...(e as Rejected).details });
      for (const s of [CREDENTIALS.password, CREDENTIALS.key, PASSWORD_ENC, SIGN_B_PRIME]) expect(text).not.toContain(s);
    }
    intercept(`${CREDENTIALS.password}`, 500);
    const e = await caught(connect().listCards('2', null, AT));
    expect(JSON.stringify((e as Transient).toJSON())).not.toContain(CREDENTIALS.password);
  });

  it('are listed on every request', async () => {
    const sent: string[][] = [];
    const http = { send: async (r: { secrets?: string[] }) => (sent.push(r.secrets ?? []), { status: 200, headers: {}, body: ORDER_OK }) };
    const a = platform.connect({ id: 'x', platform: 'ctcc-cmp', baseUrl: HOST + PATH, credentials: CREDENTIALS }, { http, now: () => AT });
    await a.submit({ type: OperationType.ACTIVATE, iccids: ['89860312345678901235'], params: {}, idempotencyKey: 'k' }, [], AT);
    expect(sent[0]).toEqual(expect.arrayContaining([CREDENTIALS.password, CREDENTIALS.key, PASSWORD_ENC]));
    expect(sent[0]).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Fixtures, written by hand from carriers.md §3 and carriers-vectors.md §4.

/** 2026-12-01 01:00 in Shanghai; 2026-11-30 09:00 in Los Angeles. */
const AT = new Date('2026-11-30T17:00:00Z');

const CREDENTIALS = { userId: 'testuser0000000000000000000000001', password: 'pwd12345', key: 'abcdefghi' };
const CREDENTIALS_D = { userId: 'TestUser01', password: 'Abc123!@', key: 'Xy7pQ2mZ0' };
const PASSWORD_ENC = '4F631B6240D8252F652150E0A9D18955';
const SIGN_A =
  '7679263F526410C9A1304B65739AE4AEACCAC95138A49D08752135EDEA0EB69E72B9588FEF2CD9CE6D4B04B1806FB72D2059570A80C62D1CB8C1FE66002275D427A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0';
const SIGN_B_PRIME =
  '5692CA1A534B31B7320940A84FCA51B7C37807BF456E8824D413065E75913E76CB24179B2FFBCAD341894168BD86A2CC16CC0DAF9B20CEF4DAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BFE04B76218FE1397';
const SIGN_C_PRIME =
  'BB3649805B1D4813F23EC856416D7491ACCAC95138A49D08EAF8A0E9800FA02B6C7783CC6D9C9BB427A89BD43E1A191B637DB4FA6CE97037D47A16B088BFD813325D1D61D56218F7B82F42B82386099DA152C0FE8D1B5EFB502163BB8363CCF9972DD09BD2A6EA4FDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BBCE5DB46DECFBF5F';
const SIGN_D =
  '99361DD80BDFABE3E21026EA5F4555C555358A4ED358A158848940BE8B58AAF2F717267A193438D975364909B52EE07855A0469D8F61C257514270CA8ABD3657018AD8790A3427DBA110ECF68B9A39678ECF983949726CDDCEE177B1A6EA33AE1979C02040C3658D';
/** queryTrafficByDate signs the same values as C′ with its own method name (no vector in carriers-vectors.md). */
function SIGN_C_PRIME_FOR(method: string): string {
  return strEnc(naturalOrdering([CREDENTIALS.userId, CREDENTIALS.password, method, '89860312345678901235']), 'abc', 'def', 'ghi');
}

const SIM_LIST_LAST_PAGE = JSON.stringify({
  resultCode: '0',
  resultMsg: '成功',
  totalCount: '103',
  pageIndex: '3',
  simList: [
    { accNumber: '1410012345678', iccid: '89860312345678901235', imsi: '460110123456789', simStatus: '4', activationTime: '2026-11-02 09:30:00' },
    { accNumber: '1410012345679', iccid: '89860312345678901243', imsi: '460110123456790', simStatus: '1', activationTime: '' },
    { accNumber: '1410012345680', iccid: '89860312345678901250', imsi: '460110123456791', simStatus: '7', activationTime: '2025-01-05 12:00:00' },
  ],
});

const SIM_LIST_FULL_PAGE = JSON.stringify({
  resultCode: '0',
  resultMsg: '成功',
  totalCount: 120,
  pageIndex: 2,
  simList: Array.from({ length: 50 }, (_, i) => ({
    accNumber: `14100000${String(100 + i).padStart(3, '0')}`,
    iccid: `8986031200000000${String(1000 + i)}`,
    imsi: `46011000000${String(1000 + i)}`,
    simStatus: '4',
    activationTime: '2026-01-01 00:00:00',
  })),
});

const SIM_LIST_PAST_END = '{"resultCode":"0","resultMsg":"成功","totalCount":"103","pageIndex":"9","simList":[]}';

/** A `queryCardMainStatus` answer (the three below differ in code, net block, transaction and number only). */
const statusAnswer = (n: number, net: string, code: string, name: string): string =>
  JSON.stringify({
    resultCode: '0',
    resultMsg: '处理成功！',
    GROUP_TRANSACTIONID: `100000019020261201000000${n}`,
    number: `14100123456${77 + n}`,
    servCreateDate: '2026-04-01 00:00:00',
    netBlockStatusName: net,
    productInfo: [{ productMainStatusCd: code, productMainStatusName: name }],
  });
const STATUS_ACTIVE = statusAnswer(1, '未断网', '4', '在用');
const STATUS_CUT_OFF = statusAnswer(2, '已断网', '4', '在用');
const STATUS_STOPPED = statusAnswer(3, '未断网', '5', '停机');

const TRAFFIC_MONTH =
  '<root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT><TOTAL_BYTES_CNT>512.37MB</TOTAL_BYTES_CNT><GROUP_TRANSACTIONID>1000000190202612010000004</GROUP_TRANSACTIONID><number>89860312345678901235</number></NEW_DATA_TICKET_QRsp></root>';

const TRAFFIC_ERROR_XML =
  '<root><NEW_DATA_TICKET_QRsp><IRESULT>-4</IRESULT><TOTAL_BYTES_CNT></TOTAL_BYTES_CNT><GROUP_TRANSACTIONID></GROUP_TRANSACTIONID><number>89860312345678901235</number></NEW_DATA_TICKET_QRsp></root>';

const TRAFFIC_DAILY = `<?xml version="1.0" encoding="UTF-8"?>
<root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT><TOTAL_BYTES_CNT>11.75MB</TOTAL_BYTES_CNT><GROUP_TRANSACTIONID>1000000190202612010000005</GROUP_TRANSACTIONID><number>89860312345678901235</number>
<ITEM><DATE>20261101</DATE><BYTES_CNT>1.25MB</BYTES_CNT></ITEM>
<ITEM><DATE>20261102</DATE><BYTES_CNT>0.00MB</BYTES_CNT></ITEM>
<ITEM><DATE>20261103</DATE><BYTES_CNT>10.50MB</BYTES_CNT></ITEM>
</NEW_DATA_TICKET_QRsp></root>`;

const TRAFFIC_DAILY_ONE =
  '<root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT><TOTAL_BYTES_CNT>1.25MB</TOTAL_BYTES_CNT><GROUP_TRANSACTIONID>1</GROUP_TRANSACTIONID><number>89860312345678901235</number><ITEM><DATE>20261101</DATE><BYTES_CNT>1.25MB</BYTES_CNT></ITEM></NEW_DATA_TICKET_QRsp></root>';

const TRAFFIC_DAILY_BAD_ITEM =
  '<root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT><TOTAL_BYTES_CNT>1.25MB</TOTAL_BYTES_CNT><GROUP_TRANSACTIONID>1</GROUP_TRANSACTIONID><number>1</number><ITEM><DATE>2026-11-01</DATE><BYTES_CNT>lots</BYTES_CNT></ITEM></NEW_DATA_TICKET_QRsp></root>';

const ORDER_OK = '{"resultCode":"0","resultMsg":"处理成功！","GROUP_TRANSACTIONID":"GT202612010001"}';
