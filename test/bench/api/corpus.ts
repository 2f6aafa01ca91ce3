/**
 * The fixed-clock response corpus of the console API (issue 12: a refactor must give "the same responses byte for
 * byte"). Seeds the API benchmark's schema (test/bench/api/seed.ts, same generator) with PostgreSQL's `now()`
 * pinned to a fixed instant, starts the gateway in this process on the same fixed clock (GatewayOptions.now and
 * Simgate's `now`), fetches a fixed list of requests one after the other and prints the number of responses,
 * their total body bytes and one SHA-256 over all of them. Two runs of the same code must print the same line;
 * `--out DIR` writes every body to a file and an index (request, status, content type, bytes, SHA-256 of the
 * body) so that two runs can be compared with `diff -r`.
 *
 *   DATABASE_URL=postgres://… npm run bench:api:corpus -- [--out DIR] [--cards 1000000] [--now 2026-11-30T17:45:00.000Z]
 *     [--keep] [--schema corpus_… (reuse a kept one: not seeded again, not dropped)]
 *
 * `--cards` (or SIMGATE_CORPUS_CARDS) seeds fewer cards for a quicker check; the corpus then differs (the lists
 * and the sampled cards change), so only runs with the same card count and clock compare.
 *
 * Determinism:
 * - the seed is a pure function of the card count and `now()`; here `now()` resolves to `<schema>.now()`, a SQL
 *   function returning the fixed instant (the seeding connections put `pg_catalog` after the schema in their
 *   search_path; the gateway's connections do not, and the function is dropped after seeding);
 * - the extra rows of the corpus (a few pools with members, 45 days of daily usage for nine cards) use the same
 *   instant;
 * - the sampled ICCIDs are chosen by `md5` order (not TABLESAMPLE, which depends on the physical layout);
 * - no route answered here reads the wall clock: cards, lists, export, diagnosis and usage days take the gateway's
 *   clock, `/v1/sync`'s `delaySeconds` too. `/metrics` (process CPU and memory) is not in the corpus, nor are
 *   writes (operations, imports, sync now: they create ids and change state). No field is excluded.
 * - the hash covers, per response in order: `<METHOD> <path> <status> <body bytes>\n` then the raw body bytes.
 *   Headers are not hashed (Date varies); the index file records each response's content type.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { Store, type Db } from '@simgate/store';
import { Simgate, createLogger, loadConfig } from '@simgate/sync';
import { createGateway } from '../../../apps/gateway/src/bootstrap';
import { BENCH_ACCOUNTS, seed } from './seed';

/** The corpus' clock: 01:45 on 1 December in Asia/Shanghai, still 30 November in UTC (the 1NCE account's zone). */
export const CORPUS_NOW = '2026-11-30T17:45:00.000Z';
const API_KEY = 'sg_corpus_fixed_key_0123456789abcdef';

interface Args {
  cards: number;
  now: string;
  out: string | null;
  keep: boolean;
  schema: string | null;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    cards: Number(process.env.SIMGATE_CORPUS_CARDS ?? 1_000_000),
    now: CORPUS_NOW,
    out: null,
    keep: false,
    schema: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--cards') a.cards = Number(argv[++i]);
    else if (k === '--now') a.now = argv[++i] ?? '';
    else if (k === '--out') a.out = argv[++i] ?? null;
    else if (k === '--keep') a.keep = true;
    else if (k === '--schema') a.schema = argv[++i] ?? null;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!Number.isInteger(a.cards) || a.cards < 1000)
    throw new Error(`--cards must be an integer ≥ 1000, got ${a.cards}`);
  if (Number.isNaN(Date.parse(a.now)) || new Date(a.now).toISOString() !== a.now)
    throw new Error(`--now must be an ISO instant like ${CORPUS_NOW}`);
  if (!a.out && a.out !== null) throw new Error('--out needs a directory');
  return a;
}

const log = (s: string) => process.stderr.write(s + '\n');
const secondsSince = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

