import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import nock from 'nock';
import { hasValidLuhn } from '@simgate/core';
import { SimClock } from '../sim/clock';
import { serve, type ServedSimulator } from '../sim/http-face';
import { interceptWithNock } from '../testing/nock';
import { createSimulator, type IntlSimulator } from './index';

// nock patches Node's http for the whole Jest worker: undo it when this file is done, so later files get real sockets.
afterAll(() => nock.restore());

const START = '2026-03-15T12:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EXPIRED = 'SIMs are expired and cannot be modified via API. Only extensions are permitted';

interface Sim {
  iccid: string;
  iccid_with_luhn: string;
  imsi: string;
  msisdn: string;
  imei: string;
  imei_lock: boolean;
  status: string;
  activation_date: string | null;
  ip_address: string;
  current_quota: number;
  quota_status: { id: number; description: string; threshold_reached_date: string | null; quota_exceeded_date: string | null };
  label: string | null;
}
interface Usage {
  stats: Array<{ date: string; data: { volume: string; volume_rx: string; volume_tx: string; traffic_type: unknown } }>;
}

describe('intl-1nce simulator, as a client sees it over HTTP', () => {
  let clock: SimClock;
  let sim: IntlSimulator;
  let served: ServedSimulator;
  let http: AxiosInstance;
  let creds: { username: string; password: string };

  const tokenCall = (user = creds.username, pass = creds.password, body: unknown = { grant_type: 'client_credentials' }): Promise<AxiosResponse> =>
    http.post('oauth/token', body, { auth: { username: user, password: pass } });
  const token = async (): Promise<string> => {
    const r = await tokenCall();
    expect(r.status).toBe(200);
    return (r.data as { access_token: string }).access_token;
  };
  let bearer: string;
  const get = <T = unknown>(path: string, params?: Record<string, string | number>, tok = bearer): Promise<AxiosResponse<T>> =>
    http.get<T>(path, { params, headers: { authorization: `Bearer ${tok}` } });
  const put = (iccid: string, body: unknown): Promise<AxiosResponse> => http.put(`v1/sims/${iccid}`, body, { headers: { authorization: `Bearer ${bearer}` } });
  const post = (body: unknown): Promise<AxiosResponse> => http.post('v1/sims', body, { headers: { authorization: `Bearer ${bearer}` } });
  const usageMb = (u: Usage): number => u.stats.reduce((s, x) => s + Number(x.data.volume), 0);

  beforeEach(async () => {
    clock = SimClock.fixed(START);
    sim = createSimulator({ cards: 10_000, seed: 7, clock, orderDelayMs: 30 * MINUTE });
    served = await serve(sim);
    const entry = sim.accountEntry(served.origin) as { baseUrl: string; credentials: { username: string; password: string } };
    creds = entry.credentials;
    http = axios.create({ baseURL: entry.baseUrl, validateStatus: () => true });
    bearer = await token();
  });
  afterEach(() => served.close());

  const cardWhere = (pred: (i: number) => boolean, from = 0): { index: number; iccid: string; luhn: string } => {
    for (let i = from; i < sim.fleet.size; i++) {
      if (pred(i)) return { index: i, iccid: sim.fleet.iccidOf(i), luhn: sim.fleet.iccidWithLuhnOf(i) };
    }
    throw new Error('no card');
  };
  /** An enabled, activated, unexpired card with a healthy quota. */
  const healthy = (from = 0) =>
    cardWhere((i) => {
      const b = sim.fleet.base(i);
      return b.status === 'Enabled' && b.activatedAtMs !== null && b.expiredAtMs === null && b.dailyMeanBytes > 0.3 * 1_048_576 && b.activatedAtMs > Date.parse(START) - 200 * DAY;
    }, from);

  it('serves the account entry of ARCHITECTURE.md', () => {
    expect(sim.accountEntry('http://127.0.0.1:7104')).toEqual({
      id: 'intl-main',
      platform: 'intl-1nce',
      baseUrl: 'http://127.0.0.1:7104/management-api/',
      credentials: { username: expect.any(String), password: expect.any(String) },
    });
  });

  describe('POST /oauth/token', () => {
    it('mints a new bearer token on every call; old ones stay valid until they expire', async () => {
      const r = await tokenCall();
      expect(r.data).toEqual({ status_code: 200, access_token: expect.any(String), token_type: 'bearer', expires_in: 3600, userId: expect.any(String), scope: 'all' });
      const second = (r.data as { access_token: string }).access_token;
      expect(second).not.toBe(bearer);
      expect((await get('v1/sims', { page: 1, pageSize: 1 }, bearer)).status).toBe(200);
      expect((await get('v1/sims', { page: 1, pageSize: 1 }, second)).status).toBe(200);
      clock.advance(3600 * 1000 - 1000);
      expect((await get('v1/sims', { page: 1, pageSize: 1 }, bearer)).status).toBe(200);
      clock.advance(1000);
      const expired = await get('v1/sims', { page: 1, pageSize: 1 }, bearer);
      expect(expired.status).toBe(401);
      expect(expired.data).toMatchObject({ statusCode: 401 });
    });

    it('answers 400 BadCredentials for a wrong password or no Basic auth', async () => {
      const r = await tokenCall(creds.username, 'wrong');
      expect(r.status).toBe(400);
      expect(r.data).toEqual({ statusCode: 400, errorCode: 'BadCredentials', message: expect.any(String) });
      const none = await http.post('oauth/token', { grant_type: 'client_credentials' });
      expect(none.status).toBe(400);
      expect((none.data as { errorCode: string }).errorCode).toBe('BadCredentials');
    });

    it('requires grant_type client_credentials (JSON or form body)', async () => {
      expect((await tokenCall(creds.username, creds.password, {})).status).toBe(400);
      const form = await http.post('oauth/token', 'grant_type=client_credentials', {
        auth: creds,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(200);
    });

    it('answers 401 for a missing or unknown bearer', async () => {
      expect((await http.get('v1/sims')).status).toBe(401);
      expect((await get('v1/sims', {}, 'not-a-token')).status).toBe(401);
    });

    it('limits /oauth/token to 600 per minute', async () => {
      const statuses: number[] = [];
      for (let batch = 0; batch < 13; batch++) {
        const rs = await Promise.all(Array.from({ length: 50 }, () => tokenCall()));
        statuses.push(...rs.map((r) => r.status));
      }
      // One token was minted in beforeEach: 599 more are accepted in this minute.
      expect(statuses.filter((s) => s === 200)).toHaveLength(599);
      expect(statuses.filter((s) => s === 429)).toHaveLength(650 - 599);
      expect(sim.counters.quotaViolations).toBe(51);
    });
  });

  describe('GET /v1/sims', () => {
    it('answers a bare array paged in headers', async () => {
      const r = await get<Sim[]>('v1/sims', { page: 2, pageSize: 100 });
      expect(r.status).toBe(200);
      expect(Array.isArray(r.data)).toBe(true);
      expect(r.data).toHaveLength(100);
      expect(r.headers['x-count-per-page']).toBe('100');
      expect(r.headers['x-current-page']).toBe('2');
      expect(r.headers['x-total-count']).toBe('10000');
      expect(r.headers['x-total-pages']).toBe('100');
      expect(r.data[0].iccid).toBe(sim.fleet.iccidOf(100));
      const last = await get<Sim[]>('v1/sims', { page: 34, pageSize: 30 });
      expect(last.headers['x-total-pages']).toBe('334');
      const tail = await get<Sim[]>('v1/sims', { page: 334, pageSize: 30 });
      expect(tail.data).toHaveLength(10);
      expect((await get<Sim[]>('v1/sims', { page: 335, pageSize: 30 })).data).toEqual([]);
    });

    it('refuses pageSize over 100', async () => {
      const r = await get('v1/sims', { page: 1, pageSize: 101 });
      expect(r.status).toBe(400);
      expect((await get('v1/sims', { page: 0, pageSize: 10 })).status).toBe(400);
    });

    it('serves a realistic fleet: identifiers, statuses, quotas, expired and unactivated SIMs', async () => {
      const all: Sim[] = [];
      for (let p = 1; p <= 8; p++) {
        all.push(...(await get<Sim[]>('v1/sims', { page: p, pageSize: 100 })).data);
        await new Promise((r) => setTimeout(r, 110)); // stay under 10/s
      }
      for (const s of all) {
        expect(s.iccid).toMatch(/^89\d{17}$/);
        expect(s.iccid_with_luhn).toMatch(/^89\d{18}$/);
        expect(s.iccid_with_luhn.startsWith(s.iccid)).toBe(true);
        expect(hasValidLuhn(s.iccid_with_luhn)).toBe(true);
        expect(s.imsi).toMatch(/^\d{15}$/);
        expect(s.ip_address).toMatch(/^10\.\d+\.\d+\.\d+$/);
        if (s.activation_date !== null) {
          expect(s.activation_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
          expect(hasValidLuhn(s.imei)).toBe(true);
        }
        expect(s.quota_status.description).toBe(['More than 20% available', 'Less than 20% available', 'No volume available'][s.quota_status.id]);
        if (s.quota_status.id === 2) {
          expect(s.current_quota).toBe(0);
          expect(s.quota_status.quota_exceeded_date).not.toBeNull();
        }
        if (s.quota_status.id >= 1) expect(s.quota_status.threshold_reached_date).not.toBeNull();
        if (s.quota_status.id === 0) expect(s.quota_status.threshold_reached_date).toBeNull();
      }
      expect(new Set(all.map((s) => s.quota_status.id))).toEqual(new Set([0, 1, 2]));
      expect(new Set(all.map((s) => s.status))).toEqual(new Set(['Enabled', 'Disabled']));
      expect(all.some((s) => s.activation_date === null && s.status === 'Enabled')).toBe(true);
      expect(all.some((s) => s.label !== null) && all.some((s) => s.label === null)).toBe(true);
      const expired = all.map((s, k) => ({ s, k })).filter(({ k }) => {
        const v = sim.card(k);
        return v.expiryMs !== null && v.expiryMs < clock.nowMs();
      });
      expect(expired.length).toBeGreaterThan(5);
    });
  });

  describe('GET /v1/sims/{iccid}', () => {
    it('accepts the 19-digit and the 20-digit ICCID', async () => {
      const c = healthy();
      const a = await get<Sim>(`v1/sims/${c.iccid}`);
      const b = await get<Sim>(`v1/sims/${c.luhn}`);
      expect(a.status).toBe(200);
      expect(b.data).toEqual(a.data);
      expect(Object.keys(a.data).sort()).toEqual(
        ['activation_date', 'current_quota', 'iccid', 'iccid_with_luhn', 'imei', 'imei_lock', 'imsi', 'ip_address', 'label', 'msisdn', 'quota_status', 'status'].sort(),
      );
      expect(a.data).toMatchObject({ iccid: c.iccid, iccid_with_luhn: c.luhn, status: 'Enabled' });
    });

    it('answers 404 for an unknown SIM or a wrong check digit', async () => {
      const c = healthy();
      const wrong = c.luhn.slice(0, 19) + String((Number(c.luhn[19]) + 1) % 10);
      expect((await get(`v1/sims/${wrong}`)).status).toBe(404);
      expect((await get(`v1/sims/${sim.fleet.iccidOf(10_000)}`)).status).toBe(404);
      expect((await get('v1/sims/12345')).status).toBe(404);
    });
  });

  describe('changes are queued', () => {
    it('PUT answers 200 with an empty body and applies the change after the delay; usage then stops', async () => {
      const c = healthy();
      const r = await put(c.iccid, { iccid: c.iccid, status: 'Disabled', label: 'parked' });
      expect(r.status).toBe(200);
      expect(r.data).toBe('');
      expect((await get<Sim>(`v1/sims/${c.iccid}`)).data.status).toBe('Enabled');
      clock.advance(30 * MINUTE);
      const after = (await get<Sim>(`v1/sims/${c.iccid}`)).data;
      expect(after).toMatchObject({ status: 'Disabled', label: 'parked' });
      const q1 = (await get<{ volume: number; last_status_change_date: string }>(`v1/sims/${c.iccid}/quota/data`)).data;
      expect(q1.last_status_change_date).toBe(new Date(clock.nowMs()).toISOString());
      clock.advance(3 * DAY);
      bearer = await token(); // the first one expired meanwhile
      expect((await get<{ volume: number }>(`v1/sims/${c.iccid}/quota/data`)).data.volume).toBe(q1.volume);
      expect(sim.counters.orders.map((o) => [o.endpoint, o.duplicate])).toEqual([['PUT v1/sims/{iccid}', false]]);
    });

    it('POST /v1/sims answers 201 and applies every change later; a repeat is flagged as a duplicate', async () => {
      const a = healthy();
      const b = healthy(a.index + 1);
      const r = await post([{ iccid: a.iccid, status: 'Disabled' }, { iccid: b.luhn, status: 'Disabled' }]);
      expect(r.status).toBe(201);
      expect((await post([{ iccid: a.iccid, status: 'Disabled' }])).status).toBe(201);
      expect((await get<Sim>(`v1/sims/${b.iccid}`)).data.status).toBe('Enabled');
      clock.advance(30 * MINUTE);
      expect((await get<Sim>(`v1/sims/${a.iccid}`)).data.status).toBe('Disabled');
      expect((await get<Sim>(`v1/sims/${b.iccid}`)).data.status).toBe('Disabled');
      expect(sim.counters.orders.map((o) => o.duplicate)).toEqual([false, false, true]);
      // Enabling again is a new order, not a duplicate.
      await post([{ iccid: a.iccid, status: 'Enabled' }]);
      expect(sim.counters.orders.at(-1)?.duplicate).toBe(false);
    });

    it('refuses to modify an expired SIM with 422', async () => {
      const e = cardWhere((i) => sim.fleet.base(i).expiredAtMs !== null);
      const r = await put(e.iccid, { iccid: e.iccid, status: 'Disabled' });
      expect(r.status).toBe(422);
      expect((r.data as { message: string }).message).toBe(EXPIRED);
      const h = healthy();
      const bulk = await post([{ iccid: h.iccid, status: 'Disabled' }, { iccid: e.luhn, status: 'Disabled' }]);
      expect(bulk.status).toBe(422);
      expect((bulk.data as { message: string }).message).toBe(EXPIRED);
      clock.advance(DAY);
      bearer = await token();
      expect((await get<Sim>(`v1/sims/${h.iccid}`)).data.status).toBe('Enabled'); // nothing of the refused batch applied
    });

    it('answers 400 for a bad body', async () => {
      const c = healthy();
      expect((await put(c.iccid, { iccid: c.iccid, status: 'Paused' })).status).toBe(400);
      expect((await put(c.iccid, { iccid: healthy(c.index + 1).iccid, status: 'Disabled' })).status).toBe(400);
      expect((await post([])).status).toBe(400);
      expect((await post({ iccid: c.iccid })).status).toBe(400);
    });
  });

  describe('usage and quota', () => {
    it('answers daily stats in MB strings for the last 6 months, growing with the clock', async () => {
      const c = healthy();
      const u = (await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-01', end_dt: '2026-03-31' })).data;
      expect(u.stats.map((s) => s.date)).toEqual(Array.from({ length: 15 }, (_, k) => `2026-03-${String(k + 1).padStart(2, '0')}`));
      for (const s of u.stats) {
        expect(s.data.volume).toMatch(/^\d+\.\d{6}$/);
        expect(s.data.volume_rx).toMatch(/^\d+\.\d{6}$/);
        expect(Math.abs(Number(s.data.volume_rx) + Number(s.data.volume_tx) - Number(s.data.volume))).toBeLessThan(0.000002);
        expect(s.data.traffic_type).toEqual({ id: 5, description: 'Data' });
      }
      const before = usageMb(u);
      expect(before).toBeGreaterThan(0);
      clock.advance(DAY);
      bearer = await token();
      const later = (await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-01', end_dt: '2026-03-31' })).data;
      expect(later.stats).toHaveLength(16);
      expect(usageMb(later)).toBeGreaterThan(before);
      // The quota tells the same story: remaining = total − everything used.
      const q = (await get<{ volume: number; total_volume: number }>(`v1/sims/${c.iccid}/quota/data`)).data;
      const all = (await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2025-09-16', end_dt: '2026-03-31' })).data;
      expect(q.total_volume - q.volume).toBeGreaterThanOrEqual(usageMb(all) - 0.02);
    });

    it('refuses usage older than 6 months or without dates', async () => {
      const c = healthy();
      expect((await get(`v1/sims/${c.iccid}/usage`, { start_dt: '2025-09-14', end_dt: '2025-09-30' })).status).toBe(400);
      expect((await get(`v1/sims/${c.iccid}/usage`, { start_dt: '2025-09-15', end_dt: '2025-09-30' })).status).toBe(200);
      expect((await get(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-01' })).status).toBe(400);
      expect((await get(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-10', end_dt: '2026-03-01' })).status).toBe(400);
    });

    it('starts a new month at 00:00 UTC', async () => {
      const c = healthy();
      clock.set('2026-03-31T23:59:00Z'); // still March in UTC
      bearer = await token();
      const march = (await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-01', end_dt: '2026-04-30' })).data;
      expect(march.stats.at(-1)?.date).toBe('2026-03-31');
      clock.set('2026-04-01T00:30:00Z'); // April in UTC, still March 31 in the Americas
      const april = (await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-04-01', end_dt: '2026-04-30' })).data;
      expect(april.stats.map((s) => s.date)).toEqual(['2026-04-01']);
      const mean = sim.fleet.base(c.index).dailyMeanBytes / 1_048_576;
      expect(usageMb(april)).toBeLessThan(mean * 1.5 * (0.5 / 24) + 0.001);
      expect(usageMb(april)).toBeGreaterThan(0);
    });

    it('serves the lifetime data quota', async () => {
      const c = healthy();
      const q = (await get<Record<string, unknown>>(`v1/sims/${c.iccid}/quota/data`)).data;
      expect(q).toEqual({
        volume: expect.any(Number),
        total_volume: expect.any(Number),
        expiry_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        last_volume_added: 500,
        last_status_change_date: expect.any(String),
        threshold_percentage: 20,
      });
      expect([500, 1000]).toContain(q.total_volume);
      expect(q.volume as number).toBeLessThan(q.total_volume as number);
      const act = Date.parse((await get<Sim>(`v1/sims/${c.iccid}`)).data.activation_date as string);
      const exp = new Date(act);
      exp.setUTCFullYear(exp.getUTCFullYear() + 10);
      expect(q.expiry_date).toBe(exp.toISOString());
    });

    it('stops an exhausted SIM: quota_status 2, nothing left, no more usage', async () => {
      const c = cardWhere((i) => {
        const v = sim.card(i);
        return v.status === 'Enabled' && v.expiryMs !== null && v.expiryMs > clock.nowMs() && sim.fleet.used(v, clock.nowMs()) >= sim.fleet.totalBytes(v);
      });
      const s = (await get<Sim>(`v1/sims/${c.luhn}`)).data;
      expect(s.quota_status.id).toBe(2);
      expect(s.quota_status.quota_exceeded_date).toMatch(/Z$/);
      expect(Date.parse(s.quota_status.quota_exceeded_date as string)).toBeGreaterThan(Date.parse(s.quota_status.threshold_reached_date as string));
      expect((await get<{ volume: number }>(`v1/sims/${c.iccid}/quota/data`)).data.volume).toBe(0);
      // The exceeded date is the second the lifetime volume ran out.
      const v = sim.card(c.index);
      const at = Date.parse(s.quota_status.quota_exceeded_date as string);
      expect(sim.fleet.rawUsed(v, at)).toBeGreaterThanOrEqual(sim.fleet.totalBytes(v) - 1);
      expect(sim.fleet.rawUsed(v, at - 1000)).toBeLessThan(sim.fleet.totalBytes(v));
      const u1 = usageMb((await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-01', end_dt: '2026-03-31' })).data);
      clock.advance(2 * DAY);
      bearer = await token();
      const u2 = usageMb((await get<Usage>(`v1/sims/${c.iccid}/usage`, { start_dt: '2026-03-01', end_dt: '2026-03-31' })).data);
      expect(u2).toBeCloseTo(u1, 5);
    });

    it('crosses the 20 % threshold as usage grows', async () => {
      const c = cardWhere((i) => {
        const v = sim.card(i);
        const total = sim.fleet.totalBytes(v);
        const used = sim.fleet.used(v, clock.nowMs());
        return v.status === 'Enabled' && v.expiryMs !== null && v.expiryMs > clock.nowMs() + 30 * DAY && used < total * 0.8 && used > total * 0.8 - 10 * v.base.dailyMeanBytes;
      });
      expect((await get<Sim>(`v1/sims/${c.iccid}`)).data.quota_status).toMatchObject({ id: 0, threshold_reached_date: null });
      clock.advance(30 * DAY);
      bearer = await token();
      expect((await get<Sim>(`v1/sims/${c.iccid}`)).data.quota_status).toMatchObject({ id: 1, threshold_reached_date: expect.stringMatching(/^2026-0[34]/) });
    });

    it('activates SIMs without activation_date when their test period ends', async () => {
      const c = cardWhere((i) => sim.fleet.base(i).activatedAtMs === null && (sim.fleet.base(i).forceActivateAtMs as number) < Date.parse('2026-05-01T00:00:00Z'));
      const at = sim.fleet.base(c.index).forceActivateAtMs as number;
      expect((await get<Sim>(`v1/sims/${c.iccid}`)).data).toMatchObject({ activation_date: null, imei: '' });
      clock.set(new Date(at + HOUR));
      bearer = await token();
      const s = (await get<Sim>(`v1/sims/${c.iccid}`)).data;
      expect(s.activation_date).toBe(new Date(at).toISOString());
      expect(s.current_quota).toBeLessThan(sim.fleet.base(c.index).totalVolumeMb);
    });
  });

  describe('quota: /v1/sims* 10 requests per second', () => {
    it('answers 429 beyond 10 per second and counts the violations', async () => {
      const rs = await Promise.all(Array.from({ length: 15 }, () => get('v1/sims', { page: 1, pageSize: 1 })));
      expect(rs.filter((r) => r.status === 200)).toHaveLength(10);
      const limited = rs.filter((r) => r.status === 429);
      expect(limited).toHaveLength(5);
      expect(limited[0].data).toMatchObject({ statusCode: 429 });
      expect(sim.counters.quotaViolations).toBe(5);
      await new Promise((r) => setTimeout(r, 1050));
      expect((await get('v1/sims', { page: 1, pageSize: 1 })).status).toBe(200);
    });
  });

  describe('fault injection', () => {
    it('answers 500, malformed and truncated bodies', async () => {
      const c = healthy();
      sim.faults.force('serverError');
      expect((await get(`v1/sims/${c.iccid}`)).status).toBe(500);
      sim.faults.force('malformed');
      const m = await http.get(`v1/sims/${c.iccid}`, { headers: { authorization: `Bearer ${bearer}` }, transformResponse: (d: string) => d });
      expect(() => JSON.parse(m.data as string)).toThrow();
      sim.faults.force('truncated');
      const t = await http.get(`v1/sims/${c.iccid}`, { headers: { authorization: `Bearer ${bearer}` }, transformResponse: (d: string) => d });
      const full = await http.get(`v1/sims/${c.iccid}`, { headers: { authorization: `Bearer ${bearer}` }, transformResponse: (d: string) => d });
      expect((full.data as string).startsWith(t.data as string)).toBe(true);
      expect(() => JSON.parse(t.data as string)).toThrow();
      expect(Object.fromEntries(sim.counters.faults)).toEqual({ serverError: 1, malformed: 1, truncated: 1 });
    });

    it('forces 429 without counting a quota violation', async () => {
      sim.faults.force('rateLimit');
      expect((await get('v1/sims')).status).toBe(429);
      expect(sim.counters.injectedRateLimits).toBe(1);
      expect(sim.counters.quotaViolations).toBe(0);
    });

    it('times out', async () => {
      sim.faults.force('timeout');
      await expect(http.get('v1/sims', { headers: { authorization: `Bearer ${bearer}` }, timeout: 300 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
    });

    it('expires every token on demand, and shortens token life', async () => {
      sim.faults.force('expireTokens');
      expect((await get('v1/sims')).status).toBe(401);
      bearer = await token();
      expect((await get('v1/sims')).status).toBe(200);
      sim.faults.configure({ tokenTtlSeconds: 60 });
      const short = await token();
      clock.advance(61_000);
      expect((await get('v1/sims', {}, short)).status).toBe(401);
      expect((await get('v1/sims', {}, bearer)).status).toBe(200); // minted before: still the full hour
    });

    it('adds latency', async () => {
      sim.faults.configure({ latencyMs: 150 });
      const t0 = Date.now();
      await get('v1/sims');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    });
  });

  it('counts requests by endpoint', async () => {
    const c = healthy();
    await get('v1/sims');
    await get(`v1/sims/${c.iccid}`);
    await get(`v1/sims/${c.luhn}/quota/data`);
    await put(c.iccid, { iccid: c.iccid, status: 'Disabled' });
    expect(Object.fromEntries(sim.counters.requests)).toEqual({
      'POST oauth/token': 1,
      'GET v1/sims': 1,
      'GET v1/sims/{iccid}': 1,
      'GET v1/sims/{iccid}/quota/data': 1,
      'PUT v1/sims/{iccid}': 1,
    });
  });

  it('serves the same state through nock', async () => {
    const origin = 'https://api.1nce.nock.test';
    interceptWithNock(sim, origin);
    try {
      const n = axios.create({ baseURL: origin + '/management-api/', validateStatus: () => true });
      const t = await n.post('oauth/token', { grant_type: 'client_credentials' }, { auth: creds });
      expect(t.status).toBe(200);
      const nb = (t.data as { access_token: string }).access_token;
      const c = healthy();
      expect((await n.put(`v1/sims/${c.iccid}`, { iccid: c.iccid, status: 'Disabled' }, { headers: { authorization: `Bearer ${nb}` } })).status).toBe(200);
      clock.advance(31 * MINUTE);
      // The token minted through nock works over HTTP, and the change made through nock shows there.
      expect((await get<Sim>(`v1/sims/${c.iccid}`, {}, nb)).data.status).toBe('Disabled');
    } finally {
      nock.cleanAll();
    }
  });
});
