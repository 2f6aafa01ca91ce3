/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here and asserted field by field */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { startStack, type Stack } from '../support/stack';
import { typedApi } from '../support/typed-api';

/**
 * Imports as jobs (issue 14): a 500,000-row order list answers 202 with a job that is followed to its end over
 * HTTP (counts, the rejected rows as CSV); a job queued when its process stopped runs in the next one. On
 * PostgreSQL when DATABASE_URL is set (as CI runs it), else on PGlite; the simulators over real HTTP.
 */
const KEY = 'imports-key';
const DB = process.env.DATABASE_URL ?? null;

/** A valid ICCID: 19 digits, 89 prefix, Luhn check digit. */
function iccidOf(n: number): string {
  const body = `8986${String(n).padStart(14, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const breakLuhn = (iccid: string) => iccid.slice(0, -1) + String((Number(iccid.slice(-1)) + 1) % 10);

async function gateway(stack: Stack, importSyncMaxRows?: number): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createGateway(stack.simgate, { apiKeys: [KEY], metricsToken: null, worker: false, contractCheck: true, ...(importSyncMaxRows !== undefined ? { importSyncMaxRows } : {}) });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

async function call(url: string, method: string, path: string, body?: string): Promise<{ status: number; type: string; text: string; json: any; location: string | null }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body !== undefined ? { 'content-type': 'text/csv' } : {}) },
    body,
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, json: type.includes('json') ? JSON.parse(text) : null, location: res.headers.get('location') };
}

/** Polls the job (typed by the client generated from the served document) until it has ended; its counters never go back. */
async function follow(url: string, id: string, timeoutMs: number) {
  const api = typedApi(() => url, KEY);
  const until = Date.now() + timeoutMs;
  const states: string[] = [];
  let prev = { rowsRead: 0, accepted: 0, rejectedCount: 0 };
  for (;;) {
    const r = await api.get('/v1/imports/{id}', { path: { id } });
    expect(r.status).toBe(200);
    const j = r.json;
    if (states[states.length - 1] !== j.state) states.push(j.state);
    expect(j.rowsRead).toBe(j.accepted + j.rejectedCount);
    expect(j.rowsRead).toBeGreaterThanOrEqual(prev.rowsRead);
    expect(j.accepted).toBeGreaterThanOrEqual(prev.accepted);
    expect(j.rejectedCount).toBeGreaterThanOrEqual(prev.rejectedCount);
    prev = j;
    if (j.state === 'completed' || j.state === 'failed') return { last: j, states };
    if (Date.now() > until) throw new Error(`import ${id} not done after ${timeoutMs} ms: ${r.text}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('imports as jobs (end to end)', () => {
  let stack: Stack;
  let url: string;
  let app: NestExpressApplication;

  beforeAll(async () => {
    stack = await startStack({ cards: 20, databaseUrl: DB });
    ({ app, url } = await gateway(stack));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  it('a list of at most the threshold is still imported within its request (200, the report)', async () => {
    const rows = ['iccid,msisdn', ...Array.from({ length: 1000 }, (_, i) => iccidOf(9_000_000 + i))].join('\n');
    const r = await call(url, 'POST', '/v1/accounts/intl-main/cards:import', rows);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accountId: 'intl-main', accepted: 1000, inserted: 1000, rejectedCount: 0, truncated: false });
  });

  it('500,000 rows: 202 with a job, followed to its end; counts and the rejected rows as CSV', async () => {
    const sg = stack.simgate;
    // Cards already known: 7 in this account, 3 in another one (not moved: rejected).
    const mine = Array.from({ length: 7 }, (_, i) => ({ iccid: iccidOf(10 + i) }));
    const theirs = Array.from({ length: 3 }, (_, i) => ({ iccid: iccidOf(100 + i) }));
    await sg.store.cards.importRefs({ accountId: 'intl-main', platform: 'intl-1nce', carrier: sg.runtime.get('intl-main').manifest.carrier }, mine, new Date());
    await sg.store.cards.importRefs({ accountId: 'cucc-main', platform: 'cucc-jasper', carrier: sg.runtime.get('cucc-main').manifest.carrier }, theirs, new Date());
    const lines = ['iccid,msisdn'];
    const expectRejected = new Map<number, RegExp>();
    for (let i = 0; i < 500_000; i++) {
      const line = lines.length + 1;
      if (i % 10_000 === 5) {
        lines.push(`${breakLuhn(iccidOf(i))},8613800000000`);
        expectRejected.set(line, /,"?iccid: /);
      } else if (i % 100_000 === 7) {
        lines.push(`${iccidOf(i - 1)}`); // the row before's ICCID again
        expectRejected.set(line, /duplicate/);
      } else if (i === 250_000) {
        lines.push(`=HYPERLINK("x"),1`); // a formula: rejected, and neutralised in the CSV
        expectRejected.set(line, /,"?iccid: /);
      } else {
        lines.push(i % 3 === 0 ? `${iccidOf(i)},86138${String(i).padStart(8, '0')}` : iccidOf(i));
      }
    }
    for (let i = 0; i < 3; i++) expectRejected.set(2 + 100 + i, /another account/);
    const body = lines.join('\r\n') + '\r\n';
    const posted = await call(url, 'POST', '/v1/accounts/intl-main/cards:import', body);
    expect(posted.status).toBe(202);
    expect(posted.location).toBe(`/v1/imports/${posted.json.id}`);
    expect(posted.json).toMatchObject({ accountId: 'intl-main', state: 'queued', rowsTotal: 500_000, rowsRead: 0, truncated: false });

    const { last, states } = await follow(url, posted.json.id, 240_000);
    expect(states[states.length - 1]).toBe('completed');
    expect(states.every((s) => ['queued', 'running', 'completed'].includes(s))).toBe(true);
    const rejected = expectRejected.size;
    expect(last).toMatchObject({
      state: 'completed',
      rowsTotal: 500_000,
      rowsRead: 500_000,
      rejectedCount: rejected,
      accepted: 500_000 - rejected,
      inserted: 500_000 - rejected - 7,
      alreadyKnown: 7,
      error: null,
    });
    expect(Date.parse(last.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(last.startedAt!));

    const csv = await call(url, 'GET', `/v1/imports/${posted.json.id}/rejected`);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const out = csv.text.trimEnd().split('\n');
    expect(out[0]).toBe('line,value,problem');
    const got = out.slice(1).map((l) => ({ line: Number(l.slice(0, l.indexOf(','))), rest: l.slice(l.indexOf(',') + 1) }));
    expect(got.map((g) => g.line)).toEqual([...expectRejected.keys()].sort((a, b) => a - b));
    for (const g of got) expect(g.rest).toMatch(expectRejected.get(g.line)!);
    // The formula row is written as text that a spreadsheet does not evaluate.
    const formula = got.find((g) => g.rest.includes('HYPERLINK'))!;
    expect(formula.rest.startsWith(`"'=HYPERLINK`)).toBe(true);

    // What the job wrote: the account's cards, the foreign ones left where they were.
    const count = await sg.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cards WHERE account_id = 'intl-main'`);
    expect(count.rows[0].n).toBe(1000 + 500_000 - rejected);
    expect((await sg.store.cards.get(iccidOf(101)))!.accountId).toBe('cucc-main');
    const msisdn = await sg.store.cards.get(iccidOf(3));
    expect(msisdn!.msisdn).toBe('8613800000003');
  }, 300_000);

  it('500,005 rows: the job reads 500,000 and says the list was truncated', async () => {
    const r = await call(url, 'POST', '/v1/accounts/intl-main/cards:import', 'x\n'.repeat(500_005));
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ rowsTotal: 500_000, truncated: true, maxRows: 500_000 });
    const { last } = await follow(url, r.json.id, 240_000);
    expect(last).toMatchObject({ state: 'completed', rowsRead: 500_000, accepted: 0, inserted: 0, rejectedCount: 500_000, truncated: true });
  }, 300_000);

  it('an unknown import is a 404 problem; a malformed id a 400', async () => {
    const missing = await call(url, 'GET', '/v1/imports/imp_00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'IMPORT_NOT_FOUND' });
    const bad = await call(url, 'GET', '/v1/imports/nope/rejected');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('an import queued when its process stopped', () => {
  // On Bull when REDIS_URL is set (both processes on one queue: the job waits in Redis, and the next process's
  // start-up queues it again from the store without running it twice), else on the embedded queue (the job is
  // gone with the process: the store's record brings it back).
  const REDIS = process.env.REDIS_URL ?? null;
  const env = { SIMGATE_REDIS_PREFIX: `imp${Date.now().toString(36)}` };

  it('runs in the next process (the job is in the store, not only in the queue)', async () => {
    if (!DB) return; // PGlite in memory does not outlive its process: the restart needs PostgreSQL (CI sets DATABASE_URL)
    const first = await startStack({ cards: 20, databaseUrl: DB, redisUrl: REDIS, env, worker: false });
    const gw = await gateway(first, 10);
    // The carrier's own cards: the status sweep queued once they are imported reads them in a few seconds (Bull's
    // close waits for a running job).
    const sim = first.local!.all.find((x) => x.platform === 'intl-1nce')! as unknown as { fleet: { iccidWithLuhnOf(i: number): string } };
    const list = Array.from({ length: 20 }, (_, i) => sim.fleet.iccidWithLuhnOf(i)).join('\n');
    const posted = await call(gw.url, 'POST', '/v1/accounts/intl-main/cards:import', list);
    expect(posted.status).toBe(202);
    expect(posted.json).toMatchObject({ state: 'queued', rowsTotal: 20 });
    await gw.app.close();
    await first.close();

    const second = await startStack({ cards: 20, databaseUrl: DB, redisUrl: REDIS, env, schema: first.schema!, worker: true });
    const gw2 = await gateway(second, 10);
    try {
      const { last } = await follow(gw2.url, posted.json.id, 60_000);
      expect(last).toMatchObject({ state: 'completed', rowsRead: 20, accepted: 20, inserted: 20, rejectedCount: 0, attempts: 1 });
    } finally {
      await gw2.app.close();
      await second.close();
    }
  }, 120_000);
});