/** A Db over its own pool whose `now()` is `<schema>.now()` (the fixed instant) for the seed's SQL. */
async function seedingDb(databaseUrl: string, schema: string, now: string): Promise<Db> {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 2,
    options: `-c search_path=${schema},pg_catalog`,
  });
  const db: Db = {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      const r = await pool.query(sql, params);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    transaction: () => Promise.reject(new Error('not used by the seed')),
    close: () => pool.end(),
  };
  await db.exec(
    `CREATE OR REPLACE FUNCTION ${schema}.now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT '${now}'::timestamptz $$`,
  );
  const seen = (await db.query<{ t: Date }>('SELECT now() AS t')).rows[0].t;
  if (seen.toISOString() !== now)
    throw new Error(`the seeding connection's now() is ${seen.toISOString()}, not ${now}`);
  return db;
}

/** Pools (two forward, one backward) with their first 25 cards as members, and daily usage for nine cards. */
async function seedExtras(db: Db, now: string): Promise<void> {
  const pools = [
    {
      account: 'bench-cmcc',
      platform: 'cmcc-onelink',
      pool: 'pool-4',
      name: 'fleet A',
      type: 'FORWARD',
      state: 'ACTIVE',
      perCard: 104857600,
      total: null,
      used: 734003200,
      remaining: null,
    },
    {
      account: 'bench-cmcc',
      platform: 'cmcc-onelink',
      pool: 'pool-8',
      name: 'fleet B',
      type: 'FORWARD',
      state: 'EXHAUSTED',
      perCard: 10485760,
      total: null,
      used: 9999999999,
      remaining: null,
    },
    {
      account: 'bench-cucc',
      platform: 'cucc-jasper',
      pool: 'pool-5',
      name: null,
      type: 'BACKWARD',
      state: 'ACTIVE',
      perCard: null,
      total: 53687091200,
      used: 1234567890,
      remaining: 52452523310,
    },
  ];
  for (const p of pools) {
    await db.query(
      `INSERT INTO pools (account_id, pool_id, platform, name, type, state, per_card_bytes, total_bytes, used_bytes, remaining_bytes,
         member_count, as_of, synced_at, raw)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11::timestamptz - interval '1 hour', $11::timestamptz - interval '30 minutes', NULL)`,
      [p.account, p.pool, p.platform, p.name, p.type, p.state, p.perCard, p.total, p.used, p.remaining, now],
    );
    await db.query(
      `INSERT INTO pool_members (account_id, pool_id, iccid)
       SELECT account_id, pool_id, iccid FROM cards WHERE account_id = $1 AND pool_id = $2 ORDER BY iccid LIMIT 25`,
      [p.account, p.pool],
    );
  }
  // Daily usage: 45 days up to the clock's UTC day + 1 (Shanghai's "today"), for the cards the corpus asks by day.
  await db.query(
    `INSERT INTO usage_daily (iccid, day, used_bytes, synced_at)
     SELECT c.iccid, ($1::timestamptz AT TIME ZONE 'UTC')::date + 1 - k, (hashtextextended(c.iccid, k) & 2147483647) % 5000000,
       $1::timestamptz - interval '20 minutes'
     FROM (${dailyCardsSql()}) c CROSS JOIN generate_series(0, 44) AS k`,
    [now],
  );
  await db.exec('ANALYZE pools; ANALYZE pool_members; ANALYZE usage_daily');
}

/** Three ACTIVE cards of each platform with daily usage (the md5-first ones), Jasper's only one (no daily usage there). */
const dailyCardsSql = () => `
  SELECT iccid, account_id FROM (
    SELECT iccid, account_id, row_number() OVER (PARTITION BY account_id ORDER BY md5(iccid || ':daily')) AS n
    FROM cards WHERE status = 'ACTIVE' AND account_id <> 'bench-cucc') x
  WHERE n <= 3`;

interface Request {
  path: string;
  /** Sent without the API key (the 401). */
  anonymous?: boolean;
}

