/**
 * Set-based seeding of the console API benchmark: N cards spread over the four bundled platforms (one account
 * each), with a realistic status / suspend-reason mix, the current and the previous cycle of usage for every
 * activated card, and fresh status/usage checkpoints. Everything is `INSERT … SELECT … FROM generate_series`
 * with deterministic hashes (the same N gives the same data), so 1,000,000 cards take well under 2 minutes.
 */
import type { Db } from '@simgate/store';

export interface BenchAccount {
  id: string;
  platform: string;
  carrier: string;
  /** First 6 digits of the ICCIDs (89 + country + issuer). */
  iccidPrefix: string;
  msisdnPrefix: string;
  baseUrl: string;
  credentials: Record<string, string>;
}

/** One account per bundled platform; the base URLs are dummies (the benchmark never calls a carrier). */
export const BENCH_ACCOUNTS: readonly BenchAccount[] = [
  { id: 'bench-cmcc', platform: 'cmcc-onelink', carrier: 'CMCC', iccidPrefix: '898604', msisdnPrefix: '1440', baseUrl: 'http://127.0.0.1:9/v5/ec/', credentials: { appid: 'bench', password: 'bench' } },
  { id: 'bench-cucc', platform: 'cucc-jasper', carrier: 'CUCC', iccidPrefix: '898601', msisdnPrefix: '1460', baseUrl: 'http://127.0.0.1:9/rws/api/v1/', credentials: { username: 'bench', apiKey: 'bench' } },
  { id: 'bench-ctcc', platform: 'ctcc-cmp', carrier: 'CTCC', iccidPrefix: '898603', msisdnPrefix: '1410', baseUrl: 'http://127.0.0.1:9/m2m_ec/query.do', credentials: { userId: 'bench', password: 'bench', key: 'benchkey9' } },
  { id: 'bench-1nce', platform: 'intl-1nce', carrier: 'OVERSEAS', iccidPrefix: '898822', msisdnPrefix: '8823', baseUrl: 'http://127.0.0.1:9/management-api/', credentials: { username: 'bench', password: 'bench' } },
];

/** The share of each status (per 10,000 cards) and of each reason among suspended cards, as the docs report them. */
export const STATUS_MIX = 'ACTIVE 70%, SUSPENDED 12%, INVENTORY 8%, TEST 4%, DEACTIVATED 4%, CANCELLED 2%';
export const REASON_MIX =
  'SUSPENDED: OVER_QUOTA 35%, MANUAL 25%, USAGE_CAP 10%, POOL_EXHAUSTED 8%, REAL_NAME 6%, CREDIT_CONTROL 6%, CARRIER_CONTROL 4%, ' +
  'DEVICE_REBIND 3%, VIOLATION 2%, UNKNOWN 1%; 8% of them carry a second reason; DEACTIVATED: PLAN_EXPIRED 80%, CREDIT_CONTROL 20%';

/** ICCID = prefix (6) + serial (13) + Luhn digit: 20 digits, valid for `isIccid`. */
const LUHN_FN = `
CREATE OR REPLACE FUNCTION bench_luhn(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT body || ((10 - sum(CASE WHEN (length(body) - p) % 2 = 0
                                 THEN (CASE WHEN d * 2 > 9 THEN d * 2 - 9 ELSE d * 2 END)
                                 ELSE d END) % 10) % 10)::text
  FROM (SELECT p, substr(body, p, 1)::int AS d FROM generate_series(1, length(body)) AS p) x
$$`;

/** A deterministic number in [0, 10000) per card and salt. */
const h = (salt: number) => `((hashint8extended(g, ${salt}) & 2147483647) % 10000)::int`;

