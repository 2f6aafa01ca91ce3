import type { NestExpressApplication } from '@nestjs/platform-express';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { startStack, type Stack } from '../support/stack';
import { typedApi } from '../support/typed-api';

/**
 * `GET /v1/sync` progress (issue 14): a running sweep's startedAt, done, total and etaSeconds, and the ETA within
 * 25 % of the sweep's actual end. The sweep is quota-bound: CTCC CMP reads status one card per request at 20
 * requests/s (its manifest), so 600 cards take about 30 s whatever the machine's speed; the simulator enforces
 * the same quota over real HTTP.
 */
const KEY = 'progress-key';
const CARDS = 600;
const ACCOUNT = 'ctcc-main';

describe('sync progress and ETA (end to end)', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let url: string;

  // Typed by the client generated from the served document (test/support/api-types.ts).
  const api = typedApi(() => url, KEY);
  const get = async (path: '/v1/sync') => {
    const r = await api.get(path);
    return { status: r.status, json: r.json };
  };
  type SyncBody = Awaited<ReturnType<typeof get>>['json'];
  const kindOf = (body: SyncBody, account: string, kind: string) => body.accounts.find((a) => a.accountId === account)!.kinds.find((k) => k.kind === kind)!;

  beforeAll(async () => {
    // A status interval of 20 s: too short for 600 cards at 20 requests/s (the scheduler does not run here).
    stack = await startStack({ cards: CARDS, databaseUrl: process.env.DATABASE_URL ?? null, env: { SIMGATE_SYNC_STATUS_SECONDS: '20' } });
    app = await createGateway(stack.simgate, { apiKeys: [KEY], metricsToken: null, worker: false, contractCheck: true });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    // The carrier's cards, known to simgate but never read (as after an order list import).
    const sim = stack.local!.all.find((s) => s.platform === 'ctcc-cmp')! as unknown as { fleet: { iccidOf(i: number): string } };
    const rt = stack.simgate.runtime.get(ACCOUNT);
    const refs = Array.from({ length: CARDS }, (_, i) => ({ iccid: sim.fleet.iccidOf(i) }));
    await stack.simgate.store.cards.importRefs({ accountId: ACCOUNT, platform: rt.manifest.id, carrier: rt.manifest.carrier }, refs, new Date());
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  it('a running status sweep says done, total and an ETA within 25 % of its end; the ETA is a metric too', async () => {
    const before = await get('/v1/sync');
    expect(before.status).toBe(200);
    const idle = kindOf(before.json, ACCOUNT, 'status');
    expect(idle).toMatchObject({ state: 'idle', progress: null, interval: { requestsPerCard: 1, intervalSeconds: 20 } });
    // 600 cards at ~20 requests/s: about 30 s per status sweep.
    expect(idle.interval!.sweepSeconds).toBeGreaterThan(25);
    expect(idle.interval!.sweepSeconds).toBeLessThan(35);

    const posted = await fetch(`${url}/v1/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: ACCOUNT, kind: 'status' }),
    });
    expect(posted.status).toBe(202);

    // The first answer once a sixth of the cards are done: its ETA against the sweep's end.
    let seen: { at: number; progress: NonNullable<ReturnType<typeof kindOf>['progress']> } | null = null;
    let dones: number[] = [];
    const deadline = Date.now() + 90_000;
    while (!seen) {
      if (Date.now() > deadline) throw new Error('the sweep did not get going');
      const r = await get('/v1/sync');
      const at = Date.now();
      const k = kindOf(r.json, ACCOUNT, 'status');
      if (k.state === 'running' && k.progress) {
        dones.push(k.progress.done);
        expect(k.progress.total).toBe(CARDS);
        expect(k.progress.totalEstimated).toBe(false);
        expect(Date.parse(k.progress.startedAt!)).toBeLessThanOrEqual(at);
        if (k.progress.done >= CARDS / 6) seen = { at, progress: k.progress };
      }
      if (!seen) await new Promise((res) => setTimeout(res, 250));
    }
    // The metric says the same while the sweep runs.
    const metrics = await stack.simgate.metrics.render();
    const line = metrics.split('\n').find((l) => l.startsWith('simgate_sync_sweep_eta_seconds{') && l.includes(`account="${ACCOUNT}"`) && l.includes('kind="status"'));
    expect(line).toBeDefined();
    const metricEta = Number(line!.split(' ').pop());
    expect(metricEta).toBeGreaterThan(0);
    expect(metricEta).toBeLessThanOrEqual(seen.progress.etaSeconds! + 1);

    for (;;) {
      if (Date.now() > deadline) throw new Error('the sweep did not end');
      const cp = await stack.simgate.store.checkpoints.get(ACCOUNT, 'status');
      if (cp?.state === 'idle' && cp.lastSuccessAt) {
        const actual = (cp.updatedAt.getTime() - seen.at) / 1000;
        const eta = seen.progress.etaSeconds!;
        expect(actual).toBeGreaterThan(10); // long enough to measure
        expect(Math.abs(eta - actual)).toBeLessThanOrEqual(0.25 * actual);
        expect(cp.cards).toBe(CARDS);
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    dones = dones.filter((d, i) => i === 0 || d >= dones[i - 1]);
    expect(dones.length).toBeGreaterThan(0);
    const after = kindOf((await get('/v1/sync')).json, ACCOUNT, 'status');
    expect(after).toMatchObject({ state: 'idle', progress: null, cards: CARDS });
  }, 120_000);

  it('says when an interval cannot be met at this quota, and what could (the same figure as a metric)', async () => {
    const r = await get('/v1/sync');
    const account = r.json.accounts.find((a) => a.accountId === ACCOUNT)!;
    expect(account.quota.intervalsMet).toBe(false);
    expect(account.quota.load).toBeGreaterThan(1);
    const status = account.kinds.find((k) => k.kind === 'status')!;
    expect(status.interval).toMatchObject({ intervalSeconds: 20, met: false });
    // What could: no shorter than a whole sweep (~30 s), a little more for the other kinds' share.
    expect(status.interval!.shortestIntervalSeconds).toBeGreaterThanOrEqual(Math.ceil(status.interval!.sweepSeconds));
    expect(status.interval!.shortestIntervalSeconds).toBeLessThan(40);
    expect(account.quota.warnings.some((w) => w.startsWith('status every 20 s cannot be met') && w.includes(`every ${status.interval!.shortestIntervalSeconds} s with the other kinds unchanged`))).toBe(true);
    const metrics = await stack.simgate.metrics.render();
    const value = (name: string, kind?: string) =>
      Number(metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`account="${ACCOUNT}"`) && (!kind || l.includes(`kind="${kind}"`)))!.split(' ').pop());
    // Both read the account's cards at most every 15 s: the other kinds' share may differ by a card count.
    expect(Math.abs(value('simgate_sync_interval_shortest_seconds', 'status') - status.interval!.shortestIntervalSeconds!)).toBeLessThanOrEqual(1);
    expect(value('simgate_sync_quota_load')).toBeGreaterThan(1);
  });
});
