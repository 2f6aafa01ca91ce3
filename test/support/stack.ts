import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSimulators, serveAll, writeAccountsFile, type ServedSet, type SimClock, type SimulatorSet } from '@simgate/mocks';
import { Simgate, createLogger, loadConfig, type SimgateConfig } from '@simgate/sync';
import { Store } from '@simgate/store';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { fetchWithCa, type TestTls } from '@simgate/mocks/testing/tls';

/** Controls the simulators whether they run in this process or in their own (through /_sim/). */
export interface SimControl {
  counters(): Promise<Record<string, Record<string, unknown>>>;
  setFaults(platform: string, body: Record<string, unknown>): Promise<void>;
  advanceClock(ms: number): Promise<void>;
  platforms: string[];
}

function localControl(sims: SimulatorSet): SimControl {
  return {
    platforms: sims.all.map((s) => s.platform),
    counters: async () => sims.counters(),
    setFaults: async (platform, body) => sims.setFaults(platform, body),
    advanceClock: async (ms) => sims.clock.advance(ms),
  };
}

function remoteControl(origins: Record<string, string>, tls?: TestTls): SimControl {
  // Simulators over HTTPS: the control API is called trusting the test CA (Node 20's fetch takes no CA).
  const get = tls ? fetchWithCa(tls.ca) : fetch;
  const call = async (platform: string, what: string, body?: unknown) => {
    const res = await get(`${origins[platform]}/_sim/${what}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`simulator control ${platform} ${what}: HTTP ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  return {
    platforms: Object.keys(origins),
    counters: async () => Object.fromEntries(await Promise.all(Object.keys(origins).map(async (p) => [p, await call(p, 'counters')] as const))),
    setFaults: async (platform, body) => void (await call(platform, 'faults', body)),
    // One clock is shared by the four simulators of the process.
    advanceClock: async (ms) => void (await call(Object.keys(origins)[0], 'clock', { advanceMs: ms })),
  };
}

/** Starts `npm run mocks` (the CLI) in its own process; resolves with its accounts file once it is ready. */
async function spawnSimulators(o: { cards: number; seed: number; quotaFactor: number; orderDelayMs: number; clock?: string; out: string; tls?: TestTls }) {
  const tlsArgs = o.tls ? ['--tls-cert', o.tls.certFile, '--tls-key', o.tls.keyFile, '--tls-ca', o.tls.caFile] : [];
  const args = ['-r', '@swc-node/register', path.join(__dirname, '../../mocks/src/cli.ts'), '--cards', String(o.cards), '--seed', String(o.seed), '--out', o.out, '--port-base', '0', '--quota-factor', String(o.quotaFactor), '--order-delay-ms', String(o.orderDelayMs), ...(o.clock ? ['--clock', o.clock] : []), ...tlsArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(__dirname, '../..') });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`simulators exited with ${code}`)));
  });
  const accounts = JSON.parse(line) as { accounts: { platform: string; baseUrl: string }[] };
  const origins = Object.fromEntries(accounts.accounts.map((a) => [a.platform, new URL(a.baseUrl).origin]));
  return { child, origins };
}

export interface StackOptions {
  /** Run the simulators in their own process (as the benchmarks and a real deployment do). */
  external?: boolean;
  cards: number;
  seed?: number;
  clock?: SimClock;
  /** Scales the simulators' quotas and simgate's limiter together (fast tests, same proportions). */
  quotaFactor?: number;
  orderDelayMs?: number;
  /** Use real PostgreSQL (fresh schema) and Redis (fresh prefix) when given. */
  databaseUrl?: string | null;
  /** With `databaseUrl`: open this schema (a previous stack's `schema`, e.g. a restart) instead of a fresh one. */
  schema?: string;
  redisUrl?: string | null;
  env?: Record<string, string>;
  /** Run the worker (processors, no scheduler timers) in this process. */
  worker?: boolean;
  timeoutMs?: number;
  /** Per account id, `options` merged into the accounts file (in-process simulators only), e.g. OneLink's pool groupIds. */
  accountOptions?: (sims: SimulatorSet) => Record<string, Record<string, unknown>>;
  /** Serve the simulators over HTTPS with this test CA's certificate (test/support/tls.ts); every account gets its `caFile`. */
  tls?: TestTls;
}

