import { hasValidLuhn } from '@simgate/core';
import { SimClock } from '../sim/clock';
import { serve, type ServedSimulator } from '../sim/http-face';
import { simulator, type IntlSupersimSimulator } from './index';

/** The Super SIM simulator as a client sees it over HTTP (carriers.md §6): raw requests against serve(). */

const START = '2026-03-10T10:30:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Sim {
  sid: string;
  iccid: string;
  status: string;
  fleet_sid: string;
}
/** A JSON answer as a test reads it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = Record<string, any>;
interface List<T> {
  meta: { next_page_url: string | null; page_size: number };
  [key: string]: T[] | List<T>['meta'];
}

describe('intl-supersim simulator over HTTP', () => {
  let clock: SimClock;
  let sim: IntlSupersimSimulator;
  let served: ServedSimulator;
  let auth: string;

  beforeEach(async () => {
    clock = SimClock.fixed(START);
    sim = simulator.create({ cards: 300, seed: 7, clock, orderDelayMs: 10 * MINUTE });
    served = await serve(sim);
    auth = `Basic ${Buffer.from(`${sim.credentials.accountSid}:${sim.credentials.authToken}`).toString('base64')}`;
  });
  afterEach(async () => served.close());

  async function call(path: string, init: { method?: string; form?: Record<string, string>; auth?: string } = {}): Promise<{ status: number; body: Answer }> {
    const res = await fetch(`${served.origin}${path.startsWith('/v1/') ? path : `/v1/${path}`}`, {
      method: init.method ?? 'GET',
      headers: { authorization: init.auth ?? auth, ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    return { status: res.status, body: JSON.parse(await res.text()) };
  }

  async function allSims(): Promise<Sim[]> {
    const out: Sim[] = [];
    let next: string | null = 'Sims?PageSize=120';
    while (next) {
      const r = await call(next);
      out.push(...(r.body.sims as Sim[]));
      next = (r.body as List<Sim>).meta.next_page_url;
    }
    return out;
  }

  it('refuses bad Basic credentials with 401 {code 20003}', async () => {
    const r = await call('Sims', { auth: `Basic ${Buffer.from(`${sim.credentials.accountSid}:wrong`).toString('base64')}` });
    expect([r.status, r.body.code, r.body.status]).toEqual([401, 20003, 401]);
  });

  it('pages every SIM through next_page_url (PageToken), Luhn-valid ICCIDs starting 89, SIDs HS + 32 hex', async () => {
    const sims = await allSims();
    expect(sims.length).toBe(300);
    expect(new Set(sims.map((s) => s.sid)).size).toBe(300);
    for (const s of sims) {
      expect(s.iccid).toMatch(/^89\d{18}$/);
      expect(hasValidLuhn(s.iccid)).toBe(true);
      expect(s.sid).toMatch(/^HS[0-9a-f]{32}$/);
    }
    expect(new Set(sims.map((s) => s.status))).toEqual(new Set(['new', 'ready', 'active', 'inactive', 'scheduled']));
    const one = await call(`Sims?Iccid=${sims[5].iccid}`);
    expect(one.body.sims.map((s: Sim) => s.sid)).toEqual([sims[5].sid]);
    expect((await call('Sims?PageSize=1001')).status).toBe(400);
    expect((await call('Sims/HS00000000000000000000000000000000')).body.code).toBe(20404);
  });

  it('answers a change 202 scheduled, applies it after the processing delay; ready only from new', async () => {
    const i = [...Array(300).keys()].find((k) => sim.rawStatusOf(k) === 'active')!;
    const sid = sim.fleet.simSid(i);
    const r = await call(`Sims/${sid}`, { method: 'POST', form: { Status: 'inactive' } });
    expect([r.status, r.body.status]).toEqual([202, 'scheduled']);
    clock.advance(10 * MINUTE - 1);
    expect((await call(`Sims/${sid}`)).body.status).toBe('scheduled');
    clock.advance(1);
    expect((await call(`Sims/${sid}`)).body.status).toBe('inactive');
    expect((await call(`Sims/${sid}`, { method: 'POST', form: { Status: 'ready' } })).body.code).toBe(21000);
    expect((await call(`Sims/${sid}`, { method: 'POST', form: { Status: 'gone' } })).body.code).toBe(20001);
  });

  it('moves a ready SIM to active by itself (250 KB, 5 SMS commands or 3 months, whichever first)', async () => {
    const ready = [...Array(300).keys()].filter((k) => sim.rawStatusOf(k) === 'ready');
    expect(ready.length).toBeGreaterThan(0);
    const firstPeriod = (k: number) => sim.reportedPeriodOf(k)!.start.getTime();
    clock.advance(92 * DAY);
    for (const k of ready) expect(sim.rawStatusOf(k)).toBe('active');
    // and before 3 months only when the data or the SMS commands came first
    clock.set(START);
    const early = ready.filter((k) => sim.fleet.base(k).segments[1].fromMs < firstPeriod(k) + 89 * DAY);
    expect(early.length).toBeGreaterThan(0);
  });

  it('gives each SIM its own monthly billing periods from the instant it left new, the day clamped', async () => {
    const i = [...Array(300).keys()].find((k) => sim.rawStatusOf(k) === 'active')!;
    const r = await call(`Sims/${sim.fleet.simSid(i)}/BillingPeriods`);
    const periods = r.body.billing_periods as Array<{ start_time: string; end_time: string }>;
    expect(periods.length).toBeGreaterThan(1);
    expect(Date.parse(periods[0].start_time)).toBeLessThanOrEqual(Date.parse(START));
    expect(Date.parse(periods[0].end_time)).toBeGreaterThan(Date.parse(START));
    for (let k = 1; k < periods.length; k++) expect(periods[k].end_time).toBe(periods[k - 1].start_time);
    const news = [...Array(300).keys()].find((k) => sim.rawStatusOf(k) === 'new')!;
    expect((await call(`Sims/${sim.fleet.simSid(news)}/BillingPeriods`)).body.billing_periods).toEqual([]);
    const { addUtcMonths } = await import('./fleet');
    expect(new Date(addUtcMonths(Date.parse('2026-01-31T10:00:00Z'), 1)).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(new Date(addUtcMonths(Date.parse('2026-01-31T10:00:00Z'), 2)).toISOString()).toBe('2026-03-31T10:00:00.000Z');
  });

  it('reports usage up to the start of the current UTC hour; day records sum to the period; data stops at the fleet limit', async () => {
    const over = [...Array(300).keys()].find((k) => sim.rawStatusOf(k) === 'active' && sim.reportedPeriodOf(k)!.bytes >= sim.dataLimitBytesOf(k))!;
    const p = sim.reportedPeriodOf(over)!;
    expect(p.bytes).toBe(sim.dataLimitBytesOf(over));
    const sid = sim.fleet.simSid(over);
    const q = (g: string, s: string, e: string) => call(`UsageRecords?Sim=${sid}&Granularity=${g}&StartTime=${s}&EndTime=${e}&PageSize=1000`);
    const all = await q('all', p.start.toISOString(), '2026-03-10T10:30:00Z');
    expect(all.body.usage_records[0].period.end_time).toBe('2026-03-10T10:00:00Z');
    expect(all.body.usage_records[0].data_total).toBe(p.bytes);
    const days = await q('day', p.start.toISOString(), '2026-03-11T00:00:00Z');
    expect(days.body.usage_records.reduce((n: number, r: { data_total: number }) => n + r.data_total, 0)).toBe(p.bytes);
    expect((await q('hour', '2026-01-01T00:00:00Z', '2026-03-10T00:00:00Z')).body.code).toBe(83604);
    // An hour later, one more hour is reported for a SIM still using data.
    const busy = [...Array(300).keys()].find((k) => sim.rawStatusOf(k) === 'active' && sim.reportedPeriodOf(k)!.bytes < sim.dataLimitBytesOf(k) && sim.fleet.base(k).rate > 100)!;
    const before = sim.reportedPeriodOf(busy)!.bytes;
    clock.advance(HOUR);
    expect(sim.reportedPeriodOf(busy)!.bytes).toBeGreaterThan(before);
  });

  it('groups records by SIM across the account (Group=sim), paged', async () => {
    let next: string | null = 'UsageRecords?Group=sim&Granularity=day&StartTime=2026-02-10T00:00:00Z&EndTime=2026-03-10T10:00:00Z&PageSize=500';
    const perSim = new Map<string, number>();
    let pages = 0;
    while (next) {
      const r = await call(next);
      pages++;
      for (const x of r.body.usage_records) perSim.set(x.sim_sid, (perSim.get(x.sim_sid) ?? 0) + x.data_total);
      next = r.body.meta.next_page_url;
    }
    expect(pages).toBeGreaterThan(1);
    const i = [...Array(300).keys()].find((k) => sim.fleet.base(k).rate > 0)!;
    const single = await call(`UsageRecords?Sim=${sim.fleet.simSid(i)}&Granularity=all&StartTime=2026-02-10T00:00:00Z&EndTime=2026-03-10T10:00:00Z`);
    expect(perSim.get(sim.fleet.simSid(i))).toBe(single.body.usage_records[0].data_total);
  });

  it('answers 429 {code 20429} past 20 requests per second and counts the violation; faults in the wire form', async () => {
    sim.realNow = () => 1000;
    const codes: number[] = [];
    for (let k = 0; k < 21; k++) codes.push((await call('Fleets')).status);
    expect(codes.filter((c) => c === 429).length).toBe(1);
    expect(sim.counters.quotaViolations).toBe(1);
    sim.realNow = () => 5000;
    sim.faults.force('serverError');
    expect((await call('Fleets')).body.code).toBe(20500);
    sim.faults.force('rateLimit');
    expect((await call('Fleets')).body.code).toBe(20429);
    expect(sim.counters.injectedRateLimits).toBe(1);
    expect(sim.counters.requests.get('GET Fleets')).toBe(23);
  });
});
