import axios from 'axios';
import nock from 'nock';
import { hasValidLuhn } from '@simgate/core';
import { SimClock } from '../sim/clock';
import { serve, type ServedSimulator } from '../sim/http-face';
import { interceptWithNock } from '../testing/nock';
import { createSimulator } from './index';
import type { JasperSimulator } from './simulator';

// nock patches Node's http for the whole Jest worker: undo it when this file is done, so later files get real sockets.
afterAll(() => nock.restore());

/** Tests as a client sees Jasper (carriers.md §2): raw HTTP against the served simulator. */

const START = '2026-03-10T10:00:00+08:00';
type Json = Record<string, unknown>;

class Client {
  constructor(
    readonly served: ServedSimulator,
    readonly sim: JasperSimulator,
    public auth = 'Basic ' + Buffer.from(`${sim.credentials.username}:${sim.credentials.apiKey}`).toString('base64'),
  ) {}

  async req(method: string, path: string, query: Record<string, string> = {}, body?: string): Promise<{ http: number; json: Json; text: string }> {
    const url = new URL(path, this.served.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, { method, headers: { authorization: this.auth, 'content-type': 'application/json' }, body });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      /* left empty for malformed bodies */
    }
    return { http: res.status, json, text };
  }

  get(path: string, query: Record<string, string> = {}) {
    return this.req('GET', path, query);
  }
}

async function setup(opts: { cards?: number; quotaFactor?: number; orderDelayMs?: number; at?: string } = {}) {
  const clock = SimClock.fixed(opts.at ?? START);
  const sim = createSimulator({ cards: opts.cards ?? 3000, seed: 5, clock, quotaFactor: opts.quotaFactor ?? 1000, orderDelayMs: opts.orderDelayMs });
  const served = await serve(sim);
  return { clock, sim, served, client: new Client(served, sim) };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

async function listAll(c: Client, modifiedSince: string, pageSize = 50): Promise<Array<Json>> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const r = await c.get('devices', { modifiedSince, pageSize: String(pageSize), pageNumber: String(page) });
    expect(r.http).toBe(200);
    expect(r.json.pageNumber).toBe(page);
    out.push(...(r.json.devices as Json[]));
    if (r.json.lastPage) return out;
  }
}

