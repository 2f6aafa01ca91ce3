import axios, { type AxiosResponse } from 'axios';
import nock from 'nock';
import { XMLParser } from 'fast-xml-parser';
import { hasValidLuhn } from '@simgate/core';
import { SimClock } from '../sim/clock';
import { serve, type ServedSimulator } from '../sim/http-face';
import { interceptWithNock } from '../testing/nock';
import { naturalOrdering, splitKey, strEnc } from './des';
import { createSimulator, type CtccSimulator } from './index';
import { shDateTime } from './shanghai-time';

// nock patches Node's http for the whole Jest worker: undo it when this file is done, so later files get real sockets.
afterAll(() => nock.restore());

const START = '2026-03-15T04:00:00Z'; // 12:00 in Shanghai
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const xml = new XMLParser({ parseTagValue: false });

/** What each method signs besides user_id, password, method and the card key (carriers.md §3). */
const SIGNED: Record<string, string[]> = {
  disabledNumber: ['orderTypeId', 'acctCd'],
  offNetAction: ['action', 'quota', 'type'],
  IMEIReRecord: ['action'],
};

interface CallOptions {
  /** Names of extra parameters to sign instead of the contract's. */
  signExtras?: string[];
  password?: string;
  userId?: string;
  omit?: string[];
}

/** A CTCC client written from the contract, as an integrator would. */
class Client {
  constructor(
    readonly baseUrl: string,
    readonly creds: { userId: string; password: string; key: string },
  ) {}

  params(method: string, params: Record<string, string>, opts: CallOptions = {}): Record<string, string> {
    const [k1, k2, k3] = splitKey(this.creds.key);
    const userId = opts.userId ?? this.creds.userId;
    const password = opts.password ?? this.creds.password;
    const values = [userId, password, method];
    const cardKey = params.access_number ?? params.iccid;
    if (cardKey !== undefined) values.push(cardKey);
    for (const name of opts.signExtras ?? SIGNED[method] ?? []) values.push(params[name]);
    const all: Record<string, string> = {
      method,
      user_id: userId,
      passWord: strEnc(password, k1, k2, k3),
      sign: strEnc(naturalOrdering(values), k1, k2, k3),
      ...params,
    };
    for (const o of opts.omit ?? []) delete all[o];
    return all;
  }

  get(method: string, params: Record<string, string> = {}, opts: CallOptions = {}): Promise<AxiosResponse<string>> {
    return axios.get<string>(this.baseUrl, {
      params: this.params(method, params, opts),
      responseType: 'text',
      transformResponse: (d: string) => d,
      validateStatus: () => true,
    });
  }

  async json<T = Record<string, unknown>>(method: string, params: Record<string, string> = {}, opts: CallOptions = {}): Promise<T> {
    const r = await this.get(method, params, opts);
    expect(r.status).toBe(200);
    try {
      return JSON.parse(r.data) as T;
    } catch {
      throw new Error(`not JSON: ${r.data}`);
    }
  }

  async traffic(method: string, params: Record<string, string>): Promise<{ total: string; items: Array<{ DATE: string; BYTES_CNT: string }>; raw: string; number: string }> {
    const r = await this.get(method, params);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/xml/);
    const doc = xml.parse(r.data) as { root?: { NEW_DATA_TICKET_QRsp?: Record<string, unknown> } };
    const rsp = doc.root?.NEW_DATA_TICKET_QRsp;
    if (!rsp) throw new Error(`not the traffic XML: ${r.data}`);
    expect(rsp.IRESULT).toBe('0');
    const items = rsp.ITEM === undefined ? [] : Array.isArray(rsp.ITEM) ? rsp.ITEM : [rsp.ITEM];
    return { total: String(rsp.TOTAL_BYTES_CNT), items: items as Array<{ DATE: string; BYTES_CNT: string }>, raw: r.data, number: String(rsp.number) };
  }

  async status(card: { msisdn: string }, extra: Record<string, string> = {}): Promise<{ code: string; net: string }> {
    const body = await this.json<{ productInfo: Array<{ productMainStatusCd: string }>; netBlockStatusName: string }>('queryCardMainStatus', {
      access_number: card.msisdn,
      ...extra,
    });
    return { code: body.productInfo[0].productMainStatusCd, net: body.netBlockStatusName };
  }
}

const mb = (s: string): number => {
  expect(s).toMatch(/^\d+\.\d{2}MB$/);
  return Number(s.slice(0, -2));
};

