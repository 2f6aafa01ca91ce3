/**
 * Console API benchmark (issue 6): 1,000,000 cards in PostgreSQL, the gateway in this process (no worker, no
 * carrier calls), autocannon in a child process with 50 connections. Scenarios: filtered lists (status + reason,
 * account + status, keyset pages from a cursor in the middle) and one card by ICCID over many ICCIDs. Each runs
 * closed loop (every connection sends its next request as soon as the previous one is answered: the saturation
 * throughput) and open loop at a sweep of fixed total rates (50 clients sharing that rate: the latency a console
 * sees at that load). Prints p50/p90/p99/max latency, req/s and the gateway's CPU per request (this process's
 * user + system CPU over the run ÷ requests; PostgreSQL's and autocannon's CPU not included) per scenario and
 * load, then per scenario the highest swept rate at which the issue's target holds (p99 under it, the rate
 * actually delivered, no errors), and writes them to docs/benchmarks.md ("Console API").
 *
 *   DATABASE_URL=postgres://… npm run bench:api -- [--cards 1000000] [--duration 15] [--connections 50]
 *     [--list-rates 10,25,50,100,200] [--card-rates 100,250,500,1000,2000] (--list-rate / --card-rate: one rate)
 *     [--only list,card] [--no-docs] [--keep] [--schema bench_api_… (reuse a kept one)]
 *
 * Seeds a fresh schema `bench_api_<random>` and drops it at the end (`--keep` leaves it for EXPLAIN).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, type Db } from '@simgate/store';
import { encodeCursor } from '../../../apps/gateway/src/cards/cards.service';
import { listenBenchGateway, startBenchSimgate } from './gateway';
import { loadInChild } from './load-child';
import { summary, table, type Measured } from './report';
import { BENCH_ACCOUNTS, REASON_MIX, STATUS_MIX, seed, type SeedResult } from './seed';

interface Args {
  cards: number;
  duration: number;
  connections: number;
  /** Open-loop rates swept per scenario (total requests/s over all connections). */
  listRates: number[];
  cardRates: number[];
  only: string[] | null;
  docs: boolean;
  keep: boolean;
  /** An already seeded schema (from `--keep`): not seeded again, not dropped. */
  schema: string | null;
}

function rates(list: string | undefined): number[] {
  const out = (list ?? '').split(',').filter(Boolean).map(Number);
  if (out.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`rates must be numbers > 0, got '${list}'`);
  return out;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cards: 1_000_000, duration: 15, connections: 50, listRates: [10, 25, 50, 100, 200], cardRates: [100, 250, 500, 1000, 2000], only: null, docs: true, keep: false, schema: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${k} needs a number ≥ 0`);
      return v;
    };
    if (k === '--cards') a.cards = num();
    else if (k === '--duration') a.duration = num();
    else if (k === '--connections') a.connections = num();
    else if (k === '--list-rate') a.listRates = [num()];
    else if (k === '--card-rate') a.cardRates = [num()];
    else if (k === '--list-rates') a.listRates = rates(argv[++i]);
    else if (k === '--card-rates') a.cardRates = rates(argv[++i]);
    else if (k === '--only') a.only = (argv[++i] ?? '').split(',');
    else if (k === '--no-docs') a.docs = false;
    else if (k === '--keep') a.keep = true;
    else if (k === '--schema') a.schema = argv[++i] ?? null;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const log = (s: string) => process.stderr.write(s + '\n');

interface Scenario {
  name: string;
  kind: 'list' | 'card';
  what: string;
  paths: string[];
}


const DOC = path.join(__dirname, '../../../docs/benchmarks.md');
const START = '<!-- bench:api:latest -->';
const END = '<!-- /bench:api:latest -->';

/**
 * Replaces the generated block of the "Console API" section of docs/benchmarks.md (creating the file or the
 * section when missing); the rest of the file (other sections, the hand-written before/after) stays as it is.
 */
function writeDocs(block: string): void {
  const text = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const generated = `${START}\n${block.trim()}\n${END}`;
  let out: string;
  if (text.includes(START) && text.includes(END)) {
    out = text.slice(0, text.indexOf(START)) + generated + text.slice(text.indexOf(END) + END.length);
  } else {
    out = `${text.trimEnd()}\n\n## Console API\n\n${generated}\n`;
  }
  fs.writeFileSync(DOC, out);
}