describe('cucc-jasper simulator', () => {
  let ctx: Ctx;
  afterEach(async () => {
    await ctx?.served.close();
  });

  describe('auth, identifiers, errors', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('HTTP Basic: bad or missing credentials → 401 10000001', async () => {
      const iccid = ctx.sim.fleet.iccidOf(1);
      ctx.client.auth = 'Basic ' + Buffer.from(`${ctx.sim.credentials.username}:nope`).toString('base64');
      expect(await ctx.client.get(`devices/${iccid}`)).toMatchObject({ http: 401, json: { errorCode: '10000001', errorMessage: 'Invalid credentials' } });
      ctx.client.auth = '';
      expect((await ctx.client.get(`devices/${iccid}`)).http).toBe(401);
    });

    it('devices/{iccid}: every field; 20-digit 89 ICCID with Luhn, 1460 MSISDN, 460 IMSI', async () => {
      const r = await ctx.client.get(`devices/${ctx.sim.fleet.iccidOf(2000)}`);
      expect(r.http).toBe(200);
      expect(Object.keys(r.json).sort()).toEqual(
        ['accountId', 'communicationPlan', 'customer', 'dateActivated', 'dateShipped', 'dateUpdated', 'iccid', 'imei', 'imsi', 'msisdn', 'overageLimitOverride', 'ratePlan', 'status'].sort(),
      );
      expect(String(r.json.iccid)).toMatch(/^89\d{18}$/);
      expect(hasValidLuhn(String(r.json.iccid))).toBe(true);
      expect(String(r.json.msisdn)).toMatch(/^1460\d{9}$/);
      expect(String(r.json.imsi)).toMatch(/^460\d{12}$/);
      expect(hasValidLuhn(String(r.json.imei))).toBe(true);
      expect(Date.parse(String(r.json.dateUpdated))).toBeGreaterThanOrEqual(Date.parse(String(r.json.dateShipped)));
    });

    it('invalid ICCID → 400 10000021; unknown ICCID → 404 20000001; unknown path → 404', async () => {
      const iccid = ctx.sim.fleet.iccidOf(3);
      const badLuhn = iccid.slice(0, -1) + String((Number(iccid.slice(-1)) + 1) % 10);
      expect(await ctx.client.get('devices/12345')).toMatchObject({ http: 400, json: { errorCode: '10000021' } });
      expect(await ctx.client.get(`devices/${badLuhn}`)).toMatchObject({ http: 400, json: { errorCode: '10000021' } });
      expect(await ctx.client.get(`devices/${ctx.sim.fleet.iccid.encode(3000)}`)).toMatchObject({ http: 404, json: { errorCode: '20000001' } });
      expect((await ctx.client.get('nothing')).http).toBe(404);
    });

    it('devices?: modifiedSince required (10000003), pageSize ≤ 50 (10000006), pageNumber ≥ 1 (10000007), bad date (10000011)', async () => {
      const since = '2020-01-01T00:00:00Z';
      expect(await ctx.client.get('devices', { pageSize: '50' })).toMatchObject({ http: 400, json: { errorCode: '10000003' } });
      expect(await ctx.client.get('devices', { modifiedSince: since, pageSize: '51' })).toMatchObject({ http: 400, json: { errorCode: '10000006' } });
      expect(await ctx.client.get('devices', { modifiedSince: since, pageSize: '0' })).toMatchObject({ http: 400, json: { errorCode: '10000006' } });
      expect(await ctx.client.get('devices', { modifiedSince: since, pageNumber: '0' })).toMatchObject({ http: 400, json: { errorCode: '10000007' } });
      expect(await ctx.client.get('devices', { modifiedSince: 'yesterday' })).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
    });
  });

  describe('inventory paging', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('lists every device once, oldest change first, with all eight statuses', async () => {
      const all = await listAll(ctx.client, '2015-01-01T00:00:00+08:00');
      expect(all).toHaveLength(3000);
      expect(new Set(all.map((d) => d.iccid)).size).toBe(3000);
      expect(Object.keys(all[0]).sort()).toEqual(['communicationPlan', 'iccid', 'ratePlan', 'status']);
      const statuses = new Set(all.map((d) => d.status));
      for (const s of ['TEST_READY', 'INVENTORY', 'ACTIVATION_READY', 'ACTIVATED', 'DEACTIVATED', 'RETIRED', 'PURGED', 'REPLACED']) expect(statuses).toContain(s);
      // oldest change first: sample dateUpdated along the list
      let last = 0;
      for (let k = 0; k < all.length; k += 97) {
        const d = await ctx.client.get(`devices/${String(all[k].iccid)}`);
        const t = Date.parse(String(d.json.dateUpdated));
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    });

    it('modifiedSince filters by last change; changes after genesis come last in change order', async () => {
      const since = new Date(Date.parse(START) - 20 * 86_400_000).toISOString();
      const recent = await listAll(ctx.client, since);
      expect(recent.length).toBeGreaterThan(10);
      expect(recent.length).toBeLessThan(200);
      for (const d of recent.slice(0, 5)) {
        expect(Date.parse(String((await ctx.client.get(`devices/${String(d.iccid)}`)).json.dateUpdated))).toBeGreaterThanOrEqual(Date.parse(since));
      }
      ctx.clock.set('2026-04-10T10:00:00+08:00');
      const later = await listAll(ctx.client, START);
      // heavy users stopped by the system since START, silent cards force-activated on April 1st
      expect(later.length).toBeGreaterThan(10);
      let prev = 0;
      for (const d of later) {
        const t = Date.parse(String((await ctx.client.get(`devices/${String(d.iccid)}`)).json.dateUpdated));
        expect(t).toBeGreaterThanOrEqual(prev);
        expect(t).toBeGreaterThanOrEqual(Date.parse(START));
        prev = t;
      }
    });

    it('a device that changes while a sync pages through the list moves to the end', async () => {
      const since = '2015-01-01T00:00:00Z';
      const page1 = (await ctx.client.get('devices', { modifiedSince: since, pageSize: '50', pageNumber: '1' })).json.devices as Json[];
      const moved = page1.find((d) => d.status === 'ACTIVATED')!;
      const put = await ctx.client.req('PUT', `devices/${String(moved.iccid)}`, {}, JSON.stringify({ status: 'DEACTIVATED' }));
      expect(put.http).toBe(200);
      ctx.clock.advance(10 * 60_000);
      const rest: Json[] = [];
      for (let page = 2; ; page++) {
        const r = await ctx.client.get('devices', { modifiedSince: since, pageSize: '50', pageNumber: String(page) });
        rest.push(...(r.json.devices as Json[]));
        if (r.json.lastPage) break;
      }
      expect(rest[rest.length - 1]).toMatchObject({ iccid: moved.iccid, status: 'DEACTIVATED' });
      expect(page1.length + rest.length).toBe(3000);
    });
  });

  describe('changes, audit trail and orders', () => {
    beforeEach(async () => {
      ctx = await setup({ orderDelayMs: 15 * 60_000 });
    });

    function cardWith(status: string, from = 0): string {
      for (let i = from; i < ctx.sim.fleet.size; i++) {
        const s = ctx.sim.state(i);
        if ((status === 'ACTIVATED' ? s.life === 'ACTIVE' && !ctx.sim.fleet.isHeavy(i) : s.life === 'STOPPED') || false) return ctx.sim.fleet.iccidOf(i);
      }
      throw new Error('none');
    }

    it('PUT status applies after a delay; the audit trail names the API user; a resume is DEACTIVATED → ACTIVATED', async () => {
      const iccid = cardWith('ACTIVATED');
      const put = await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'DEACTIVATED' }));
      expect(put.http).toBe(200);
      expect(Object.keys(put.json).sort()).toEqual(['effectiveDate', 'iccid']);
      expect((await ctx.client.get(`devices/${iccid}`)).json.status).toBe('ACTIVATED');
      ctx.clock.advance(15 * 60_000);
      expect((await ctx.client.get(`devices/${iccid}`)).json.status).toBe('DEACTIVATED');
      const audit = await ctx.client.get(`devices/${iccid}/auditTrails`, { daysOfHistory: '1' });
      expect(audit.json).toMatchObject({ iccid, pageNumber: 1, lastPage: true });
      expect((audit.json.deviceAuditTrails as Json[])[0]).toEqual({
        field: 'status',
        priorValue: 'ACTIVATED',
        value: 'DEACTIVATED',
        effectiveDate: new Date(Date.parse(START) + 15 * 60_000).toISOString(),
        status: 'Executed',
        userName: ctx.sim.credentials.username,
      });
      await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'ACTIVATED' }));
      ctx.clock.advance(15 * 60_000);
      expect((await ctx.client.get(`devices/${iccid}`)).json.status).toBe('ACTIVATED');
    });

    it('PUT with effectiveDate waits for that date; > 180 days ahead → 10000011', async () => {
      const iccid = cardWith('ACTIVATED');
      const at = '2026-04-01T00:00:00+08:00';
      const put = await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'DEACTIVATED', effectiveDate: at }));
      expect(put.json.effectiveDate).toBe(new Date(at).toISOString());
      ctx.clock.set('2026-03-31T23:59:00+08:00');
      expect((await ctx.client.get(`devices/${iccid}`)).json.status).toBe('ACTIVATED');
      ctx.clock.set('2026-04-01T00:00:01+08:00');
      expect((await ctx.client.get(`devices/${iccid}`)).json.status).toBe('DEACTIVATED');
      const far = await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'ACTIVATED', effectiveDate: '2027-01-01T00:00:00Z' }));
      expect(far).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
    });

    it('ratePlan change shows in the device and the audit trail', async () => {
      const iccid = cardWith('ACTIVATED');
      const before = String((await ctx.client.get(`devices/${iccid}`)).json.ratePlan);
      const target = before === 'CUCC_IOT_3GB_M' ? 'CUCC_IOT_1GB_M' : 'CUCC_IOT_3GB_M';
      expect((await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ ratePlan: target }))).http).toBe(200);
      ctx.clock.advance(15 * 60_000);
      expect((await ctx.client.get(`devices/${iccid}`)).json.ratePlan).toBe(target);
      const trail = (await ctx.client.get(`devices/${iccid}/auditTrails`, { daysOfHistory: '2' })).json.deviceAuditTrails as Json[];
      expect(trail[0]).toMatchObject({ field: 'ratePlan', priorValue: before, value: target });
    });

    it('10000029 back to a pre-activation status; 10000023 malformed JSON; 10000011 missing/invalid fields; orders counted', async () => {
      const iccid = cardWith('ACTIVATED');
      for (const status of ['TEST_READY', 'INVENTORY', 'ACTIVATION_READY']) {
        expect(await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status }))).toMatchObject({ http: 400, json: { errorCode: '10000029' } });
      }
      expect(await ctx.client.req('PUT', `devices/${iccid}`, {}, '{"status":')).toMatchObject({ http: 400, json: { errorCode: '10000023' } });
      expect(await ctx.client.req('PUT', `devices/${iccid}`, {}, '{}')).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
      expect(await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'SLEEPING' }))).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
      expect(await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ ratePlan: 'NOPE' }))).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
      await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'DEACTIVATED' }));
      await ctx.client.req('PUT', `devices/${iccid}`, {}, JSON.stringify({ status: 'DEACTIVATED' }));
      const c = ctx.sim.counters.snapshot();
      expect(c.orders).toBe(5);
      expect(c.acceptedOrders).toBe(2);
      expect(c.duplicateOrders).toBe(1);
    });

    it('base audit trails: system or a named user changed deactivated cards', async () => {
      const users = new Set<string>();
      const all = await listAll(ctx.client, '2015-01-01T00:00:00Z');
      for (const d of all.filter((x) => x.status === 'DEACTIVATED').slice(-60)) {
        const trail = (await ctx.client.get(`devices/${String(d.iccid)}/auditTrails`, { daysOfHistory: '365' })).json.deviceAuditTrails as Json[];
        const last = trail.find((e) => e.field === 'status' && e.value === 'DEACTIVATED');
        if (last) users.add(String(last.userName));
      }
      expect(users).toContain('system');
      expect([...users].some((u) => u !== 'system')).toBe(true);
      expect(await ctx.client.get(`devices/${String(all[0].iccid)}/auditTrails`, { daysOfHistory: '366' })).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
      expect(await ctx.client.get(`devices/${String(all[0].iccid)}/auditTrails`, { pageNumber: '0' })).toMatchObject({ http: 400, json: { errorCode: '10000007' } });
    });
  });

  describe('usage, cycles, overage and forced activation', () => {
    beforeEach(async () => {
      ctx = await setup({ at: '2026-02-27T08:00:00+08:00' });
    });

    function active(heavy: boolean): string {
      const f = ctx.sim.fleet;
      for (let i = 0; i < f.size; i++) {
        const s = ctx.sim.state(i);
        if (s.life === 'ACTIVE' && f.isHeavy(i) === heavy && (!heavy || f.capped(i)) && (s.activatedAt ?? Infinity) < Date.parse('2025-12-01T00:00:00Z')) return f.iccidOf(i);
      }
      throw new Error('none');
    }

    it('ctdUsages in bytes, growing; resets on the 27th (Asia/Shanghai)', async () => {
      const iccid = active(false);
      const a = (await ctx.client.get(`devices/${iccid}/ctdUsages`)).json;
      expect(Object.keys(a).sort()).toEqual(['ctdDataUsage', 'ctdSMSUsage', 'ctdSessionCount', 'ctdVoiceUsage', 'iccid', 'overageLimitOverride', 'overageLimitReached'].sort());
      expect(Number.isInteger(a.ctdDataUsage)).toBe(true);
      ctx.clock.set('2026-03-26T23:30:00+08:00');
      const b = (await ctx.client.get(`devices/${iccid}/ctdUsages`)).json;
      expect(Number(b.ctdDataUsage)).toBeGreaterThan(Number(a.ctdDataUsage));
      expect(b.overageLimitReached).toBe(false);
      ctx.clock.set('2026-03-27T00:30:00+08:00');
      const c = (await ctx.client.get(`devices/${iccid}/ctdUsages`)).json;
      expect(Number(c.ctdDataUsage)).toBeLessThan(Number(b.ctdDataUsage) / 20);
      expect(Number(c.ctdDataUsage)).toBeGreaterThan(0);
    });

    it('usageInZone: the last three cycles by cycleStartDate (yyyy-MM-ddZ); others → 10000032', async () => {
      const iccid = active(false);
      ctx.clock.set('2026-03-05T12:00:00+08:00');
      const cur = await ctx.client.get(`devices/${iccid}/usageInZone`, { cycleStartDate: '2026-02-27Z' });
      expect(cur.http).toBe(200);
      expect(cur.json).toMatchObject({ iccid, cycleStartDate: '2026-02-27Z', cycleEndDate: '2026-03-26Z' });
      const zones = cur.json.deviceCycleUsageInZones as Record<string, Json[]>;
      const row = Object.values(zones)[0][0];
      expect(Object.keys(row).sort()).toEqual(['dataUsage', 'ratePlan', 'smsMOUsage', 'smsMTUsage', 'voiceMOUsage', 'voiceMTUsage', 'zone']);
      expect(row.dataUsage).toBe((await ctx.client.get(`devices/${iccid}/ctdUsages`)).json.ctdDataUsage);
      const prev = Object.values((await ctx.client.get(`devices/${iccid}/usageInZone`, { cycleStartDate: '2026-01-27Z' })).json.deviceCycleUsageInZones as Record<string, Json[]>)[0][0];
      expect(Number(prev.dataUsage)).toBeGreaterThan(Number(row.dataUsage));
      expect((await ctx.client.get(`devices/${iccid}/usageInZone`, { cycleStartDate: '2025-12-27Z' })).http).toBe(200);
      expect(await ctx.client.get(`devices/${iccid}/usageInZone`, { cycleStartDate: '2025-11-27Z' })).toMatchObject({ http: 400, json: { errorCode: '10000032' } });
      expect(await ctx.client.get(`devices/${iccid}/usageInZone`, { cycleStartDate: '2026-02-28Z' })).toMatchObject({ http: 400, json: { errorCode: '10000032' } });
      expect(await ctx.client.get(`devices/${iccid}/usageInZone`, { cycleStartDate: '2026-02-27' })).toMatchObject({ http: 400, json: { errorCode: '10000011' } });
    });

    it('an over-quota card is DEACTIVATED by the system with overageLimitReached, and reactivated at the next cycle', async () => {
      const iccid = active(true);
      ctx.clock.set('2026-03-26T20:00:00+08:00');
      const dev = (await ctx.client.get(`devices/${iccid}`)).json;
      expect(dev.status).toBe('DEACTIVATED');
      expect(dev.overageLimitOverride).toBe('DEFAULT');
      expect((await ctx.client.get(`devices/${iccid}/ctdUsages`)).json.overageLimitReached).toBe(true);
      const trail = (await ctx.client.get(`devices/${iccid}/auditTrails`, { daysOfHistory: '30' })).json.deviceAuditTrails as Json[];
      expect(trail[0]).toMatchObject({ field: 'status', priorValue: 'ACTIVATED', value: 'DEACTIVATED', userName: 'system', status: 'Executed' });
      ctx.clock.set('2026-03-27T00:00:01+08:00');
      expect((await ctx.client.get(`devices/${iccid}`)).json.status).toBe('ACTIVATED');
      expect((await ctx.client.get(`devices/${iccid}/ctdUsages`)).json.overageLimitReached).toBe(false);
    });

    it('a silent card is force-activated by the system on schedule', async () => {
      const f = ctx.sim.fleet;
      let i = 0;
      while (f.base(i).forcedAt === null) i++;
      const iccid = f.iccidOf(i);
      expect(['TEST_READY', 'INVENTORY', 'ACTIVATION_READY']).toContain((await ctx.client.get(`devices/${iccid}`)).json.status);
      ctx.clock.set(new Date(f.base(i).forcedAt! + 1000));
      const dev = (await ctx.client.get(`devices/${iccid}`)).json;
      expect(dev.status).toBe('ACTIVATED');
      expect(dev.dateActivated).toBe(new Date(f.base(i).forcedAt!).toISOString());
      const trail = (await ctx.client.get(`devices/${iccid}/auditTrails`)).json.deviceAuditTrails as Json[];
      expect(trail[0]).toMatchObject({ value: 'ACTIVATED', userName: 'system' });
    });
  });

  describe('quota', () => {
    it('5 calls/second: the 6th sequential call within a second → 429 40000029', async () => {
      ctx = await setup({ quotaFactor: 1 });
      await new Promise((r) => setTimeout(r, 1100));
      const iccid = ctx.sim.fleet.iccidOf(0);
      const answers = [];
      for (let k = 0; k < 6; k++) answers.push(await ctx.client.get(`devices/${iccid}`));
      expect(answers.slice(0, 5).every((a) => a.http === 200)).toBe(true);
      expect(answers[5]).toMatchObject({ http: 429, json: { errorCode: '40000029', errorMessage: '接口请求超过限制次数，请稍后再试' } });
      expect(ctx.sim.counters.quotaViolations).toBe(1);
    });

    it('one call in flight at a time: a concurrent second call → 429', async () => {
      ctx = await setup({ quotaFactor: 1 });
      ctx.sim.faults.configure({ latencyMs: 200 });
      const iccid = ctx.sim.fleet.iccidOf(0);
      const [a, b] = await Promise.all([ctx.client.get(`devices/${iccid}`), new Promise((r) => setTimeout(r, 50)).then(() => ctx.client.get(`devices/${iccid}`))]);
      expect(a.http).toBe(200);
      expect(b).toMatchObject({ http: 429, json: { errorCode: '40000029' } });
      expect(ctx.sim.counters.quotaViolations).toBe(1);
      expect(ctx.sim.counters.maxInFlight).toBe(1);
    });
  });

  describe('faults', () => {
    beforeEach(async () => {
      ctx = await setup();
    });

    it('5xx, malformed, truncated, forced rate limit, credential expiry, timeout', async () => {
      const path = `devices/${ctx.sim.fleet.iccidOf(0)}`;
      ctx.sim.faults.force('serverError');
      expect(await ctx.client.get(path)).toMatchObject({ http: 500, json: { errorCode: '30000001' } });
      ctx.sim.faults.force('malformed');
      const m = await ctx.client.get(path);
      expect(m.http).toBe(200);
      expect(() => JSON.parse(m.text)).toThrow();
      ctx.sim.faults.force('truncated');
      const t = await ctx.client.get(path);
      expect(t.text.startsWith('{"iccid"')).toBe(true);
      expect(() => JSON.parse(t.text)).toThrow();
      ctx.sim.faults.force('rateLimit');
      expect((await ctx.client.get(path)).http).toBe(429);
      expect(ctx.sim.counters.injectedRateLimits).toBe(1);
      expect(ctx.sim.counters.quotaViolations).toBe(0);
      ctx.sim.faults.force('expireTokens');
      expect((await ctx.client.get(path)).http).toBe(401);
      expect((await ctx.client.get(path)).http).toBe(200);
      ctx.sim.faults.force('timeout');
      await expect(fetch(new URL(path, ctx.served.baseUrl), { headers: { authorization: ctx.client.auth }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
      expect(ctx.sim.counters.requests.get('GET devices/{iccid}')).toBe(7);
    });
  });

  it('answers through nock from the same state', async () => {
    const sim = createSimulator({ cards: 100, seed: 5, clock: SimClock.fixed(START) });
    interceptWithNock(sim, 'https://api.10646.cn');
    try {
      const auth = { username: sim.credentials.username, password: sim.credentials.apiKey };
      const r = await axios.get(`https://api.10646.cn/rws/api/v1/devices/${sim.fleet.iccidOf(7)}`, { auth });
      expect(r.data.iccid).toBe(sim.fleet.iccidOf(7));
      const put = await axios.put(`https://api.10646.cn/rws/api/v1/devices/${sim.fleet.iccidOf(7)}`, { ratePlan: 'CUCC_IOT_1GB_M' }, { auth });
      expect(put.data.iccid).toBe(sim.fleet.iccidOf(7));
      await expect(axios.get(`https://api.10646.cn/rws/api/v1/devices/${sim.fleet.iccidOf(7)}`)).rejects.toMatchObject({ response: { status: 401 } });
    } finally {
      nock.cleanAll();
    }
  });
});
