import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Proc,
  deleteRedisPrefix,
  ensureBuilt,
  freePort,
  freshDatabase,
  mkTemp,
  productEnv,
  productionInstall,
  queueCounts,
  startProc,
  until,
  type LogLine,
} from '../support/production-install';
import { loadPlatform, readTruth, type AccountTruth, type OracleAccount } from '../support/production-oracle';
import { createTestTls, fetchWithCa, type TestTls } from '@simgate/mocks/testing/tls';

/**
 * The production suite: what ships, deployed as in production, under the full carrier fault matrix and a
 * killed worker (docs/operations.md, "Production suite"). Run by .ci/run after `npm test`
 * (`npm run test:production`); needs DATABASE_URL and REDIS_URL.
 *
 * In a fresh temp folder: `npm ci --omit=dev` + the built dist/; a fresh PostgreSQL database and Redis prefix;
 * the four simulators (`node dist/mocks/src/cli.js`) over HTTPS with a CA made at test time, the fault matrix
 * on (10 % 5xx, 2 % timeouts, 1 % malformed bodies, tokens revoked every 20 s); the gateway with
 * SIMGATE_WORKER=false and two standalone workers. In the middle of the first full sync it submits operations
 * through the API and SIGKILLs a worker. Then: every card equals what the carrier says (read afresh by a
 * reference reader of its own, faults off, workers stopped), every operation submitted before the kill
 * completed and reached the carrier exactly once, and the carriers counted no quota refusal.
 */

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;
const CARDS = Number(process.env.SIMGATE_PROD_CARDS ?? 120);
const QUOTA_FACTOR = Number(process.env.SIMGATE_PROD_QUOTA_FACTOR ?? 2);
const SEED = Number(process.env.SIMGATE_PROD_SEED ?? 11);
const FAULTS = { serverErrorRate: 0.1, timeoutRate: 0.02, malformedRate: 0.01, tokenRevokeEverySeconds: 20 };
/** Deadline of the first full sync and the operations, from the kill. */
const SYNC_DEADLINE_MS = Number(process.env.SIMGATE_PROD_DEADLINE_MS ?? 200_000);
/** The wait ends early when the sync is done, the queue idle and no operation item moved for this long. */
const STALL_MS = 60_000;
const API_KEY = `sg_prod_${randomBytes(12).toString('hex')}`;
const TOKEN_PLATFORMS = ['cmcc-onelink', 'intl-1nce'];

const run = DATABASE_URL && REDIS_URL ? describe : describe.skip;
if (!DATABASE_URL || !REDIS_URL) console.warn('DATABASE_URL / REDIS_URL not set: the production suite is skipped.');

const say = (s: string) => process.stdout.write(`[production] ${new Date().toISOString().slice(11, 19)} ${s}\n`);

interface SyncKindView {
  kind: string;
  state: string;
  lastSuccessAt: string | null;
  lastError: unknown;
  cards: number;
}
interface SyncView {
  accounts: { accountId: string; platform: string; kinds: SyncKindView[] }[];
}
interface OpItemView {
  iccid: string;
  accountId: string | null;
  state: string;
  error: unknown;
}
interface OpView {
  id: string;
  type: string;
  state: string;
  items: OpItemView[];
}
interface CardView {
  iccid: string;
  accountId: string;
  platform: string;
  status: string;
  suspendReason: string | null;
  suspendReasons: string[];
  rawStatus: string | null;
  rawReason: string | null;
  usage: { cycleStart: string; usedBytes: number } | null;
  syncError: unknown;
}

/** Everything the run measured; the checks below read it, the summary prints it. */
interface Report {
  startedAt: number;
  accounts: OracleAccount[];
  origins: Record<string, string>;
  https: boolean;
  caFileOnEveryAccount: boolean;
  revocationAccepted: Record<string, boolean>;
  midSync: boolean;
  syncAtKill: string;
  ops: { op: OpView; platform: string; target: string }[];
  opsBeforeKill: string;
  victim: string | null;
  victimReason: string;
  victimOpenSweeps: string[];
  killAt: number | null;
  takeoverSeconds: number | null;
  takeoverLine: string | null;
  syncDone: boolean;
  syncDoneSeconds: number | null;
  waitError: string | null;
  finalOps: OpView[];
  finalSync: SyncView | null;
  survivorExit: string;
  gatewayExit: string;
  counters: Record<string, Record<string, unknown>>;
  truth: AccountTruth[];
  stored: Map<string, CardView[]>;
  oracleError: string | null;
  cardsChecked: number;
}

