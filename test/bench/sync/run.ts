/**
 * Sync benchmark: a full sync of N cards per platform against the simulators over HTTP (their own process),
 * at the platforms' real quotas scaled by one factor. Reports, per platform: wall time ÷ the quota-bound
 * minimum (requests ÷ the account's quota), requests made, quota violations, peak RSS of the simgate
 * process, CPU milliseconds per 1,000 cards. Each platform runs in a fresh process of its own.
 *
 *   npm run bench:sync -- --cards 100000 --quota-factor 100 [--platforms cmcc-onelink,ctcc-cmp] [--kinds inventory,status,usage]
 *       [--neighbour off|on|both]
 *
 * `--neighbour on` runs a CPU-hungry neighbour beside each platform's run: one busy-looping process per core, at
 * the same scheduling priority as simgate and the simulators (a busy host, where requests reach the carrier late
 * and bunched). `both` runs each platform without, then with it.
 *
 * Uses PostgreSQL when DATABASE_URL is set (a fresh schema, dropped afterwards), else embedded PGlite.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Store, type SyncKind } from '@simgate/store';
import { Simgate, createLogger, loadConfig } from '@simgate/sync';

interface Args {
  cards: number;
  quotaFactor: number;
  platforms: string[];
  kinds: SyncKind[];
  seed: number;
  neighbour: 'off' | 'on' | 'both';
  /** Set in the per-platform child processes. */
  child: boolean;
}

function parse(argv: string[]): Args {
  const a: Args = { cards: 10_000, quotaFactor: 50, platforms: ['cmcc-onelink', 'cucc-jasper', 'ctcc-cmp', 'intl-1nce'], kinds: ['inventory', 'status', 'usage'], seed: 1, neighbour: 'off', child: false };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--cards') a.cards = Number(v);
    else if (k === '--quota-factor') a.quotaFactor = Number(v);
    else if (k === '--platforms') a.platforms = v.split(',');
    else if (k === '--kinds') a.kinds = v.split(',') as SyncKind[];
    else if (k === '--seed') a.seed = Number(v);
    else if (k === '--child') a.child = v === '1';
    else if (k === '--neighbour') {
      if (v !== 'off' && v !== 'on' && v !== 'both') throw new Error('--neighbour: off, on or both');
      a.neighbour = v;
    }
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const NOW = '2026-11-20T10:00:00+08:00';

/** The repository root (the per-platform processes run a compiled copy of this file from elsewhere). */
const ROOT = process.env.SIMGATE_BENCH_ROOT ?? path.resolve(__dirname, '../../..');

async function spawnSims(a: Args, out: string) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/mocks/src/cli.js'), '--cards', String(a.cards), '--seed', String(a.seed), '--out', out, '--port-base', '0', '--quota-factor', String(a.quotaFactor), '--clock', NOW], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`simulators exited ${c}`)));
  });
  const accounts = (JSON.parse(line) as { accounts: { id: string; platform: string; baseUrl: string }[] }).accounts;
  return { child, accounts };
}

async function counters(origin: string): Promise<{ totalRequests: number; quotaViolations: number; requests: Record<string, number> }> {
  return (await (await fetch(`${origin}/_sim/counters`)).json()) as never;
}