/** The fixed list of requests, in order. Lists follow the `nextCursor` the previous page returned. */
async function corpusRequests(db: Db): Promise<(Request | { follow: string; pages: number })[]> {
  const pick = async (sql: string) => (await db.query<{ iccid: string }>(sql)).rows.map((r) => r.iccid);
  const cards = await pick(`SELECT iccid FROM cards ORDER BY md5(iccid) LIMIT 400`);
  const perStatus: Record<string, number> = {
    ACTIVE: 10,
    SUSPENDED: 15,
    INVENTORY: 7,
    TEST: 7,
    DEACTIVATED: 6,
    CANCELLED: 5,
  };
  const diagnoses = await pick(`
    SELECT iccid FROM (SELECT iccid, status, row_number() OVER (PARTITION BY status ORDER BY md5(iccid || ':diagnosis')) AS n FROM cards) x
    WHERE ${Object.entries(perStatus)
      .map(([s, n]) => `(status = '${s}' AND n <= ${n})`)
      .join(' OR ')}
    ORDER BY md5(iccid || ':diagnosis')`);
  const daily = await pick(`SELECT iccid FROM (${dailyCardsSql()}) d ORDER BY iccid`);
  const jasperDaily = await pick(
    `SELECT iccid FROM cards WHERE account_id = 'bench-cucc' AND status = 'ACTIVE' ORDER BY md5(iccid || ':daily') LIMIT 2`,
  );
  const cycles = await pick(`
    SELECT iccid FROM (SELECT iccid, row_number() OVER (PARTITION BY account_id ORDER BY md5(iccid || ':cycles')) AS n
      FROM cards WHERE status IN ('ACTIVE', 'SUSPENDED')) x WHERE n <= 2 ORDER BY iccid`);
  const first = (await pick(`SELECT min(iccid) AS iccid FROM cards WHERE account_id = 'bench-ctcc'`))[0];

  const reqs: (Request | { follow: string; pages: number })[] = [];
  const get = (p: string, anonymous = false) => reqs.push({ path: p, anonymous });
  // Service and configuration.
  for (const p of ['/health', '/v1/platforms', '/v1/accounts', '/v1/sync', '/v1/pools', '/docs/openapi.json'])
    get(p);
  // Lists by status (every status, forecasts of TEST, INVENTORY, DEACTIVATED, CANCELLED included).
  for (const s of ['ACTIVE', 'SUSPENDED', 'INVENTORY', 'TEST', 'DEACTIVATED', 'CANCELLED', 'UNKNOWN'])
    get(`/v1/cards?status=${s}&limit=50`);
  // The 1NCE account (UTC zone): all, then per status.
  get('/v1/cards?account=bench-1nce&limit=50');
  for (const s of ['SUSPENDED', 'INVENTORY', 'TEST', 'DEACTIVATED', 'CANCELLED'])
    get(`/v1/cards?account=bench-1nce&status=${s}&limit=20`);
  // Keyset pages: a first page and four pages by the cursors the API returned.
  reqs.push({ follow: '/v1/cards?status=SUSPENDED&reason=OVER_QUOTA&limit=50', pages: 5 });
  reqs.push({ follow: '/v1/cards?account=bench-ctcc&status=ACTIVE&limit=50', pages: 5 });
  // Other filters.
  for (const r of ['REAL_NAME', 'PLAN_EXPIRED', 'CREDIT_CONTROL']) get(`/v1/cards?reason=${r}&limit=20`);
  get('/v1/cards?carrier=OVERSEAS&status=SUSPENDED&limit=20');
  get('/v1/cards?platform=cmcc-onelink&status=INVENTORY&limit=20');
  get('/v1/cards?pool=bench-cmcc:pool-4&limit=20');
  get('/v1/cards?pool=pool-5&account=bench-cucc&limit=20');
  get(`/v1/cards?q=${first.slice(0, 14)}&limit=20`);
  // Cards by ICCID, diagnoses.
  for (const i of cards) get(`/v1/cards/${i}`);
  for (const i of diagnoses) get(`/v1/cards/${i}/diagnosis`);
  // Usage (per cycle, per day from stored days, Jasper's by day with none) and status history.
  for (const i of cycles) get(`/v1/cards/${i}/usage`);
  get(`/v1/cards/${cycles[0]}/usage?granularity=cycle&from=2026-11-01&to=2026-11-30`);
  for (const i of daily) get(`/v1/cards/${i}/usage?granularity=day`);
  get(`/v1/cards/${daily[0]}/usage?granularity=day&from=2026-11-10&to=2026-11-20`);
  for (const i of jasperDaily) get(`/v1/cards/${i}/usage?granularity=day`);
  for (const i of cycles.slice(0, 3)) get(`/v1/cards/${i}/history`);
  // Pools.
  for (const p of ['bench-cmcc:pool-4', 'bench-cmcc:pool-8', 'bench-cucc:pool-5']) get(`/v1/pools/${p}`);
  // The CSV export, 3,000 rows.
  get('/v1/cards:export?limit=3000');
  // Problems.
  get(`/v1/cards/${withLuhn('8986039999999999999')}`);
  get(`/v1/cards/${cards[0].slice(0, -1)}${(Number(cards[0].slice(-1)) + 1) % 10}`);
  get('/v1/cards?cursor=bm90LWEtY3Vyc29y');
  get('/v1/cards?status=NOPE');
  get('/v1/cards?limit=5000');
  get('/v1/cards?status=ACTIVE', true);
  get('/v1/pools/bench-cmcc:pool-none');
  get('/v1/operations/00000000-0000-4000-8000-000000000000');
  get('/v1/nothing-here');
  return reqs;
}

function withLuhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + ((10 - (sum % 10)) % 10);
}

interface Answer {
  line: string;
  status: number;
  type: string;
  body: Buffer;
}

async function fetchCorpus(url: string, reqs: Awaited<ReturnType<typeof corpusRequests>>): Promise<Answer[]> {
  const answers: Answer[] = [];
  const one = async (p: string, anonymous = false): Promise<Answer> => {
    const res = await fetch(url + p, { headers: anonymous ? {} : { authorization: `Bearer ${API_KEY}` } });
    const a = {
      line: `GET ${p}`,
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: Buffer.from(await res.arrayBuffer()),
    };
    answers.push(a);
    return a;
  };
  for (const r of reqs) {
    if ('follow' in r) {
      let a = await one(r.follow);
      for (let i = 1; i < r.pages; i++) {
        const next = (JSON.parse(a.body.toString('utf8')) as { nextCursor: string | null }).nextCursor;
        if (a.status !== 200 || !next) throw new Error(`${a.line}: no next page (${a.status})`);
        a = await one(`${r.follow}&cursor=${next}`);
      }
    } else {
      await one(r.path, r.anonymous);
    }
  }
  return answers;
}

function digest(answers: Answer[]): { bytes: number; sha256: string } {
  const h = createHash('sha256');
  let bytes = 0;
  for (const a of answers) {
    h.update(`${a.line} ${a.status} ${a.body.length}\n`);
    h.update(a.body);
    bytes += a.body.length;
  }
  return { bytes, sha256: h.digest('hex') };
}

