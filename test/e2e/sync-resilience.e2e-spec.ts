import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CarrierHttp } from '@simgate/carriers';
import { RateLimited, type CardRecord, type CardRef, type UsageSnapshot } from '@simgate/core';
import {
  SimClock,
  createSimulators,
  serveAll,
  writeAccountsFile,
  type ServedSet,
  type SimRequest,
  type SimResponse,
  type SimulatorSet,
} from '@simgate/mocks';
import type { OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import type { IntlSimulator } from '@simgate/mocks/intl-1nce';
import { Store, chunks } from '@simgate/store';
import { Simgate, loadConfig } from '@simgate/sync';
import { waitForFullSync } from '../support/stack';

/**
 * Sweeps against faulty carriers, over real HTTP, OneLink and 1NCE only: 10 % 5xx, 2 % unanswered requests (a
 * 400 ms request timeout), 1 % malformed bodies, and every token revoked every 2 s. The first full sync must
 * complete and every card must equal what the carrier says (read afresh once the faults are off), except one
 * card per platform whose own requests always fail: it is recorded with its sync error. Then a 1NCE usage
 * sweep whose credentials stop working midway stops, and resumes from its checkpoint without reading a card
 * before it again.
 */
const CARDS = 120;
const NOW = '2026-11-20T10:00:00+08:00';
const LOCK_MS = 7_000;
const FAULTS = { serverErrorRate: 0.1, timeoutRate: 0.02, malformedRate: 0.01, tokenRevokeEverySeconds: 2 };
const ACCOUNTS = ['cmcc-main', 'intl-main'];

async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (e) {
      if (!(e instanceof RateLimited) || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** What the carrier says now, read by a separate adapter instance (no state shared with simgate's). */
async function truth(
  sg: Simgate,
  accountId: string,
): Promise<{ cards: Map<string, CardRecord>; usage: Map<string, UsageSnapshot> }> {
  const rt = sg.runtime.get(accountId);
  const http = new CarrierHttp({
    platform: rt.manifest.id,
    hooks: { acquire: (req) => sg.limiter.acquire(accountId, req) },
  });
  const adapter = sg.registry.get(rt.manifest.id).connect(rt.account, { http, now: () => new Date(NOW) });
  const refs: CardRef[] = [];
  for (let after: string | null = null; ;) {
    const page = await sg.store.cards.refs(accountId, after, 1000);
    if (!page.length) break;
    refs.push(...page);
    after = page[page.length - 1].iccid;
  }
  const cards = new Map<string, CardRecord>();
  const usage = new Map<string, UsageSnapshot>();
  const hinted = (r: CardRef) => ({ ...r, hints: { ...r.hints, stoppedBySimgate: false } });
  for (const b of chunks(refs.map(hinted), rt.manifest.batchSizes.status)) {
    for (const c of (await patiently(() => adapter.fetchCards(b, new Date(NOW)))).items)
      cards.set(c.iccid, c);
  }
  const active = refs.filter((r) => ['ACTIVE', 'SUSPENDED'].includes(cards.get(r.iccid)?.status ?? ''));
  for (const b of chunks(active, rt.manifest.batchSizes.usage)) {
    for (const u of (await patiently(() => adapter.fetchUsage(b, new Date(NOW)))).items)
      usage.set(u.iccid, u);
  }
  return { cards, usage };
}

/** Wraps a served simulator's request handler (the HTTP face looks the method up on every request). */
function intercept(
  sim: { handle(req: SimRequest): Promise<SimResponse> },
  fn: (req: SimRequest, next: () => Promise<SimResponse>) => Promise<SimResponse>,
): void {
  const original = sim.handle.bind(sim);
  sim.handle = (req) => fn(req, () => original(req));
}

const BAD_GATEWAY: SimResponse = {
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: '<html>502 Bad Gateway</html>',
};

describe('sweeps under carrier faults and token revocation (OneLink, 1NCE)', () => {
  let dir: string;
  let sims: SimulatorSet;
  let served: ServedSet;
  let store: Store;
  let sg: Simgate;
  /** Per platform, the card whose own requests always fail (while `poisoned`). */
  let poisoned = true;
  let badOneLink: string;
  let badIntl: string;
  const leaseTtls = new Set<number>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-resilience-'));
    const clock = SimClock.fixed(NOW);
    sims = createSimulators({ cards: CARDS, seed: 11, clock, quotaFactor: 10, orderDelayMs: 60_000 });
    served = await serveAll(sims, 0);
    const file = path.join(dir, 'accounts.json');
    const written = await writeAccountsFile(served, file);
    fs.writeFileSync(
      file,
      JSON.stringify({ accounts: written.accounts.filter((a) => ACCOUNTS.includes(String(a.id))) }, null, 2),
    );

    const onelink = sims.get<OneLinkSimulator>('cmcc-onelink');
    badOneLink = onelink.fleet.iccidOf(7);
    const intl = sims.get<IntlSimulator>('intl-1nce');
    badIntl = intl.fleet.iccidOf(7);
    intercept(onelink, (req, next) =>
      poisoned && req.query.iccid === badOneLink ? Promise.resolve(BAD_GATEWAY) : next(),
    );
    intercept(intl, (req, next) =>
      poisoned && req.path.includes(badIntl) ? Promise.resolve(BAD_GATEWAY) : next(),
    );
    for (const p of ['cmcc-onelink', 'intl-1nce']) sims.setFaults(p, FAULTS);

    const config = loadConfig({
      SIMGATE_CARRIERS: file,
      SIMGATE_DATA_DIR: dir,
      SIMGATE_QUOTA_FACTOR: '10',
      SIMGATE_QUEUE_LOCK_MS: String(LOCK_MS),
      SIMGATE_LOG_LEVEL: process.env.SIMGATE_TEST_LOG ?? 'silent',
    });
    store = await Store.open({ dataDir: null });
    sg = await Simgate.start(config, { store, now: () => clock.now(), timeoutMs: 400 });
    const acquire = sg.leases.acquire.bind(sg.leases);
    jest.spyOn(sg.leases, 'acquire').mockImplementation(async (keys, ttl) => {
      leaseTtls.add(ttl);
      return acquire(keys, ttl);
    });
    sg.startWorker();
    await sg.scheduler.kickOff();
    await waitForFullSync(sg, 150_000);
  }, 180_000);

  afterAll(async () => {
    await sg?.close();
    await store?.close();
    await served?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the faults and the token revocations really happened', () => {
    const c = sims.counters() as Record<string, { faults: Record<string, number>; quotaViolations: number }>;
    for (const p of ['cmcc-onelink', 'intl-1nce']) {
      expect({ p, revoked: (c[p].faults.tokensRevoked ?? 0) > 0 }).toEqual({ p, revoked: true });
      expect({
        p,
        serverErrors: (c[p].faults.serverError ?? 0) > 0,
        timeouts: (c[p].faults.timeout ?? 0) > 0,
      }).toEqual({ p, serverErrors: true, timeouts: true });
    }
  });

  it('card leases live as long as the queue lock (SIMGATE_QUEUE_LOCK_MS)', () => {
    expect([...leaseTtls]).toEqual([LOCK_MS]);
  });

  it('every card equals the carrier; the card that always fails carries its sync error', async () => {
    poisoned = false;
    for (const p of ['cmcc-onelink', 'intl-1nce']) sims.setFaults(p, { reset: true });
    for (const id of ACCOUNTS) {
      const cp = await store.checkpoints.list();
      for (const kind of ['inventory', 'status', 'usage']) {
        expect(cp.find((c) => c.accountId === id && c.kind === kind)).toMatchObject({
          state: 'idle',
          cursor: null,
          lastError: null,
        });
      }
      const bad = id === 'cmcc-main' ? badOneLink : badIntl;
      const t = await truth(sg, id);
      const stored = new Map<string, Awaited<ReturnType<typeof store.cards.get>>>();
      for (let after: string | null = null; ;) {
        const page = await store.cards.list({ accountId: id }, 1000, after);
        if (!page.length) break;
        for (const c of page) stored.set(c.iccid, c);
        after = page[page.length - 1].iccid;
      }
      expect({ id, count: stored.size }).toEqual({ id, count: CARDS });
      expect(t.cards.size).toBe(CARDS);
      const badStored = [...stored.values()].find((c) => c!.iccid.startsWith(bad))!;
      expect(badStored.syncError).toMatchObject({ error: 'TRANSIENT' });
      const mismatches: string[] = [];
      for (const [iccid, want] of t.cards) {
        if (iccid === badStored.iccid) continue;
        const got = stored.get(iccid);
        if (!got) {
          mismatches.push(`${id} ${iccid} missing`);
          continue;
        }
        if (got.syncError) mismatches.push(`${id} ${iccid} sync error ${JSON.stringify(got.syncError)}`);
        for (const f of ['status', 'suspendReason', 'rawStatus', 'rawReason'] as const) {
          if (got[f] !== want[f]) mismatches.push(`${id} ${iccid} ${f}: store ${got[f]} carrier ${want[f]}`);
        }
        if (got.suspendReasons.join(',') !== want.suspendReasons.join(','))
          mismatches.push(`${id} ${iccid} reasons ${got.suspendReasons} vs ${want.suspendReasons}`);
      }
      const current = await store.usage.current([...t.usage.keys()]);
      for (const [iccid, want] of t.usage) {
        if (iccid === badStored.iccid) continue;
        const got = current.get(iccid);
        if (
          !got ||
          got.usedBytes !== want.usedBytes ||
          got.cycleStart.getTime() !== want.cycleStart.getTime()
        ) {
          mismatches.push(`${id} ${iccid} usage: store ${got?.usedBytes} carrier ${want.usedBytes}`);
        }
      }
      expect(mismatches).toEqual([]);
    }
  }, 60_000);

  it('a 1NCE usage sweep whose credentials stop working midway stops, then resumes from its checkpoint', async () => {
    const intl = sims.get<IntlSimulator>('intl-1nce');
    const usageAsked: string[] = [];
    let refuseAfter = 25;
    let refusing = false;
    intercept(intl, async (req, next) => {
      if (req.path.endsWith('/usage')) {
        usageAsked.push(req.path.split('/')[2]);
        if (usageAsked.length === refuseAfter && !refusing) {
          refusing = true;
          intl.tokens.clear(); // every token dies and no new one is handed out
        }
      }
      if (refusing && req.path === 'oauth/token') {
        return {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ statusCode: 400, errorCode: 'BadCredentials', message: 'Bad credentials' }),
        };
      }
      return next();
    });
    await expect(sg.engine.runSweep('intl-main', 'usage')).rejects.toMatchObject({ kind: 'REJECTED' });
    const stopped = (await store.checkpoints.get('intl-main', 'usage'))!;
    expect(stopped.state).toBe('failed');
    expect(stopped.lastError).toMatchObject({ kind: 'usage', error: 'REJECTED' });
    expect(stopped.cursor).not.toBeNull();
    // No card was marked failed for an account's refusal.
    expect(
      (await store.cards.list({ accountId: 'intl-main' }, 1000, null)).filter(
        (c) => c.syncError?.error === 'REJECTED',
      ),
    ).toEqual([]);

    refusing = false;
    refuseAfter = -1;
    const from = usageAsked.length;
    await sg.engine.runSweep('intl-main', 'usage');
    const again = usageAsked.slice(from);
    const cursor = stopped.cursor!;
    // The path names the card by its 19- or 20-digit ICCID; the store by the one the carrier listed.
    const before = (asked: string) => asked.slice(0, 19) <= cursor.slice(0, 19);
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter(before)).toEqual([]);
    const done = (await store.checkpoints.get('intl-main', 'usage'))!;
    expect(done).toMatchObject({ state: 'idle', cursor: null });
    expect(done.lastSuccessAt!.getTime()).toBe(stopped.startedAt!.getTime());
    // Both runs together read every ACTIVE or SUSPENDED card once.
    const withUsage = (await store.cards.list({ accountId: 'intl-main' }, 1000, null)).filter(
      (c) => c.status === 'ACTIVE' || c.status === 'SUSPENDED',
    );
    expect(done.cards).toBe(withUsage.length);
  }, 60_000);
});
