import axios from 'axios';
import nock from 'nock';
import { hasValidLuhn } from '@simgate/core';
import { SimClock } from '../sim/clock';
import { serve, type ServedSimulator } from '../sim/http-face';
import { interceptWithNock } from '../testing/nock';
import { createSimulator } from './index';
import type { OneLinkSimulator } from './simulator';

// nock patches Node's http for the whole Jest worker: undo it when this file is done, so later files get real sockets.
afterAll(() => nock.restore());

/** Tests as a client sees OneLink (carriers.md §1): raw HTTP against the served simulator. */

interface Envelope {
  status: string;
  message: string;
  result: Array<Record<string, unknown>>;
}

const START = '2026-03-10T10:00:00+08:00';

class Client {
  token = '';
  seq = 0;
  constructor(
    readonly served: ServedSimulator,
    readonly sim: OneLinkSimulator,
  ) {}

  transid(): string {
    const t = this.sim.fleet.zone.format(this.sim.clock.nowMs(), 'yyyyMMddHHmmss');
    return `${this.sim.credentials.appid}${t}${String(++this.seq).padStart(8, '0')}`;
  }

  async raw(path: string, params: Record<string, string>, method: 'GET' | 'POST' = 'GET'): Promise<{ http: number; text: string }> {
    const url = new URL(path, this.served.baseUrl);
    let res: Response;
    if (method === 'GET') {
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      res = await fetch(url);
    } else {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    }
    return { http: res.status, text: await res.text() };
  }

  async call(path: string, params: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET'): Promise<Envelope> {
    const r = await this.raw(path, params, method);
    expect(r.http).toBe(200);
    return JSON.parse(r.text) as Envelope;
  }

  async getToken(): Promise<Envelope> {
    return this.call('get/token', { appid: this.sim.credentials.appid, password: this.sim.credentials.password, transid: this.transid() });
  }

  async login(): Promise<void> {
    const env = await this.getToken();
    expect(env.status).toBe('0');
    this.token = String(env.result[0].token);
  }

  /** A query with the current token; like an adapter, fetches a new token once on 12021 when `retry`. */
  async q(path: string, params: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET', retry = true): Promise<Envelope> {
    const env = await this.call(path, { transid: this.transid(), token: this.token, ...params }, method);
    if (env.status === '12021' && retry && !('token' in params)) {
      await this.login();
      return this.call(path, { transid: this.transid(), token: this.token, ...params }, method);
    }
    return env;
  }
}

