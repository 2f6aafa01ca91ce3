/**
 * The cost of inbound protection (issue 15): GET /v1/cards/{iccid} with the limiter and the access log off, and
 * on (in-process counters; and on Redis when REDIS_URL is set), in one run on one seeded schema. The variants
 * take turns (A B C, A B C, …) so that drift of the machine spreads over all of them; each is measured closed
 * loop (saturation: the gateway's CPU per request) and open loop at one rate (p99 a console sees). Prints and
 * writes to docs/benchmarks.md ("Cost of protection") p99 and CPU per request per variant, and their ratio to "off".
 *
 *   DATABASE_URL=postgres://… [REDIS_URL=redis://…] npm run bench:api:protection -- [--cards 200000]
 *     [--schema <kept bench:api schema>] [--duration 10] [--rounds 2] [--rate 500] [--connections 50] [--split] [--no-docs]
 *
 * "On" is production's default: the failed-authentication check, the requests budget per key (far above the
 * load: nothing is refused), and one access-log line per request written by pino to a file (as to stdout).
 * Request ids and the RED metrics are on in every variant (they cannot be turned off). CPU is this process's
 * (gateway, limiter, logger; not PostgreSQL's, Redis's or the load generator's).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { Store } from '@simgate/store';
import { createLogger } from '@simgate/sync';
import { listenBenchGateway, startBenchSimgate } from './gateway';
import { loadInChild } from './load-child';
import type { LoadResult } from './load';
import { seed } from './seed';

interface Args {
  cards: number;
  schema: string | null;
  duration: number;
  rounds: number;
  rate: number;
  connections: number;
  docs: boolean;
  /** Also the limiter alone and the access log alone (in-process counters). */
  split: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cards: 200_000, schema: null, duration: 10, rounds: 2, rate: 500, connections: 50, docs: true, split: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${k} needs a number > 0`);
      return v;
    };
    if (k === '--cards') a.cards = num();
    else if (k === '--schema') a.schema = argv[++i] ?? null;
    else if (k === '--duration') a.duration = num();
    else if (k === '--rounds') a.rounds = num();
    else if (k === '--rate') a.rate = num();
    else if (k === '--connections') a.connections = num();
    else if (k === '--no-docs') a.docs = false;
    else if (k === '--split') a.split = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const log = (s: string) => process.stderr.write(s + '\n');

interface Variant {
  name: string;
  env: Record<string, string>;
}

interface Row {
  variant: string;
  closed: LoadResult & { cpuMsPerRequest: number };
  open: LoadResult;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const DOC = path.join(__dirname, '../../../docs/benchmarks.md');
const START = '<!-- bench:api:protection -->';
const END = '<!-- /bench:api:protection -->';

function writeDocs(block: string): void {
  const text = fs.readFileSync(DOC, 'utf8');
  const generated = `${START}\n${block.trim()}\n${END}`;
  const out =
    text.includes(START) && text.includes(END)
      ? text.slice(0, text.indexOf(START)) + generated + text.slice(text.indexOf(END) + END.length)
      : `${text.trimEnd()}\n\n## Cost of protection (issue 15): \`npm run bench:api:protection\`\n\n${generated}\n`;
  fs.writeFileSync(DOC, out);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('bench:api:protection needs DATABASE_URL (a PostgreSQL server), e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/simgate npm run bench:api:protection\n');
    process.exit(2);
  }
  const a = parseArgs(process.argv.slice(2));
  const schema = a.schema ?? `bench_prot_${randomBytes(4).toString('hex')}`;
  const store = await Store.open({ databaseUrl, schema });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-bench-prot-'));
  const cleanups: (() => Promise<void>)[] = [
    async () => {
      if (!a.schema) await store.db.query(`DROP SCHEMA ${schema} CASCADE`).catch((e: Error) => log(`drop schema: ${e.message}`));
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  ];
  try {
    // The bench accounts exist before the seed (its cards reference them): Simgate.start writes them.
    await (await startBenchSimgate(store, databaseUrl)).close();
    const cards = a.schema ? (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cards')).rows[0].n : (await seed(store.db, a.cards, log)).cards;
    const iccids = (await store.db.query<{ iccid: string }>(`SELECT iccid FROM cards TABLESAMPLE SYSTEM (5) REPEATABLE (7) LIMIT 20000`)).rows.map((r) => r.iccid);
    const paths = iccids.map((x) => `/v1/cards/${x}`);
    const variants: Variant[] = [
      { name: 'off (no limiter, no access log)', env: { SIMGATE_RATE_LIMITS: 'false', SIMGATE_ACCESS_LOG: 'false' } },
      ...(a.split
        ? [
            { name: 'limiter only (in-process)', env: { SIMGATE_RATE_LIMITS: 'true', SIMGATE_ACCESS_LOG: 'false' } },
            { name: 'access log only', env: { SIMGATE_RATE_LIMITS: 'false', SIMGATE_ACCESS_LOG: 'true' } },
          ]
        : []),
      { name: 'on, in-process counters', env: { SIMGATE_RATE_LIMITS: 'true', SIMGATE_ACCESS_LOG: 'true' } },
      ...(process.env.REDIS_URL
        ? [{ name: 'on, counters on Redis', env: { SIMGATE_RATE_LIMITS: 'true', SIMGATE_ACCESS_LOG: 'true', REDIS_URL: process.env.REDIS_URL, SIMGATE_REDIS_PREFIX: `bench${randomBytes(3).toString('hex')}` } }]
        : []),
    ];
    const apiKey = `sg_bench_${randomBytes(12).toString('hex')}`;
    const gateways: { variant: Variant; url: string }[] = [];
    for (const [i, v] of variants.entries()) {
      const logFile = path.join(dir, `access-${i}.log`);
      const logger = createLogger('info', pino.destination({ dest: logFile, sync: true }));
      const sim = await startBenchSimgate(store, databaseUrl, { ...v.env, SIMGATE_LOG_LEVEL: 'info' }, logger);
      const gw = await listenBenchGateway(sim.simgate, apiKey);
      cleanups.unshift(async () => {
        await gw.close();
        await sim.close();
      });
      gateways.push({ variant: v, url: gw.url });
      // The variant is what it says: one request leaves a log line and RateLimit fields exactly when "on".
      const res = await fetch(gw.url + paths[0], { headers: { authorization: `Bearer ${apiKey}` } });
      if (res.status !== 200) throw new Error(`${v.name}: ${paths[0]} answered ${res.status}`);
      const limiter = v.env.SIMGATE_RATE_LIMITS === 'true';
      if ((res.headers.get('ratelimit') !== null) !== limiter) throw new Error(`${v.name}: RateLimit field ${limiter ? 'missing' : 'present'}`);
      await new Promise((r) => setTimeout(r, 50));
      const accessLog = v.env.SIMGATE_ACCESS_LOG === 'true';
      const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"request"')).length : 0;
      if ((lines > 0) !== accessLog) throw new Error(`${v.name}: ${lines} access-log lines`);
    }

    const rows: Row[] = [];
    for (const g of gateways) await loadInChild({ name: g.variant.name, url: g.url, apiKey, connections: a.connections, durationSeconds: 3, rate: 0, paths }); // warm-up
    for (let r = 1; r <= a.rounds; r++) {
      for (const g of gateways) {
        const job = { name: g.variant.name, url: g.url, apiKey, connections: a.connections, durationSeconds: a.duration, paths };
        log(`  round ${r}: ${g.variant.name}: closed loop, then ${a.rate} req/s, ${a.duration} s each …`);
        const cpu0 = process.cpuUsage();
        const closed = await loadInChild({ ...job, rate: 0 });
        const cpu = process.cpuUsage(cpu0);
        const open = await loadInChild({ ...job, rate: a.rate });
        const failed = closed.non2xx + closed.errors + closed.timeouts + open.non2xx + open.errors + open.timeouts;
        if (failed) throw new Error(`${g.variant.name}: ${failed} requests failed or were refused`);
        const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(1, closed.requests);
        rows.push({ variant: g.variant.name, closed: { ...closed, cpuMsPerRequest }, open });
        log(`    closed: ${closed.reqPerSec} req/s, p99 ${closed.p99} ms, CPU ${round(cpuMsPerRequest, 3)} ms/req; open ${a.rate} req/s: p99 ${open.p99} ms`);
      }
    }

    const per = (v: string) => rows.filter((x) => x.variant === v);
    const base = per(variants[0].name);
    const baseP99 = median(base.map((x) => x.open.p99));
    const baseCpu = median(base.map((x) => x.closed.cpuMsPerRequest));
    const baseRps = median(base.map((x) => x.closed.reqPerSec));
    const table = [
      `| variant | p99 ms at ${a.rate} req/s | p99 ratio | gateway CPU ms/req (closed loop) | CPU ratio | saturation req/s | req/s ratio |`,
      '|---|---|---|---|---|---|---|',
      ...variants.map((v) => {
        const xs = per(v.name);
        const p99 = median(xs.map((x) => x.open.p99));
        const cpu = median(xs.map((x) => x.closed.cpuMsPerRequest));
        const rps = median(xs.map((x) => x.closed.reqPerSec));
        return `| ${v.name} | ${round(p99, 1)} | ${round(p99 / baseP99)} | ${round(cpu, 3)} | ${round(cpu / baseCpu)} | ${Math.round(rps)} | ${round(rps / baseRps)} |`;
      }),
    ].join('\n');
    const each = [
      '| round | variant | closed-loop req/s | closed-loop p99 ms | CPU ms/req | open-loop p50 ms | open-loop p99 ms |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((x, i) => `| ${Math.floor(i / variants.length) + 1} | ${x.variant} | ${x.closed.reqPerSec} | ${x.closed.p99} | ${round(x.closed.cpuMsPerRequest, 3)} | ${x.open.p50} | ${x.open.p99} |`),
    ].join('\n');
    process.stdout.write(`\n${table}\n\n${each}\n`);
    const pg = (await store.db.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    const block = [
      `Latest run (${new Date().toISOString().slice(0, 10)}): ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'cpu'}), Node ${process.version}, PostgreSQL ${pg}` +
        `${process.env.REDIS_URL ? ' and Redis' : ''} on the same machine; ${cards.toLocaleString('en')} cards; GET /v1/cards/{iccid} over 20,000 random cards, ` +
        `${a.connections} connections, ${a.duration} s closed loop then ${a.duration} s at ${a.rate} req/s (open loop) per variant and round, ${a.rounds} rounds taking turns; ` +
        'medians over the rounds; ratios to "off".',
      '',
      table,
      '',
      each,
    ].join('\n');
    if (a.docs) {
      writeDocs(block);
      log(`bench:api:protection: wrote ${path.relative(process.cwd(), DOC)}`);
    }
  } finally {
    for (const c of cleanups) await c().catch((e: Error) => log(`cleanup: ${e.message}`));
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:api:protection: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