function writeOut(dir: string, answers: Answer[], summary: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const index: string[] = [];
  answers.forEach((a, i) => {
    const name = `${String(i + 1).padStart(4, '0')}${a.type.includes('csv') ? '.csv' : '.json'}`;
    fs.writeFileSync(path.join(dir, name), a.body);
    index.push(
      [name, a.line, a.status, a.type, a.body.length, createHash('sha256').update(a.body).digest('hex')].join(
        '\t',
      ),
    );
  });
  fs.writeFileSync(
    path.join(dir, 'index.tsv'),
    ['file\trequest\tstatus\tcontent-type\tbytes\tsha256', ...index].join('\n') + '\n',
  );
  fs.writeFileSync(path.join(dir, 'summary.txt'), summary + '\n');
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    log(
      'bench:api:corpus needs DATABASE_URL (PostgreSQL; a fresh schema is created and dropped), e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/simgate npm run bench:api:corpus',
    );
    process.exit(2);
  }
  const a = parseArgs(process.argv.slice(2));
  const schema = a.schema ?? `corpus_${randomBytes(4).toString('hex')}`;
  if (a.schema) a.keep = true;
  const now = new Date(a.now);
  const t0 = performance.now();
  log(`bench:api:corpus: schema ${schema}, ${a.cards.toLocaleString('en')} cards, clock ${a.now}`);
  const store = await Store.open({ databaseUrl, schema });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-corpus-'));
  const cleanups: (() => Promise<void>)[] = [
    async () => {
      if (!a.keep)
        await store.db
          .query(`DROP SCHEMA ${schema} CASCADE`)
          .catch((e: Error) => log(`drop schema: ${e.message}`));
      else log(`kept schema ${schema}`);
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  ];
  try {
    const accountsFile = path.join(dir, 'accounts.json');
    fs.writeFileSync(
      accountsFile,
      JSON.stringify(
        {
          accounts: BENCH_ACCOUNTS.map((x) => ({
            id: x.id,
            platform: x.platform,
            baseUrl: x.baseUrl,
            credentials: x.credentials,
          })),
        },
        null,
        2,
      ),
    );
    const config = loadConfig({
      SIMGATE_CARRIERS: accountsFile,
      SIMGATE_DATA_DIR: dir,
      SIMGATE_LOG_LEVEL: 'silent',
      SIMGATE_WORKER: 'false',
      DATABASE_URL: databaseUrl,
    });
    const simgate = await Simgate.start(config, {
      store,
      logger: createLogger('silent'),
      now: () => new Date(now),
    });
    cleanups.unshift(() => simgate.close());

    await store.db.exec(
      'CREATE TABLE IF NOT EXISTS corpus_meta (cards integer NOT NULL, now timestamptz NOT NULL)',
    );
    const meta = (await store.db.query<{ cards: number; now: Date }>('SELECT cards, now FROM corpus_meta'))
      .rows[0];
    let seedSeconds = 0;
    if (meta) {
      if (meta.cards !== a.cards || meta.now.toISOString() !== a.now) {
        throw new Error(
          `schema ${schema} was seeded with ${meta.cards} cards at ${meta.now.toISOString()}, not ${a.cards} at ${a.now}`,
        );
      }
      log(`  reusing the seeded schema`);
    } else {
      if ((await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cards')).rows[0].n)
        throw new Error(`schema ${schema} has cards not seeded by the corpus`);
      const t = performance.now();
      const seeding = await seedingDb(databaseUrl, schema, a.now);
      try {
        await seed(seeding, a.cards, log);
        await seedExtras(seeding, a.now);
        await seeding.exec(`DROP FUNCTION ${schema}.now()`);
      } finally {
        await seeding.close();
      }
      await store.db.query('INSERT INTO corpus_meta (cards, now) VALUES ($1, $2)', [a.cards, a.now]);
      seedSeconds = (performance.now() - t) / 1000;
      log(`  seeded in ${seedSeconds.toFixed(1)} s`);
    }

    const reqs = await corpusRequests(store.db);
    const app = await createGateway(simgate, {
      apiKeys: [API_KEY],
      metricsToken: null,
      worker: false,
      now: () => new Date(now),
    });
    await app.listen(0, '127.0.0.1');
    cleanups.unshift(() => app.close());
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const t1 = performance.now();
    const answers = await fetchCorpus(url, reqs);
    const fetchSeconds = (performance.now() - t1) / 1000;
    const { bytes, sha256 } = digest(answers);
    const byStatus = new Map<number, number>();
    for (const x of answers) byStatus.set(x.status, (byStatus.get(x.status) ?? 0) + 1);
    const statuses = [...byStatus]
      .sort((x, y) => x[0] - y[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    const summary = [
      `cards ${a.cards} clock ${a.now}`,
      `responses ${answers.length} (${statuses})`,
      `bytes ${bytes}`,
      `sha256 ${sha256}`,
    ].join('\n');
    if (a.out) writeOut(a.out, answers, summary);
    process.stdout.write(summary + '\n');
    log(
      `  fetched in ${fetchSeconds.toFixed(1)} s; total ${secondsSince(t0)} s${a.out ? `; written to ${a.out}` : ''}`,
    );
  } finally {
    for (const c of cleanups) await c();
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:api:corpus: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
