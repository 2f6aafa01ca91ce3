import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import Redis from 'ioredis';
import { Client } from 'pg';

/**
 * Helpers of the production suite (test/e2e/production.e2e-prod.ts): what ships, installed as in production
 * (`npm ci --omit=dev` + the built `dist/` in a fresh folder), its processes run with plain `node`, their
 * pino output kept in files and in memory, a fresh PostgreSQL database and a fresh Redis key prefix.
 */

/**
 * The checkout whose package files and dist/ are installed: this one, or SIMGATE_PROD_SOURCE (another checkout
 * with its own node_modules, e.g. to try the suite on a snapshot while this tree is being edited).
 */
export const REPO = path.resolve(process.env.SIMGATE_PROD_SOURCE ?? path.join(__dirname, '../..'));

/** Newest modification time (ms) of the TypeScript sources the build compiles. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds `dist/` (`npm run build`) when it is missing or older than a source file (in .ci/run the build
 * already ran, so nothing is done); `SIMGATE_PROD_BUILD=always|never` forces either way. Returns whether it built.
 */
export function ensureBuilt(log: (s: string) => void): boolean {
  const marker = path.join(REPO, 'dist/apps/gateway/src/main.js');
  const mode = process.env.SIMGATE_PROD_BUILD ?? 'auto';
  const stale = () => {
    if (!fs.existsSync(marker)) return true;
    const built = fs.statSync(marker).mtimeMs;
    return ['apps', 'libs', 'mocks'].some((d) => newestSource(path.join(REPO, d)) > built);
  };
  if (mode === 'never' || (mode !== 'always' && !stale())) return false;
  log('building dist/ (npm run build)');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`npm run build failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  return true;
}

/** A fresh folder with package.json, package-lock.json, dist/ and a production install (`npm ci --omit=dev`). */
export function productionInstall(root: string, log: (s: string) => void): string {
  const dir = path.join(root, 'app');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  fs.cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const t0 = Date.now();
  try {
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`npm ci --omit=dev failed:\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`);
  }
  log(`production install (npm ci --omit=dev) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // A dev dependency that is also an optional peer of a production dependency is `devOptional` in the lock, and npm
  // keeps it under --omit=dev (typescript: an optional peer of valibot, under @bull-board/api); the others must be gone.
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { devOptional?: boolean }> };
  for (const dev of ['jest', 'nock', 'typescript', '@swc/core']) {
    if (lock.packages[`node_modules/${dev}`]?.devOptional) continue;
    if (fs.existsSync(path.join(dir, 'node_modules', dev))) throw new Error(`the production install holds the dev dependency '${dev}'`);
  }
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A fresh database on the server of `databaseUrl`; `drop()` removes it (connections forced out). */
export async function freshDatabase(databaseUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `simgate_prod_${randomBytes(5).toString('hex')}`;
  const admin = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** Deletes every Redis key under `prefix:` (SCAN, not KEYS). Returns how many. */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  await r.connect();
  let n = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return n;
}

/** Counts of the sync queue's lists in Redis (Bull keys `<prefix>:simgate-sync:<list>`). */
export async function queueCounts(redisUrl: string, prefix: string): Promise<{ active: number; waiting: number; delayed: number }> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  await r.connect();
  try {
    const q = `${prefix}:simgate-sync`;
    const [active, waiting, paused, prioritized, delayed] = await Promise.all([r.llen(`${q}:active`), r.llen(`${q}:wait`), r.llen(`${q}:paused`), r.zcard(`${q}:priority`), r.zcard(`${q}:delayed`)]);
    // Bull keeps prioritized jobs in `wait` too (the zset only orders them).
    void prioritized;
    return { active, waiting: waiting + paused, delayed };
  } finally {
    r.disconnect();
  }
}

export interface LogLine {
  /** Epoch ms (pino's `time`), or the time the line was read when it is not JSON. */
  time: number;
  msg: string;
  json: Record<string, unknown> | null;
  text: string;
}

/** A child process of the suite, its output in `<logDir>/<name>.log` and in `lines`. */
export class Proc {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly logFile: string;
  private readonly firstLine: Promise<string>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logDir: string,
  ) {
    this.logFile = path.join(logDir, `${name}.log`);
    const out = fs.createWriteStream(this.logFile);
    let resolveFirst: (l: string) => void = () => undefined;
    this.firstLine = new Promise((r) => (resolveFirst = r));
    let first = true;
    for (const [s, isStdout] of [[child.stdout!, true], [child.stderr!, false]] as const) {
      readline.createInterface({ input: s }).on('line', (text) => {
        out.write(text + '\n');
        if (isStdout && first) {
          first = false;
          resolveFirst(text);
        }
        let json: Record<string, unknown> | null = null;
        if (text.startsWith('{')) {
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = null;
          }
        }
        this.lines.push({ time: typeof json?.time === 'number' ? json.time : Date.now(), msg: typeof json?.msg === 'string' ? json.msg : '', json, text });
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        setTimeout(() => out.end(), 100);
        resolve({ code, signal });
      }),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first stdout line (the simulators' CLI prints its accounts JSON there), or an error when it exits first. */
  async stdoutFirstLine(timeoutMs: number): Promise<string> {
    return Promise.race([
      this.firstLine,
      this.exited.then(({ code, signal }) => {
        throw new Error(`${this.name} exited (${code ?? signal}) before printing:\n${this.tail()}`);
      }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${this.name} printed nothing in ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs).unref()),
    ]);
  }

  /** Waits for a log line matching `pred`; fails when the process exits or the deadline passes. */
  async waitForLine(pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find(pred);
      if (hit) return hit;
      if (!this.alive) throw new Error(`${this.name} exited before ${what}:\n${this.tail()}`);
      if (Date.now() > end) throw new Error(`${this.name}: no ${what} after ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(100);
    }
  }

  tail(n = 40): string {
    return this.lines
      .slice(-n)
      .map((l) => `  [${this.name}] ${l.text.length > 600 ? l.text.slice(0, 600) + '…' : l.text}`)
      .join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  async stop(graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }> {
    if (!this.alive) return { ...(await this.exited), forced: false };
    this.child.kill('SIGTERM');
    const timer = new Promise<null>((r) => setTimeout(() => r(null), graceMs).unref());
    const ended = await Promise.race([this.exited, timer]);
    if (ended) return { ...ended, forced: false };
    this.child.kill('SIGKILL');
    return { ...(await this.exited), forced: true };
  }
}

/** Environment of a product process: the machine's basics (PATH, HOME…) plus `env`; nothing of the test's own SIMGATE_* settings. */
export function productEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('SIMGATE_') || k === 'DATABASE_URL' || k === 'REDIS_URL' || k.startsWith('NODE_') || k.startsWith('JEST') || k === 'PORT') continue;
    base[k] = v;
  }
  return { ...base, NODE_ENV: 'production', ...env };
}

export function startProc(name: string, cwd: string, script: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Proc {
  const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Proc(name, child, logDir);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a truthy value; throws `what` (and `detail()`) after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, intervalMs = 250, detail?: () => Promise<string> | string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v: T | null | undefined | false;
    try {
      v = await fn();
    } catch (e) {
      throw new Error(`${(e as Error).message}${detail ? `\n${await detail()}` : ''}`);
    }
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${detail ? `\n${await detail()}` : ''}`);
    await sleep(intervalMs);
  }
}

export function mkTemp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-prod-'));
}
