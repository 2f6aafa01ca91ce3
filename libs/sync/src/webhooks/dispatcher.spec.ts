import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pino from 'pino';
import { Webhook } from 'standardwebhooks';
import type { EventDraft } from '@simgate/core';
import { Cursor, Store } from '@simgate/store';
import { backends } from '../../../../test/support/backends';
import { SimgateMetrics } from '../metrics';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher';

/**
 * Webhook deliveries end to end over loopback HTTP: the repository's fan-out, claims and attempts with the
 * dispatcher's signed POSTs, against a receiver that verifies every signature with standardwebhooks.
 */

interface Received {
  path: string;
  id: string;
  timestamp: number;
  body: { id: string; type: string; timestamp: string; position: string; accountId: string | null; subject: string | null; data: Record<string, unknown> };
  verified: boolean;
}

/** Answers per request: a status, or 'hang' (never answers until `release`). */
type Answer = (r: Received, seen: number) => number | 'hang';

async function startReceiver() {
  const secrets = new Map<string, string>();
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  let answer: Answer = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) };
      let verified = false;
      try {
        new Webhook(secrets.get(path) ?? 'whsec_AAAA').verify(raw, headers);
        verified = true;
      } catch {
        verified = false;
      }
      const r: Received = { path, id: headers['webhook-id'], timestamp: Number(headers['webhook-timestamp']), body: JSON.parse(raw), verified };
      received.push(r);
      const a = verified ? answer(r, received.filter((x) => x.id === r.id && x.path === r.path).length) : 401;
      if (a === 'hang') held.push(res);
      else res.writeHead(a, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    secrets,
    received,
    set answer(a: Answer) {
      answer = a;
    },
    held,
    countById(path: string) {
      const m = new Map<string, number>();
      for (const r of received) if (r.path === path) m.set(r.id, (m.get(r.id) ?? 0) + 1);
      return m;
    },
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const draft = (n: number, over: Partial<EventDraft> = {}): EventDraft => ({
  type: 'card.added',
  accountId: 'acc-1',
  subject: `8986000000000000${String(n).padStart(3, '0')}`,
  occurredAt: new Date('2026-11-20T02:00:00Z'),
  data: { n },
  ...over,
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(backends())('webhooks on $name', (backend) => {
  let store: Store;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  const dispatchers: WebhookDispatcher[] = [];
  const dispatcher = (o: Partial<WebhookDispatcherOptions> = {}, s: Store = store) => {
    const d = new WebhookDispatcher(s, { retrySeconds: [0.1, 0.1, 0.1], timeoutMs: 5_000, idleMs: 30, ...o });
    dispatchers.push(d);
    return d;
  };
  let n = 0;
  /** A webhook on its own receiver path. */
  const hook = async (types: string[] = ['*'], accounts: string[] | null = null) => {
    const path = `/h${++n}`;
    const w = await store.webhooks.create({ url: rx.url(path), types, accounts, description: null }, 1000);
    rx.secrets.set(path, w.secret);
    return { ...w, path };
  };

  beforeAll(async () => {
    store = await backend.open();
    rx = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    rx.answer = () => 200;
    // Webhooks of a finished test stop taking events.
    for (const w of await store.webhooks.list()) await store.webhooks.delete(w.id);
  });
  afterAll(async () => {
    await rx.close();
    await store.close();
  });

  it('delivers each event once per id, signed, with the feed envelope; none from before the webhook', async () => {
    await store.events.write([draft(0)]);
    const w = await hook();
    expect(w.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    await store.events.write(Array.from({ length: 30 }, (_, i) => draft(i + 1)));
    const d = dispatcher();
    await d.drain();
    const got = rx.received.filter((r) => r.path === w.path);
    expect(got).toHaveLength(30);
    expect(got.every((r) => r.verified)).toBe(true);
    expect(new Set(got.map((r) => r.id)).size).toBe(30);
    expect([...rx.countById(w.path).values()].every((c) => c === 1)).toBe(true);
    const first = got.find((r) => r.body.data.n === 1)!;
    expect(first.id).toBe(first.body.id);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^evt_\d+$/),
      type: 'card.added',
      timestamp: '2026-11-20T02:00:00.000Z',
      position: expect.any(String),
      accountId: 'acc-1',
      subject: '8986000000000000001',
      data: { n: 1 },
    });
    expect(Math.abs(first.timestamp - Date.now() / 1000)).toBeLessThan(60);
    // The feed carries the same ids and positions.
    const feed = await store.events.read({ after: null, types: ['card.added'], limit: 100 });
    const byId = new Map(feed.events.map((e) => [e.id, e.position]));
    for (const r of got) expect(byId.get(r.id)).toBe(r.body.position);
    // Nothing more to send: another round sends nothing.
    await d.drain();
    expect(rx.received.filter((r) => r.path === w.path)).toHaveLength(30);
    const deliveries = await store.webhooks.deliveries(w.id, 100);
    expect(deliveries).toHaveLength(30);
    expect(deliveries.every((x) => x.state === 'delivered' && x.attempts === 1 && x.attemptLog.length === 1 && x.attemptLog[0].status === 200)).toBe(true);
  });

  it('filters by type and by account (events about no account pass the account filter)', async () => {
    const byType = await hook(['sync.late']);
    const byAccount = await hook(['*'], ['acc-2']);
    await store.events.write([
      draft(1),
      draft(2, { accountId: 'acc-2' }),
      draft(3, { type: 'sync.late', accountId: 'acc-1', subject: 'acc-1/status' }),
      draft(4, { type: 'webhook.disabled', accountId: null, subject: 'wh_x' }),
    ]);
    await dispatcher().drain();
    expect(rx.received.filter((r) => r.path === byType.path).map((r) => r.body.data.n)).toEqual([3]);
    expect(rx.received.filter((r) => r.path === byAccount.path).map((r) => r.body.data.n).sort()).toEqual([2, 4]);
  });

  it('retries a failing endpoint with the same webhook-id until it answers 2xx, then clears failing_since', async () => {
    const w = await hook();
    rx.answer = (r, seen) => (r.path === w.path && seen <= 3 ? 500 : 200);
    await store.events.write([draft(1)]);
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    const d = dispatcher({ retrySeconds: [0.1, 0.2, 0.1, 60], metrics });
    d.start();
    await until('the 4th attempt', () => rx.received.filter((r) => r.path === w.path).length >= 4);
    await d.stop();
    const got = rx.received.filter((r) => r.path === w.path);
    expect(got).toHaveLength(4);
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    expect(got.every((r) => r.verified)).toBe(true);
    // Backoff: the retries are spaced by the schedule (0.1 s, 0.2 s, 0.1 s).
    const [x] = await store.webhooks.deliveries(w.id);
    expect(x).toMatchObject({ state: 'delivered', attempts: 4, lastStatus: 200, lastError: null });
    expect(x.attemptLog.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    expect(x.attemptLog[2].at.getTime() - x.attemptLog[1].at.getTime()).toBeGreaterThanOrEqual(190);
    expect((await store.webhooks.get(w.id))!.failingSince).toBeNull();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/simgate_webhook_deliveries_total\{outcome="failed"\} 3/);
    expect(text).toMatch(/simgate_webhook_deliveries_total\{outcome="delivered"\} 1/);
    expect(text).toMatch(/simgate_webhook_delivery_lag_seconds_count 1/);
  });

  it('keeps failing_since while the endpoint fails', async () => {
    const w = await hook();
    rx.answer = (r) => (r.path === w.path ? 503 : 200);
    await store.events.write([draft(1)]);
    await dispatcher({ retrySeconds: [3600] }).drain();
    const after = await store.webhooks.get(w.id);
    expect(after!.failingSince).toBeInstanceOf(Date);
    expect(after!.disabledAt).toBeNull();
    const [x] = await store.webhooks.deliveries(w.id);
    expect(x).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 503 });
    expect(x.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('two dispatchers over the same database deliver each event exactly once', async () => {
    const w = await hook();
    // A second store on the same database (PostgreSQL: another pool on the same schema).
    let other: Store = store;
    if (backend.name === 'postgres') {
      const schema = (await store.db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
      other = await Store.open({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: 4 });
    }
    try {
      rx.answer = () => 200;
      const a = dispatcher({ concurrency: 4 });
      const b = dispatcher({ concurrency: 4 }, other);
      a.start();
      b.start();
      for (let i = 0; i < 5; i++) await store.events.write(Array.from({ length: 20 }, (_, j) => draft(i * 20 + j)));
      await until('100 deliveries', () => rx.countById(w.path).size >= 100);
      await new Promise((r) => setTimeout(r, 300));
      await Promise.all([a.stop(), b.stop()]);
      const counts = rx.countById(w.path);
      expect(counts.size).toBe(100);
      expect([...counts.values()].filter((c) => c !== 1)).toEqual([]);
      const ds = await store.webhooks.deliveries(w.id, 200);
      expect(ds.filter((x) => x.state === 'delivered' && x.attempts === 1)).toHaveLength(100);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('a delivery claimed by a worker that never answers is delivered again by another after the lease, with the same id', async () => {
    const w = await hook();
    // The first POST of the event hangs (its worker is as good as dead); later ones succeed.
    rx.answer = (r, seen) => (r.path === w.path && seen === 1 ? 'hang' : 200);
    await store.events.write([draft(1)]);
    // One slot, busy with the hanging POST: it claims nothing more (as a killed worker would not).
    const stuck = dispatcher({ leaseMs: 400, timeoutMs: 30_000, concurrency: 1 });
    stuck.start();
    await until('the hanging POST', () => rx.held.length === 1);
    const rescuer = dispatcher({ leaseMs: 5_000 });
    await rescuer.drain();
    // Within the lease nothing is due.
    expect(rx.received.filter((r) => r.path === w.path)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 450));
    await rescuer.drain();
    const got = rx.received.filter((r) => r.path === w.path);
    expect(got).toHaveLength(2);
    expect(got[1].id).toBe(got[0].id);
    expect(got[1].verified).toBe(true);
    // The stuck worker's request finally fails: too late, the delivery stays delivered.
    for (const r of rx.held.splice(0)) r.destroy();
    await stuck.stop();
    const [x] = await store.webhooks.deliveries(w.id);
    expect(x).toMatchObject({ state: 'delivered', lastStatus: 200 });
    expect(x.attemptLog.map((a) => a.status)).toEqual([200, null]);
  }, 20_000);

  it('a claim through the repository leases the row: other claims skip it until the lease runs out', async () => {
    const w = await hook();
    await store.events.write([draft(1), draft(2)]);
    await store.webhooks.fanOut();
    const first = await store.webhooks.claim(10, 300);
    expect(first.map((c) => c.webhookId)).toEqual([w.id, w.id]);
    expect(await store.webhooks.claim(10, 300)).toEqual([]);
    await new Promise((r) => setTimeout(r, 350));
    const again = await store.webhooks.claim(10, 300);
    expect(again.map((c) => c.eventId).sort()).toEqual(first.map((c) => c.eventId).sort());
  });

  it('an endpoint failing through the whole schedule is disabled, with a webhook.disabled event in the feed; enable resumes from now', async () => {
    const from = Cursor.decode(await store.events.position());
    const w = await hook();
    const other = await hook(['webhook.disabled']);
    rx.answer = (r) => (r.path === w.path ? 500 : 200);
    // Several deliveries exhaust their schedules at once: the one that disables the webhook ends the others.
    await store.events.write([draft(1), draft(2), draft(3), draft(4), draft(5), draft(6)]);
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, m: string) => warnings.push(m), info: () => undefined, debug: () => undefined } as unknown as pino.Logger;
    const d = dispatcher({ retrySeconds: [0.05, 0.05], metrics, logger });
    d.start();
    await until('disabled', async () => (await store.webhooks.get(w.id))!.disabledAt !== null);
    await until('the webhook.disabled delivery', () => rx.received.some((r) => r.path === other.path));
    await d.stop();
    const after = (await store.webhooks.get(w.id))!;
    expect(after.disabledReason).toMatch(/retry schedule exhausted: 3 attempts failed, the last with HTTP 500/);
    expect(after.failingSince).toBeInstanceOf(Date);
    const feed = await store.events.read({ after: from, types: ['webhook.disabled'], limit: 10 });
    expect(feed.events).toHaveLength(1);
    expect(feed.events[0]).toMatchObject({
      type: 'webhook.disabled',
      accountId: null,
      subject: w.id,
      data: { webhookId: w.id, url: w.url, reason: after.disabledReason, failingSince: after.failingSince!.toISOString() },
    });
    expect(JSON.stringify(feed.events[0])).not.toContain(w.secret);
    // Another webhook subscribed to it got it.
    expect(rx.received.find((r) => r.path === other.path)!.body).toMatchObject({ type: 'webhook.disabled', subject: w.id });
    // Every delivery of the disabled webhook is finished (none left pending); nothing more is claimed for it.
    const ds = await store.webhooks.deliveries(w.id);
    expect(ds.map((x) => x.state)).toEqual(Array(6).fill('failed'));
    expect(warnings).toEqual(['webhook disabled: retry schedule exhausted']);
    expect(await store.webhooks.claim(10, 1000)).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/simgate_webhook_deliveries_total\{outcome="gave_up"\} 1/);
    // Events while disabled are not fanned out to it.
    await store.events.write([draft(7)]);
    await dispatcher().drain();
    expect(await store.webhooks.deliveries(w.id)).toHaveLength(6);
    // Re-enabled: from the current position, failing_since cleared.
    rx.answer = () => 200;
    const enabled = (await store.webhooks.enable(w.id))!;
    expect(enabled).toMatchObject({ disabledAt: null, disabledReason: null, failingSince: null });
    await store.events.write([draft(8)]);
    await dispatcher().drain();
    const now = rx.received.filter((r) => r.path === w.path && r.body.type === 'card.added');
    expect(now.filter((r) => r.body.data.n === 7)).toHaveLength(0);
    expect(now.filter((r) => r.body.data.n === 8)).toHaveLength(1);
  });

  it('a test event goes to its webhook only, not to the feed', async () => {
    const w = await hook();
    const bystander = await hook();
    const from = Cursor.decode(await store.events.position());
    const id = await store.webhooks.sendTest(w.id);
    expect(id).toMatch(/^evt_\d+$/);
    expect(await store.webhooks.sendTest('wh_nope')).toBeNull();
    await dispatcher().drain();
    expect(rx.received.filter((r) => r.path === w.path).map((r) => [r.id, r.body.type, r.body.subject])).toEqual([[id, 'webhook.test', w.id]]);
    expect(rx.received.filter((r) => r.path === bystander.path)).toEqual([]);
    expect((await store.events.read({ after: from, limit: 10 })).events).toEqual([]);
  });

  it('a delivery whose event was pruned expires; delete removes the webhook and its pending deliveries', async () => {
    const w = await hook();
    await store.events.write([draft(1), draft(2)]);
    await store.webhooks.fanOut();
    const [a] = await store.webhooks.deliveries(w.id);
    await store.db.query(`DELETE FROM events WHERE id = $1`, [a.eventId.replace('evt_', '')]);
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    await dispatcher({ metrics }).drain();
    const ds = await store.webhooks.deliveries(w.id);
    expect(ds.map((x) => x.state).sort()).toEqual(['delivered', 'expired']);
    expect(await metrics.registry.metrics()).toMatch(/simgate_webhook_deliveries_total\{outcome="expired"\} 1/);

    const gone = await hook();
    rx.answer = () => 500;
    await store.events.write([draft(3)]);
    await dispatcher({ retrySeconds: [3600] }).drain();
    expect(await store.webhooks.delete(gone.id)).toBe(true);
    expect(await store.webhooks.delete(gone.id)).toBe(false);
    expect(await store.webhooks.get(gone.id)).toBeNull();
    const left = await store.db.query(`SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'pending'`, [gone.id]);
    expect(left.rows).toEqual([]);
  });

  it('never returns the secret but from create', async () => {
    const w = await hook();
    const views = [await store.webhooks.get(w.id), await store.webhooks.list(), await store.webhooks.deliveries(w.id)];
    for (const v of views) expect(JSON.stringify(v)).not.toContain(w.secret);
    expect(JSON.stringify(await store.webhooks.enable(w.id))).not.toContain(w.secret);
  });

  it('enforces the maximum number of webhooks', async () => {
    await store.webhooks.create({ url: 'https://a.example/h', types: ['*'], accounts: null, description: 'one' }, 2);
    await store.webhooks.create({ url: 'https://b.example/h', types: ['*'], accounts: null, description: null }, 2);
    await expect(store.webhooks.create({ url: 'https://c.example/h', types: ['*'], accounts: null, description: null }, 2)).rejects.toThrow(/at most 2 webhooks/);
    expect(await store.webhooks.count()).toBe(2);
  });
});
