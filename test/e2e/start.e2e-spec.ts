/**
 * `npm start` as a new user runs it: no servers, embedded PGlite and queue, bundled simulators. The process
 * starts, prints its API key, serves /health, stops cleanly on SIGTERM (Simgate and PGlite closed, exit 0),
 * and starts again on the same data directory with the same stored key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverPlatforms } from '@simgate/carriers';

const MAIN = path.join(__dirname, '../../apps/gateway/src/main.ts');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  out: () => string;
  key: string;
  port: number;
}

async function start(dataDir: string): Promise<Started> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, SIMGATE_DATA_DIR: dataDir, PORT: String(port), SIMGATE_DEMO_CARDS: '20', SIMGATE_LOG_LEVEL: 'info' };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'SIMGATE_CARRIERS', 'SIMGATE_API_KEYS', 'SIMGATE_METRICS_TOKEN']) delete env[k];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!out.includes('simgate is running')) {
    if (child.exitCode !== null) throw new Error(`simgate exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`simgate did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const key = /simgate API key[^\n]*\n\s+(sg_[A-Za-z0-9_-]+)/.exec(out)?.[1];
  if (!key) throw new Error(`no API key printed:\n${out}`);
  return { child, out: () => out, key, port };
}

async function stop(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  s.child.kill('SIGTERM');
  return Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
}

describe('npm start (embedded defaults, bundled simulators)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-start-'));
  const running: Started[] = [];
  afterAll(() => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, answers with its key, stops on SIGTERM with exit 0, and starts again with the same key', async () => {
    const first = await start(dataDir);
    running.push(first);
    const h = await fetch(`http://127.0.0.1:${first.port}/health`);
    expect(h.status).toBe(200);
    const authed = await fetch(`http://127.0.0.1:${first.port}/v1/accounts`, { headers: { authorization: `Bearer ${first.key}` } });
    expect(authed.status).toBe(200);
    const accounts = ((await authed.json()) as { items: { platform: string }[] }).items.map((a) => a.platform).sort();
    // One account per platform the registry discovers (no list to keep here).
    expect(accounts).toEqual(discoverPlatforms().map((p) => p.manifest.id).sort());
    expect(await stop(first)).toBe(0);
    // stop() ran to its end: the app, Simgate (PGlite) and the simulators were closed before exiting.
    expect(first.out()).toContain('"msg":"stopping"');

    const second = await start(dataDir);
    running.push(second);
    expect(second.key).toBe(first.key);
    const again = await fetch(`http://127.0.0.1:${second.port}/v1/accounts`, { headers: { authorization: `Bearer ${second.key}` } });
    expect(again.status).toBe(200);
    expect(await stop(second)).toBe(0);
  }, 240_000);
});