describe('ctcc-cmp simulator, as a client sees it over HTTP', () => {
  let clock: SimClock;
  let sim: CtccSimulator;
  let served: ServedSimulator;
  let client: Client;

  beforeEach(async () => {
    clock = SimClock.fixed(START);
    sim = createSimulator({ cards: 10_000, seed: 42, clock, orderDelayMs: HOUR });
    served = await serve(sim);
    const entry = sim.accountEntry(served.origin) as { baseUrl: string; credentials: { userId: string; password: string; key: string } };
    client = new Client(entry.baseUrl, entry.credentials);
  });
  afterEach(() => served.close());

  const findCard = (pred: (s: string, i: number) => boolean, from = 0): { index: number; msisdn: string; iccid: string } => {
    const i = sim.fleet.find((b) => pred(b.status, b.index), from);
    return { index: i, msisdn: sim.fleet.msisdnOf(i), iccid: sim.fleet.iccidOf(i) };
  };
  const activeCard = (from = 0) => findCard((s, i) => s === '4' && sim.fleet.base(i).thresholdMb === null && sim.fleet.base(i).dailyMeanBytes > 5 * 1_048_576, from);

  it('serves the account entry of ARCHITECTURE.md', () => {
    const entry = sim.accountEntry('http://127.0.0.1:7103');
    expect(entry).toEqual({
      id: 'ctcc-main',
      platform: 'ctcc-cmp',
      baseUrl: 'http://127.0.0.1:7103/m2m_ec/query.do',
      credentials: { userId: expect.any(String), password: expect.any(String), key: expect.stringMatching(/^.{9}$/) },
    });
  });

  describe('authentication and signatures', () => {
    it('rejects a wrong password with -1 in plain text, full-width colon, HTTP 200', async () => {
      const r = await client.get('getSIMList', { pageIndex: '1' }, { password: 'wrong' });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/plain/);
      expect(r.data).toBe('-1\uFF1A用户名或密码错误');
    });

    it('rejects an unknown user_id with -1', async () => {
      expect((await client.get('getSIMList', { pageIndex: '1' }, { userId: 'someone' })).data).toBe('-1：用户名或密码错误');
    });

    it('answers -2 for missing parameters', async () => {
      expect((await client.get('getSIMList', { pageIndex: '1' }, { omit: ['sign'] })).data).toBe('-2：缺少参数');
      expect((await client.get('getSIMList', {})).data).toBe('-2：缺少参数');
      expect((await client.get('queryCardMainStatus', {})).data).toBe('-2：缺少参数');
      const c = activeCard();
      expect((await client.get('disabledNumber', { access_number: c.msisdn, orderTypeId: '19' }, { signExtras: ['orderTypeId'] })).data).toBe('-2：缺少参数');
      expect((await client.get('queryTrafficByDate', { access_number: c.msisdn, needDtl: '0' })).data).toBe('-2：缺少参数');
    });

    it('answers -3 when a value the platform does not sign is signed (pageIndex, needDtl, imei)', async () => {
      const c = activeCard();
      expect((await client.get('getSIMList', { pageIndex: '2' }, { signExtras: ['pageIndex'] })).data).toBe('-3：签名错误');
      expect((await client.get('queryTraffic', { iccid: c.iccid, needDtl: '0' }, { signExtras: ['needDtl'] })).data).toBe('-3：签名错误');
      expect((await client.get('IMEIReRecord', { iccid: c.iccid, action: 'ADD', imei: '864000000000001' }, { signExtras: ['action', 'imei'] })).data).toBe('-3：签名错误');
    });

    it('answers -3 when a signed value is left out of the sign or the sign is tampered with', async () => {
      const c = activeCard();
      expect((await client.get('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' }, { signExtras: ['orderTypeId'] })).data).toBe('-3：签名错误');
      expect((await client.get('offNetAction', { access_number: c.msisdn, action: '1', quota: '100', type: '1' }, { signExtras: ['action', 'quota'] })).data).toBe('-3：签名错误');
      const p = client.params('queryCardMainStatus', { access_number: c.msisdn });
      p.access_number = activeCard(c.index + 1).msisdn; // signed for another card
      const r = await axios.get<string>(client.baseUrl, { params: p, responseType: 'text' });
      expect(r.data).toBe('-3：签名错误');
    });

    it('ignores unsigned extra parameters in the signature', async () => {
      const c = activeCard();
      const body = await client.json('queryCardMainStatus', { access_number: c.msisdn, foo: 'bar', needDtl: '0' });
      expect(body.resultCode).toBe('0');
    });

    it('accepts the whole signed requests of carriers-vectors.md §4 and rejects B and C', async () => {
      const vsim = createSimulator({ cards: 100, seed: 1, clock, credentials: { userId: 'testuser0000000000000000000000001', password: 'pwd12345', key: 'abcdefghi' } });
      const vserved = await serve(vsim);
      try {
        const get = (q: Record<string, string>) => axios.get<string>(vserved.baseUrl, { params: q, responseType: 'text', transformResponse: (d: string) => d });
        const common = { user_id: 'testuser0000000000000000000000001', passWord: '4F631B6240D8252F652150E0A9D18955' };
        // A: signature accepted, the example number is not in this fleet.
        const a = await get({ ...common, method: 'disabledNumber', access_number: '1410012345678', orderTypeId: '19', acctCd: '',
          sign: '7679263F526410C9A1304B65739AE4AEACCAC95138A49D08752135EDEA0EB69E72B9588FEF2CD9CE6D4B04B1806FB72D2059570A80C62D1CB8C1FE66002275D427A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0' });
        expect(a.data).toBe('-4：号码不存在');
        const b = await get({ ...common, method: 'getSIMList', pageIndex: '2',
          sign: 'A553E4932A652283194B76548F4FA6E012EAC68B5A001EE227A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0' });
        expect(b.data).toBe('-3：签名错误');
        const b2 = await get({ ...common, method: 'getSIMList', pageIndex: '2',
          sign: '5692CA1A534B31B7320940A84FCA51B7C37807BF456E8824D413065E75913E76CB24179B2FFBCAD341894168BD86A2CC16CC0DAF9B20CEF4DAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BFE04B76218FE1397' });
        expect(JSON.parse(b2.data)).toMatchObject({ resultCode: '0', pageIndex: 2, totalCount: 100 });
        const c = await get({ ...common, method: 'queryTraffic', iccid: '89860312345678901235', needDtl: '0',
          sign: '26B8E4A593E887BB66893A55DDFC0EEB637DB4FA6CE97037C8AF5BE0A716BF817744EF7A595B9AE4BD1BA4DB22C01825D413065E75913E76CB24179B2FFBCAD39C4C367EFDAE5D938F7F19EA3F28117669379E20030180BA32E5804EA05BAA50091EB0B09EDAD4404137102BE70AE6DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BB2CE1FCF2221C820' });
        expect(c.data).toBe('-3：签名错误');
        const c2 = await get({ ...common, method: 'queryTraffic', iccid: '89860312345678901235', needDtl: '0',
          sign: 'BB3649805B1D4813F23EC856416D7491ACCAC95138A49D08EAF8A0E9800FA02B6C7783CC6D9C9BB427A89BD43E1A191B637DB4FA6CE97037D47A16B088BFD813325D1D61D56218F7B82F42B82386099DA152C0FE8D1B5EFB502163BB8363CCF9972DD09BD2A6EA4FDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BBCE5DB46DECFBF5F' });
        expect(c2.data).toBe('-4：号码不存在');
      } finally {
        await vserved.close();
      }
      const dsim = createSimulator({ cards: 100, seed: 1, clock, credentials: { userId: 'TestUser01', password: 'Abc123!@', key: 'Xy7pQ2mZ0' } });
      const dserved = await serve(dsim);
      try {
        const d = await axios.get<string>(dserved.baseUrl, {
          responseType: 'text',
          params: { method: 'queryCardMainStatus', user_id: 'TestUser01', passWord: '848940BE8B58AAF2F717267A193438D9', access_number: '14100000001',
            sign: '99361DD80BDFABE3E21026EA5F4555C555358A4ED358A158848940BE8B58AAF2F717267A193438D975364909B52EE07855A0469D8F61C257514270CA8ABD3657018AD8790A3427DBA110ECF68B9A39678ECF983949726CDDCEE177B1A6EA33AE1979C02040C3658D' },
        });
        expect(d.data).toBe('-4：号码不存在');
      } finally {
        await dserved.close();
      }
    });

    it('answers only GET', async () => {
      const r = await axios.post(client.baseUrl, 'method=getSIMList', { validateStatus: () => true });
      expect(r.status).toBe(405);
    });
  });

  describe('getSIMList', () => {
    it('pages 50 cards at a time with the fleet total, identifiers in range and every status code', async () => {
      const page1 = await client.json<{ resultCode: string; totalCount: number; pageIndex: number; simList: Array<Record<string, string>> }>('getSIMList', { pageIndex: '1' });
      expect(page1).toMatchObject({ resultCode: '0', totalCount: 10_000, pageIndex: 1 });
      expect(page1.simList).toHaveLength(50);
      const statuses = new Set<string>();
      const msisdnPrefixes = new Set<string>();
      for (let p = 1; p <= 12; p++) {
        const page = p === 1 ? page1 : await client.json<typeof page1>('getSIMList', { pageIndex: String(p) });
        for (const c of page.simList) {
          expect(Object.keys(c).sort()).toEqual(['accNumber', 'activationTime', 'iccid', 'imsi', 'simStatus']);
          expect(c.iccid).toMatch(/^89\d{17,18}$/);
          expect(hasValidLuhn(c.iccid)).toBe(true);
          expect(c.accNumber).toMatch(/^(1410\d{9}|1349\d{7})$/);
          expect(c.imsi).toMatch(/^460\d{12}$/);
          expect(c.activationTime).toMatch(/^(|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$/);
          if (['1', '2', '3'].includes(c.simStatus)) expect(c.activationTime).toBe('');
          if (c.simStatus === '4') expect(c.activationTime).not.toBe('');
          statuses.add(c.simStatus);
          msisdnPrefixes.add(c.accNumber.slice(0, 4));
        }
      }
      expect([...statuses].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
      expect([...msisdnPrefixes].sort()).toEqual(['1349', '1410']);
      const distinct = new Set(page1.simList.map((c) => c.iccid));
      expect(distinct.size).toBe(50);
    });

    it('keeps 50 per page whatever page size a client asks for', async () => {
      const page = await client.json<{ simList: unknown[] }>('getSIMList', { pageIndex: '3', pageSize: '100' });
      expect(page.simList).toHaveLength(50);
    });

    it('answers the last page and an empty simList past the end', async () => {
      const last = await client.json<{ simList: unknown[] }>('getSIMList', { pageIndex: '200' });
      expect(last.simList).toHaveLength(50);
      const past = await client.json<{ resultCode: string; simList: unknown[]; totalCount: number }>('getSIMList', { pageIndex: '201' });
      expect(past).toMatchObject({ resultCode: '0', totalCount: 10_000, simList: [] });
      expect((await client.get('getSIMList', { pageIndex: '0' })).data).toBe('-2：缺少参数');
    });

    it('is deterministic from the seed', async () => {
      const again = createSimulator({ cards: 10_000, seed: 42, clock: SimClock.fixed(START) });
      const other = createSimulator({ cards: 10_000, seed: 43, clock: SimClock.fixed(START) });
      expect(again.fleet.base(1234)).toEqual(sim.fleet.base(1234));
      expect(other.fleet.iccidOf(1234)).not.toBe(sim.fleet.iccidOf(1234));
    });
  });

  describe('queryCardMainStatus', () => {
    it('answers the card by access_number and by iccid', async () => {
      const c = activeCard();
      const byMsisdn = await client.json<Record<string, unknown>>('queryCardMainStatus', { access_number: c.msisdn });
      expect(byMsisdn).toEqual({
        resultCode: '0',
        resultMsg: expect.any(String),
        GROUP_TRANSACTIONID: expect.stringMatching(/^\d+$/),
        number: c.msisdn,
        servCreateDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        netBlockStatusName: '未断网',
        productInfo: [{ productMainStatusCd: '4', productMainStatusName: '在用' }],
      });
      const byIccid = await client.json<Record<string, unknown>>('queryCardMainStatus', { iccid: c.iccid });
      expect(byIccid.number).toBe(c.msisdn);
      expect(byIccid.productInfo).toEqual(byMsisdn.productInfo);
    });

    it('names every status code', async () => {
      const names: Record<string, string> = { '1': '可激活', '2': '测试激活', '3': '测试去激活', '4': '在用', '5': '停机', '6': '运营商管理状态' };
      for (const [code, name] of Object.entries(names)) {
        const c = findCard((s) => s === code);
        const body = await client.json<{ productInfo: Array<Record<string, string>> }>('queryCardMainStatus', { access_number: c.msisdn });
        expect(body.productInfo[0]).toEqual({ productMainStatusCd: code, productMainStatusName: name });
      }
    });

    it('hides cancelled cards (-4) unless queryDropCard=true', async () => {
      const c = findCard((s) => s === '7');
      expect((await client.get('queryCardMainStatus', { access_number: c.msisdn })).data).toBe('-4：号码不存在');
      const body = await client.json<{ productInfo: Array<Record<string, string>> }>('queryCardMainStatus', { access_number: c.msisdn, queryDropCard: 'true' });
      expect(body.productInfo[0]).toEqual({ productMainStatusCd: '7', productMainStatusName: '拆机' });
    });

    it('answers -4 for numbers and ICCIDs not in the fleet', async () => {
      const c = activeCard();
      expect((await client.get('queryCardMainStatus', { access_number: '1410999999999' })).data).toBe('-4：号码不存在');
      const badLuhn = c.iccid.slice(0, 19) + String((Number(c.iccid[19]) + 1) % 10);
      expect((await client.get('queryCardMainStatus', { iccid: badLuhn })).data).toBe('-4：号码不存在');
      expect((await client.get('queryCardMainStatus', { iccid: sim.fleet.iccidOf(10_000).replace(/^898603/, '898611') })).data).toBe('-4：号码不存在');
    });
  });

  describe('traffic (XML, megabytes with two decimals)', () => {
    it('answers month-to-date traffic that grows with the clock', async () => {
      const c = activeCard();
      const t1 = await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' });
      expect(t1.raw).toMatch(/<root><NEW_DATA_TICKET_QRsp><IRESULT>0<\/IRESULT><TOTAL_BYTES_CNT>\d+\.\d{2}MB<\/TOTAL_BYTES_CNT><GROUP_TRANSACTIONID>\d+<\/GROUP_TRANSACTIONID><number>\d+<\/number><\/NEW_DATA_TICKET_QRsp><\/root>$/);
      expect(t1.number).toBe(c.msisdn);
      expect(t1.items).toEqual([]);
      const first = mb(t1.total);
      expect(first).toBeGreaterThan(0);
      clock.advance(DAY);
      const second = mb((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total);
      expect(second).toBeGreaterThan(first);
    });

    it('lists one ITEM per day with needDtl=1, summing to the total', async () => {
      const c = activeCard();
      const t = await client.traffic('queryTraffic', { iccid: c.iccid, needDtl: '1' });
      expect(t.items.map((i) => i.DATE)).toEqual(Array.from({ length: 15 }, (_, k) => `202603${String(k + 1).padStart(2, '0')}`));
      const sum = t.items.reduce((s, i) => s + mb(i.BYTES_CNT), 0);
      expect(Math.abs(sum - mb(t.total))).toBeLessThanOrEqual(0.01 * t.items.length);
    });

    it('answers traffic by date over a range, per day with needDtl=1', async () => {
      const c = activeCard();
      const t = await client.traffic('queryTrafficByDate', { access_number: c.msisdn, startDate: '20260301', endDate: '20260307', needDtl: '1' });
      expect(t.items).toHaveLength(7);
      expect(t.items[0]).toEqual({ DATE: '20260301', BYTES_CNT: expect.stringMatching(/^\d+\.\d{2}MB$/) });
      const sum = t.items.reduce((s, i) => s + mb(i.BYTES_CNT), 0);
      expect(Math.abs(sum - mb(t.total))).toBeLessThanOrEqual(0.07);
      expect(mb(t.total)).toBeGreaterThan(0);
      const noDtl = await client.traffic('queryTrafficByDate', { access_number: c.msisdn, startDate: '20260301', endDate: '20260307', needDtl: '0' });
      expect(noDtl.items).toEqual([]);
      expect(noDtl.total).toBe(t.total);
      expect((await client.get('queryTrafficByDate', { access_number: c.msisdn, startDate: '20260230', endDate: '20260307', needDtl: '0' })).data).toBe('-2：缺少参数');
    });

    it('shows no traffic for a card that was never activated', async () => {
      const c = findCard((s) => s === '2');
      expect((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total).toBe('0.00MB');
    });

    it('resets at the Asia/Shanghai month boundary', async () => {
      const c = activeCard();
      clock.set('2026-03-31T15:59:00Z'); // 23:59 on March 31 in Shanghai
      const before = mb((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total);
      expect(before).toBeGreaterThan(100);
      clock.set('2026-03-31T16:01:00Z'); // 00:01 on April 1 in Shanghai (still March 31 in UTC and Los Angeles)
      const t = await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '1' });
      expect(mb(t.total)).toBeLessThan(1);
      expect(t.items.map((i) => i.DATE)).toEqual(['20260401']);
      // March's days are still there by date.
      const march = await client.traffic('queryTrafficByDate', { access_number: c.msisdn, startDate: '20260301', endDate: '20260331', needDtl: '0' });
      expect(Math.abs(mb(march.total) - before)).toBeLessThan(1);
    });
  });

  describe('orders (asynchronous, one in progress per card)', () => {
    it('stops a card with disabledNumber 19 after the order delay, refuses a second order with -7 and flags the duplicate', async () => {
      const c = activeCard();
      const r = await client.json<Record<string, string>>('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' });
      expect(r).toEqual({ resultCode: '0', resultMsg: expect.any(String), GROUP_TRANSACTIONID: expect.stringMatching(/^\d+$/) });
      expect((await client.status(c)).code).toBe('4'); // not yet
      expect((await client.get('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' })).data).toBe('-7：该号码有在途工单');
      expect((await client.get('requestServActive', { iccid: c.iccid })).data).toBe('-7：该号码有在途工单');
      clock.advance(HOUR - 1000);
      expect((await client.status(c)).code).toBe('4');
      clock.advance(1000);
      expect((await client.status(c)).code).toBe('5');
      expect(sim.card(c.index).customerStop).toBe(true);
      const orders = sim.counters.orders.filter((o) => o.endpoint === 'disabledNumber');
      expect(orders.map((o) => o.duplicate)).toEqual([false, true]);
      expect(sim.counters.orders).toHaveLength(3);

      // Stopped: usage no longer grows.
      const t1 = (await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total;
      clock.advance(DAY);
      expect((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total).toBe(t1);

      // Resume (20) brings it back after the delay; it is a new order, not a duplicate.
      await client.json('disabledNumber', { access_number: c.msisdn, orderTypeId: '20', acctCd: '' });
      clock.advance(HOUR);
      expect((await client.status(c)).code).toBe('4');
      expect(sim.counters.orders.at(-1)?.duplicate).toBe(false);
      clock.advance(DAY);
      expect(mb((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total)).toBeGreaterThan(mb(t1));
    });

    it('moves test cards with 21 and 22, and activates with requestServActive', async () => {
      const test = findCard((s) => s === '2');
      await client.json('disabledNumber', { iccid: test.iccid, orderTypeId: '21', acctCd: '' });
      clock.advance(HOUR);
      expect((await client.status(test)).code).toBe('3');
      await client.json('disabledNumber', { iccid: test.iccid, orderTypeId: '22', acctCd: '' });
      clock.advance(HOUR);
      expect((await client.status(test)).code).toBe('2');

      const inv = findCard((s) => s === '1');
      await client.json('requestServActive', { access_number: inv.msisdn });
      clock.advance(HOUR);
      expect((await client.status(inv)).code).toBe('4');
      const list = await client.json<{ simList: Array<Record<string, string>> }>('getSIMList', { pageIndex: String(Math.floor(inv.index / 50) + 1) });
      const row = list.simList.find((x) => x.iccid === inv.iccid);
      expect(row).toMatchObject({ simStatus: '4', activationTime: shDateTime(clock.nowMs()) });
    });

    it('lets an order that does not apply complete without effect', async () => {
      const c = findCard((s) => s === '6');
      await client.json('disabledNumber', { access_number: c.msisdn, orderTypeId: '20', acctCd: '' });
      clock.advance(2 * HOUR);
      expect((await client.status(c)).code).toBe('6');
    });

    it('rejects an unknown orderTypeId with -2', async () => {
      const c = activeCard();
      expect((await client.get('disabledNumber', { access_number: c.msisdn, orderTypeId: '23', acctCd: '' })).data).toBe('-2：缺少参数');
    });

    it('force-activates silent cards on the first day of the month after six months', async () => {
      const i = sim.fleet.find((b) => b.status === '1' && b.forceActivateAtMs !== null && b.forceActivateAtMs < Date.parse('2026-05-31T16:00:00Z'));
      const c = { msisdn: sim.fleet.msisdnOf(i) };
      const at = sim.fleet.base(i).forceActivateAtMs as number;
      expect(shDateTime(at)).toMatch(/^2026-0[45]-01 00:00:00$/);
      clock.set(new Date(at - 1000));
      expect((await client.status(c)).code).toBe('1');
      clock.set(new Date(at + DAY));
      expect((await client.status(c)).code).toBe('4');
      expect(mb((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total)).toBeGreaterThan(0);
    });
  });

  describe('offNetAction (usage threshold cut-off)', () => {
    it('cuts a card off (已断网) when its month usage reaches the threshold, and caps the traffic there', async () => {
      const c = activeCard();
      const used = mb((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total);
      const quota = String(Math.floor(used) + 3);
      expect(await client.json('offNetAction', { access_number: c.msisdn, action: '1', quota, type: '1' })).toEqual({ resultCode: '0', resultMsg: expect.any(String) });
      expect(await client.status(c)).toEqual({ code: '4', net: '未断网' });
      clock.advance(3 * DAY);
      expect(await client.status(c)).toEqual({ code: '4', net: '已断网' });
      expect((await client.traffic('queryTraffic', { access_number: c.msisdn, needDtl: '0' })).total).toBe(`${quota}.00MB`);
      // Raising the threshold (modify) lifts the cut-off; cancelling removes it.
      await client.json('offNetAction', { access_number: c.msisdn, action: '2', quota: '100000', type: '1' });
      expect((await client.status(c)).net).toBe('未断网');
      await client.json('offNetAction', { access_number: c.msisdn, action: '2', quota: '1', type: '1' });
      expect((await client.status(c)).net).toBe('已断网');
      await client.json('offNetAction', { access_number: c.msisdn, action: '3', quota: '', type: '1' });
      expect((await client.status(c)).net).toBe('未断网');
    });

    it('lifts the cut-off at the next month', async () => {
      const c = activeCard();
      await client.json('offNetAction', { access_number: c.msisdn, action: '1', quota: '1', type: '1' });
      expect((await client.status(c)).net).toBe('已断网');
      clock.set('2026-03-31T16:00:01Z'); // April 1 in Shanghai
      expect((await client.status(c)).net).toBe('未断网');
    });

    it('has over-threshold cards in the seeded fleet', async () => {
      const i = sim.fleet.find((b) => b.status === '4' && b.thresholdMb !== null && b.thresholdMb <= 50 && b.dailyMeanBytes > 20 * 1_048_576);
      expect((await client.status({ msisdn: sim.fleet.msisdnOf(i) })).net).toBe('已断网');
    });

    it('rejects a bad action with -2', async () => {
      const c = activeCard();
      expect((await client.get('offNetAction', { access_number: c.msisdn, action: '4', quota: '10', type: '1' })).data).toBe('-2：缺少参数');
    });
  });

  describe('IMEIReRecord (rebind)', () => {
    it('allows two rebinds per Asia/Shanghai natural month, then -5', async () => {
      const c = activeCard();
      const rebind = (imei: string) => client.get('IMEIReRecord', { access_number: c.msisdn, action: 'ADD', imei });
      expect(JSON.parse((await rebind('864000000000011')).data)).toEqual({ resultCode: '0', resultMsg: expect.any(String) });
      expect(JSON.parse((await rebind('864000000000029')).data).resultCode).toBe('0');
      expect((await rebind('864000000000037')).data).toBe('-5：重复订购');
      expect(sim.card(c.index).imei).toBe('864000000000029');
      clock.set('2026-03-31T15:59:00Z'); // still March in Shanghai
      expect((await rebind('864000000000037')).data).toBe('-5：重复订购');
      clock.set('2026-03-31T16:00:00Z'); // April in Shanghai
      expect(JSON.parse((await rebind('864000000000037')).data).resultCode).toBe('0');
      expect(sim.counters.orders.filter((o) => o.endpoint === 'IMEIReRecord').map((o) => o.duplicate)).toEqual([false, false, false, true, true]);
    });
  });

  describe('quota: 20 requests per second per user_id', () => {
    it('answers 101004 in plain text beyond the quota and counts the violations', async () => {
      const c = activeCard();
      const results = await Promise.all(Array.from({ length: 30 }, () => client.get('queryCardMainStatus', { access_number: c.msisdn })));
      const limited = results.filter((r) => r.data === '101004：请求过于频繁，请稍后再试');
      expect(limited).toHaveLength(10);
      expect(results.filter((r) => r.data.startsWith('{'))).toHaveLength(20);
      expect(sim.counters.quotaViolations).toBe(10);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await client.get('queryCardMainStatus', { access_number: c.msisdn })).data).toMatch(/^\{/);
    });

    it('keeps separate windows per user_id', async () => {
      await Promise.all(Array.from({ length: 20 }, () => client.get('getSIMList', { pageIndex: '1' })));
      expect((await client.get('getSIMList', { pageIndex: '1' }, { userId: 'other' })).data).toBe('-1：用户名或密码错误');
      expect(sim.counters.quotaViolations).toBe(0);
    });
  });

  describe('fault injection, in the platform’s wire form', () => {
    it('answers 502 from the gateway', async () => {
      sim.faults.force('serverError');
      const r = await client.get('getSIMList', { pageIndex: '1' });
      expect(r.status).toBe(502);
      expect(sim.counters.faults.get('serverError')).toBe(1);
      expect((await client.get('getSIMList', { pageIndex: '1' })).status).toBe(200);
    });

    it('forces the rate-limit answer without counting a quota violation', async () => {
      sim.faults.force('rateLimit', 2);
      expect((await client.get('getSIMList', { pageIndex: '1' })).data).toBe('101004：请求过于频繁，请稍后再试');
      expect((await client.get('getSIMList', { pageIndex: '1' })).data).toBe('101004：请求过于频繁，请稍后再试');
      expect(sim.counters.injectedRateLimits).toBe(2);
      expect(sim.counters.quotaViolations).toBe(0);
    });

    it('sends malformed JSON and XML bodies', async () => {
      const c = activeCard();
      sim.faults.force('malformed', 2);
      const j = await client.get('queryCardMainStatus', { access_number: c.msisdn });
      expect(j.status).toBe(200);
      expect(() => JSON.parse(j.data)).toThrow();
      const x = await client.get('queryTraffic', { access_number: c.msisdn, needDtl: '0' });
      expect(x.data.startsWith('<root>')).toBe(true);
      expect(() => new XMLParser().parse(x.data, true)).toThrow();
    });

    it('truncates a real answer', async () => {
      sim.faults.force('truncated');
      const r = await client.get('getSIMList', { pageIndex: '1' });
      const full = await client.get('getSIMList', { pageIndex: '1' });
      expect(full.data.startsWith(r.data)).toBe(true);
      expect(r.data.length).toBeLessThan(full.data.length);
      expect(() => JSON.parse(r.data)).toThrow();
    });

    it('never answers on timeout, but the order was received', async () => {
      const c = activeCard();
      sim.faults.force('timeout');
      const p = client.params('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' });
      await expect(axios.get(client.baseUrl, { params: p, timeout: 300 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
      // The client retries: the order is in progress, and the retry is flagged as a duplicate.
      expect((await client.get('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' })).data).toBe('-7：该号码有在途工单');
      expect(sim.counters.duplicateOrders).toBe(1);
    });

    it('adds latency', async () => {
      sim.faults.configure({ latencyMs: 150 });
      const t0 = Date.now();
      await client.get('getSIMList', { pageIndex: '1' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    });

    it('fails at configured rates', async () => {
      sim.faults.configure({ serverErrorRate: 0.5 });
      const statuses = [];
      for (let k = 0; k < 16; k++) statuses.push((await client.get('getSIMList', { pageIndex: '1' })).status);
      expect(statuses.filter((s) => s === 502).length).toBeGreaterThan(2);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(2);
    });
  });

  it('counts requests by method', async () => {
    const c = activeCard();
    await client.get('getSIMList', { pageIndex: '1' });
    await client.get('getSIMList', { pageIndex: '2' });
    await client.get('queryTraffic', { access_number: c.msisdn, needDtl: '0' });
    await client.get('', {});
    expect(Object.fromEntries(sim.counters.requests)).toEqual({ getSIMList: 2, queryTraffic: 1, '(none)': 1 });
  });

  it('serves the same state through nock', async () => {
    const origin = 'http://ctcc.nock.test';
    interceptWithNock(sim, origin);
    try {
      const nclient = new Client(origin + '/m2m_ec/query.do', client.creds);
      const c = activeCard();
      await nclient.json('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' });
      // The HTTP face sees the order taken through nock.
      expect((await client.get('disabledNumber', { access_number: c.msisdn, orderTypeId: '19', acctCd: '' })).data).toBe('-7：该号码有在途工单');
      expect((await nclient.get('getSIMList', { pageIndex: '1' }, { password: 'x' })).data).toBe('-1：用户名或密码错误');
    } finally {
      nock.cleanAll();
    }
  });
});
