import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStack, type Stack } from '../support/stack';

/**
 * Two gateway processes (`apps/gateway/src/main.ts`, as deployed) on one Redis and one PostgreSQL: the
 * requests budget of a key and the failed-authentication block of an address are shared (RateLimiterRedis on
 * the shared connection), the queue dashboard answers behind the API key, and the access log has one line
 * per request with the key's id, never the key. Needs REDIS_URL and DATABASE_URL (.ci/run sets both).
 */
const REDIS_URL = process.env.REDIS_URL;
const DATABASE_URL = process.env.DATABASE_URL;
const MAIN = path.join(__dirname, '../../apps/gateway/src/main.ts');
const KEY = 'shared-key-a';
const OTHER = 'shared-key-b';

if (!REDIS_URL || !DATABASE_URL) console.log('REDIS_URL / DATABASE_URL not set: the shared-budget suite is skipped (it runs in CI).');

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

interface Gateway {
  child: ChildProcess;
  url: string;
  out: () => string;
}

async function startGatewayProcess(stack: Stack, dataDir: string): Promise<Gateway> {
  const port = await freePort();
  const db = new URL(DATABASE_URL!);
  db.searchParams.set('options', `-c search_path=${stack.schema}`);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
    cwd: path.join(__dirname, '../..'),
    env: {
      ...process.env,
      SIMGATE_CARRIERS: stack.accountsFile,
      DATABASE_URL: db.toString(),
      REDIS_URL,
      SIMGATE_REDIS_PREFIX: stack.config.redisPrefix,
      SIMGATE_DATA_DIR: dataDir,
      SIMGATE_API_KEYS: `${KEY},${OTHER}`,
      SIMGATE_WORKER: 'false',
      PORT: String(port),
      SIMGATE_LOG_LEVEL: 'info',
      SIMGATE_RATE_REQUESTS: '6',
      SIMGATE_RATE_REQUESTS_WINDOW_SECONDS: '600',
      SIMGATE_AUTH_FAILURES: '4',
      SIMGATE_AUTH_BLOCK_SECONDS: '600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!out.includes('simgate is running')) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: `http://127.0.0.1:${port}`, out: () => out };
}

async function stopGateway(g: Gateway): Promise<void> {
  if (g.child.exitCode !== null) return;
  const exited = new Promise((r) => g.child.once('exit', r));
  g.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

(REDIS_URL && DATABASE_URL ? describe : describe.skip)('two gateway processes on one Redis', () => {
  let stack: Stack;
  const dirs: string[] = [];
  let a: Gateway;
  let b: Gateway;
  beforeAll(async () => {
    stack = await startStack({ cards: 4, databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, worker: false });
    for (let i = 0; i < 2; i++) dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-shared-')));
    [a, b] = await Promise.all([startGatewayProcess(stack, dirs[0]), startGatewayProcess(stack, dirs[1])]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map(stopGateway));
    await stack?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("share one key's requests budget: the seventh request, on either process, is refused", async () => {
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await get(`${(i % 2 ? b : a).url}/v1/platforms`, bearer(KEY));
      statuses.push(r.status);
      remaining.push(r.headers.get('ratelimit') ?? '');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(remaining.slice(0, 6).map((h) => /r=(\d+)/.exec(h)?.[1])).toEqual(['5', '4', '3', '2', '1', '0']);
    // The other key is served by both.
    expect((await get(`${a.url}/v1/platforms`, bearer(OTHER))).status).toBe(200);
    expect((await get(`${b.url}/v1/platforms`, bearer(OTHER))).status).toBe(200);
  });

  it('serve the queue dashboard behind the API key (Basic for browsers, Bearer too)', async () => {
    const none = await get(`${a.url}/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="simgate queues"/);
    const basic = await get(`${a.url}/queues`, { authorization: `Basic ${Buffer.from(`ops:${OTHER}`).toString('base64')}` });
    expect(basic.status).toBe(200);
    expect(basic.headers.get('content-type')).toMatch(/^text\/html/);
    const api = await get(`${b.url}/queues/api/queues?activeQueue=simgate-sync&page=1&jobsPerPage=10`, bearer(OTHER));
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toContain('simgate-sync');
  });

  it('log one access line per request with the route template and the key id, never the key', async () => {
    const r = await get(`${a.url}/v1/cards/89860000000000000000`, { ...bearer(OTHER), 'x-request-id': 'shared-suite-1' });
    expect(r.headers.get('x-request-id')).toBe('shared-suite-1');
    const deadline = Date.now() + 10_000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < deadline) {
      line = a
        .out()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === 'shared-suite-1');
      if (!line) await new Promise((res) => setTimeout(res, 50));
    }
    expect(line).toMatchObject({ msg: 'request', method: 'GET', route: '/v1/cards/:iccid', status: r.status, keyId: expect.stringMatching(/^key_[0-9a-f]{12}$/) });
    expect(typeof line!.durationMs).toBe('number');
    for (const g of [a, b]) {
      expect(g.out()).not.toContain(KEY);
      expect(g.out()).not.toContain(OTHER);
    }
  });

  it('share the failed-authentication block of an address: blocked on one, blocked on the other', async () => {
    for (let i = 0; i < 4; i++) expect((await get(`${a.url}/v1/platforms`, bearer(`wrong-${i}`))).status).toBe(401);
    const r = await get(`${b.url}/v1/platforms`, bearer(OTHER));
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(590);
    expect(((await r.json()) as { budget: string }).budget).toBe('auth_block');
  });
});
