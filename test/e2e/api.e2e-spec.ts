/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here and asserted field by field */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SimClock } from '@simgate/mocks';
import { luhnCheckDigit } from '@simgate/core';
import type { StoredCard } from '@simgate/store';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { oneLinkGroupIds, type OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import type { JasperSimulator } from '@simgate/mocks/cucc-jasper';
import { startStack, waitForFullSync, type Stack } from '../support/stack';
import { discoverPlatforms } from '@simgate/carriers';

/** Every platform the registry discovers: the bundled simulators serve one account of each. */
const PLATFORMS = discoverPlatforms().map((p) => p.manifest.id).sort();

/**
 * The console API (issue 6) end to end: the four simulators over real HTTP, an embedded Simgate (PGlite,
 * in-process queue, worker running) after a full sync, and the gateway on a loopback port driven with
 * fetch. Every route, its success shape against the store, and each bad-input case with its status and
 * stable `code`. Every response is recorded: at the end none may be a 500 and none may carry a credential.
 */
const CARDS = 60;
const SEED = 6; // OneLink block 0 is a (not hungry) forward pool for this seed: the pool sweep has a pool to read
const NOW = '2026-11-20T10:00:00+08:00';
const KEY = 'sg_e2e_key_0123456789';
const METRICS_TOKEN = 'metrics-e2e-token';
const CN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/;
const UTCZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

interface Recorded {
  method: string;
  path: string;
  status: number;
  contentType: string;
  text: string;
  headers: string;
  badInput: boolean;
}

const recorded: Recorded[] = [];
let stack: Stack;
let app: NestExpressApplication;
let base: string;
let clock: SimClock;
let groupId: string;

interface CallOptions {
  body?: unknown;
  /** Raw body (sent as is) instead of JSON. */
  raw?: string;
  contentType?: string;
  /** The bearer key; null sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
  badInput?: boolean;
}

interface Answer<T = any> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

async function call<T = any>(method: string, path: string, o: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...o.headers };
  const key = o.key === undefined ? KEY : o.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (o.raw !== undefined) {
    body = o.raw;
    headers['content-type'] = o.contentType ?? 'text/plain';
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  recorded.push({ method, path, status: res.status, contentType, text, headers: JSON.stringify([...res.headers]), badInput: o.badInput ?? false });
  let json: any = null;
  if (/json/.test(contentType)) json = JSON.parse(text);
  return { status: res.status, headers: res.headers, text, json };
}

const get = <T = any>(path: string, o: CallOptions = {}) => call<T>('GET', path, o);
const post = <T = any>(path: string, body: unknown, o: CallOptions = {}) => call<T>('POST', path, { ...o, body });

/** A bad-input call: must answer `status` with a problem+json document carrying `code`. */
async function expectProblem(method: string, path: string, status: number, code: string | RegExp, o: CallOptions = {}): Promise<Answer> {
  const r = await call(method, path, { ...o, badInput: true });
  expect({ method, path, status: r.status, code: r.json?.code }).toEqual({ method, path, status, code: typeof code === 'string' ? code : expect.stringMatching(code) });
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.stringMatching(/^https:\/\//) });
  return r;
}

async function allCards(filter: Partial<Record<'accountId' | 'platform' | 'status' | 'reason' | 'poolId' | 'carrier' | 'q', string>> = {}): Promise<StoredCard[]> {
  const out: StoredCard[] = [];
  for (let after: string | null = null; ; ) {
    const page = await stack.simgate.store.cards.list(filter as never, 1000, after);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1].iccid;
  }
}

/** Follows nextCursor to the end; returns every item and the number of pages. */
async function pages(query: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let n = 0;
  do {
    const r: Answer = await get(`/v1/cards?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    expect(r.json.items.length).toBeLessThanOrEqual(limit);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
    n++;
    if (n > 500) throw new Error('paging does not end');
  } while (cursor);
  return { items, pages: n };
}

/** A syntactically valid ICCID (Luhn) that no simulator knows. */
function unknownIccid(): string {
  const body = '8986999' + '000000000001';
  return body + luhnCheckDigit(body);
}

function breakLuhn(iccid: string): string {
  const last = Number(iccid.slice(-1));
  return iccid.slice(0, -1) + String((last + 1) % 10);
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  clock = SimClock.fixed(NOW);
  stack = await startStack({
    cards: CARDS,
    seed: SEED,
    clock,
    quotaFactor: 10,
    accountOptions: (sims) => {
      // The same group ids `npm start` writes for its bundled simulators.
      const groupIds = oneLinkGroupIds(sims.get<OneLinkSimulator>('cmcc-onelink').fleet);
      groupId = groupIds[0];
      return { 'cmcc-main': { groupIds } };
    },
  });
  await stack.simgate.scheduler.kickOff();
  await waitForFullSync(stack.simgate);
  app = await createGateway(stack.simgate, { apiKeys: [KEY, 'second-key'], metricsToken: METRICS_TOKEN, worker: false, now: () => clock.now() });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  // Let the sweeps this suite asked for (sync now, imports) finish, so nothing runs on after close.
  if (stack) {
    await waitFor('queue idle', async () => {
      const q = await stack.simgate.queue.counts();
      return q.active + q.waiting === 0;
    }, 30_000).catch(() => undefined);
  }
  // fetch keeps connections alive: drop them so the server (and Jest) can stop.
  (app?.getHttpServer() as import('node:http').Server | undefined)?.closeAllConnections();
  await app?.close();
  await stack?.close();
});

describe('auth', () => {
  const routes: [string, string][] = [
    ['GET', '/v1/platforms'],
    ['GET', '/v1/accounts'],
    ['GET', '/v1/cards'],
    ['GET', '/v1/cards:export?format=csv'],
    ['GET', '/v1/cards/89860000000000000000'],
    ['GET', '/v1/cards/89860000000000000000/usage'],
    ['GET', '/v1/cards/89860000000000000000/history'],
    ['GET', '/v1/cards/89860000000000000000/diagnosis'],
    ['GET', '/v1/pools'],
    ['GET', '/v1/pools/cmcc-main:1'],
    ['POST', '/v1/operations'],
    ['GET', `/v1/operations/${randomUUID()}`],
    ['POST', '/v1/accounts/cmcc-main/cards:import'],
    ['GET', '/v1/sync'],
    ['POST', '/v1/sync'],
  ];

  it('every /v1 route answers 401 AUTH_MISSING without a key and 401 AUTH_INVALID with a wrong one', async () => {
    for (const [method, path] of routes) {
      await expectProblem(method, path, 401, 'AUTH_MISSING', { key: null });
      await expectProblem(method, path, 401, 'AUTH_INVALID', { key: 'not-the-key' });
      await expectProblem(method, path, 401, 'AUTH_INVALID', { key: null, headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    }
    // A key that is a prefix of the real one is wrong too (no partial matching).
    await expectProblem('GET', '/v1/cards', 401, 'AUTH_INVALID', { key: KEY.slice(0, -1) });
  });

  it('any configured key works', async () => {
    expect((await get('/v1/platforms', { key: 'second-key' })).status).toBe(200);
    expect((await get('/v1/platforms', { key: null, headers: { authorization: `bearer ${KEY}` } })).status).toBe(200);
  });

  it('/health is open and reports the database and queue', async () => {
    const r = await get('/health', { key: null });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ok', checks: { database: expect.stringMatching(/^ok/), queue: expect.stringMatching(/^ok/) }, accounts: PLATFORMS.length });
  });

  it('/metrics needs the metrics token when one is set', async () => {
    await expectProblem('GET', '/metrics', 401, 'AUTH_MISSING', { key: null });
    await expectProblem('GET', '/metrics', 401, 'AUTH_INVALID', { key: KEY });
    const r = await get('/metrics', { key: METRICS_TOKEN });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/simgate_sync_delay_seconds\{platform="cmcc-onelink",account="cmcc-main",kind="status"\} \d/);
  });

  it('/docs serves the OpenAPI document listing every route', async () => {
    const r = await get('/docs/openapi.json', { key: null });
    expect(r.status).toBe(200);
    expect(r.json.openapi).toMatch(/^3\./);
    const paths = Object.keys(r.json.paths);
    for (const p of [
      '/health',
      '/v1/platforms',
      '/v1/accounts',
      '/v1/cards',
      '/v1/cards:export',
      '/v1/cards/{iccid}',
      '/v1/cards/{iccid}/usage',
      '/v1/cards/{iccid}/history',
      '/v1/cards/{iccid}/diagnosis',
      '/v1/pools',
      '/v1/pools/{id}',
      '/v1/operations',
      '/v1/operations/{id}',
      '/v1/accounts/{id}/cards:import',
      '/v1/sync',
    ]) {
      expect(paths).toContain(p);
    }
    expect(r.json.paths['/v1/sync'].post).toBeDefined();
    expect(r.json.paths['/v1/operations'].post).toBeDefined();
    const html = await get('/docs', { key: null });
    expect(html.status).toBe(200);
  });

  it('an unknown route is a 404 problem', async () => {
    await expectProblem('GET', '/v1/nothing-here', 404, 'ROUTE_NOT_FOUND');
  });
});

describe('platforms and accounts', () => {
  it('lists every platform with capabilities and unsupported operations', async () => {
    const r = await get('/v1/platforms');
    expect(r.status).toBe(200);
    const byId = new Map<string, any>(r.json.items.map((m: any) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual(PLATFORMS);
    expect(byId.get('cucc-jasper').unsupportedOperations).toEqual(expect.arrayContaining(['REBIND', 'SET_USAGE_CAP']));
    expect(byId.get('ctcc-cmp').unsupportedOperations).toEqual([]);
    expect(byId.get('intl-1nce').zone).toBe('UTC');
    expect(byId.get('cmcc-onelink').capabilities.pools).toBe(true);
  });

  it('lists the accounts with credential field names, never values', async () => {
    const r = await get('/v1/accounts');
    expect(r.status).toBe(200);
    const file = JSON.parse(fs.readFileSync(stack.accountsFile, 'utf8')) as { accounts: { id: string; platform: string; credentials: Record<string, string> }[] };
    expect(r.json.items.map((a: any) => a.id).sort()).toEqual(file.accounts.map((a) => a.id).sort());
    for (const a of file.accounts) {
      const got = r.json.items.find((x: any) => x.id === a.id);
      expect(got).toMatchObject({ platform: a.platform, credentialFields: Object.keys(a.credentials).sort() });
      expect(got.credentials).toBeUndefined();
    }
  });
});

describe('cards', () => {
  it('pages through every card once, in a stable ICCID order', async () => {
    const stored = await allCards();
    expect(stored).toHaveLength(PLATFORMS.length * CARDS);
    const a = await pages('', 17);
    const iccids = a.items.map((c) => c.iccid);
    expect(new Set(iccids).size).toBe(iccids.length);
    expect(iccids).toEqual(stored.map((c) => c.iccid));
    expect(a.pages).toBe(Math.ceil(stored.length / 17));
    // The same walk again gives the same pages.
    const b = await pages('', 17);
    expect(b.items.map((c) => c.iccid)).toEqual(iccids);
    // An exact multiple of the limit ends with nextCursor null and no empty page.
    const c = await pages('', CARDS);
    expect(c.pages).toBe(PLATFORMS.length);
  });

  it('filters by platform, account, carrier, status, reason and q, as the store holds them', async () => {
    const cases: [string, Parameters<typeof allCards>[0]][] = [
      ['platform=cucc-jasper', { platform: 'cucc-jasper' }],
      ['account=ctcc-main', { accountId: 'ctcc-main' }],
      ['carrier=OVERSEAS', { carrier: 'OVERSEAS' }],
      ['status=ACTIVE', { status: 'ACTIVE' }],
      ['status=SUSPENDED&platform=cmcc-onelink', { status: 'SUSPENDED', platform: 'cmcc-onelink' }],
      ['status=INVENTORY', { status: 'INVENTORY' }],
    ];
    const suspended = (await allCards({ status: 'SUSPENDED' })).filter((c) => c.suspendReasons.length);
    expect(suspended.length).toBeGreaterThan(0);
    const reason = suspended[0].suspendReasons[0];
    cases.push([`reason=${reason}`, { reason }]);
    const some = (await allCards({ platform: 'intl-1nce' }))[3];
    cases.push([`q=${some.iccid.slice(0, 15)}`, { q: some.iccid.slice(0, 15) }]);
    if (some.msisdn) cases.push([`q=${some.msisdn}`, { q: some.msisdn }]);
    for (const [query, filter] of cases) {
      const want = (await allCards(filter)).map((c) => c.iccid);
      expect({ query, n: want.length > 0 }).toEqual({ query, n: true });
      const got = await pages(query, 25);
      expect({ query, iccids: got.items.map((c) => c.iccid) }).toEqual({ query, iccids: want });
    }
    const jasper = await pages('platform=cucc-jasper&status=ACTIVE', 1000);
    expect(jasper.items.every((c) => c.platform === 'cucc-jasper' && c.status === 'ACTIVE' && c.carrier === 'CUCC')).toBe(true);
    expect((await pages(`reason=${reason}`, 1000)).items.every((c) => c.suspendReasons.includes(reason))).toBe(true);
  });

  it('a card carries the stored status, raw values, numeric usage and zoned times', async () => {
    for (const platform of ['cmcc-onelink', 'cucc-jasper', 'ctcc-cmp', 'intl-1nce']) {
      const zoned = platform === 'intl-1nce' ? UTCZ : CN;
      const active = (await allCards({ platform, status: 'ACTIVE' }))[0];
      expect({ platform, active: !!active }).toEqual({ platform, active: true });
      const r = await get(`/v1/cards/${active.iccid}`);
      expect(r.status).toBe(200);
      const c = r.json;
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining([
          'iccid', 'msisdn', 'imsi', 'imei', 'carrier', 'platform', 'accountId', 'status', 'suspendReason', 'suspendReasons', 'recovery',
          'rawStatus', 'rawReason', 'plan', 'poolId', 'activatedAt', 'expiresAt', 'usage', 'statusSyncedAt', 'usageSyncedAt', 'forecast',
        ]),
      );
      expect(c).toMatchObject({
        iccid: active.iccid,
        msisdn: active.msisdn,
        platform,
        accountId: active.accountId,
        status: 'ACTIVE',
        suspendReason: null,
        suspendReasons: [],
        recovery: null,
        rawStatus: active.rawStatus,
        rawReason: active.rawReason,
      });
      expect(c.statusSyncedAt).toMatch(zoned);
      expect(c.usageSyncedAt).toMatch(zoned);
      if (c.activatedAt !== null) expect(c.activatedAt).toMatch(zoned);
      const usage = (await stack.simgate.store.usage.current([active.iccid])).get(active.iccid)!;
      expect(usage).toBeDefined();
      expect(c.usage).toMatchObject({ usedBytes: usage.usedBytes, quotaBytes: usage.quotaBytes, remainingBytes: usage.remainingBytes });
      expect(typeof c.usage.usedBytes).toBe('number');
      expect(c.usage.cycleStart).toMatch(zoned);
      expect(c.usage.cycleEnd).toMatch(zoned);
      expect(c.usage.asOf).toMatch(zoned);
      expect(new Date(c.usage.cycleStart).getTime()).toBe(usage.cycleStart.getTime());
      expect(Object.keys(c.forecast).sort()).toEqual(['basis', 'cancellationAt', 'expiresAt', 'forcedActivationAt', 'testEndsAt', 'testEndsBy']);
      for (const k of ['cancellationAt', 'expiresAt', 'forcedActivationAt', 'testEndsAt']) if (c.forecast[k] !== null) expect(c.forecast[k]).toMatch(zoned);
      expect(Object.keys(c.forecast.basis).sort()).toEqual(['cancellationAt', 'expiresAt', 'forcedActivationAt', 'openedAt', 'testEndsAt']);
      expect(c.forecast.forcedActivationAt).toBeNull(); // already active
      expect(c.expiresAt).toBe(c.forecast.expiresAt);
    }
    // Jasper's cycle runs from the 27th (domain.md §3): the November 2026 cycle started 2026-10-27 00:00 +08:00.
    const j = (await allCards({ platform: 'cucc-jasper', status: 'ACTIVE' }))[0];
    expect((await get(`/v1/cards/${j.iccid}`)).json.usage.cycleStart).toBe('2026-10-27T00:00:00.000+08:00');
    const o = (await allCards({ platform: 'cmcc-onelink', status: 'ACTIVE' }))[0];
    expect((await get(`/v1/cards/${o.iccid}`)).json.usage.cycleStart).toBe('2026-11-01T00:00:00.000+08:00');
  });

  it('a silent card has no usage and a forced-activation forecast; a suspended one its recovery', async () => {
    const silent = (await allCards({ status: 'INVENTORY' })).find((c) => c.carrier !== 'OVERSEAS');
    expect(silent).toBeDefined();
    const s = (await get(`/v1/cards/${silent!.iccid}`)).json;
    expect(s.usage).toBeNull();
    expect(s.forecast.forcedActivationAt).toMatch(CN);
    // Forced activation happens on the 1st of a month, 00:00 Shanghai.
    expect(s.forecast.forcedActivationAt).toMatch(/-01T00:00:00(\.000)?\+08:00$/);
    const sus = (await allCards({ status: 'SUSPENDED' })).find((c) => c.suspendReason);
    const v = (await get(`/v1/cards/${sus!.iccid}`)).json;
    expect(v).toMatchObject({ status: 'SUSPENDED', suspendReason: sus!.suspendReason, rawStatus: sus!.rawStatus });
    expect(v.recovery).toMatchObject({ action: expect.any(String), resumeAllowed: sus!.suspendReasons.every((r) => r === 'MANUAL') });
  });

  it('usage per cycle and per day', async () => {
    const c = (await allCards({ platform: 'ctcc-cmp', status: 'ACTIVE' }))[0];
    const cyc = await get(`/v1/cards/${c.iccid}/usage?granularity=cycle`);
    expect(cyc.status).toBe(200);
    expect(cyc.json.granularity).toBe('cycle');
    expect(cyc.json.items.length).toBeGreaterThan(0);
    for (const u of cyc.json.items) {
      expect(typeof u.usedBytes).toBe('number');
      expect(u.cycleStart).toMatch(CN);
      expect(u.asOf).toMatch(CN);
    }
    const day = await get(`/v1/cards/${c.iccid}/usage?granularity=day&from=2026-11-10&to=2026-11-19`);
    expect(day.status).toBe(200);
    expect(day.json).toMatchObject({ granularity: 'day', from: '2026-11-10', to: '2026-11-19' });
    expect(day.json.items.length).toBeGreaterThan(0);
    for (const d of day.json.items) {
      expect(d.day >= '2026-11-10' && d.day <= '2026-11-19').toBe(true);
      expect(typeof d.usedBytes).toBe('number');
    }
    // Default window ends on the business clock's today (2026-11-20 in Shanghai), not the wall clock's.
    const dflt = await get(`/v1/cards/${c.iccid}/usage?granularity=day`);
    expect(dflt.status).toBe(200);
    expect(dflt.json.to).toBe('2026-11-20');
  });

  it('diagnosis: an ACTIVE card passes, a SUSPENDED one fails with its recovery', async () => {
    const usage = await stack.simgate.store.usage.current((await allCards({ status: 'ACTIVE' })).map((c) => c.iccid));
    const ok = (await allCards({ status: 'ACTIVE' })).find((c) => (usage.get(c.iccid)?.remainingBytes ?? 0) >= 0 && c.platform !== 'intl-1nce');
    expect(ok).toBeDefined();
    const a = await get(`/v1/cards/${ok!.iccid}/diagnosis`);
    expect(a.status).toBe(200);
    expect(a.json.iccid).toBe(ok!.iccid);
    expect(a.json.verdict).toBe('PASS');
    expect(a.json.checks.find((x: any) => x.check === 'card status').result).toBe('PASS');
    expect(a.json.checks.find((x: any) => x.check === 'data freshness').result).toBe('PASS');
    expect(a.json.checks.find((x: any) => x.check === 'APN').detail).toMatch(/cmiot|scuiot|ctnet/);
    const sus = (await allCards({ status: 'SUSPENDED' })).find((c) => c.suspendReason);
    const s = await get(`/v1/cards/${sus!.iccid}/diagnosis`);
    expect(s.json.verdict).toBe('FAIL');
    const st = s.json.checks.find((x: any) => x.check === 'card status');
    expect(st.result).toBe('FAIL');
    expect(st.detail).toContain(sus!.suspendReasons[0]);
    expect(st.action).toEqual(expect.any(String));
  });

  it('bad card input: 400 for a malformed ICCID, 404 for an unknown one, on every card route', async () => {
    const known = (await allCards())[0].iccid;
    for (const suffix of ['', '/usage', '/history', '/diagnosis']) {
      await expectProblem('GET', `/v1/cards/${breakLuhn(known)}${suffix}`, 400, 'VALIDATION_FAILED');
      await expectProblem('GET', `/v1/cards/12345${suffix}`, 400, 'VALIDATION_FAILED');
      await expectProblem('GET', `/v1/cards/8986abc0000000000000${suffix}`, 400, 'VALIDATION_FAILED');
      await expectProblem('GET', `/v1/cards/${unknownIccid()}${suffix}`, 404, 'CARD_NOT_FOUND');
    }
    await expectProblem('GET', `/v1/cards/${known}/usage?granularity=week`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/cards/${known}/usage?from=2026-11-20&to=2026-11-01`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/cards/${known}/usage?from=yesterday`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/cards/${known}/usage?from=2026-13-45`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/cards/${known}/usage?extra=1`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/cards/${known}?x=1`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/cards/${known}/diagnosis?x=1`, 400, 'VALIDATION_FAILED');
  });

  it('bad list input: unknown parameter, bad enum, limit out of range, bad cursor, bad q', async () => {
    const r1 = await expectProblem('GET', '/v1/cards?colour=red', 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(r1.json.errors)).toContain('colour');
    const r2 = await expectProblem('GET', '/v1/cards?status=SLEEPING', 400, 'VALIDATION_FAILED');
    expect(r2.json.errors[0].field).toBe('query.status');
    await expectProblem('GET', '/v1/cards?reason=BORED', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/cards?carrier=ATT', 400, 'VALIDATION_FAILED');
    for (const limit of ['0', '1001', '-5', '2.5', 'ten', '']) await expectProblem('GET', `/v1/cards?limit=${limit}`, 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/cards?cursor=garbage!!', 400, 'INVALID_CURSOR');
    await expectProblem('GET', `/v1/cards?cursor=${Buffer.from('c:abc').toString('base64url')}`, 400, 'INVALID_CURSOR');
    await expectProblem('GET', `/v1/cards?cursor=${'A'.repeat(300)}`, 400, /VALIDATION_FAILED|INVALID_CURSOR/);
    await expectProblem('GET', '/v1/cards?q=abc', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/cards?status=ACTIVE&status=SUSPENDED', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/cards:export?format=xlsx', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/cards:export?status=NOPE', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/cards:export?limit=500001', 400, 'VALIDATION_FAILED');
  });
});

describe('export', () => {
  const parseCsv = (text: string) => text.trimEnd().split('\n');

  it('streams CSV with a header and exactly the filtered rows', async () => {
    const all = await get('/v1/cards:export?format=csv');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(all.headers.get('content-disposition')).toMatch(/attachment/);
    const lines = parseCsv(all.text);
    const header = lines[0].split(',');
    expect(header.slice(0, 8)).toEqual(['iccid', 'msisdn', 'imsi', 'imei', 'carrier', 'platform', 'accountId', 'status']);
    expect(lines.length - 1).toBe(PLATFORMS.length * CARDS);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual((await allCards()).map((c) => c.iccid));

    const want = await allCards({ platform: 'cmcc-onelink', status: 'ACTIVE' });
    const f = await get('/v1/cards:export?format=csv&platform=cmcc-onelink&status=ACTIVE');
    const rows = parseCsv(f.text).slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(want.map((c) => c.iccid));
    const statusCol = header.indexOf('status');
    const usedCol = header.indexOf('usedBytes');
    expect(rows.every((r) => r[statusCol] === 'ACTIVE')).toBe(true);
    expect(rows.every((r) => /^\d+$/.test(r[usedCol]))).toBe(true);

    // A filter that matches nothing gives the header alone; limit caps the rows.
    const none = await get('/v1/cards:export?q=1234567');
    expect(parseCsv(none.text)).toEqual([lines[0]]);
    const capped = await get('/v1/cards:export?limit=7');
    expect(parseCsv(capped.text)).toHaveLength(8);
  });
});

describe('pools', () => {
  it('the OneLink forward pool syncs with its members', async () => {
    const r = await get('/v1/pools');
    expect(r.status).toBe(200);
    expect(groupId).toBe(stack.local!.get<OneLinkSimulator>('cmcc-onelink').fleet.groupIdOf(0));
    expect(r.json.items).toHaveLength(1);
    const p = r.json.items[0];
    const id = `cmcc-main:${groupId}`;
    expect(p).toMatchObject({ id, accountId: 'cmcc-main', poolId: groupId, platform: 'cmcc-onelink', type: 'FORWARD', memberCount: CARDS });
    expect(typeof p.usedBytes).toBe('number');
    expect(typeof p.effectiveTotalBytes).toBe('number');
    expect(p.remainingBytes).toBe(p.effectiveTotalBytes - p.usedBytes);
    const members = await allCards({ platform: 'cmcc-onelink' });
    const activated = members.filter((c) => c.status === 'ACTIVE' || c.status === 'SUSPENDED').length;
    expect(p.activatedMembers).toBe(activated);
    // OneLink reports the pool's total (the members share their plans): activated members × the block's plan.
    const stored = await stack.simgate.store.pools.get('cmcc-main', groupId);
    expect(p.effectiveTotalBytes).toBe(stored!.totalBytes);
    expect(activated).toBeGreaterThan(0);
    // The simulator's own figure (its count of activated members also holds stopped, raw '4', cards that the
    // adapter reads as DEACTIVATED/PLAN_EXPIRED, so only the total is compared).
    const carrier = stack.local!.get<OneLinkSimulator>('cmcc-onelink').poolUsage(0);
    expect(carrier.total).toBeGreaterThan(0);
    expect(Math.abs(p.effectiveTotalBytes - carrier.total)).toBeLessThan(1024); // the carrier answers in KB, 2 decimals
    expect(p.exhausted).toBe(p.remainingBytes <= 0);

    const d = await get(`/v1/pools/${encodeURIComponent(id)}`);
    expect(d.status).toBe(200);
    expect(d.json.members.map((m: any) => m.iccid).sort()).toEqual(members.map((c) => c.iccid));
    const m0 = d.json.members.find((m: any) => m.iccid === members[0].iccid);
    expect(m0.status).toBe(members[0].status);

    // The cards list filters by the pool's API id and by the carrier's pool id alike.
    expect((await pages(`pool=${encodeURIComponent(id)}`, 1000)).items.map((c) => c.iccid)).toEqual(members.map((c) => c.iccid));
    expect((await pages(`pool=${groupId}`, 1000)).items).toHaveLength(CARDS);
    const card = (await get(`/v1/cards/${members[0].iccid}`)).json;
    expect(card.poolId).toBe(groupId);
  });

  it('bad pool ids: 400 malformed, 404 unknown', async () => {
    await expectProblem('GET', '/v1/pools/no-separator', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', '/v1/pools/cmcc-main:999', 404, 'POOL_NOT_FOUND');
    await expectProblem('GET', '/v1/pools/nobody:1', 404, 'POOL_NOT_FOUND');
    await expectProblem('GET', '/v1/pools?x=1', 400, 'VALIDATION_FAILED');
  });
});

describe('sync state and sync now', () => {
  it('GET /v1/sync reports every account and kind after the full sync', async () => {
    const r = await get('/v1/sync');
    expect(r.status).toBe(200);
    const file = JSON.parse(fs.readFileSync(stack.accountsFile, 'utf8')) as { accounts: { id: string }[] };
    expect(r.json.accounts.map((a: any) => a.accountId).sort()).toEqual(file.accounts.map((a) => a.id).sort());
    for (const a of r.json.accounts) {
      const status = a.kinds.find((k: any) => k.kind === 'status');
      expect({ a: a.accountId, status }).toMatchObject({
        a: a.accountId,
        status: { state: 'idle', lastSuccessAt: expect.stringMatching(/Z$/), lastError: null, delaySeconds: expect.any(Number), cards: CARDS },
      });
      expect(status.delaySeconds).toBeGreaterThanOrEqual(0);
      expect(status.delaySeconds).toBeLessThan(3600);
    }
    const cmcc = r.json.accounts.find((a: any) => a.accountId === 'cmcc-main');
    expect(cmcc.kinds.map((k: any) => k.kind)).toContain('pools');
    expect(r.json.accounts.find((a: any) => a.accountId === 'cucc-main').kinds.map((k: any) => k.kind)).not.toContain('pools');
  });

  it('POST /v1/sync queues a sweep or a card refresh; bad requests are refused', async () => {
    const r = await post('/v1/sync', { accountId: 'intl-main', kind: 'usage' });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ accountId: 'intl-main', kind: 'usage' });
    const card = (await allCards({ accountId: 'cucc-main' }))[0];
    const c = await post('/v1/sync', { accountId: 'cucc-main', kind: 'status', iccids: [card.iccid] });
    expect(c.status).toBe(202);
    expect(c.json).toMatchObject({ cards: 1, queued: true });
    const foreign = (await allCards({ accountId: 'ctcc-main' }))[0];
    await expectProblem('POST', '/v1/sync', 422, 'CARDS_NOT_IN_ACCOUNT', { body: { accountId: 'cucc-main', kind: 'status', iccids: [foreign.iccid] } });
    await expectProblem('POST', '/v1/sync', 404, 'ACCOUNT_NOT_FOUND', { body: { accountId: 'nobody', kind: 'status' } });
    await expectProblem('POST', '/v1/sync', 422, 'KIND_NOT_SUPPORTED', { body: { accountId: 'cucc-main', kind: 'pools' } });
    await expectProblem('POST', '/v1/sync', 400, 'VALIDATION_FAILED', { body: { accountId: 'cucc-main', kind: 'everything' } });
    await expectProblem('POST', '/v1/sync', 400, 'VALIDATION_FAILED', { body: { accountId: 'cucc-main', kind: 'status', force: true } });
    await expectProblem('POST', '/v1/sync', 400, 'VALIDATION_FAILED', { body: { accountId: 'cucc-main', kind: 'status', iccids: [breakLuhn(card.iccid)] } });
    await expectProblem('POST', '/v1/sync', 400, 'VALIDATION_FAILED', { body: { accountId: 'cucc-main', kind: 'inventory', iccids: [card.iccid] } });
    await expectProblem('POST', '/v1/sync', 400, 'VALIDATION_FAILED', { body: ['cucc-main'] });
    await expectProblem('POST', '/v1/sync', 400, 'MALFORMED_REQUEST', { raw: '{"accountId": "cucc-main",', contentType: 'application/json' });
    await expectProblem('POST', '/v1/sync', 400, 'VALIDATION_FAILED', { raw: 'accountId=cucc-main&kind=status', contentType: 'application/x-www-form-urlencoded' });
    await waitFor('queue idle', async () => {
      const q = await stack.simgate.queue.counts();
      return q.active + q.waiting === 0;
    });
  });
});

describe('operations', () => {
  /** An ACTIVE OneLink card; the pool is not hungry, so nothing but our order changes it. */
  let target: StoredCard;
  let opId: string;
  const body = () => ({ type: 'SUSPEND', iccids: [target.iccid], params: { reason: 'lost' }, idempotencyKey: 'e2e-suspend-1' });
  const ordersFor = (iccid: string) => stack.local!.get<OneLinkSimulator>('cmcc-onelink').counters.orders.filter((o) => o.key.startsWith(iccid + '|'));

  beforeAll(async () => {
    target = (await allCards({ platform: 'cmcc-onelink', status: 'ACTIVE' }))[0];
  });

  it('submits a SUSPEND: 202 with the operation and its item', async () => {
    const r = await post('/v1/operations', body());
    expect(r.status).toBe(202);
    expect(r.headers.get('idempotent-replayed')).toBe('false');
    expect(r.json).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'SUSPEND', state: expect.stringMatching(/PENDING|SUBMITTED/) });
    expect(r.json.items).toEqual([expect.objectContaining({ iccid: target.iccid, state: expect.stringMatching(/PENDING|SUBMITTED/), error: null })]);
    expect(r.headers.get('location')).toBe(`/v1/operations/${r.json.id}`);
    opId = r.json.id;
    await waitFor('the order reaches the carrier', async () => (await get(`/v1/operations/${opId}`)).json.state === 'SUBMITTED');
    expect(ordersFor(target.iccid)).toHaveLength(1);
  });

  it('replays the same request: same id, idempotent-replayed, and the carrier receives the order once', async () => {
    const before = stack.local!.get<OneLinkSimulator>('cmcc-onelink').counters.snapshot();
    const r = await post('/v1/operations', body());
    expect(r.status).toBe(202);
    expect(r.json.id).toBe(opId);
    expect(r.headers.get('idempotent-replayed')).toBe('true');
    // Key order in the body does not make it a different request.
    const b = body();
    const reordered = await post('/v1/operations', { idempotencyKey: b.idempotencyKey, params: b.params, iccids: b.iccids, type: b.type });
    expect(reordered.json.id).toBe(opId);
    // Give a (wrong) second submission every chance to happen.
    await new Promise((r) => setTimeout(r, 300));
    const after = stack.local!.get<OneLinkSimulator>('cmcc-onelink').counters.snapshot();
    expect(after.orders).toBe(before.orders);
    expect(after.duplicateOrders).toBe(0);
    expect(ordersFor(target.iccid)).toHaveLength(1);
    expect(ordersFor(target.iccid)[0]).toMatchObject({ accepted: true, duplicate: false });
  });

  it('the same key with a different request is a 409', async () => {
    const other = (await allCards({ platform: 'cmcc-onelink', status: 'ACTIVE' }))[1];
    await expectProblem('POST', '/v1/operations', 409, 'IDEMPOTENCY_CONFLICT', { body: { ...body(), iccids: [other.iccid] } });
    await expectProblem('POST', '/v1/operations', 409, 'IDEMPOTENCY_CONFLICT', { body: { ...body(), params: { reason: 'stolen' } } });
  });

  it('completes after the carrier delay; the card follows after a status sync, with history', async () => {
    await stack.sims.advanceClock(2 * 60_000);
    await stack.simgate.engine.runSweep('cmcc-main', 'orders');
    const op = await get(`/v1/operations/${opId}`);
    expect(op.json.state).toBe('COMPLETED');
    expect(op.json.items[0]).toMatchObject({ iccid: target.iccid, state: 'COMPLETED', error: null, completedAt: expect.any(String) });
    await stack.simgate.engine.runSweep('cmcc-main', 'status');
    const card = (await get(`/v1/cards/${target.iccid}`)).json;
    expect(card).toMatchObject({ status: 'SUSPENDED', suspendReason: 'MANUAL', suspendReasons: ['MANUAL'], recovery: { resumeAllowed: true } });
    const h = await get(`/v1/cards/${target.iccid}/history`);
    expect(h.status).toBe(200);
    expect(h.json.items[0]).toMatchObject({ status: 'SUSPENDED', suspendReason: 'MANUAL' });
    expect(h.json.items[0].rawStatus).toEqual(expect.any(String));
    expect(h.json.items[0].observedAt).toMatch(CN);
    expect(h.json.items.some((x: any) => x.status === 'ACTIVE')).toBe(true);
    // A replay after completion still answers the stored operation, not a validation error for the new state.
    const replay = await post('/v1/operations', body());
    expect({ status: replay.status, id: replay.json.id, replayed: replay.headers.get('idempotent-replayed') }).toEqual({ status: 202, id: opId, replayed: 'true' });
    expect(ordersFor(target.iccid)).toHaveLength(1);
  });

  it('a second change to the same OneLink card within its 30-minute cooldown is refused', async () => {
    await expectProblem('POST', '/v1/operations', 422, 'CARD_COOLDOWN', { body: { type: 'RESUME', iccids: [target.iccid], idempotencyKey: 'e2e-resume-cooldown' } });
  });

  it('refuses what the domain and the platforms do not allow', async () => {
    const nonManual = (await allCards({ status: 'SUSPENDED' })).find((c) => c.suspendReasons.length && !c.suspendReasons.includes('MANUAL' as never));
    expect(nonManual).toBeDefined();
    const r = await expectProblem('POST', '/v1/operations', 422, 'RESUME_NOT_ALLOWED', { body: { type: 'RESUME', iccids: [nonManual!.iccid], idempotencyKey: 'e2e-resume-bad' } });
    expect(r.json.items[0]).toMatchObject({ iccid: nonManual!.iccid, code: 'RESUME_NOT_ALLOWED' });
    const jasper = (await allCards({ platform: 'cucc-jasper', status: 'ACTIVE' }))[0];
    await expectProblem('POST', '/v1/operations', 422, 'OPERATION_NOT_SUPPORTED', { body: { type: 'REBIND', iccids: [jasper.iccid], params: { imei: '356938035643809' }, idempotencyKey: 'e2e-rebind' } });
    const intl = (await allCards({ platform: 'intl-1nce', status: 'INVENTORY' }))[0] ?? (await allCards({ platform: 'intl-1nce' }))[0];
    await expectProblem('POST', '/v1/operations', 422, 'OPERATION_NOT_SUPPORTED', { body: { type: 'ACTIVATE', iccids: [intl.iccid], idempotencyKey: 'e2e-activate-1nce' } });
    await expectProblem('POST', '/v1/operations', 422, 'INVALID_STATE', { body: { type: 'SUSPEND', iccids: [nonManual!.iccid], idempotencyKey: 'e2e-suspend-suspended' } });
    await expectProblem('POST', '/v1/operations', 422, 'CARDS_UNKNOWN', { body: { type: 'SUSPEND', iccids: [unknownIccid()], idempotencyKey: 'e2e-unknown' } });
    // None of these refusals reached a carrier.
    const counters = await stack.sims.counters();
    const jasperOrders = stack.local!.get<JasperSimulator>('cucc-jasper').counters.orders.filter((o) => o.key.startsWith(jasper.iccid));
    expect(jasperOrders).toHaveLength(0);
    expect(counters['intl-1nce'].orders).toBe(0);
  });

  it('validates the body: ICCIDs, enums, unknown fields, one target, ranges, limits, JSON, size', async () => {
    const iccid = target.iccid;
    const ok = { type: 'SUSPEND', iccids: [iccid], idempotencyKey: 'k-validate' };
    const bad: [string, unknown, string][] = [
      ['Luhn', { ...ok, iccids: [breakLuhn(iccid)] }, 'VALIDATION_FAILED'],
      ['short iccid', { ...ok, iccids: ['8986'] }, 'VALIDATION_FAILED'],
      ['iccid as number', { ...ok, iccids: [Number(iccid.slice(0, 15))] }, 'VALIDATION_FAILED'],
      ['empty iccids', { ...ok, iccids: [] }, 'VALIDATION_FAILED'],
      ['bad type', { ...ok, type: 'EXPLODE' }, 'VALIDATION_FAILED'],
      ['lower-case type', { ...ok, type: 'suspend' }, 'VALIDATION_FAILED'],
      ['unknown field', { ...ok, priority: 'high' }, 'VALIDATION_FAILED'],
      ['unknown param', { ...ok, params: { colour: 'red' } }, 'VALIDATION_FAILED'],
      ['no key', { type: 'SUSPEND', iccids: [iccid] }, 'VALIDATION_FAILED'],
      ['key with spaces', { ...ok, idempotencyKey: 'a b' }, 'VALIDATION_FAILED'],
      ['key too long', { ...ok, idempotencyKey: 'k'.repeat(129) }, 'VALIDATION_FAILED'],
      ['two targets', { ...ok, range: { from: iccid, to: iccid } }, 'VALIDATION_FAILED'],
      ['no target', { type: 'SUSPEND', idempotencyKey: 'k' }, 'VALIDATION_FAILED'],
      ['bad imei', { type: 'REBIND', iccids: [iccid], params: { imei: '12ab' }, idempotencyKey: 'k' }, 'VALIDATION_FAILED'],
      ['negative cap', { type: 'SET_USAGE_CAP', iccids: [iccid], params: { capMb: -1 }, idempotencyKey: 'k' }, 'VALIDATION_FAILED'],
      ['range non-digits', { type: 'ACTIVATE', range: { from: '8986abc', to: iccid }, idempotencyKey: 'k' }, 'INVALID_RANGE'],
      ['range bad Luhn', { type: 'ACTIVATE', range: { from: breakLuhn(iccid), to: iccid }, idempotencyKey: 'k' }, 'INVALID_RANGE'],
      ['range reversed', { type: 'ACTIVATE', range: { from: (await allCards({ platform: 'cmcc-onelink' }))[5].iccid, to: (await allCards({ platform: 'cmcc-onelink' }))[0].iccid }, idempotencyKey: 'k' }, 'INVALID_RANGE'],
      ['range too long a string', { type: 'ACTIVATE', range: { from: '8'.repeat(50), to: iccid }, idempotencyKey: 'k' }, 'VALIDATION_FAILED'],
      ['range unknown field', { type: 'ACTIVATE', range: { from: iccid, to: iccid, step: 2 }, idempotencyKey: 'k' }, 'VALIDATION_FAILED'],
      ['body is an array', [ok], 'VALIDATION_FAILED'],
      ['body is a string', 'SUSPEND', /MALFORMED_REQUEST|VALIDATION_FAILED/ as never],
    ];
    // The range from the first OneLink card to one far past the fleet's end: too many cards.
    const first = (await allCards({ platform: 'cmcc-onelink' }))[0].iccid;
    const far = (BigInt(first.slice(0, -1)) + 20_000n).toString();
    bad.push(['range too large', { type: 'SUSPEND', range: { from: first, to: far + luhnCheckDigit(far) }, idempotencyKey: 'k' }, 'RANGE_TOO_LARGE']);
    // A range that crosses ICCIDs no card has (past the fleet's end): not contiguous.
    const past = (BigInt(first.slice(0, -1)) + BigInt(CARDS + 5)).toString();
    bad.push(['range not contiguous', { type: 'SUSPEND', range: { from: first, to: past + luhnCheckDigit(past) }, idempotencyKey: 'k' }, 'RANGE_NOT_CONTIGUOUS']);
    // Two ranges of different platforms' ICCIDs (different prefixes and lengths) are not one range.
    const ctcc = (await allCards({ platform: 'ctcc-cmp' }))[0].iccid;
    bad.push(['range across prefixes', { type: 'SUSPEND', range: { from: first, to: ctcc }, idempotencyKey: 'k' }, /INVALID_RANGE|RANGE_NOT_CONTIGUOUS|RANGE_TOO_LARGE/ as never]);
    for (const [what, b, code] of bad) {
      const r = await call('POST', '/v1/operations', { body: b, badInput: true });
      expect({ what, status: r.status, code: r.json?.code }).toEqual({ what, status: 400, code: typeof code === 'string' ? code : expect.stringMatching(code) });
    }
    // Batch limit: more ICCIDs than one operation may name.
    const many = Array.from({ length: 10_001 }, () => iccid);
    await expectProblem('POST', '/v1/operations', 400, 'VALIDATION_FAILED', { body: { ...ok, iccids: many } });
    await expectProblem('POST', '/v1/operations', 400, 'MALFORMED_REQUEST', { raw: '{"type": "SUSPEND", ', contentType: 'application/json' });
    await expectProblem('POST', '/v1/operations', 400, 'VALIDATION_FAILED', { raw: '', contentType: 'application/json' });
    await expectProblem('POST', '/v1/operations', 413, 'PAYLOAD_TOO_LARGE', { raw: JSON.stringify({ ...ok, pad: 'x'.repeat(1_100_000) }), contentType: 'application/json' });
    await expectProblem('POST', '/v1/operations', 400, 'VALIDATION_FAILED', { raw: JSON.stringify(ok), contentType: 'text/plain' });
    await expectProblem('GET', `/v1/operations/${randomUUID()}`, 404, 'OPERATION_NOT_FOUND');
    await expectProblem('GET', '/v1/operations/42', 400, 'VALIDATION_FAILED');
    await expectProblem('GET', `/v1/operations/${opId}?verbose=1`, 400, 'VALIDATION_FAILED');
    // Nothing of the above was stored.
    const stored = await stack.simgate.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM operations WHERE idempotency_key = 'k' OR idempotency_key = 'k-validate'`);
    expect(stored.rows[0].n).toBe(0);
  });

  it('a range of known, contiguous cards is accepted and expanded', async () => {
    const inv = (await allCards({ platform: 'ctcc-cmp' })).filter((c) => c.status === 'ACTIVE');
    // Two neighbours in ICCID order whose numbers are consecutive.
    let pair: [StoredCard, StoredCard] | null = null;
    for (let i = 0; i + 1 < inv.length && !pair; i++) {
      if (BigInt(inv[i + 1].iccid.slice(0, -1)) - BigInt(inv[i].iccid.slice(0, -1)) === 1n) pair = [inv[i], inv[i + 1]];
    }
    expect(pair).not.toBeNull();
    const r = await post('/v1/operations', { type: 'SUSPEND', range: { from: pair![0].iccid, to: pair![1].iccid }, idempotencyKey: 'e2e-range' });
    expect(r.status).toBe(202);
    expect(r.json.items.map((i: any) => i.iccid)).toEqual([pair![0].iccid, pair![1].iccid]);
  });
});