async function benchPlatform(a: Args, platform: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-bench-'));
  const all = path.join(dir, 'accounts.json');
  const sims = await spawnSims(a, all);
  const file = JSON.parse(fs.readFileSync(all, 'utf8')) as { accounts: { platform: string; baseUrl: string }[] };
  const account = file.accounts.find((x) => x.platform === platform)!;
  fs.writeFileSync(path.join(dir, 'one.json'), JSON.stringify({ accounts: [account] }));
  const origin = new URL(account.baseUrl).origin;
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = process.env.DATABASE_URL
    ? await Store.open({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: 8 })
    : await Store.open({ dataDir: path.join(dir, 'pglite') });
  const config = loadConfig({
    SIMGATE_CARRIERS: path.join(dir, 'one.json'),
    SIMGATE_DATA_DIR: dir,
    SIMGATE_QUOTA_FACTOR: String(a.quotaFactor),
    SIMGATE_LOG_LEVEL: 'warn',
    ...(process.env.SIMGATE_QUOTA_MARGIN_MS ? { SIMGATE_QUOTA_MARGIN_MS: process.env.SIMGATE_QUOTA_MARGIN_MS } : {}),
  });
  // No queue worker: the sweeps run here one after the other (the chained sweeps they enqueue stay queued),
  // so every request counted belongs to exactly one full sync.
  const sg = await Simgate.start(config, { store, logger: createLogger('warn'), now: () => new Date(NOW) });
  const rt = sg.runtime.all()[0];
  const rps = (rt.manifest.quotas.account.points * a.quotaFactor) / rt.manifest.quotas.account.durationSeconds;
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const before = await counters(origin);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  // The kinds in order (a full sync: the inventory, then status and usage of every card).
  for (const kind of a.kinds) {
    if (!sg.engine.supports(rt, kind)) continue;
    const k0 = performance.now();
    await sg.engine.runSweep(rt.account.id, kind);
    phases[kind] = Math.round(performance.now() - k0) / 1000;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const after = await counters(origin);
  const requests = after.totalRequests - before.totalRequests;
  const minimum = requests / rps;
  const cards = await sg.store.cards.count(rt.account.id);
  const result = {
    platform,
    cards,
    requests,
    quotaPerSecond: rps,
    wallSeconds: Math.round(wall * 10) / 10,
    minimumSeconds: Math.round(minimum * 10) / 10,
    ratio: Math.round((wall / minimum) * 1000) / 1000,
    quotaViolations: after.quotaViolations - before.quotaViolations,
    startRssMb: Math.round(startRss / 1_048_576),
    peakRssMb: Math.round(peakRss / 1_048_576),
    cpuMsPer1000Cards: Math.round(((cpu.user + cpu.system) / 1000 / cards) * 1000 * 10) / 10,
    phases,
  };
  await sg.close();
  if (process.env.DATABASE_URL) await store.db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
  await store.close();
  sims.child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * Production runs compiled JavaScript (`npm start` → dist/), so each platform's process does too: the build,
 * and this file transpiled with its `@simgate/*` imports pointed at dist/. No TypeScript compiler is loaded
 * in the measured process (@swc-node/register alone adds ~80 MB of RSS).
 */
function compileChild(): string {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const js = ts
    .transpileModule(fs.readFileSync(__filename, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } })
    .outputText.replace(/require\("@simgate\/(store|sync)"\)/g, (_m, lib: string) => `require(${JSON.stringify(path.join(ROOT, `dist/libs/${lib}/src/index.js`))})`);
  const out = path.join(ROOT, 'dist/test/bench/sync/run.js');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, js);
  return out;
}

/** One platform in a fresh process of its own, so that RSS and CPU are that platform's alone. */
async function benchInChild(script: string, argv: string[], platform: string): Promise<Awaited<ReturnType<typeof benchPlatform>>> {
  const args = [...argv];
  for (const flag of ['--platforms', '--neighbour']) {
    const i = args.indexOf(flag);
    if (i >= 0) args.splice(i, 2);
  }
  const child = spawn(process.execPath, ['--expose-gc', script, ...args, '--platforms', platform, '--child', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SIMGATE_BENCH_ROOT: ROOT },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`bench of ${platform} exited ${code}`);
  return JSON.parse(line) as Awaited<ReturnType<typeof benchPlatform>>;
}

/**
 * A CPU-hungry neighbour: one busy loop per core, same priority as everything else (started before the run,
 * stopped after it).
 */
function startNeighbour(): () => void {
  const spinners = os.cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }));
  return () => spinners.forEach((c) => c.kill('SIGKILL'));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const a = parse(argv);
  if (a.child) {
    process.stdout.write(JSON.stringify(await benchPlatform(a, a.platforms[0])) + '\n');
    process.exit(0);
  }
  const script = compileChild();
  const results: (Awaited<ReturnType<typeof benchPlatform>> & { neighbour: boolean })[] = [];
  const modes = a.neighbour === 'both' ? [false, true] : [a.neighbour === 'on'];
  for (const p of a.platforms) {
    for (const neighbour of modes) {
      const stop = neighbour ? startNeighbour() : () => undefined;
      try {
        const r = { ...(await benchInChild(script, argv, p)), neighbour };
        process.stdout.write(JSON.stringify(r) + '\n');
        results.push(r);
      } finally {
        stop();
      }
    }
  }
  process.stdout.write(
    `\n| platform | CPU-hungry neighbour | cards | requests | quota/s (×${a.quotaFactor}) | wall s | quota-bound min s | ratio | violations | RSS at start MB | peak RSS MB | CPU ms / 1k cards |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n` +
      results
        .map((r) => `| ${r.platform} | ${r.neighbour ? `yes (${os.cpus().length} busy loops)` : 'no'} | ${r.cards} | ${r.requests} | ${r.quotaPerSecond} | ${r.wallSeconds} | ${r.minimumSeconds} | ${r.ratio} | ${r.quotaViolations} | ${r.startRssMb} | ${r.peakRssMb} | ${r.cpuMsPer1000Cards} |`)
        .join('\n') +
      '\n',
  );
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:sync: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