function cardsSql(from: number, to: number): string {
  const accounts = BENCH_ACCOUNTS.map(
    (a, i) => `(${i}, '${a.id}', '${a.platform}', '${a.carrier}', '${a.iccidPrefix}', '${a.msisdnPrefix}')`,
  ).join(', ');
  return `
INSERT INTO cards (iccid, account_id, platform, carrier, msisdn, imsi, imei, status, suspend_reason, suspend_reasons,
  raw_status, raw_reason, raw, plan, pool_id, activated_at, opened_at, as_of, synced_at, sync_error)
SELECT bench_luhn(a.prefix || lpad(g::text, 13, '0')),
  a.id, a.platform, a.carrier,
  a.msisdn || lpad(g::text, 9, '0'),
  '4600' || lpad(g::text, 11, '0'),
  CASE WHEN s.st IN ('ACTIVE', 'SUSPENDED') THEN '86' || lpad(g::text, 13, '0') END,
  s.st, s.reasons[1], s.reasons,
  CASE s.st WHEN 'ACTIVE' THEN '2' WHEN 'SUSPENDED' THEN '4' WHEN 'INVENTORY' THEN '1' WHEN 'TEST' THEN '6'
            WHEN 'DEACTIVATED' THEN '7' ELSE '9' END,
  CASE WHEN s.reasons[1] IS NOT NULL THEN lower(s.reasons[1]) END,
  jsonb_build_object('bench', true, 'n', g),
  CASE WHEN a.carrier = 'OVERSEAS'
       THEN jsonb_build_object('kind', 'LIFETIME', 'name', '500MB/10y', 'totalBytes', 524288000, 'termMonths', 120)
       ELSE jsonb_build_object('kind', 'MONTHLY', 'name', '100MB', 'monthlyBytes', 104857600, 'termMonths', 12) END,
  CASE WHEN a.carrier IN ('CMCC', 'CUCC') AND r.r4 < 3000 THEN 'pool-' || (g % 20) END,
  CASE WHEN s.st IN ('ACTIVE', 'SUSPENDED', 'DEACTIVATED', 'CANCELLED') THEN now() - make_interval(days => r.r4 % 700 + 1, secs => r.r1 * 8 + r.r3) END,
  now() - make_interval(days => r.r4 % 700 + 30, secs => r.r2 * 8 + r.r5),
  now() - make_interval(secs => r.r5 % 3600),
  now() - make_interval(secs => r.r5 % 3600),
  NULL
FROM generate_series(${from}, ${to}) AS g
JOIN (VALUES ${accounts}) AS a(i, id, platform, carrier, prefix, msisdn) ON a.i = g % 4
CROSS JOIN LATERAL (SELECT ${h(1)} AS r1, ${h(2)} AS r2, ${h(3)} AS r3, ${h(4)} AS r4, ${h(5)} AS r5) r
CROSS JOIN LATERAL (
  SELECT st, CASE
      WHEN st = 'SUSPENDED' AND r.r3 < 800 THEN ARRAY[p, CASE WHEN p = 'MANUAL' THEN 'OVER_QUOTA' ELSE 'MANUAL' END]
      WHEN p IS NOT NULL THEN ARRAY[p]
      ELSE '{}'::text[] END AS reasons
  FROM (SELECT st, CASE
      WHEN st = 'SUSPENDED' THEN CASE
        WHEN r.r2 < 3500 THEN 'OVER_QUOTA' WHEN r.r2 < 6000 THEN 'MANUAL' WHEN r.r2 < 7000 THEN 'USAGE_CAP'
        WHEN r.r2 < 7800 THEN 'POOL_EXHAUSTED' WHEN r.r2 < 8400 THEN 'REAL_NAME' WHEN r.r2 < 9000 THEN 'CREDIT_CONTROL'
        WHEN r.r2 < 9400 THEN 'CARRIER_CONTROL' WHEN r.r2 < 9700 THEN 'DEVICE_REBIND' WHEN r.r2 < 9900 THEN 'VIOLATION'
        ELSE 'UNKNOWN' END
      WHEN st = 'DEACTIVATED' THEN CASE WHEN r.r2 < 8000 THEN 'PLAN_EXPIRED' ELSE 'CREDIT_CONTROL' END
      END AS p
    FROM (SELECT CASE WHEN r.r1 < 7000 THEN 'ACTIVE' WHEN r.r1 < 8200 THEN 'SUSPENDED' WHEN r.r1 < 9000 THEN 'INVENTORY'
                      WHEN r.r1 < 9400 THEN 'TEST' WHEN r.r1 < 9800 THEN 'DEACTIVATED' ELSE 'CANCELLED' END AS st) s0) s1
) s`;
}

/** Current and previous natural-month cycle (Asia/Shanghai) for every ACTIVE or SUSPENDED card of a slice. */
function usageSql(prefix: string): string {
  return `
INSERT INTO usage_cycles (iccid, cycle_start, cycle_end, used_bytes, quota_bytes, remaining_bytes, as_of, synced_at, raw)
SELECT c.iccid, cs.start, cs.start + interval '1 month' - interval '1 second', u.used, 104857600, greatest(104857600 - u.used, 0),
  c.as_of, c.synced_at, NULL
FROM cards c
CROSS JOIN generate_series(0, 1) AS k
CROSS JOIN LATERAL (SELECT (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - make_interval(months => k)) AT TIME ZONE 'Asia/Shanghai' AS start) cs
CROSS JOIN LATERAL (SELECT (hashtextextended(c.iccid, k) & 2147483647) % 157286400 AS used) u
WHERE c.status IN ('ACTIVE', 'SUSPENDED') AND c.iccid LIKE '${prefix}%'`;
}

export interface SeedResult {
  cards: number;
  usageRows: number;
  seconds: number;
}

/**
 * Seeds `n` cards (in slices of 250,000 rows per statement, two statements at a time: the server has two cores)
 * and their usage, then ANALYZEs.
 */
export async function seed(db: Db, n: number, log: (s: string) => void): Promise<SeedResult> {
  const t0 = performance.now();
  await db.exec(LUHN_FN);
  const slice = 250_000;
  const slices: [number, number][] = [];
  for (let from = 1; from <= n; from += slice) slices.push([from, Math.min(n, from + slice - 1)]);
  const lanes = 2;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < slices.length) {
        const [from, to] = slices[next++];
        await db.query(cardsSql(from, to));
        log(`  cards ${to.toLocaleString('en')} / ${n.toLocaleString('en')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
    }),
  );
  const usage = await Promise.all(BENCH_ACCOUNTS.map((a) => db.query(usageSql(a.iccidPrefix))));
  const usageRows = usage.reduce((s, r) => s + r.affectedRows, 0);
  log(`  usage rows ${usageRows.toLocaleString('en')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  for (const a of BENCH_ACCOUNTS) {
    for (const kind of ['inventory', 'status', 'usage']) {
      await db.query(
        `INSERT INTO sync_checkpoints (account_id, kind, state, last_success_at, cards, updated_at)
         VALUES ($1, $2, 'idle', now() - interval '10 minutes', $3, now())`,
        [a.id, kind, Math.ceil(n / 4)],
      );
    }
  }
  await db.exec('ANALYZE cards; ANALYZE usage_cycles; ANALYZE sync_checkpoints; ANALYZE carrier_accounts');
  log(`  ANALYZE done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { cards: n, usageRows, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}