describe('import', () => {
  it('imports an order list and reports rejected rows with their line numbers', async () => {
    const cmcc = (await allCards({ platform: 'cmcc-onelink' }))[0];
    const jasper = (await allCards({ platform: 'cucc-jasper' }))[0];
    const fresh = cmcc.iccid.slice(0, -3) + '99';
    const freshIccid = fresh + luhnCheckDigit(fresh);
    const csv = [
      'iccid,msisdn',
      `${cmcc.iccid},${cmcc.msisdn ?? ''}`, // 2: already known
      breakLuhn(cmcc.iccid), // 3: bad Luhn
      'not-an-iccid,123', // 4
      `${cmcc.iccid},${cmcc.msisdn ?? ''}`, // 5: duplicate in this file
      jasper.iccid, // 6: belongs to another account
      '', // 7: blank, skipped
      `${freshIccid},1440999999999`, // 8: new
      `${freshIccid.slice(0, -1)}${(Number(freshIccid.slice(-1)) + 5) % 10},1440999999998`, // 9: bad Luhn
    ].join('\n');
    const r = await call('POST', '/v1/accounts/cmcc-main/cards:import', { raw: csv, contentType: 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accountId: 'cmcc-main', inserted: 1, alreadyKnown: 1, accepted: 2, rejectedCount: 5, truncated: false });
    expect(r.json.rejected.map((x: any) => x.line)).toEqual([3, 4, 5, 6, 9]);
    expect(r.json.rejected.find((x: any) => x.line === 6).problem).toMatch(/another account/);
    expect(r.json.rejected.find((x: any) => x.line === 5).problem).toMatch(/duplicate/);
    const stored = await stack.simgate.store.cards.get(freshIccid);
    expect(stored).toMatchObject({ accountId: 'cmcc-main', platform: 'cmcc-onelink' });
    expect((await stack.simgate.store.cards.get(jasper.iccid))!.accountId).toBe('cucc-main');
  });

  // A list over 500,000 rows is truncated by its import job: test/e2e/imports.e2e-spec.ts.

  it('a CSV larger than the byte cap is a 413, not a 500', async () => {
    const huge = ' '.repeat(64 * 1024 * 1024 + 10);
    await expectProblem('POST', '/v1/accounts/intl-main/cards:import', 413, 'PAYLOAD_TOO_LARGE', { raw: huge, contentType: 'text/csv' });
  }, 30_000);

  it('refuses a wrong content type, an unknown account and bad parameters', async () => {
    await expectProblem('POST', '/v1/accounts/cmcc-main/cards:import', 415, 'UNSUPPORTED_MEDIA_TYPE', { body: { iccid: '1' } });
    await expectProblem('POST', '/v1/accounts/cmcc-main/cards:import', 415, 'UNSUPPORTED_MEDIA_TYPE', { raw: 'iccid\n', contentType: 'application/octet-stream' });
    await expectProblem('POST', '/v1/accounts/cmcc-main/cards:import', 415, 'UNSUPPORTED_MEDIA_TYPE', { key: KEY });
    await expectProblem('POST', '/v1/accounts/nobody/cards:import', 404, 'ACCOUNT_NOT_FOUND', { raw: 'iccid\n', contentType: 'text/csv' });
    await expectProblem('POST', `/v1/accounts/${'x'.repeat(100)}/cards:import`, 400, 'VALIDATION_FAILED', { raw: 'iccid\n', contentType: 'text/csv' });
    await expectProblem('POST', '/v1/accounts/cmcc-main/cards:import?dryRun=1', 400, 'VALIDATION_FAILED', { raw: 'iccid\n', contentType: 'text/csv' });
  });
});