export interface Stack {
  sims: SimControl;
  /** The in-process simulators (null when external). */
  local: SimulatorSet | null;
  simgate: Simgate;
  config: SimgateConfig;
  dir: string;
  accountsFile: string;
  schema: string | null;
  close(): Promise<void>;
}

/** Simulators on loopback + an assembled Simgate pointed at them (embedded, or real servers when given). */
export async function startStack(o: StackOptions): Promise<Stack> {
  const quotaFactor = o.quotaFactor ?? 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-stack-'));
  const accountsFile = path.join(dir, 'accounts.json');
  let local: SimulatorSet | null = null;
  let served: ServedSet | null = null;
  let child: ChildProcess | null = null;
  let sims: SimControl;
  if (o.external) {
    const r = await spawnSimulators({ cards: o.cards, seed: o.seed ?? 7, quotaFactor, orderDelayMs: o.orderDelayMs ?? 60_000, clock: o.clock?.now().toISOString(), out: accountsFile, tls: o.tls });
    child = r.child;
    sims = remoteControl(r.origins, o.tls);
  } else {
    local = createSimulators({ cards: o.cards, seed: o.seed ?? 7, clock: o.clock, orderDelayMs: o.orderDelayMs ?? 60_000, quotaFactor });
    served = await serveAll(local, 0, '127.0.0.1', o.tls?.server);
    await writeAccountsFile(served, accountsFile, { caFile: o.tls?.caFile });
    if (o.accountOptions) {
      const extra = o.accountOptions(local);
      const file = JSON.parse(fs.readFileSync(accountsFile, 'utf8')) as { accounts: { id: string; options?: Record<string, unknown> }[] };
      for (const a of file.accounts) if (extra[a.id]) a.options = { ...a.options, ...extra[a.id] };
      fs.writeFileSync(accountsFile, JSON.stringify(file, null, 2) + '\n');
    }
    sims = localControl(local);
  }
  const schema = o.databaseUrl ? (o.schema ?? `e2e_${randomBytes(5).toString('hex')}`) : null;
  const config = loadConfig({
    SIMGATE_CARRIERS: accountsFile,
    SIMGATE_DATA_DIR: dir,
    SIMGATE_QUOTA_FACTOR: String(quotaFactor),
    SIMGATE_LOG_LEVEL: process.env.SIMGATE_TEST_LOG ?? 'silent',
    SIMGATE_REDIS_PREFIX: `t${randomBytes(4).toString('hex')}`,
    // Inbound budgets far above any suite's traffic (a suite's polling is no flood); protection.e2e-spec.ts sets its own.
    SIMGATE_RATE_REQUESTS: '1000000',
    SIMGATE_RATE_CARDS: '100000000',
    SIMGATE_AUTH_FAILURES: '100000',
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...(o.env ?? {}),
  });
  const store = o.databaseUrl
    ? await Store.open({ databaseUrl: o.databaseUrl, schema: schema!, maxConnections: 6 })
    : await Store.open({ dataDir: null });
  const simgate = await Simgate.start(config, {
    store,
    logger: createLogger(config.logLevel),
    now: o.clock ? () => o.clock!.now() : undefined,
    timeoutMs: o.timeoutMs ?? 2000,
  });
  if (o.worker !== false) simgate.startWorker();
  return {
    sims,
    local,
    simgate,
    config,
    dir,
    accountsFile,
    schema,
    async close() {
      await simgate.close();
      await store.close();
      if (served) await served.close();
      if (child) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until every sweep kind the platforms support has succeeded for every account and the queue is idle. */
export async function waitForFullSync(sg: Simgate, timeoutMs = 120_000, kinds = ['inventory', 'status', 'usage', 'pools'] as const): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const cps = await sg.store.checkpoints.list();
    const done = sg.runtime.all().every((rt) =>
      kinds
        .filter((k) => sg.engine.supports(rt, k))
        .every((k) => cps.some((c) => c.accountId === rt.account.id && c.kind === k && c.lastSuccessAt && c.state === 'idle')),
    );
    const counts = await sg.queue.counts();
    if (done && counts.active + counts.waiting === 0) return;
    if (Date.now() > until) {
      throw new Error(`full sync not done after ${timeoutMs} ms: ${JSON.stringify(cps.map((c) => [c.accountId, c.kind, c.state, c.cards, c.lastError]))}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startGateway(stack: Stack, apiKeys = ['test-key-1'], metricsToken: string | null = null): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createGateway(stack.simgate, { apiKeys, metricsToken, worker: false });
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${addr.port}` };
}