async function setup(opts: { cards?: number; seed?: number; quotaFactor?: number; orderDelayMs?: number; at?: string } = {}) {
  const clock = SimClock.fixed(opts.at ?? START);
  const sim = createSimulator({ cards: opts.cards ?? 5000, seed: opts.seed ?? 7, clock, quotaFactor: opts.quotaFactor ?? 1000, orderDelayMs: opts.orderDelayMs });
  const served = await serve(sim);
  const client = new Client(served, sim);
  await client.login();
  return { clock, sim, served, client };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

/** Statuses of every card (batch calls of 100) as the client reads them. */
async function allStatuses(c: Client, n: number): Promise<Map<string, { iccid: string; cardStatus: string }>> {
  const out = new Map<string, { iccid: string; cardStatus: string }>();
  for (let from = 0; from < n; from += 100) {
    const msisdns = [];
    for (let i = from; i < Math.min(n, from + 100); i++) msisdns.push(c.sim.fleet.msisdnOf(i));
    const env = await c.q('query/sim-status/batch', { msisdns: msisdns.join('_') });
    expect(env.status).toBe('0');
    for (const r of env.result) out.set(String(r.msisdn), { iccid: String(r.iccid), cardStatus: String(r.cardStatus) });
  }
  return out;
}

function kb(v: unknown): number {
  expect(typeof v).toBe('string');
  expect(String(v)).toMatch(/^-?\d+(\.\d+)?$/);
  return Number(v);
}

describe('cmcc-onelink simulator', () => {
  let ctx: Ctx;
  afterEach(async () => {
    await ctx?.served.close();
  });

  describe('token, transid and envelope', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('issues a token with ttl 3600, returns the same token with its remaining ttl while valid', async () => {
      const { client, clock } = ctx;
      const first = await client.getToken();
      expect(first).toEqual({ status: '0', message: '正确', result: [{ token: client.token, ttl: '3600' }] });
      clock.advance(100_000);
      const again = await client.getToken();
      expect(again.result[0]).toEqual({ token: client.token, ttl: '3500' });
    });

    it('answers 12021 once the token expired, and a new token works', async () => {
      const { client, clock, sim } = ctx;
      clock.advance(3600_000);
      const env = await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) }, 'GET', false);
      expect(env).toEqual({ status: '12021', message: 'TOKEN不存在或已过期，请重新获取', result: [] });
      const old = client.token;
      await client.login();
      expect(client.token).not.toBe(old);
      expect((await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) })).status).toBe('0');
    });

    it('answers 12021 for an unknown token, with HTTP 200', async () => {
      const r = await ctx.client.raw('query/sim-status', { transid: ctx.client.transid(), token: 'nope', msisdn: ctx.sim.fleet.msisdnOf(0) });
      expect(r.http).toBe(200);
      expect(JSON.parse(r.text)).toEqual({ status: '12021', message: 'TOKEN不存在或已过期，请重新获取', result: [] });
    });

    it('answers 12009 for a wrong appid or password', async () => {
      const { client, sim } = ctx;
      const env = await client.call('get/token', { appid: sim.credentials.appid, password: 'wrong', transid: client.transid() });
      expect(env).toEqual({ status: '12009', message: 'appid或密码错误', result: [] });
      const env2 = await client.call('get/token', { appid: '999', password: sim.credentials.password, transid: '99920260310100000' + '00000001' });
      expect(env2.status).toBe('12009');
    });

    it('answers 12002 for a transid that does not start with the appid or has the wrong shape', async () => {
      const { client, sim } = ctx;
      const bad = await client.call('get/token', { appid: sim.credentials.appid, password: sim.credentials.password, transid: 'X' + client.transid() });
      expect(bad).toEqual({ status: '12002', message: 'transid格式错误', result: [] });
      const short = await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0), transid: sim.credentials.appid + '2026031010000001' });
      expect(short.status).toBe('12002');
    });

    it('accepts POST with a flat JSON body holding the same keys', async () => {
      const { client, sim } = ctx;
      const env = await client.q('query/sim-basic-info', { iccid: sim.fleet.iccidOf(3) }, 'POST');
      expect(env.status).toBe('0');
      expect(env.result[0].iccid).toBe(sim.fleet.iccidOf(3));
    });

    it('answers 12001 for an unknown path or missing key, with result []', async () => {
      const { client } = ctx;
      expect(await client.q('query/nothing-here', { msisdn: '1' })).toEqual({ status: '12001', message: '接口不存在', result: [] });
      expect((await client.q('query/sim-status', {})).status).toBe('12001');
    });
  });

  describe('identifiers and card keys', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('serves 20-digit 89… ICCIDs with a Luhn digit, 13-digit 1440/1064 MSISDNs and 460 IMSIs', async () => {
      const { client, sim } = ctx;
      const msisdns = Array.from({ length: 100 }, (_, k) => sim.fleet.msisdnOf(k * 37));
      const env = await client.q('query/sim-card-info/batch', { msisdns: msisdns.join('_') });
      expect(env.status).toBe('0');
      expect(env.result).toHaveLength(100);
      const prefixes = new Set<string>();
      for (const r of env.result) {
        expect(r.status).toBe('0');
        expect(String(r.iccid)).toMatch(/^89\d{18}$/);
        expect(hasValidLuhn(String(r.iccid))).toBe(true);
        expect(String(r.msisdn)).toMatch(/^(1440|1064)\d{9}$/);
        expect(String(r.imsi)).toMatch(/^460\d{12}$/);
        prefixes.add(String(r.msisdn).slice(0, 4));
      }
      expect(prefixes).toEqual(new Set(['1440', '1064']));
    });

    it('resolves the same card by msisdn, iccid or imsi; exactly one key is required', async () => {
      const { client, sim } = ctx;
      const f = sim.fleet;
      const a = await client.q('query/sim-basic-info', { msisdn: f.msisdnOf(42) });
      const b = await client.q('query/sim-basic-info', { iccid: f.iccidOf(42) });
      const c = await client.q('query/sim-basic-info', { imsi: f.imsiOf(42) });
      expect(a).toEqual(b);
      expect(b).toEqual(c);
      expect((await client.q('query/sim-basic-info', { msisdn: f.msisdnOf(42), iccid: f.iccidOf(42) })).status).toBe('12001');
      expect((await client.q('query/sim-basic-info', {})).status).toBe('12001');
    });

    it('answers 12006 for an unknown card, including a wrong Luhn digit or another range', async () => {
      const { client, sim } = ctx;
      const iccid = sim.fleet.iccidOf(5);
      const wrongLuhn = iccid.slice(0, -1) + String((Number(iccid.slice(-1)) + 1) % 10);
      expect(await client.q('query/sim-status', { iccid: wrongLuhn })).toEqual({ status: '12006', message: '号码不存在', result: [] });
      const m = sim.fleet.msisdnOf(5);
      const otherRange = (m.startsWith('1440') ? '1064' : '1440') + m.slice(4);
      expect((await client.q('query/sim-status', { msisdn: otherRange })).status).toBe('12006');
      expect((await client.q('query/sim-status', { iccid: sim.fleet.iccid.encode(5000) })).status).toBe('12006');
    });

    it('batch: ids joined with _, at most 100 (12100), unknown cards flagged per card in sim-card-info', async () => {
      const { client, sim } = ctx;
      const ids = Array.from({ length: 101 }, (_, k) => sim.fleet.iccidOf(k));
      expect(await client.q('query/sim-card-info/batch', { iccids: ids.join('_') })).toEqual({ status: '12100', message: '批量查询数量超过上限', result: [] });
      expect((await client.q('query/sim-status/batch', { iccids: ids.join('_') })).status).toBe('12100');
      const env = await client.q('query/sim-card-info/batch', { iccids: [ids[0], '89860000000000000000', ids[1]].join('_') });
      expect(env.status).toBe('0');
      expect(env.result.map((r) => r.status)).toEqual(['0', '12006', '0']);
      expect(env.result[1]).toMatchObject({ message: '号码不存在', iccid: '89860000000000000000' });
      expect((await client.q('query/sim-card-info/batch', { iccids: ids[0], msisdns: sim.fleet.msisdnOf(0) })).status).toBe('12001');
    });

    it('derives the fleet deterministically from the seed', async () => {
      const other = createSimulator({ cards: 5000, seed: 7, clock: SimClock.fixed(START) });
      const third = createSimulator({ cards: 5000, seed: 8, clock: SimClock.fixed(START) });
      expect(other.fleet.iccidOf(123)).toBe(ctx.sim.fleet.iccidOf(123));
      expect(other.cardStatus(123, other.state(123))).toBe(ctx.sim.cardStatus(123, ctx.sim.state(123)));
      expect(third.fleet.iccidOf(123)).not.toBe(ctx.sim.fleet.iccidOf(123));
    });
  });

  describe('status, stop reasons and basic info', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('serves both cardStatus code sets and a realistic mix', async () => {
      const statuses = await allStatuses(ctx.client, 5000);
      const counts = new Map<string, number>();
      for (const s of statuses.values()) counts.set(s.cardStatus, (counts.get(s.cardStatus) ?? 0) + 1);
      for (const code of ['1', '2', '4', '6', '7', '8', '9', '00', '02', '03', '04', '06', '07']) expect(counts.get(code) ?? 0).toBeGreaterThan(0);
      expect([...counts.keys()].every((k) => ['1', '2', '4', '6', '7', '8', '9', '00', '01', '02', '03', '04', '06', '07'].includes(k))).toBe(true);
      const active = (counts.get('2') ?? 0) + (counts.get('00') ?? 0);
      expect(active / 5000).toBeGreaterThan(0.5);
    });

    it('sim-status answers cardStatus and lastChangeDate (yyyy-MM-dd HH:mm:ss)', async () => {
      const env = await ctx.client.q('query/sim-status', { msisdn: ctx.sim.fleet.msisdnOf(10) });
      expect(Object.keys(env.result[0]).sort()).toEqual(['cardStatus', 'lastChangeDate']);
      expect(String(env.result[0].lastChangeDate)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    });

    it('sim-basic-info: dates in Asia/Shanghai, activeDate empty for a card never activated', async () => {
      const statuses = await allStatuses(ctx.client, 5000);
      const inventory = [...statuses.entries()].find(([, s]) => s.cardStatus === '1' || s.cardStatus === '07')!;
      const env = await ctx.client.q('query/sim-basic-info', { msisdn: inventory[0] });
      expect(env.result[0]).toMatchObject({ msisdn: inventory[0], activeDate: '' });
      expect(String(env.result[0].openDate)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const active = [...statuses.entries()].find(([, s]) => s.cardStatus === '2')!;
      const a = (await ctx.client.q('query/sim-basic-info', { msisdn: active[0] })).result[0];
      expect(String(a.activeDate) > String(a.openDate)).toBe(true);
    });

    it('stopReason is a 12-character bitmap of 0/2 with the carriers.md bits, several at once on some cards', async () => {
      const statuses = await allStatuses(ctx.client, 5000);
      const stopped = [...statuses.entries()].filter(([, s]) => s.cardStatus === '4' || s.cardStatus === '02' || s.cardStatus === '01');
      expect(stopped.length).toBeGreaterThan(50);
      const allowed = new Set([0, 1, 3, 4, 8, 9, 10]);
      let multi = 0;
      let none = 0;
      const seen = new Set<number>();
      for (const [msisdn] of stopped) {
        const env = await ctx.client.q('query/sim-stop-reason', { msisdn });
        const reason = String(env.result[0].stopReason);
        expect(reason).toMatch(/^[02]{12}$/);
        const bits = [...reason].flatMap((ch, k) => (ch === '2' ? [k] : []));
        bits.forEach((b) => {
          expect(allowed.has(b)).toBe(true);
          seen.add(b);
        });
        if (bits.length > 1) multi++;
        if (bits.length === 0) none++;
        expect(typeof env.result[0].shutdownReasonDesc).toBe('string');
      }
      expect(multi).toBeGreaterThan(0);
      expect(none).toBeGreaterThan(0);
      expect(seen).toEqual(allowed);
    });

    it('pre-cancel cards carry the product-expired bit', async () => {
      const statuses = await allStatuses(ctx.client, 3000);
      const pre = [...statuses.entries()].find(([, s]) => s.cardStatus === '8')!;
      const env = await ctx.client.q('query/sim-stop-reason', { msisdn: pre[0] });
      expect(env.result[0].stopReason).toBe('200000000000');
      const active = [...statuses.entries()].find(([, s]) => s.cardStatus === '2')!;
      expect((await ctx.client.q('query/sim-stop-reason', { msisdn: active[0] })).result[0]).toEqual({ stopReason: '000000000000', shutdownReasonDesc: '' });
    });
  });

  describe('usage and units', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    function activeCard(pb: boolean): number {
      const f = ctx.sim.fleet;
      for (let i = 0; i < f.size; i++) {
        if (f.isPB(i) === pb && f.poolOf(i) < 0 && !f.isHeavy(i) && ctx.sim.state(i).life === 'ACTIVE' && (ctx.sim.state(i).activatedAt ?? Infinity) < Date.parse('2026-02-01T00:00:00+08:00')) return i;
      }
      throw new Error('no card');
    }

    it('sim-data-usage: kilobytes as decimal strings, growing in real time for OneLink-CT cards', async () => {
      const i = activeCard(false);
      const m = ctx.sim.fleet.msisdnOf(i);
      const a = (await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0];
      const used = kb(a.dataAmount);
      expect(used).toBeGreaterThan(0);
      expect(a.apnUseAmountList).toEqual([{ apnName: 'CMIOT', apnUseAmount: a.dataAmount }]);
      ctx.clock.advance(3600_000);
      const b = (await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0];
      expect(kb(b.dataAmount)).toBeGreaterThan(used);
    });

    it('sim-data-usage of OneLink-PB cards is as of yesterday 24:00 (unchanged within the day)', async () => {
      const i = activeCard(true);
      const m = ctx.sim.fleet.msisdnOf(i);
      const a = kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount);
      ctx.clock.advance(3 * 3600_000);
      const b = kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount);
      expect(b).toBe(a);
      ctx.clock.set('2026-03-11T00:30:00+08:00');
      const c = kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount);
      expect(c).toBeGreaterThan(a);
    });

    it('usage resets on the 1st of the month, Asia/Shanghai', async () => {
      const i = activeCard(false);
      const m = ctx.sim.fleet.msisdnOf(i);
      ctx.clock.set('2026-03-31T23:30:00+08:00');
      const before = kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount);
      ctx.clock.set('2026-04-01T00:30:00+08:00');
      const after = kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount);
      expect(before).toBeGreaterThan(after * 20);
      expect(after).toBeGreaterThan(0);
    });

    it('sim-data-margin: totalAmount − useAmount = remainAmount, in KB', async () => {
      const i = activeCard(false);
      const env = await ctx.client.q('query/sim-data-margin', { iccid: ctx.sim.fleet.iccidOf(i) });
      const row = (env.result[0].accmMarginList as Array<Record<string, unknown>>)[0];
      expect(Object.keys(row).sort()).toEqual(['offeringId', 'offeringName', 'remainAmount', 'totalAmount', 'useAmount']);
      expect(kb(row.totalAmount) - kb(row.useAmount)).toBeCloseTo(kb(row.remainAmount), 1);
      expect([30, 100, 500, 1024, 5120].map((mb) => mb * 1024)).toContain(kb(row.totalAmount));
    });

    it('daily batch: last 7 days up to yesterday, else 12022; values add up to the month', async () => {
      const cards = [activeCard(false), activeCard(true)].map((i) => ctx.sim.fleet.msisdnOf(i)).join('_');
      expect((await ctx.client.q('query/sim-data-usage-daily/batch', { msisdns: cards, queryDate: '20260310' })).status).toBe('12022');
      expect((await ctx.client.q('query/sim-data-usage-daily/batch', { msisdns: cards, queryDate: '20260302' })).status).toBe('12022');
      expect((await ctx.client.q('query/sim-data-usage-daily/batch', { msisdns: cards, queryDate: '2026-03-09' })).status).toBe('12001');
      const y = await ctx.client.q('query/sim-data-usage-daily/batch', { msisdns: cards, queryDate: '20260309' });
      expect(y.status).toBe('0');
      expect(y.result).toHaveLength(2);
      expect(Object.keys(y.result[0]).sort()).toEqual(['dataAmount', 'iccid', 'msisdn']);
      expect(kb(y.result[0].dataAmount)).toBeGreaterThan(0);
      expect((await ctx.client.q('query/sim-data-usage-daily/batch', { msisdns: cards, queryDate: '20260303' })).status).toBe('0');
      // The PB card's month-to-date (as of yesterday 24:00) is the sum of its days 1..9.
      const pb = ctx.sim.fleet.msisdnOf(activeCard(true));
      ctx.clock.set('2026-03-10T00:00:01+08:00');
      let sum = 0;
      for (let d = 3; d <= 9; d++) sum += kb((await ctx.client.q('query/sim-data-usage-daily/batch', { msisdns: pb, queryDate: `2026030${d}` })).result[0].dataAmount);
      const month = kb((await ctx.client.q('query/sim-data-usage', { msisdn: pb })).result[0].dataAmount);
      expect(sum).toBeLessThan(month);
      expect(sum).toBeGreaterThan((month * 7) / 9 * 0.98);
    });

    it('monthly batch: the last 6 months; the current month equals month-to-date', async () => {
      const i = activeCard(false);
      const m = ctx.sim.fleet.msisdnOf(i);
      const now = await ctx.client.q('query/sim-data-usage-monthly/batch', { msisdns: m, queryDate: '202603' });
      const mtd = (await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount;
      expect(now.result[0].dataAmount).toBe(mtd);
      const past = await ctx.client.q('query/sim-data-usage-monthly/batch', { msisdns: m, queryDate: '202510' });
      expect(past.status).toBe('0');
      expect(kb(past.result[0].dataAmount)).toBeGreaterThan(kb(mtd));
      expect((await ctx.client.q('query/sim-data-usage-monthly/batch', { msisdns: m, queryDate: '202508' })).status).toBe('12022');
      expect((await ctx.client.q('query/sim-data-usage-monthly/batch', { msisdns: m, queryDate: '202604' })).status).toBe('12022');
    });
  });

  describe('time-driven life: pools, over quota, forced activation', () => {
    beforeEach(async () => {
      ctx = await setup({ at: '2026-03-02T08:00:00+08:00' });
    });

    it('pools: margin total = activated members × plan; members page ≤ 50 from startNum 1; 12011', async () => {
      const f = ctx.sim.fleet;
      let block = 0;
      while (!f.isPoolBlock(block)) block++;
      const groupId = f.groupIdOf(block);
      const env = await ctx.client.q('query/group-data-margin', { groupId });
      const info = (env.result[0].flowPoolSharingInfo as Array<Record<string, unknown>>)[0];
      expect(kb(info.totalAmount) - kb(info.useAmount)).toBeCloseTo(kb(info.remainAmount), 0);
      const usage = await ctx.client.q('query/group-data-usage', { groupId });
      expect(usage.result[0].useAmount).toBe(info.useAmount);
      expect((await ctx.client.q('query/group-member', { groupId, pageSize: '51', startNum: '1' })).status).toBe('12001');
      expect((await ctx.client.q('query/group-member', { groupId, pageSize: '50', startNum: '0' })).status).toBe('12001');
      const first = (await ctx.client.q('query/group-member', { groupId, pageSize: '50', startNum: '1' })).result[0];
      const total = Number(first.total);
      expect(total).toBeGreaterThan(100);
      const all: string[] = [];
      // startNum is the page number (from 1).
      for (let pageNo = 1; (pageNo - 1) * 50 < total; pageNo++) {
        const page = (await ctx.client.q('query/group-member', { groupId, pageSize: '50', startNum: String(pageNo) })).result[0];
        all.push(...(page.memberList as Array<{ msisdn: string }>).map((x) => x.msisdn));
      }
      expect(new Set(all).size).toBe(total);
      const statuses = await allStatuses(ctx.client, f.size);
      const activated = all.filter((m) => ['2', '4', '00', '01', '02'].includes(statuses.get(m)!.cardStatus)).length;
      expect(kb(info.totalAmount)).toBe((activated * f.planBytes(f.blockPlan(block))) / 1024);
      expect((await ctx.client.q('query/group-data-margin', { groupId: '123' })).status).toBe('12011');
      expect((await ctx.client.q('query/group-member', { groupId: f.groupIdOf(block + 100000), pageSize: '10', startNum: '1' })).status).toBe('12011');
    });

    it('a forward pool that runs out stops all its active members (credit-control bit) until the next month', async () => {
      const f = ctx.sim.fleet;
      let block = 0;
      while (!(f.isPoolBlock(block) && f.isHungryPool(block))) block++;
      const groupId = f.groupIdOf(block);
      const members = f.poolMembers(block);
      const activeNow = members.filter((i) => ctx.sim.state(i).life === 'ACTIVE');
      expect(activeNow.length).toBeGreaterThan(10);
      ctx.clock.set('2026-03-31T20:00:00+08:00');
      const info = ((await ctx.client.q('query/group-data-margin', { groupId })).result[0].flowPoolSharingInfo as Array<Record<string, unknown>>)[0];
      expect(kb(info.remainAmount)).toBeLessThanOrEqual(1);
      for (const i of activeNow.slice(0, 5)) {
        const st = (await ctx.client.q('query/sim-status', { msisdn: f.msisdnOf(i) })).result[0].cardStatus;
        expect(['4', '02']).toContain(st);
        expect((await ctx.client.q('query/sim-stop-reason', { msisdn: f.msisdnOf(i) })).result[0].stopReason).toBe('000020000000');
      }
      ctx.clock.set('2026-04-01T00:10:00+08:00');
      for (const i of activeNow.slice(0, 5)) {
        expect(['2', '00']).toContain((await ctx.client.q('query/sim-status', { msisdn: f.msisdnOf(i) })).result[0].cardStatus);
      }
    });

    it('an over-quota card stops when its usage reaches the plan and resumes next month', async () => {
      const f = ctx.sim.fleet;
      let i = 0;
      while (!(f.isHeavy(i) && ctx.sim.state(i).life === 'ACTIVE' && !f.isPB(i))) i++;
      const m = f.msisdnOf(i);
      ctx.clock.set('2026-03-30T12:00:00+08:00');
      expect((await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus).toBe('4');
      const margin = ((await ctx.client.q('query/sim-data-margin', { msisdn: m })).result[0].accmMarginList as Array<Record<string, unknown>>)[0];
      expect(Math.abs(kb(margin.remainAmount))).toBeLessThan(1);
      const later = kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount);
      ctx.clock.set('2026-03-31T12:00:00+08:00');
      expect(kb((await ctx.client.q('query/sim-data-usage', { msisdn: m })).result[0].dataAmount)).toBe(later);
      ctx.clock.set('2026-04-01T00:00:01+08:00');
      expect((await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus).toBe('2');
    });

    it('a silent card is force-activated on the 1st of the month after its silent period', async () => {
      const f = ctx.sim.fleet;
      let i = 0;
      while (!(f.base(i).forcedAt !== null && f.base(i).initial.life === 'INVENTORY')) i++;
      const forcedAt = f.base(i).forcedAt!;
      const m = f.msisdnOf(i);
      expect(['1', '7', '06', '07']).toContain((await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus);
      ctx.clock.set(new Date(forcedAt + 60_000));
      await ctx.client.login();
      const st = (await ctx.client.q('query/sim-status', { msisdn: m })).result[0];
      expect(['2', '00']).toContain(st.cardStatus);
      expect(String(st.lastChangeDate)).toMatch(/^\d{4}-\d{2}-01 00:00:00$/);
      const info = (await ctx.client.q('query/sim-basic-info', { msisdn: m })).result[0];
      expect(info.activeDate).toBe(st.lastChangeDate);
    });
  });

  describe('asynchronous orders', () => {
    beforeEach(async () => {
      ctx = await setup({ orderDelayMs: 10 * 60_000 });
    });

    function cardIn(life: string, from = 0): number {
      for (let i = from; i < ctx.sim.fleet.size; i++) {
        const s = ctx.sim.state(i);
        if (s.life === life && (life !== 'STOPPED' || s.reasons === 1) && (life !== 'ACTIVE' || !ctx.sim.fleet.isHeavy(i))) return i;
      }
      throw new Error('none');
    }

    it('change/sim-status returns an orderNum; order-info walks acknowledged → inProgress → completed; the status changes then', async () => {
      const i = cardIn('ACTIVE');
      const m = ctx.sim.fleet.msisdnOf(i);
      const before = (await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus;
      expect((await ctx.client.q('change/sim-status', { msisdn: m, operType: '0' })).status).toBe('12001');
      ctx.clock.advance(2000);
      const env = await ctx.client.q('change/sim-status', { msisdn: m, operType: '0', reason: '01' });
      expect(env.status).toBe('0');
      expect(Object.keys(env.result[0]).sort()).toEqual(['msisdn', 'orderNum']);
      expect(env.result[0].msisdn).toBe(m);
      const orderNum = String(env.result[0].orderNum);
      const info = async () => (await ctx.client.q('query/order-info', { orderNum })).result[0];
      expect(await info()).toMatchObject({ orderNum, status: 'acknowledged' });
      expect((await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus).toBe(before);
      ctx.clock.advance(5 * 60_000);
      expect((await info()).status).toBe('inProgress');
      ctx.clock.advance(5 * 60_000);
      const done = await info();
      expect(done.status).toBe('completed');
      expect(String(done.statusDate) > String(done.createDate)).toBe(true);
      expect(['4', '02']).toContain((await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus);
      expect((await ctx.client.q('query/sim-stop-reason', { msisdn: m })).result[0].stopReason).toBe('000000002000');
      expect((await ctx.client.q('query/order-info', { orderNum: '999' })).status).toBe('12010');
    });

    it('refuses a second change of the same card within 30 minutes (12034), allows it after; flags the duplicate', async () => {
      const i = cardIn('ACTIVE');
      const m = ctx.sim.fleet.msisdnOf(i);
      expect((await ctx.client.q('change/sim-status', { msisdn: m, operType: '0', reason: '01' })).status).toBe('0');
      ctx.clock.advance(1500);
      expect(await ctx.client.q('change/sim-status', { msisdn: m, operType: '0', reason: '01' })).toEqual({ status: '12034', message: '该号码30分钟内已提交过变更', result: [] });
      const counters = ctx.sim.counters.snapshot();
      expect(counters.orders).toBe(2);
      expect(counters.duplicateOrders).toBe(1);
      ctx.clock.advance(28 * 60_000);
      expect((await ctx.client.q('change/sim-status', { msisdn: m, operType: '1', reason: '01' })).status).toBe('12034');
      ctx.clock.advance(2 * 60_000);
      await ctx.client.login();
      const resume = await ctx.client.q('change/sim-status', { msisdn: m, operType: '1', reason: '01' });
      expect(resume.status).toBe('0');
      ctx.clock.advance(10 * 60_000);
      expect((await ctx.client.q('query/sim-status', { msisdn: m })).result[0].cardStatus).toMatch(/^(2|00)$/);
      expect(ctx.sim.counters.duplicateOrders).toBe(1);
    });

    it('answers 12036 for a change the card state does not allow', async () => {
      const i = cardIn('STOPPED');
      const m = ctx.sim.fleet.msisdnOf(i);
      expect(await ctx.client.q('change/sim-status', { msisdn: m, operType: '0', reason: '01' })).toEqual({ status: '12036', message: '号码状态不允许此操作', result: [] });
      ctx.clock.advance(1500);
      expect((await ctx.client.q('change/sim-status', { msisdn: m, operType: '6' })).status).toBe('12036');
      expect((await ctx.client.q('change/sim-status', { msisdn: m, operType: '4' })).status).toBe('12001');
    });

    it('batch change returns a jobId; jobStatus 0 → 1 → 2 with a resultList only when done', async () => {
      const a = cardIn('ACTIVE');
      const b = cardIn('ACTIVE', a + 1);
      const msisdns = [a, b].map((i) => ctx.sim.fleet.msisdnOf(i)).join('_');
      const env = await ctx.client.q('change/sim-status/batch', { msisdns, operType: '9', reason: '01' });
      expect(env.status).toBe('0');
      const jobId = String(env.result[0].jobId);
      const job = async () => (await ctx.client.q('query/sim-batch-result', { jobId })).result[0];
      expect(await job()).toEqual({ jobStatus: '0' });
      ctx.clock.advance(5 * 60_000);
      expect(await job()).toEqual({ jobStatus: '1' });
      ctx.clock.advance(5 * 60_000);
      const done = await job();
      expect(done.jobStatus).toBe('2');
      expect(done.resultList).toEqual(
        [a, b].map((i) => ({ status: '0', message: '正确', resultId: ctx.sim.fleet.msisdnOf(i), resultType: '1' })),
      );
      expect((await ctx.client.q('query/sim-batch-result', { jobId: 'x' })).status).toBe('12010');
    });

    it('a card changed in the last 30 minutes fails the whole batch (12034); too many cards → 12100', async () => {
      const a = cardIn('ACTIVE');
      const b = cardIn('ACTIVE', a + 1);
      const f = ctx.sim.fleet;
      expect((await ctx.client.q('change/sim-status', { msisdn: f.msisdnOf(a), operType: '0', reason: '01' })).status).toBe('0');
      ctx.clock.advance(1500);
      const env = await ctx.client.q('change/sim-status/batch', { msisdns: `${f.msisdnOf(b)}_${f.msisdnOf(a)}`, operType: '9', reason: '01' });
      expect(env.status).toBe('12034');
      ctx.clock.advance(20 * 60_000);
      expect(ctx.sim.state(b).life).toBe('ACTIVE');
      const many = Array.from({ length: 101 }, (_, k) => f.msisdnOf(k)).join('_');
      expect((await ctx.client.q('change/sim-status/batch', { msisdns: many, operType: '9', reason: '01' })).status).toBe('12100');
    });
  });

  describe('batch job outcomes 3 and 4', () => {
    it('jobStatus 3 when some cards no longer allow the change at completion, 4 when none do', async () => {
      ctx = await setup({ at: '2026-03-01T00:30:00+08:00', orderDelayMs: 27 * 86_400_000 });
      const f = ctx.sim.fleet;
      const heavy: number[] = [];
      let normal = -1;
      for (let i = 0; i < f.size && (heavy.length < 2 || normal < 0); i++) {
        if (ctx.sim.state(i).life !== 'ACTIVE' || f.poolOf(i) >= 0) continue;
        if (f.isHeavy(i)) heavy.push(i);
        else if (normal < 0) normal = i;
      }
      const j3 = await ctx.client.q('change/sim-status/batch', { msisdns: `${f.msisdnOf(heavy[0])}_${f.msisdnOf(normal)}`, operType: '9', reason: '01' });
      ctx.clock.advance(1500);
      const j4 = await ctx.client.q('change/sim-status/batch', { msisdns: f.msisdnOf(heavy[1]), operType: '9', reason: '01' });
      ctx.clock.advance(27 * 86_400_000);
      await ctx.client.login();
      const r3 = (await ctx.client.q('query/sim-batch-result', { jobId: String(j3.result[0].jobId) })).result[0];
      expect(r3.jobStatus).toBe('3');
      expect((r3.resultList as Array<{ status: string }>).map((x) => x.status)).toEqual(['12036', '0']);
      expect((await ctx.client.q('query/sim-batch-result', { jobId: String(j4.result[0].jobId) })).result[0]).toEqual({ jobStatus: '4' });
    });
  });

  describe('quota', () => {
    it('10 requests/second per appid: a burst of 15 gets some 12049, counted as quota violations', async () => {
      ctx = await setup({ quotaFactor: 1 });
      await new Promise((r) => setTimeout(r, 1100));
      const m = ctx.sim.fleet.msisdnOf(1);
      const answers = await Promise.all(Array.from({ length: 15 }, () => ctx.client.q('query/sim-status', { msisdn: m })));
      const limited = answers.filter((a) => a.status === '12049');
      expect(limited.length).toBe(5);
      expect(limited[0]).toEqual({ status: '12049', message: '调用频率超限，请稍后再试', result: [] });
      expect(ctx.sim.counters.quotaViolations).toBe(5);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await ctx.client.q('query/sim-status', { msisdn: m })).status).toBe('0');
    });

    it('1 request/second per change/* path', async () => {
      ctx = await setup({ quotaFactor: 1 });
      const f = ctx.sim.fleet;
      await new Promise((r) => setTimeout(r, 1100));
      const a = await ctx.client.q('change/sim-status', { msisdn: f.msisdnOf(0), operType: '7' });
      const b = await ctx.client.q('change/sim-status', { msisdn: f.msisdnOf(1), operType: '7' });
      expect(a.status).toBe('12001');
      expect(b.status).toBe('12049');
      const c = await ctx.client.q('change/sim-status/batch', { msisdns: f.msisdnOf(1), operType: '1' });
      expect(c.status).toBe('12001');
      expect(ctx.sim.counters.quotaViolations).toBe(1);
    });
  });

  describe('fault injection and counters', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('injects 5xx, malformed and truncated bodies, forced rate-limit answers and token expiry', async () => {
      const { client, sim } = ctx;
      const params = () => ({ transid: client.transid(), token: client.token, msisdn: sim.fleet.msisdnOf(0) });
      sim.faults.force('serverError');
      expect((await client.raw('query/sim-status', params())).http).toBe(502);
      sim.faults.force('malformed');
      const bad = await client.raw('query/sim-status', params());
      expect(bad.http).toBe(200);
      expect(() => JSON.parse(bad.text)).toThrow();
      sim.faults.force('truncated');
      const cut = await client.raw('query/sim-status', params());
      expect(() => JSON.parse(cut.text)).toThrow();
      expect(cut.text.startsWith('{"status":"0"')).toBe(true);
      sim.faults.force('rateLimit');
      expect((await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) })).status).toBe('12049');
      expect(sim.counters.injectedRateLimits).toBe(1);
      expect(sim.counters.quotaViolations).toBe(0);
      sim.faults.force('expireTokens');
      expect((await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) }, 'GET', false)).status).toBe('12021');
      await client.login();
      expect((await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) })).status).toBe('0');
      expect(sim.counters.faults.get('serverError')).toBe(1);
    });

    it('injects latency and timeouts', async () => {
      const { client, sim } = ctx;
      sim.faults.configure({ latencyMs: 150 });
      const t0 = Date.now();
      expect((await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) })).status).toBe('0');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      sim.faults.reset();
      sim.faults.force('timeout');
      const url = new URL('query/sim-status', ctx.served.baseUrl);
      url.searchParams.set('token', client.token);
      url.searchParams.set('transid', client.transid());
      url.searchParams.set('msisdn', sim.fleet.msisdnOf(0));
      await expect(fetch(url, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    });

    it('short token ttl by injection', async () => {
      ctx.sim.faults.configure({ tokenTtlSeconds: 5 });
      ctx.clock.advance(3600_000);
      const env = await ctx.client.getToken();
      expect(env.result[0].ttl).toBe('5');
      ctx.client.token = String(env.result[0].token);
      ctx.clock.advance(5000);
      expect((await ctx.client.q('query/sim-status', { msisdn: ctx.sim.fleet.msisdnOf(0) }, 'GET', false)).status).toBe('12021');
    });

    it('counts requests by endpoint and serves the control API', async () => {
      const { client, sim, served } = ctx;
      await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(0) });
      await client.q('query/sim-status', { msisdn: sim.fleet.msisdnOf(1) });
      const counters = (await (await fetch(served.origin + '/_sim/counters')).json()) as Record<string, Record<string, number>>;
      expect(counters.requests['query/sim-status']).toBe(2);
      expect(counters.requests['get/token']).toBe(1);
      await fetch(served.origin + '/_sim/faults', { method: 'POST', body: JSON.stringify({ force: { serverError: 1 } }) });
      expect((await client.raw('query/sim-status', { transid: client.transid(), token: client.token, msisdn: sim.fleet.msisdnOf(0) })).http).toBe(502);
      const clock = (await (await fetch(served.origin + '/_sim/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 60_000 }) })).json()) as { now: string };
      expect(clock.now).toBe(new Date(Date.parse(START) + 60_000).toISOString());
      await fetch(served.origin + '/_sim/counters/reset', { method: 'POST' });
      expect(sim.counters.totalRequests).toBe(0);
    });
  });

  describe('nock face', () => {
    afterEach(() => nock.cleanAll());

    it('answers through nock interceptors from the same state', async () => {
      const clock = SimClock.fixed(START);
      const sim = createSimulator({ cards: 1000, seed: 3, clock });
      interceptWithNock(sim, 'https://api.iot.10086.cn');
      const transid = `${sim.credentials.appid}20260310100000${'00000001'}`;
      const tok = await axios.get('https://api.iot.10086.cn/v5/ec/get/token', { params: { appid: sim.credentials.appid, password: sim.credentials.password, transid } });
      expect(tok.data.status).toBe('0');
      const post = await axios.post('https://api.iot.10086.cn/v5/ec/query/sim-status', { token: tok.data.result[0].token, transid, iccid: sim.fleet.iccidOf(9) });
      expect(post.data.status).toBe('0');
      expect(sim.counters.requests.get('query/sim-status')).toBe(1);
    });
  });
});
