import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { EVENT_TYPES, OperationState, OperationType } from '@simgate/core';
import { SimClock } from '@simgate/mocks';
import { oneLinkGroupIds, type OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { startStack, waitForFullSync, type Stack } from '../support/stack';
import { typedApi } from '../support/typed-api';

/**
 * Issue 14 (the API contract) end to end: the four simulators over HTTP, an embedded Simgate after a full sync,
 * the gateway with the contract check on (every answer parsed with its route's zod response schema, every
 * problem code declared). The document: every route has its schemas, it lints clean, and the client generated
 * from it is the one the typed calls below are checked against. Then the operations list (an in-doubt one among
 * them), pools and members by cursor, unknown-filter 400s and the CSV export read back.
 */
const CARDS = 60;
const SEED = 6;
const NOW = '2026-11-20T10:00:00+08:00';
const KEY = 'sg_contract_key_0123456789';
const ROOT = path.join(__dirname, '../..');
const TYPES_FILE = path.join(ROOT, 'test/support/api-types.ts');

let stack: Stack;
let app: NestExpressApplication;
let base = '';
const api = typedApi(() => base, KEY);

beforeAll(async () => {
  const clock = SimClock.fixed(NOW);
  stack = await startStack({
    cards: CARDS,
    seed: SEED,
    clock,
    quotaFactor: 10,
    accountOptions: (sims) => ({ 'cmcc-main': { groupIds: oneLinkGroupIds(sims.get<OneLinkSimulator>('cmcc-onelink').fleet) } }),
  });
  await stack.simgate.scheduler.kickOff();
  await waitForFullSync(stack.simgate);
  app = await createGateway(stack.simgate, { apiKeys: [KEY], metricsToken: null, worker: false, now: () => clock.now(), contractCheck: true });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  (app?.getHttpServer() as import('node:http').Server | undefined)?.closeAllConnections();
  await app?.close();
  await stack?.close();
});

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is walked as plain JSON */
async function document(): Promise<any> {
  const r = await fetch(`${base}/docs/openapi.json`);
  expect(r.status).toBe(200);
  return r.json();
}

describe('the OpenAPI document', () => {
  it('gives every route its parameters, request body, responses and problem codes', async () => {
    const doc = await document();
    const ops: [string, string, any][] = Object.entries(doc.paths).flatMap(([p, item]: [string, any]) =>
      Object.entries(item).map(([m, op]) => [p, m, op] as [string, string, any]),
    );
    expect(ops.length).toBeGreaterThanOrEqual(28);
    for (const [p, m, op] of ops) {
      const where = `${m.toUpperCase()} ${p}`;
      for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1])) {
        const param = op.parameters.find((x: any) => x.in === 'path' && x.name === name);
        expect({ where, name, schema: param?.schema !== undefined }).toEqual({ where, name, schema: true });
      }
      const statuses = Object.keys(op.responses).map(Number);
      expect({ where, success: statuses.some((s) => s >= 200 && s < 300) }).toEqual({ where, success: true });
      for (const s of statuses) {
        const r = op.responses[s];
        if (s === 204) continue;
        if (s >= 400 && r.content?.['application/problem+json']) {
          const schema = r.content?.['application/problem+json']?.schema;
          expect({ where, s, codes: schema?.properties?.code?.enum?.length > 0 }).toEqual({ where, s, codes: true });
          expect(Object.keys(r.content['application/problem+json'].examples)).toEqual(schema.properties.code.enum);
        } else {
          const content = Object.values(r.content ?? {}) as any[];
          expect({ where, s, schema: content.length > 0 && content.every((c) => c.schema !== undefined) }).toEqual({ where, s, schema: true });
        }
      }
      // Every route refuses bad input with VALIDATION_FAILED; /v1 routes need the key.
      expect(op.responses[400].content['application/problem+json'].schema.properties.code.enum).toContain('VALIDATION_FAILED');
      if (p.startsWith('/v1')) expect(op.responses[401].content['application/problem+json'].schema.properties.code.enum).toEqual(['AUTH_MISSING', 'AUTH_INVALID']);
    }
    for (const [p, m] of [['/v1/operations', 'post'], ['/v1/webhooks', 'post'], ['/v1/sync', 'post'], ['/v1/accounts/{id}/cards:import', 'post']]) {
      expect({ p, body: Object.values(doc.paths[p][m].requestBody.content).every((c: any) => c.schema) }).toEqual({ p, body: true });
    }
    // The new routes, with their filters.
    const list = doc.paths['/v1/operations'].get.parameters;
    expect(list.find((x: any) => x.name === 'state').schema.enum).toEqual([...Object.values(OperationState), 'IN_DOUBT']);
    expect(list.map((x: any) => x.name)).toEqual(['state', 'type', 'account', 'since', 'limit', 'cursor']);
    expect(doc.paths['/v1/pools/{id}/members'].get.parameters.map((x: any) => x.name)).toEqual(['id', 'limit', 'cursor']);
    expect(doc.paths['/v1/cards'].get.responses[400].content['application/problem+json'].schema.properties.code.enum).toEqual(
      expect.arrayContaining(['UNKNOWN_PLATFORM', 'UNKNOWN_ACCOUNT', 'INVALID_CURSOR']),
    );
    // The events' payloads stay in the document (issue 13): one schema per type, told apart by `type`.
    for (const t of EVENT_TYPES) {
      const s = doc.components.schemas[`Event_${t.replace(/\./g, '_')}`];
      expect({ t, type: s?.properties?.type?.enum }).toEqual({ t, type: [t] });
      expect(s.properties.data.type).toBe('object');
    }
    expect(doc.components.schemas.Event.oneOf).toHaveLength(EVENT_TYPES.length);
  });

  it('passes the Redocly recommended rules with no error (offline)', async () => {
    const source = JSON.stringify(await document());
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config: await createConfig({ extends: ['recommended'] }) });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it('generates the TypeScript client the typed end-to-end calls are checked against (test/support/api-types.ts)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-types-'));
    try {
      fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(await document()));
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), path.join(dir, 'openapi.json'), '-o', path.join(dir, 'api-types.ts')], { stdio: 'pipe' });
      const generated = fs.readFileSync(path.join(dir, 'api-types.ts'), 'utf8');
      if (process.env.UPDATE_API_TYPES === '1') fs.writeFileSync(TYPES_FILE, generated);
      // Regenerate with UPDATE_API_TYPES=1 when the API changes; `npm run typecheck` then checks every typed call.
      expect(generated).toBe(fs.readFileSync(TYPES_FILE, 'utf8'));
      expect(generated).toContain('"/v1/operations": {');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /v1/operations', () => {
  it('lists operations newest first by state (IN_DOUBT included), type, account and time, paged by cursor', async () => {
    const cards = (await api.get('/v1/cards', { query: { status: 'ACTIVE', platform: 'cmcc-onelink', limit: 2 } })).json.items;
    expect(cards).toHaveLength(2);
    // One submitted through the API (its worker sends it), one whose send's outcome is unknown: marked in doubt
    // the way the engine marks a send whose sender is gone (SUBMITTED, no receipt, no error).
    const sent = await api.post('/v1/operations', { body: { type: OperationType.SUSPEND, iccids: [cards[0].iccid], idempotencyKey: 'contract-suspend-1', params: {} } });
    expect(sent.status).toBe(202);
    const at = new Date(Date.parse(NOW) + 1000);
    const { operation: doubtful } = await stack.simgate.store.operations.create(
      { idempotencyKey: 'contract-doubt-1', type: OperationType.RESUME, params: {}, items: [{ iccid: cards[1].iccid, accountId: cards[1].accountId, state: OperationState.SUBMITTED }] },
      at,
    );
    expect(await stack.simgate.store.operations.markInDoubt(doubtful.id, [cards[1].iccid], at, { inDoubt: true, reason: 'the sender stopped before the carrier answered' })).toBe(1);

    const inDoubt = await api.get('/v1/operations', { query: { state: 'IN_DOUBT' } });
    expect(inDoubt.status).toBe(200);
    expect(inDoubt.json.items.map((o) => o.id)).toEqual([doubtful.id]);
    expect(inDoubt.json.items[0]).toMatchObject({ type: 'RESUME', state: 'SUBMITTED', inDoubtItems: 1, itemCount: 1, accounts: [cards[1].accountId] });
    expect(inDoubt.json.nextCursor).toBeNull();
    const one = await api.get('/v1/operations/{id}', { path: { id: doubtful.id } });
    expect(one.json.items[0]).toMatchObject({ iccid: cards[1].iccid, state: 'SUBMITTED', inDoubt: true });

    // Newest first (the in-doubt one was created a second later), one a page.
    const first = await api.get('/v1/operations', { query: { limit: 1 } });
    expect(first.json.items.map((o) => o.id)).toEqual([doubtful.id]);
    expect(first.json.nextCursor).not.toBeNull();
    const second = await api.get('/v1/operations', { query: { limit: 1, cursor: first.json.nextCursor! } });
    expect(second.json.items.map((o) => o.id)).toEqual([sent.json.id]);
    expect(second.json.items[0].inDoubtItems).toBe(0);
    const third = await api.get('/v1/operations', { query: { limit: 1, cursor: second.json.nextCursor ?? undefined } });
    expect(second.json.nextCursor === null || third.json.items.length === 0).toBe(true);

    expect((await api.get('/v1/operations', { query: { type: 'SUSPEND' } })).json.items.map((o) => o.id)).toEqual([sent.json.id]);
    expect((await api.get('/v1/operations', { query: { account: cards[1].accountId } })).json.items.map((o) => o.id)).toEqual([doubtful.id, sent.json.id]);
    expect((await api.get('/v1/operations', { query: { since: new Date(at.getTime() + 1).toISOString() } })).json.items).toEqual([]);
    expect((await api.get('/v1/operations', { query: { since: at.toISOString() } })).json.items.map((o) => o.id)).toEqual([doubtful.id]);

    const badCursor = await api.get('/v1/operations', { query: { cursor: 'bm90LWEtY3Vyc29y' } });
    expect([badCursor.status, badCursor.problem.code]).toEqual([400, 'INVALID_CURSOR']);
    const badState = await api.raw('/v1/operations?state=MAYBE');
    expect([badState.status, (badState.json as any).code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('pools and members by cursor', () => {
  it('GET /v1/pools pages through every pool; a pool\'s members page in ICCID order', async () => {
    const stored = await stack.simgate.store.pools.list();
    // The seeded fleet has one pool: paging by one still has to end with a null cursor after it.
    expect(stored.length).toBeGreaterThanOrEqual(1);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await api.get('/v1/pools', { query: { limit: 1, cursor } });
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.json.items.map((p) => p.id));
      if (!page.json.nextCursor) break;
      cursor = page.json.nextCursor;
    }
    expect(seen).toEqual(stored.map((p) => `${p.accountId}:${p.poolId}`));
    const byAccount = await api.get('/v1/pools', { query: { account: stored[0].accountId, limit: 1000 } });
    expect(byAccount.json.items.every((p) => p.accountId === stored[0].accountId)).toBe(true);

    // The pool with the most members.
    const counts = await Promise.all(stored.map(async (p) => ({ p, n: (await stack.simgate.store.pools.members(p.accountId, p.poolId)).length })));
    const { p: big, n } = counts.sort((a, b) => b.n - a.n)[0];
    expect(n).toBeGreaterThan(2);
    const id = `${big.accountId}:${big.poolId}`;
    const members: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < n; i++) {
      const page = await api.get('/v1/pools/{id}/members', { path: { id }, query: { limit: 2, cursor: after } });
      expect(page.status).toBe(200);
      members.push(...page.json.items.map((m) => m.iccid));
      if (!page.json.nextCursor) break;
      after = page.json.nextCursor;
    }
    const known = new Set((await stack.simgate.store.cards.getMany(await stack.simgate.store.pools.members(big.accountId, big.poolId))).map((c) => c.iccid));
    expect(members).toEqual([...known].sort());
    const whole = await api.get('/v1/pools/{id}', { path: { id } });
    expect(whole.json.members.map((m) => m.iccid)).toEqual(members);
    expect(whole.json.membersNextCursor).toBeNull();
    const bad = await api.get('/v1/pools/{id}/members', { path: { id }, query: { cursor: 'Zm9v' } });
    expect([bad.status, bad.problem.code]).toEqual([400, 'INVALID_CURSOR']);
  });
});

describe('filters naming an unknown platform or account', () => {
  it('answer 400 with the known values on every list route', async () => {
    const platforms = stack.simgate.registry.manifests().map((m) => m.id).sort();
    const accounts = stack.simgate.accounts.map((a) => a.id).sort();
    const cases: [string, string, string[]][] = [
      ['/v1/cards?platform=no-such-platform', 'UNKNOWN_PLATFORM', platforms],
      ['/v1/cards?account=no-such-account', 'UNKNOWN_ACCOUNT', accounts],
      ['/v1/cards:export?platform=no-such-platform', 'UNKNOWN_PLATFORM', platforms],
      ['/v1/cards:export?account=no-such-account', 'UNKNOWN_ACCOUNT', accounts],
      ['/v1/pools?platform=no-such-platform', 'UNKNOWN_PLATFORM', platforms],
      ['/v1/pools?account=no-such-account', 'UNKNOWN_ACCOUNT', accounts],
      ['/v1/operations?account=no-such-account', 'UNKNOWN_ACCOUNT', accounts],
      ['/v1/events?account=no-such-account', 'UNKNOWN_ACCOUNT', accounts],
    ];
    for (const [p, code, known] of cases) {
      const r = await api.raw(p);
      expect({ p, status: r.status, type: r.headers.get('content-type'), code: r.problem?.code, known: r.problem?.known }).toEqual({
        p,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
        code,
        known,
      });
      expect(r.problem.detail).toContain(known[0]);
    }
    const ok = await api.get('/v1/cards', { query: { platform: 'cmcc-onelink', limit: 1 } });
    expect([ok.status, ok.json.items[0]?.platform]).toEqual([200, 'cmcc-onelink']);
  });
});

/** A CSV line's cells (RFC 4180 quoting). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

describe('the CSV export', () => {
  it('writes numbers as numbers: negative remainders read back as the API\'s figures', async () => {
    // A card 5 MiB over its quota in its current cycle (as a usage sweep would store it).
    const active = (await api.get('/v1/cards', { query: { status: 'ACTIVE', limit: 1000 } })).json.items.filter((c) => c.usage?.quotaBytes);
    const now = (await stack.simgate.store.usage.current([active[0].iccid])).get(active[0].iccid)!;
    await stack.simgate.store.usage.upsertCycles(
      [{ iccid: active[0].iccid, usedBytes: now.quotaBytes! + 5_242_880, quotaBytes: now.quotaBytes, remainingBytes: -5_242_880, cycleStart: now.cycleStart, cycleEnd: now.cycleEnd, asOf: new Date(now.asOf.getTime() + 60_000) }],
      new Date(now.asOf.getTime() + 60_000),
    );
    const r = await fetch(`${base}/v1/cards:export`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(r.status).toBe(200);
    const [header, ...rows] = (await r.text()).trimEnd().split('\n').map(cells);
    const col = (name: string) => header.indexOf(name);
    expect(rows).toHaveLength(await stack.simgate.store.cards.count());
    const negative = rows.filter((c) => c[col('remainingBytes')].startsWith('-') || c[col('remainingBytes')].startsWith("'-"));
    expect(negative.length).toBeGreaterThan(0);
    for (const c of negative) {
      const cell = c[col('remainingBytes')];
      expect(cell).toMatch(/^-\d+$/);
      const card = (await api.get('/v1/cards/{iccid}', { path: { iccid: c[col('iccid')] } })).json;
      expect(Number(cell)).toBe(card.usage!.remainingBytes);
      expect(Number(c[col('usedBytes')])).toBe(card.usage!.usedBytes);
    }
  });
});