async function existing(db: Db): Promise<SeedResult> {
  const n = (sql: string) => db.query<{ n: number }>(sql).then((r) => r.rows[0].n);
  return { cards: await n('SELECT count(*)::int AS n FROM cards'), usageRows: await n('SELECT count(*)::int AS n FROM usage_cycles'), seconds: 0 };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('bench:api needs DATABASE_URL (a PostgreSQL server; a fresh schema is created and dropped), e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/simgate npm run bench:api\n');
    process.exit(2);
  }
  const a = parseArgs(process.argv.slice(2));
  const schema = a.schema ?? `bench_api_${randomBytes(4).toString('hex')}`;
  if (a.schema) a.keep = true;
  log(`bench:api: schema ${schema}, ${a.cards.toLocaleString('en')} cards`);
  const store = await Store.open({ databaseUrl, schema });
  let cleanup = async () => {
    if (!a.keep) await store.db.query(`DROP SCHEMA ${schema} CASCADE`).catch((e: Error) => log(`drop schema: ${e.message}`));
    else log(`kept schema ${schema}`);
    await store.close();
  };
  try {
    const sim = await startBenchSimgate(store, databaseUrl);
    const storeCleanup = cleanup;
    cleanup = async () => {
      await sim.close();
      await storeCleanup();
    };
    const seeded = a.schema ? await existing(store.db) : await seed(store.db, a.cards, log);
    const sample = async (where: string, n: number) =>
      (await store.db.query<{ iccid: string }>(`SELECT iccid FROM cards TABLESAMPLE SYSTEM (5) REPEATABLE (7) ${where} LIMIT ${n}`)).rows.map((r) => r.iccid);
    const iccids = await sample('', 20_000);
    // Cursors in the middle of each list: a random card of the account (or of any account), not in the last 5%.
    const sorted = [...iccids].sort();
    const middle = sorted.slice(Math.floor(sorted.length * 0.05), Math.floor(sorted.length * 0.95)).filter((_, i) => i % 9 === 0);
    const ofAccount = BENCH_ACCOUNTS.map((x) => {
      const own = sorted.filter((i) => i.startsWith(x.iccidPrefix));
      return own.slice(Math.floor(own.length * 0.05), Math.floor(own.length * 0.95));
    });
    const apiKey = `sg_bench_${randomBytes(12).toString('hex')}`;
    const gateway = await listenBenchGateway(sim.simgate, apiKey);
    const url = gateway.url;
    const simCleanup = cleanup;
    cleanup = async () => {
      await gateway.close();
      await simCleanup();
    };

    const scenarios: Scenario[] = [
      { name: 'list status+reason', kind: 'list', what: 'status=SUSPENDED&reason=OVER_QUOTA&limit=100', paths: ['/v1/cards?status=SUSPENDED&reason=OVER_QUOTA&limit=100'] },
      {
        name: 'list account+status',
        kind: 'list',
        what: 'account=<one of 4>&status=ACTIVE&limit=100',
        paths: BENCH_ACCOUNTS.map((x) => `/v1/cards?account=${x.id}&status=ACTIVE&limit=100`),
      },
      {
        name: 'list page from cursor',
        kind: 'list',
        what: 'the two filters above, each with a cursor at a random card of the list (2,000 positions)',
        paths: middle.slice(0, 2000).map((iccid, i) => {
          if (i % 2) return `/v1/cards?status=SUSPENDED&reason=OVER_QUOTA&limit=100&cursor=${encodeCursor(iccid)}`;
          const own = ofAccount[i % 4];
          return `/v1/cards?account=${BENCH_ACCOUNTS[i % 4].id}&status=ACTIVE&limit=100&cursor=${encodeCursor(own[i % own.length])}`;
        }),
      },
      { name: 'card by ICCID', kind: 'card', what: 'GET /v1/cards/{iccid}, one of 20,000 random cards', paths: iccids.map((x) => `/v1/cards/${x}`) },
    ];
    const chosen = scenarios.filter((s) => !a.only || a.only.includes(s.kind) || a.only.includes(s.name));

    // Every scenario answers 200 with a full page before it is measured.
    for (const s of chosen) {
      const res = await fetch(url + s.paths[0], { headers: { authorization: `Bearer ${apiKey}` } });
      const body = (await res.json()) as { items?: unknown[]; iccid?: string };
      if (res.status !== 200 || (s.kind === 'list' ? body.items?.length !== 100 : !body.iccid)) {
        throw new Error(`${s.name}: ${s.paths[0]} answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      }
    }

    const results: Measured[] = [];
    for (const s of chosen) {
      const sweep = s.kind === 'list' ? a.listRates : a.cardRates;
      const base = { name: s.name, url, apiKey, connections: a.connections, paths: s.paths };
      await loadInChild({ ...base, durationSeconds: 3, rate: 0 }); // warm-up (JIT, buffers), not reported
      const modes: [string, number][] = [[`${a.connections} conns, closed loop`, 0], ...sweep.map((rate): [string, number] => [`${a.connections} conns, ${rate} req/s`, rate])];
      for (const [mode, overall] of modes) {
        log(`  ${s.name}: ${mode} for ${a.duration} s …`);
        const cpu0 = process.cpuUsage();
        const r = await loadInChild({ ...base, durationSeconds: a.duration, rate: overall });
        const cpu = process.cpuUsage(cpu0);
        const cpuMsPerRequest = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, r.requests)) * 100) / 100;
        results.push({ ...r, what: s.what, mode, kind: s.kind, cpuMsPerRequest });
        log(
          `    p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms, ${r.reqPerSec} req/s, errors ${r.non2xx + r.errors + r.timeouts}, gateway CPU ${cpuMsPerRequest} ms/req` +
            (r.fromIssue && r.lag ? `; from issue p50 ${r.fromIssue.p50} p99 ${r.fromIssue.p99} ms; generator lag p50 ${r.lag.p50} p99 ${r.lag.p99} max ${r.lag.max} ms` : ''),
        );
      }
    }

    const out = table(results) + '\n\n' + summary(results, a.connections);
    process.stdout.write('\n' + out + '\n');
    const pg = (await store.db.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    const block = [
      `Latest run (${new Date().toISOString().slice(0, 10)}, \`npm run bench:api\`): ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'cpu'}), ` +
        `${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, PostgreSQL ${pg} on the same machine (shared_buffers as configured), ` +
        `gateway and database sharing the cores with the load generator.`,
      '',
      `Data: ${seeded.cards.toLocaleString('en')} cards over ${BENCH_ACCOUNTS.length} accounts (one per platform), ${seeded.usageRows.toLocaleString('en')} usage cycle rows ` +
        `(current and previous cycle of every ACTIVE or SUSPENDED card); seeded and analysed in ${seeded.seconds} s. Status mix: ${STATUS_MIX}; ${REASON_MIX}.`,
      '',
      `Load: ${a.connections} connections, ${a.duration} s per row after a 3 s warm-up; closed loop (autocannon), then open loop (test/bench/api/open-loop.ts: evenly spaced, latency from the scheduled instant) at ` +
        `${a.listRates.join(', ')} (lists) and ${a.cardRates.join(', ')} (card) req/s in total. A rate meets the target when p99 is under it, ` +
        `≥ 97 % of the rate was delivered and nothing failed. Lists: ${chosen
        .filter((s) => s.kind === 'list')
        .map((s) => `*${s.name}* = \`${s.what}\``)
        .join('; ')}.`,
      '',
      out,
    ].join('\n');
    if (a.docs) {
      writeDocs(block);
      log(`bench:api: wrote ${path.relative(process.cwd(), DOC)}`);
    }
  } finally {
    await cleanup();
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:api: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