describe('what every response showed', () => {
  it('no bad input answered 500, and nothing answered 5xx at all', () => {
    expect(recorded.filter((r) => r.badInput).length).toBeGreaterThan(100);
    expect(recorded.filter((r) => r.status >= 500).map((r) => `${r.method} ${r.path} ${r.status} ${r.text.slice(0, 200)}`)).toEqual([]);
    for (const r of recorded.filter((x) => x.badInput)) {
      expect({ path: r.path, json: r.contentType }).toEqual({ path: r.path, json: expect.stringMatching(/^application\/problem\+json/) });
    }
  });

  it('no response carries a credential of the accounts file', () => {
    const file = JSON.parse(fs.readFileSync(stack.accountsFile, 'utf8')) as { accounts: { credentials: Record<string, string> }[] };
    const secrets = file.accounts.flatMap((a) => Object.values(a.credentials)).filter((v) => typeof v === 'string' && v.length >= 4);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    // The scan would see them: the accounts route was called and answered.
    expect(recorded.some((r) => r.path === '/v1/accounts' && r.status === 200)).toBe(true);
    const leaks: string[] = [];
    for (const r of recorded) {
      for (const s of secrets) if (r.text.includes(s) || r.headers.includes(s)) leaks.push(`${r.method} ${r.path}: ${s.slice(0, 2)}…`);
    }
    expect(leaks).toEqual([]);
    expect(recorded.some((r) => r.text.includes(KEY) || r.text.includes(METRICS_TOKEN))).toBe(false);
  });
});