run('production: the shipped install, two workers, HTTPS carriers under faults, a worker killed mid-sync', () => {
  let tmp = '';
  let tls: TestTls | null = null;
  let db: Awaited<ReturnType<typeof freshDatabase>> | null = null;
  const prefix = `prod${randomBytes(4).toString('hex')}`;
  const procs: Proc[] = [];
  let gatewayUrl = '';
  let install = '';
  const r: Report = {
    startedAt: 0,
    accounts: [],
    origins: {},
    https: false,
    caFileOnEveryAccount: false,
    revocationAccepted: {},
    midSync: false,
    syncAtKill: '',
    ops: [],
    opsBeforeKill: '',
    victim: null,
    victimReason: '',
    victimOpenSweeps: [],
    killAt: null,
    takeoverSeconds: null,
    takeoverLine: null,
    syncDone: false,
    syncDoneSeconds: null,
    waitError: null,
    finalOps: [],
    finalSync: null,
    survivorExit: '',
    gatewayExit: '',
    counters: {},
    truth: [],
    stored: new Map(),
    oracleError: null,
    cardsChecked: 0,
  };

  const api = async <T>(method: 'GET' | 'POST', p: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${gatewayUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const syncState = async () => (await api<SyncView>('GET', '/v1/sync')).body;
  const describeSync = (s: SyncView | null) =>
    s ? s.accounts.map((a) => `${a.accountId}: ${a.kinds.map((k) => `${k.kind}=${k.state}${k.lastSuccessAt ? '✓' : ''}(${k.cards})`).join(' ')}`).join(' | ') : 'n/a';
  const tails = () => procs.map((p) => `--- ${p.name} (${p.logFile}) ---\n${p.tail(30)}`).join('\n');

  beforeAll(async () => {
    r.startedAt = Date.now();
    tmp = mkTemp();
    try {
      await setUp();
      await exercise();
      await collect();
    } catch (e) {
      say(`FAILED: ${(e as Error).message}\n${tails()}`);
      throw e;
    }
  }, 560_000);

  async function setUp(): Promise<void> {
    if (ensureBuilt(say)) say('dist/ built');
    install = productionInstall(tmp, say);
    tls = createTestTls({ dir: path.join(tmp, 'tls') });
    db = await freshDatabase(DATABASE_URL!);
    const logs = path.join(tmp, 'logs');
    fs.mkdirSync(logs);
    say(`database ${db.name}, redis prefix ${prefix}, logs in ${logs}`);

    // The simulators, from the production install, over HTTPS. Their business clock stands still at the
    // current instant (usage accrues with business time: a moving clock makes every read stale); orders
    // complete as soon as they are accepted.
    const clock = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const accountsFile = path.join(tmp, 'carriers', 'accounts.json');
    const sims = startProc(
      'simulators',
      install,
      'dist/mocks/src/cli.js',
      ['--cards', String(CARDS), '--seed', String(SEED), '--out', accountsFile, '--port-base', '0', '--quota-factor', String(QUOTA_FACTOR), '--order-delay-ms', '0', '--clock', clock, '--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--tls-ca', tls.caFile],
      productEnv({}),
      logs,
    );
    procs.push(sims);
    const line = await sims.stdoutFirstLine(60_000);
    const written = JSON.parse(line) as { accounts: (OracleAccount & { caFile?: string })[] };
    r.accounts = written.accounts;
    r.origins = Object.fromEntries(written.accounts.map((a) => [a.platform, new URL(a.baseUrl).origin]));
    r.https = written.accounts.every((a) => a.baseUrl.startsWith('https://'));
    r.caFileOnEveryAccount = written.accounts.every((a) => typeof a.caFile === 'string' && fs.existsSync(path.resolve(path.dirname(accountsFile), a.caFile)));
    say(`simulators: ${written.accounts.map((a) => `${a.platform} ${a.baseUrl}`).join(', ')}`);

    const control = fetchWithCa(tls.ca);
    for (const [platform, origin] of Object.entries(r.origins)) {
      const res = await control(`${origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(FAULTS) });
      if (!res.ok) throw new Error(`POST ${origin}/_sim/faults: HTTP ${res.status} ${await res.text()}`);
      const cfg = (await res.json()) as Record<string, unknown>;
      r.revocationAccepted[platform] = cfg.tokenRevokeEverySeconds === FAULTS.tokenRevokeEverySeconds;
    }
    say(`fault matrix on: ${JSON.stringify(FAULTS)}`);

    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    const common = {
      SIMGATE_CARRIERS: accountsFile,
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_URL!,
      SIMGATE_REDIS_PREFIX: prefix,
      SIMGATE_QUOTA_FACTOR: String(QUOTA_FACTOR),
      // SIMGATE_QUOTA_MARGIN_MS: the production default, on purpose (0 quota refusals is what ships).
      SIMGATE_QUEUE_LOCK_MS: '5000',
      // The simulators' timeout fault never answers.
      SIMGATE_CARRIER_TIMEOUT_MS: '2000',
      SIMGATE_SYNC_ORDERS_SECONDS: '5',
      SIMGATE_LOG_LEVEL: 'info',
      SIMGATE_DATA_DIR: path.join(tmp, 'data'),
    };
    const gateway = startProc('gateway', install, 'dist/apps/gateway/src/main.js', [], productEnv({ ...common, SIMGATE_WORKER: 'false', SIMGATE_API_KEYS: API_KEY, PORT: String(port) }), logs);
    procs.push(gateway);
    await gateway.waitForLine((l) => l.msg === 'simgate is running', 120_000, '"simgate is running"');
    say(`gateway on ${gatewayUrl}`);
    for (const name of ['worker-a', 'worker-b']) {
      procs.push(startProc(name, install, 'dist/apps/worker/src/main.js', [], productEnv({ ...common, SIMGATE_WORKER_METRICS_PORT: '0' }), logs));
    }
    await Promise.all(procs.slice(2).map((w) => w.waitForLine((l) => l.msg === 'simgate worker running', 120_000, '"simgate worker running"')));
    say('two workers running');
  }

  const workers = () => procs.filter((p) => p.name.startsWith('worker-'));
  const sweepKey = (l: LogLine) => `${String(l.json?.account)}/${String(l.json?.kind)}`;
  /** Sweeps a worker started and has not finished (done or failed) yet, per its log. */
  const openSweeps = (w: Proc): string[] => {
    const open = new Map<string, number>();
    for (const l of w.lines) {
      if (l.msg === 'sync sweep started') open.set(sweepKey(l), (open.get(sweepKey(l)) ?? 0) + 1);
      else if (l.msg === 'sync sweep done' || l.msg.startsWith('sync sweep failed')) open.set(sweepKey(l), (open.get(sweepKey(l)) ?? 0) - 1);
    }
    return [...open].filter(([, n]) => n > 0).map(([k]) => k);
  };
  const mentions = (l: LogLine, ids: readonly string[]) => ids.some((id) => l.text.includes(id));

  async function exercise(): Promise<void> {
    // 1. The first full sync is under way: every inventory done (the cards are known), a status or usage sweep running.
    let last: SyncView | null = null;
    await until(
      'the first full sync to be under way (inventories done, a status or usage sweep running)',
      async () => {
        last = await syncState();
        const inventoried = last.accounts.every((a) => a.kinds.some((k) => k.kind === 'inventory' && k.lastSuccessAt));
        const running = last.accounts.some((a) => a.kinds.some((k) => (k.kind === 'status' || k.kind === 'usage') && k.state === 'running'));
        const allDone = last.accounts.every((a) => a.kinds.every((k) => k.lastSuccessAt && k.state === 'idle'));
        return inventoried && (running || allDone);
      },
      180_000,
      200,
      () => `sync: ${describeSync(last)}\n${tails()}`,
    );
    r.syncAtKill = describeSync(last);
    r.midSync = last!.accounts.some((a) => a.kinds.some((k) => k.state === 'running' || !k.lastSuccessAt));
    say(`sync under way: ${r.syncAtKill}`);

    // 2. Operations through the API on every platform: SUSPEND a few ACTIVE cards, RESUME a few MANUAL-suspended ones.
    for (const a of r.accounts) {
      const manifest = loadPlatform(install, a.platform).manifest;
      const supported = manifest.capabilities.operations as string[];
      const plans: { type: string; query: string; take: number; target: string }[] = [
        { type: 'SUSPEND', query: `status=ACTIVE`, take: 3, target: 'SUSPENDED' },
        { type: 'RESUME', query: `status=SUSPENDED&reason=MANUAL`, take: 2, target: 'ACTIVE' },
      ];
      for (const plan of plans) {
        if (!supported.includes(plan.type)) continue;
        const list = await api<{ items: CardView[] }>('GET', `/v1/cards?account=${a.id}&${plan.query}&limit=50`);
        const iccids = list.body.items.filter((c) => !c.syncError).slice(0, plan.take).map((c) => c.iccid);
        if (!iccids.length) continue;
        const res = await api<OpView>('POST', '/v1/operations', { type: plan.type, iccids, params: {}, idempotencyKey: `prod-${prefix}-${a.id}-${plan.type}` });
        if (res.status !== 202) {
          say(`${plan.type} on ${a.id} refused: HTTP ${res.status} ${JSON.stringify(res.body)}`);
          continue;
        }
        r.ops.push({ op: res.body, platform: a.platform, target: plan.target });
      }
    }
    const opIds = r.ops.map((o) => o.op.id);
    say(`submitted ${r.ops.length} operations (${r.ops.map((o) => `${o.platform} ${o.op.type}×${o.op.items.filter((i) => i.state === 'PENDING').length}`).join(', ')})`);

    // 3. Right after the submissions, as soon as a submit job has begun (an item left PENDING), SIGKILL a worker:
    //    the one whose log names an operation (it runs a submit job), else the one holding the most sweeps.
    const opStates = async () => Promise.all(opIds.map(async (id) => (await api<OpView>('GET', `/v1/operations/${id}`)).body));
    const begun = await until(
      'a submit job to begin',
      async () => ((await opStates()).some((o) => o.items.some((i) => i.state !== 'PENDING' && i.state !== 'REJECTED')) ? true : false),
      5_000,
      25,
    ).catch(() => false);
    const [a, b] = workers();
    const byOps = workers().filter((w) => w.lines.some((l) => mentions(l, opIds)));
    let victim: Proc;
    if (byOps.length === 1) {
      victim = byOps[0];
      r.victimReason = 'its log names an operation (it ran a submit job)';
    } else {
      victim = openSweeps(b).length > openSweeps(a).length ? b : a;
      r.victimReason = `it held the most sweeps (${openSweeps(victim).length}); ${byOps.length ? 'both workers run submit jobs' : 'no submit job has logged yet'}`;
    }
    r.victimOpenSweeps = openSweeps(victim);
    r.opsBeforeKill = (await opStates()).map((o) => `${o.id.slice(0, 8)} ${o.type} ${o.items.map((i) => i.state).join(',')}`).join('; ');
    victim.child.kill('SIGKILL');
    r.killAt = Date.now();
    r.victim = victim.name;
    await victim.exited;
    const survivor = victim === a ? b : a;
    say(`SIGKILL ${victim.name} (${r.victimReason}; submit begun: ${String(begun)}); it held sweeps [${r.victimOpenSweeps.join(', ')}]; operations: ${r.opsBeforeKill}`);

    // 4. Takeover: the survivor starts a sweep the dead worker held, or works on an operation, after the kill.
    //    (A line about an operation proves a takeover only when the dead worker held no sweep: either worker may
    //    have been running that submission.)
    const takeover = (l: LogLine) =>
      l.time >= r.killAt! &&
      (r.victimOpenSweeps.length ? l.msg === 'sync sweep started' && r.victimOpenSweeps.includes(sweepKey(l)) : mentions(l, opIds));

    // 5. Wait until the first full sync is complete everywhere, every operation is final and the queue is idle.
    const final = new Set(['COMPLETED', 'FAILED', 'REJECTED']);
    // Stuck: everything else idle and no operation item moved for this long (the orders sweep runs every 5 s).
    let progress = { signature: '', at: Date.now() };
    try {
      await until(
        'the first full sync to complete and every operation to be final',
        async () => {
          if (r.takeoverSeconds === null) {
            const hit = survivor.lines.find(takeover);
            if (hit) {
              r.takeoverSeconds = (hit.time - r.killAt!) / 1000;
              r.takeoverLine = hit.text.slice(0, 300);
              say(`takeover after ${r.takeoverSeconds.toFixed(1)} s: ${r.takeoverLine}`);
            }
          }
          if (!survivor.alive) throw new Error(`the surviving worker exited:\n${survivor.tail()}`);
          r.finalSync = await syncState();
          // Every kind done once; the periodic orders sweep (every 5 s) may be running again.
          const synced = r.finalSync.accounts.every((acc) => acc.kinds.every((k) => k.lastSuccessAt && (k.kind === 'orders' || k.state === 'idle')));
          r.finalOps = await opStates();
          const opsFinal = r.finalOps.every((o) => o.items.every((i) => final.has(i.state)));
          const q = await queueCounts(REDIS_URL!, prefix);
          const idle = q.active + q.waiting + q.delayed === 0;
          // (An item's error records resends and doubts: a change there is progress too.)
          const signature = JSON.stringify(r.finalOps.map((o) => o.items.map((i) => [i.state, i.error])));
          // (The orders sweep keeps the queue busy every few seconds while items are open: only the sync and the items count.)
          if (signature !== progress.signature || !synced) progress = { signature, at: Date.now() };
          else if (!opsFinal && Date.now() - progress.at > STALL_MS) {
            throw new Error(`operations stuck: the sync is complete and the queue idle, but no operation item moved for ${STALL_MS / 1000} s`);
          }
          return synced && opsFinal && idle;
        },
        SYNC_DEADLINE_MS,
        1000,
        async () =>
          `sync: ${describeSync(r.finalSync)}\nqueue: ${JSON.stringify(await queueCounts(REDIS_URL!, prefix))}\noperations: ${r.finalOps
            .map((o) => `${o.id.slice(0, 8)} ${o.type} ${o.state} [${o.items.map((i) => `${i.iccid.slice(-6)}:${i.state}${i.error ? `(${JSON.stringify(i.error)})` : ''}`).join(' ')}]`)
            .join('; ')}`,
      );
      r.syncDone = true;
      r.syncDoneSeconds = (Date.now() - r.killAt) / 1000;
      say(`first full sync complete and operations final ${r.syncDoneSeconds.toFixed(1)} s after the kill`);
    } catch (e) {
      r.waitError = (e as Error).message;
      say(r.waitError);
    }
    if (r.takeoverSeconds === null) {
      const hit = survivor.lines.find(takeover);
      if (hit) {
        r.takeoverSeconds = (hit.time - r.killAt) / 1000;
        r.takeoverLine = hit.text.slice(0, 300);
      }
    }
    // 6. Nothing talks to the carriers any more: the surviving worker stops (SIGTERM, as a deployment stops it).
    const ended = await survivor.stop(30_000);
    r.survivorExit = ended.forced ? 'did not stop in 30 s (killed)' : `exit ${ended.code ?? ended.signal}`;
  }

  async function collect(): Promise<void> {
    const control = fetchWithCa(tls!.ca);
    for (const origin of Object.values(r.origins)) {
      await control(`${origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reset: true }) });
    }
    // The carriers' counters now, before the reference reader adds its own requests.
    for (const [platform, origin] of Object.entries(r.origins)) {
      r.counters[platform] = (await (await control(`${origin}/_sim/counters`)).json()) as Record<string, unknown>;
    }
    const clock = (await (await control(`${Object.values(r.origins)[0]}/_sim/clock`)).json()) as { now: string };
    const at = new Date(clock.now);
    const stopped = new Set(r.finalOps.filter((o) => o.type === 'SUSPEND').flatMap((o) => o.items.filter((i) => i.state === 'COMPLETED').map((i) => i.iccid)));
    const accountsFile = path.join(tmp, 'carriers', 'accounts.json');
    try {
      r.truth = await Promise.all(
        r.accounts.map((account) => readTruth({ installDir: install, accountsFile, account, ca: tls!.ca, at, quotaFactor: QUOTA_FACTOR, stoppedBySimgate: stopped })),
      );
    } catch (e) {
      r.oracleError = (e as Error).stack ?? String(e);
    }
    for (const a of r.accounts) {
      const cards: CardView[] = [];
      for (let cursor: string | null = null; ; ) {
        const page: { status: number; body: { items: CardView[]; nextCursor: string | null } } = await api('GET', `/v1/cards?account=${a.id}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (page.status !== 200) throw new Error(`GET /v1/cards: HTTP ${page.status}`);
        cards.push(...page.body.items);
        if (!page.body.nextCursor) break;
        cursor = page.body.nextCursor;
      }
      r.stored.set(a.id, cards);
    }
    const gw = procs.find((p) => p.name === 'gateway')!;
    const ended = await gw.stop(30_000);
    r.gatewayExit = ended.forced ? 'did not stop in 30 s (killed)' : `exit ${ended.code ?? ended.signal}`;
  }

  afterAll(async () => {
    try {
      printSummary();
    } catch (e) {
      say(`summary failed: ${(e as Error).message}`);
    }
    for (const p of procs) if (p.alive) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    if (process.env.SIMGATE_PROD_KEEP) {
      say(`kept ${tmp}, database ${db?.name ?? 'none'} and the Redis keys ${prefix}:*`);
      return;
    }
    if (db) await db.drop().catch((e: unknown) => say(`drop database: ${(e as Error).message}`));
    await deleteRedisPrefix(REDIS_URL!, prefix).catch((e: unknown) => say(`redis cleanup: ${(e as Error).message}`));
    tls?.remove();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    say(`torn down; the suite took ${((Date.now() - r.startedAt) / 1000).toFixed(0)} s`);
  }, 120_000);

  const counter = (platform: string, k: string) => Number(r.counters[platform]?.[k] ?? 0);
  const faultCount = (k: string, platforms = Object.keys(r.counters)) =>
    platforms.reduce((n, p) => n + Number((r.counters[p]?.faults as Record<string, number> | undefined)?.[k] ?? 0), 0);

  function cardMismatches(): string[] {
    const out: string[] = [];
    const opOf = new Map(r.finalOps.flatMap((o) => o.items.map((i) => [i.iccid, ` [${o.type} item ${i.state}]`] as const)));
    r.cardsChecked = 0;
    for (const t of r.truth) {
      const stored = new Map((r.stored.get(t.accountId) ?? []).map((c) => [c.iccid, c]));
      if (t.cards.size !== CARDS) out.push(`${t.accountId}: the carrier lists ${t.cards.size} cards, the fleet has ${CARDS}`);
      if (stored.size !== t.cards.size) out.push(`${t.accountId}: simgate has ${stored.size} cards, the carrier ${t.cards.size}`);
      for (const [iccid, want] of t.cards) {
        r.cardsChecked++;
        const got = stored.get(iccid);
        if (!got) {
          out.push(`${t.accountId} ${iccid}: missing`);
          continue;
        }
        if (got.syncError) out.push(`${t.accountId} ${iccid}: sync error ${JSON.stringify(got.syncError)}`);
        for (const f of ['status', 'suspendReason', 'rawReason'] as const) {
          if ((got[f] ?? null) !== (want[f] ?? null)) out.push(`${t.accountId} ${iccid} ${f}: simgate ${got[f]} carrier ${want[f]}${opOf.get(iccid) ?? ''}`);
        }
        if ((got.rawStatus ?? '') !== (want.rawStatus ?? '')) out.push(`${t.accountId} ${iccid} rawStatus: simgate ${got.rawStatus} carrier ${want.rawStatus}${opOf.get(iccid) ?? ''}`);
        if (got.suspendReasons.join(',') !== want.suspendReasons.join(',')) out.push(`${t.accountId} ${iccid} reasons: simgate ${got.suspendReasons.join(',')} carrier ${want.suspendReasons.join(',')}${opOf.get(iccid) ?? ''}`);
        const u = t.usage.get(iccid);
        if (u) {
          if (!got.usage) out.push(`${t.accountId} ${iccid} usage: simgate none, carrier ${u.usedBytes}`);
          else if (got.usage.usedBytes !== u.usedBytes || Date.parse(got.usage.cycleStart) !== u.cycleStart.getTime()) {
            out.push(`${t.accountId} ${iccid} usage: simgate ${got.usage.usedBytes} (cycle ${got.usage.cycleStart}) carrier ${u.usedBytes} (cycle ${u.cycleStart.toISOString()})`);
          }
        }
      }
    }
    return out;
  }

  function printSummary(): void {
    const platforms = Object.keys(r.counters);
    const kinds = [...new Set(platforms.flatMap((p) => Object.keys((r.counters[p]?.faults as Record<string, number>) ?? {})))].sort();
    const items = r.finalOps.flatMap((o) => o.items);
    const lines = [
      '================ production suite summary ================',
      `cards checked:          ${r.cardsChecked} (${r.truth.map((t) => `${t.accountId} ${t.cards.size}`).join(', ') || 'none'})`,
      `faults injected:        ${kinds.map((k) => `${k} ${faultCount(k)}`).join(', ') || 'none'}`,
      `  by platform:          ${platforms.map((p) => `${p} ${JSON.stringify(r.counters[p]?.faults ?? {})}`).join('; ')}`,
      `tokens revoked:         ${faultCount('tokensRevoked')} tokens at ${faultCount('tokenRevocations')} revocation instants (${TOKEN_PLATFORMS.join(', ')})`,
      `carrier requests:       ${platforms.map((p) => `${p} ${counter(p, 'totalRequests')}`).join(', ')}`,
      `killed worker:          ${r.victim ?? 'none'} (${r.victimReason}); mid-sync: ${r.midSync}`,
      `kill-to-takeover:       ${r.takeoverSeconds === null ? 'not seen' : `${r.takeoverSeconds.toFixed(1)} s`}${r.takeoverLine ? `  (${r.takeoverLine.slice(0, 160)})` : ''}`,
      `sync + operations done: ${r.syncDoneSeconds === null ? `no (${(r.waitError ?? 'not reached').split('\n')[0]})` : `${r.syncDoneSeconds.toFixed(1)} s after the kill`}`,
      `operations:             ${r.finalOps.length} with ${items.length} items: ${[...new Set(items.map((i) => i.state))].map((s) => `${s} ${items.filter((i) => i.state === s).length}`).join(', ')}`,
      `orders at carriers:     ${platforms.map((p) => `${p} ${counter(p, 'orders')} (accepted ${counter(p, 'acceptedOrders')})`).join(', ')}`,
      `duplicate orders:       ${platforms.reduce((n, p) => n + counter(p, 'duplicateOrders'), 0)}`,
      `quota refusals:         ${platforms.reduce((n, p) => n + counter(p, 'quotaViolations'), 0)} (${platforms.map((p) => `${p} ${counter(p, 'quotaViolations')}`).join(', ')})`,
      `processes stopped:      survivor ${r.survivorExit || 'n/a'}, gateway ${r.gatewayExit || 'n/a'}`,
      `suite duration:         ${((Date.now() - r.startedAt) / 1000).toFixed(0)} s`,
      '==========================================================',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }

  it('ships: a production install (no dev dependencies) runs every process with plain node, carriers over HTTPS with a per-account CA', () => {
    expect({ https: r.https, caFileOnEveryAccount: r.caFileOnEveryAccount }).toEqual({ https: true, caFileOnEveryAccount: true });
  });

  it('the fault matrix was on: 5xx, timeouts, malformed bodies and token revocations were injected', () => {
    expect(r.revocationAccepted).toEqual(Object.fromEntries(Object.keys(r.origins).map((p) => [p, true])));
    expect({ serverError: faultCount('serverError') > 0, timeout: faultCount('timeout') > 0, malformed: faultCount('malformed') > 0 }).toEqual({ serverError: true, timeout: true, malformed: true });
    expect(faultCount('tokenRevocations', TOKEN_PLATFORMS)).toBeGreaterThan(0);
  });

  it('a worker was SIGKILLed in the middle of the first full sync and the other took its work over', () => {
    expect(r.midSync).toBe(true);
    expect(r.victim).not.toBeNull();
    expect(r.takeoverSeconds).not.toBeNull();
  });

  it('the first full sync completed on every account and kind, with every operation final', () => {
    expect(r.waitError).toBeNull();
    expect(r.syncDone).toBe(true);
  });

  it("every card of every platform equals the carrier's truth: status, reasons, current-cycle usage", () => {
    expect(r.oracleError).toBeNull();
    expect(r.truth.length).toBe(r.accounts.length);
    const mismatches = cardMismatches();
    expect(mismatches.slice(0, 50)).toEqual([]);
    expect(r.cardsChecked).toBe(CARDS * r.accounts.length);
  });

  it('every operation submitted before the kill completed, and each item reached the carrier exactly once', () => {
    expect(r.ops.length).toBeGreaterThanOrEqual(r.accounts.length);
    // The items accepted for submission (PENDING when the operation was created; the others were refused by checks).
    const accepted = new Set(r.ops.flatMap(({ op }) => op.items.filter((i) => i.state === 'PENDING').map((i) => `${op.id}/${i.iccid}`)));
    const items = r.finalOps.flatMap((o) => o.items.filter((i) => accepted.has(`${o.id}/${i.iccid}`)).map((i) => ({ ...i, type: o.type })));
    expect(items.length).toBe(accepted.size);
    const bad = items.filter((i) => i.state !== 'COMPLETED').map((i) => `${i.type} ${i.accountId} ${i.iccid}: ${i.state} ${JSON.stringify(i.error)}`);
    expect(bad).toEqual([]);
    // At the carrier: the card is in the target state, and it was ordered once (accepted once, no refused retry).
    const truth = new Map(r.truth.flatMap((t) => [...t.cards]));
    const wrong: string[] = [];
    for (const { op, target } of r.ops) {
      for (const i of r.finalOps.find((o) => o.id === op.id)?.items ?? []) {
        if (i.state !== 'COMPLETED') continue;
        const c = truth.get(i.iccid);
        if (c?.status !== target || (op.type === 'SUSPEND' && !c.suspendReasons.includes('MANUAL' as never))) wrong.push(`${op.type} ${i.iccid}: carrier says ${c?.status} ${c?.suspendReasons.join(',')}`);
      }
    }
    expect(wrong).toEqual([]);
    const perPlatform = (p: string) => r.finalOps.filter((o) => r.ops.find((x) => x.op.id === o.id)?.platform === p).flatMap((o) => o.items.filter((i) => i.state === 'COMPLETED')).length;
    const orders = Object.keys(r.counters).map((p) => ({ platform: p, orders: counter(p, 'orders'), accepted: counter(p, 'acceptedOrders'), duplicates: counter(p, 'duplicateOrders') }));
    expect(orders).toEqual(Object.keys(r.counters).map((p) => ({ platform: p, orders: perPlatform(p), accepted: perPlatform(p), duplicates: 0 })));
  });

  it('the carriers counted no quota refusal', () => {
    const refusals = Object.fromEntries(Object.keys(r.counters).map((p) => [p, counter(p, 'quotaViolations')]));
    expect(Object.keys(refusals).length).toBe(r.accounts.length);
    expect(refusals).toEqual(Object.fromEntries(Object.keys(refusals).map((p) => [p, 0])));
  });

  it('the surviving worker and the gateway stop on SIGTERM with exit 0', () => {
    expect({ survivor: r.survivorExit, gateway: r.gatewayExit }).toEqual({ survivor: 'exit 0', gateway: 'exit 0' });
  });
});
