import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CarrierRegistry, discoverPlatforms } from '@simgate/carriers';
import { parseAccounts } from '@simgate/sync';
import { ROWS, dashboardJson } from '../../deploy/grafana/dashboard';
import { declaredMetrics } from '../support/declared-metrics';
import {
  DEPLOY,
  checkExprs,
  dashboardExprs,
  loadDashboard,
  loadRules,
  promqlRefs,
  promtool,
  promtoolPath,
  substituteGrafana,
  templateLabels,
  variableQueries,
} from '../support/promql';

/**
 * deploy/: Prometheus config and rules (promtool), the Grafana dashboard and provisioning, docker-compose,
 * Dockerfile, and the operations and metrics docs they point to. What simgate really exports is checked
 * against a live scrape in test/e2e/metrics-coverage.e2e-spec.ts.
 */
const ROOT = path.join(__dirname, '../..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const yamlOf = <T>(p: string) => parseYaml(read(p), { merge: true }) as T;

const HAVE_PROMTOOL = promtoolPath() !== null;
if (!HAVE_PROMTOOL && !process.env.CI) {
  console.warn('promtool is not installed (Debian package `prometheus`): the promtool checks are skipped here; .ci/run installs it and runs them.');
}
/** promtool checks: skipped without promtool outside CI; in CI (CI set) a missing promtool fails. */
const withPromtool = HAVE_PROMTOOL || process.env.CI ? describe : describe.skip;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return out;
}

const alerts = () => loadRules().groups.flatMap((g) => g.rules.filter((r) => r.alert));

withPromtool('promtool', () => {
  it('is installed (required in CI)', () => {
    expect(promtoolPath()).not.toBeNull();
  });

  it('accepts the Prometheus config (with its rule files and the metrics token file)', () => {
    // credentials_file must exist for `check config`: a throwaway token next to a copy of the folder.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-prom-'));
    try {
      for (const f of ['prometheus.yml', 'rules.yml']) fs.copyFileSync(path.join(DEPLOY, 'prometheus', f), path.join(dir, f));
      fs.mkdirSync(path.join(dir, 'secrets'));
      fs.writeFileSync(path.join(dir, 'secrets/metrics-token'), 'test-token');
      const r = promtool(['check', 'config', path.join(dir, 'prometheus.yml')]);
      expect(r.out).toMatch(/SUCCESS/);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
      // And it does fail without the token file (the check is real).
      fs.rmSync(path.join(dir, 'secrets'), { recursive: true });
      expect(promtool(['check', 'config', path.join(dir, 'prometheus.yml')]).code).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the alert rules', () => {
    const r = promtool(['check', 'rules', path.join(DEPLOY, 'prometheus/rules.yml')]);
    expect(r.out).toContain(`SUCCESS: ${alerts().length} rules found`);
    expect(r.code).toBe(0);
  });

  it('passes the rules unit tests (promtool test rules)', () => {
    const r = promtool(['test', 'rules', 'rules.test.yml'], path.join(DEPLOY, 'prometheus'));
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it('accepts every dashboard query and variable selector as PromQL', () => {
    const d = loadDashboard();
    const exprs = [...dashboardExprs(d).map((e) => e.expr), ...variableQueries(d).map((v) => v.selector)];
    const r = checkExprs(exprs);
    expect(r.out).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(r.code).toBe(0);
    // The same check rejects a broken expression.
    expect(checkExprs(['sum by (platform (simgate_cards)']).code).not.toBe(0);
  });
});

describe('alert rules', () => {
  const ops = read('docs/operations.md');

  it('cover what the issue asks for', () => {
    const exprs = alerts().map((a) => a.expr).join('\n');
    for (const m of [
      'simgate_sync_delay_budget_seconds',
      'simgate_carrier_requests_total',
      'simgate_rate_limit_rejections_total',
      'simgate_queue_jobs',
      'simgate_operation_deadline_seconds',
      'simgate_pool_total_bytes',
      'simgate_cards_lifecycle_upcoming{event="forced_activation"}',
      'simgate_cards_lifecycle_upcoming{event="cancellation"}',
      'simgate_webhook_outbox_oldest_pending_seconds',
      'simgate_webhooks_failing',
      'simgate_webhooks_disabled',
      'simgate_http_requests_total{status_class=~"5xx"}',
      'simgate_http_rate_limited_total{budget=~"requests|cards"}',
      'simgate_http_auth_failures_total',
    ]) {
      expect(exprs).toContain(m);
    }
  });

  it.each(alerts().map((a) => [a.alert!, a] as const))('%s: severity, summary, description and a runbook section in docs/operations.md', (name, a) => {
    expect(['warning', 'critical']).toContain(a.labels?.severity);
    expect(a.annotations?.summary).toBeTruthy();
    expect(a.annotations?.description).toBeTruthy();
    // Absolute: the runbook_base_url external label (prometheus.yml), then the section's path in the repository.
    const m = /^\{\{ \$externalLabels\.runbook_base_url \}\}\/docs\/operations\.md#(.+)$/.exec(a.annotations?.runbook_url ?? '');
    expect(m).not.toBeNull();
    expect(anchors(ops)).toContain(m![1]);
    expect(m![1]).toBe(name.toLowerCase());
  });

  it('runbook links are absolute: Prometheus has the base URL as an external label, expanded from the environment', () => {
    const prom = yamlOf<{ global: { external_labels: Record<string, string> } }>('deploy/prometheus/prometheus.yml');
    expect(prom.global.external_labels.runbook_base_url).toBe('${SIMGATE_RUNBOOK_BASE_URL}');
    const compose = yamlOf<{ services: Record<string, { command?: string[]; environment?: Record<string, string> }> }>('deploy/docker-compose.yml');
    expect(compose.services.prometheus.command).toContain('--enable-feature=expand-external-labels');
    expect(compose.services.prometheus.environment?.SIMGATE_RUNBOOK_BASE_URL).toMatch(/^\$\{SIMGATE_RUNBOOK_BASE_URL:-https:\/\/.+\}$/);
  });

  it('every alert is tested firing and not firing in rules.test.yml', () => {
    const t = yamlOf<{ tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] }>('deploy/prometheus/rules.test.yml');
    const cases = t.tests.flatMap((x) => x.alert_rule_test ?? []);
    for (const a of alerts()) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      expect({ alert: a.alert, fires: mine.some((c) => (c.exp_alerts ?? []).length > 0) }).toEqual({ alert: a.alert, fires: true });
      expect({ alert: a.alert, quiet: mine.some((c) => (c.exp_alerts ?? []).length === 0) }).toEqual({ alert: a.alert, quiet: true });
    }
  });

  it('template labels are labels the alert keeps (its by-clause, or the selected series when not aggregated)', () => {
    for (const a of alerts()) {
      const refs = promqlRefs(a.expr);
      const used = templateLabels(Object.values(a.annotations ?? {}).join(' '));
      const kept = refs.grouping.length ? new Set(refs.grouping) : new Set(['job', 'instance', ...refs.selectors.flatMap((s) => s.labels)]);
      for (const l of used) expect({ alert: a.alert, label: l, kept: kept.has(l) }).toEqual({ alert: a.alert, label: l, kept: true });
    }
  });

  it('store-derived gauges are aggregated, so several processes give one alert', () => {
    const perProcess = new Set(['simgate_sync_delay_seconds', 'simgate_pool_remaining_bytes', 'simgate_queue_jobs', 'simgate_cards_lifecycle_upcoming', 'simgate_operation_oldest_pending_seconds']);
    for (const a of alerts()) {
      const uses = promqlRefs(a.expr).selectors.some((s) => s.metric && perProcess.has(s.metric));
      if (uses) expect({ alert: a.alert, aggregated: /\bmax by \(/.test(a.expr) }).toEqual({ alert: a.alert, aggregated: true });
    }
  });
});

describe('Grafana dashboard', () => {
  const d = loadDashboard();
  const panels = d.panels;
  const rows = panels.filter((p) => p.type === 'row');
  const declared = new Map(declaredMetrics().map((m) => [m.name, m]));
  const familyOf = (series: string) => series.replace(/_(bucket|sum|count)$/, '');

  it('simgate.json is what deploy/grafana/dashboard.ts generates (regenerate: see its header)', () => {
    expect(read('deploy/grafana/simgate.json')).toBe(dashboardJson());
  });

  it('has the rows of the issue, sync delay first', () => {
    expect(rows.map((r) => r.title)).toEqual(['Sync delay', 'Carrier requests', 'Rate limiting', 'Queue', 'Cards', 'Pools', 'Operations', 'Events and webhooks', 'Console API', 'Processes']);
    const first = panels[panels.indexOf(rows[0]) + 1];
    expect(first.title).toBe('Sync delay by platform, account and kind');
    expect(promqlRefs(first.targets![0].expr).grouping).toEqual(['platform', 'account', 'kind']);
    expect(first.gridPos.y).toBe(1);
  });

  it('covers each item of the issue with a panel', () => {
    const all = dashboardExprs(d).map((e) => e.expr).join('\n');
    for (const needle of [
      'simgate_carrier_requests_total',
      'outcome!="2xx"',
      'simgate_carrier_request_duration_seconds_bucket',
      'simgate_rate_limit_wait_seconds_bucket',
      'simgate_rate_limit_rejections_total',
      'simgate_queue_jobs',
      'sum by (status)',
      'sum by (reason)',
      'simgate_pool_remaining_bytes',
      'sum by (state) (max by (type, state) (simgate_operations))',
      'sum by (type) (rate(simgate_events_total[',
      'sum by (outcome) (rate(simgate_webhook_deliveries_total[',
      'histogram_quantile(0.99, sum by (le) (rate(simgate_webhook_delivery_lag_seconds_bucket[',
      'max(simgate_webhook_outbox_pending)',
      'max(simgate_webhook_outbox_oldest_pending_seconds)',
      'max(simgate_webhooks_failing)',
      'max(simgate_webhooks_disabled)',
      'sum by (route, status_class) (rate(simgate_http_requests_total[',
      'histogram_quantile(0.99, sum by (le, route) (rate(simgate_http_request_duration_seconds_bucket[',
      'sum by (budget) (rate(simgate_http_rate_limited_total[',
      'sum(rate(simgate_http_auth_failures_total[',
    ]) {
      expect(all).toContain(needle);
    }
    expect(all).toMatch(/sum by \(platform, endpoint\)/);
  });

  it('has platform and account variables (label_values), chained', () => {
    const vars = variableQueries(d);
    expect(vars).toEqual([
      { name: 'platform', selector: 'simgate_sync_delay_seconds', label: 'platform' },
      { name: 'account', selector: 'simgate_sync_delay_seconds{platform=~".*"}', label: 'account' },
    ]);
    for (const v of d.templating.list.filter((x) => x.type === 'query')) expect(v).toMatchObject({ multi: true, includeAll: true, allValue: '.*' });
  });

  it('every counter and histogram is read with rate(…[$__rate_interval]), never a fixed window', () => {
    for (const p of panels)
      for (const t of p.targets ?? []) {
        expect(t.expr).not.toMatch(/\[\d+[smhd]\]/);
        const cumulative = promqlRefs(substituteGrafana(t.expr)).selectors.some((s) => {
          const type = declared.get(familyOf(s.metric ?? ''))?.type ?? (s.metric?.endsWith('_total') ? 'counter' : 'gauge');
          return type === 'counter' || (type === 'histogram' && s.metric !== familyOf(s.metric!));
        });
        if (cumulative) expect({ panel: p.title, expr: t.expr }).toEqual({ panel: p.title, expr: expect.stringMatching(/^(?:(?!\[).)*\b(rate|increase)\(.*\[\$__rate_interval\]/s) });
      }
  });

  it('filters by $platform and $account wherever the metric has those labels', () => {
    for (const p of panels)
      for (const t of p.targets ?? []) {
        for (const s of promqlRefs(substituteGrafana(t.expr)).selectors) {
          const m = declared.get(familyOf(s.metric ?? ''));
          if (m?.labels.includes('platform') && m.labels.includes('account')) {
            expect({ panel: p.title, metric: s.metric, labels: s.labels }).toEqual({ panel: p.title, metric: s.metric, labels: expect.arrayContaining(['platform', 'account']) });
          }
        }
        if (/\$platform/.test(t.expr)) expect(t.expr).toContain('account=~"$account"');
      }
  });

  it('lays panels out on the 24-column grid without overlaps, with unique ids and the datasource variable', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      if (p.type !== 'row') {
        expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets!.length).toBeGreaterThan(0);
      }
    }
    // The row spec and the file agree on the number of panels.
    expect(panels.length).toBe(ROWS.length + ROWS.reduce((n, r) => n + r.panels.length, 0));
  });

  it('provisioning: the datasource uid is the dashboard default, and the provider path is where compose mounts the dashboard', () => {
    const ds = yamlOf<{ datasources: { uid: string; type: string; url: string }[] }>('deploy/grafana/provisioning/datasources/prometheus.yml');
    const dsVar = d.templating.list.find((v) => v.name === 'datasource') as unknown as { current: { value: string }; query: string };
    expect(ds.datasources[0]).toMatchObject({ uid: dsVar.current.value, type: 'prometheus', url: 'http://prometheus:9090' });
    const prov = yamlOf<{ providers: { type: string; options: { path: string } }[] }>('deploy/grafana/provisioning/dashboards/simgate.yml');
    const compose = yamlOf<Compose>('deploy/docker-compose.yml');
    const mount = compose.services.grafana.volumes!.find((v) => v.startsWith('./grafana/simgate.json:'))!;
    expect(path.posix.dirname(mount.split(':')[1])).toBe(prov.providers[0].options.path);
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  secrets?: (string | { source: string; target: string })[];
  depends_on?: Record<string, unknown> | string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

describe('docker-compose', () => {
  const c = yamlOf<Compose>('deploy/docker-compose.yml');
  const s = c.services;
  const simgate = ['gateway', 'worker-1', 'worker-2'];
  const prom = yamlOf<{ rule_files: string[]; scrape_configs: { job_name: string; authorization?: { credentials_file: string }; static_configs: { targets: string[] }[] }[] }>(
    'deploy/prometheus/prometheus.yml',
  );
  const targets = (job: string) => prom.scrape_configs.find((j) => j.job_name === job)!.static_configs.flatMap((x) => x.targets);

  it('runs the gateway, two workers, Redis, PostgreSQL, Prometheus and Grafana', () => {
    expect(Object.keys(s).sort()).toEqual(['gateway', 'grafana', 'postgres', 'prometheus', 'redis', 'worker-1', 'worker-2']);
  });

  it('one simgate image for gateway and workers, built by deploy/Dockerfile; the gateway leaves the queues to the workers', () => {
    for (const n of simgate) expect(s[n].build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
    expect(s.gateway.environment!.SIMGATE_WORKER).toBe('false');
    expect(s.gateway.command).toEqual(['node', 'dist/apps/gateway/src/main.js']);
    for (const w of ['worker-1', 'worker-2']) expect(s[w].command).toEqual(['node', 'dist/apps/worker/src/main.js']);
    // The commands are the build output of real entry points.
    for (const n of simgate) expect(fs.existsSync(path.join(ROOT, s[n].command![1].replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('wires every simgate process to the same PostgreSQL, Redis and carrier accounts file', () => {
    const pg = s.postgres.environment!;
    for (const n of simgate) {
      const env = s[n].environment!;
      const db = new URL(env.DATABASE_URL.replace('${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/.env}', 'pw'));
      expect([db.protocol, db.hostname, db.port, db.pathname, db.username]).toEqual(['postgres:', 'postgres', '5432', `/${pg.POSTGRES_DB}`, pg.POSTGRES_USER]);
      expect(env.DATABASE_URL).toContain(':${POSTGRES_PASSWORD:?');
      expect(pg.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      // The accounts file lives in a mounted folder.
      const mount = s[n].volumes!.map((v) => v.split(':')).find(([, target]) => env.SIMGATE_CARRIERS.startsWith(target + '/'));
      expect(mount).toEqual(['./config', '/etc/simgate', 'ro']);
      const dependsOn = s[n].depends_on as Record<string, { condition: string }>;
      expect(dependsOn.postgres.condition).toBe('service_healthy');
      expect(dependsOn.redis.condition).toBe('service_healthy');
    }
  });

  it('the example accounts file passes simgate’s own validation', () => {
    const registry = new CarrierRegistry(discoverPlatforms());
    const accounts = parseAccounts(JSON.parse(read('deploy/config/accounts.example.json')), '/etc/simgate', (id) => (registry.has(id) ? registry.get(id).manifest : undefined));
    expect(accounts.map((a) => a.platform).sort()).toEqual(['cmcc-onelink', 'ctcc-cmp', 'cucc-jasper', 'intl-1nce']);
  });

  it('Prometheus scrapes the compose services on the ports they listen on', () => {
    expect(targets('simgate-gateway')).toEqual([`gateway:${s.gateway.environment!.PORT}`]);
    expect(targets('simgate-worker')).toEqual(['worker-1', 'worker-2'].map((w) => `${w}:${s[w].environment!.SIMGATE_WORKER_METRICS_PORT}`));
    for (const w of ['worker-1', 'worker-2']) expect(s[w].expose).toEqual([s[w].environment!.SIMGATE_WORKER_METRICS_PORT]);
    for (const t of [...targets('simgate-gateway'), ...targets('simgate-worker')]) expect(Object.keys(s)).toContain(t.split(':')[0]);
  });

  it('Prometheus gets its config, its rule files and the gateway’s metrics token where prometheus.yml looks for them', () => {
    const p = s.prometheus;
    const configFlag = p.command!.find((x) => x.startsWith('--config.file='))!.split('=')[1];
    const configDir = path.posix.dirname(configFlag);
    expect(p.volumes).toContain(`./prometheus/prometheus.yml:${configFlag}:ro`);
    for (const f of prom.rule_files) expect(p.volumes).toContain(`./prometheus/${f}:${path.posix.join(configDir, f)}:ro`);
    const cred = prom.scrape_configs.find((j) => j.job_name === 'simgate-gateway')!.authorization!.credentials_file;
    expect(p.secrets).toContainEqual({ source: 'metrics_token', target: path.posix.join(configDir, cred) });
    // The gateway requires that same token on /metrics.
    expect(s.gateway.environment!.SIMGATE_METRICS_TOKEN_FILE).toBe('/run/secrets/metrics_token');
    expect(s.gateway.secrets).toContain('metrics_token');
  });

  it('Grafana gets the provisioning folders and the dashboard', () => {
    const v = s.grafana.volumes!;
    expect(v).toContain('./grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro');
    expect(v).toContain('./grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro');
    expect(s.grafana.environment!.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana_admin_password');
  });

  it('every mounted file exists in deploy/, every secret is created by secrets.sh, every ${VAR} is in .env.example', () => {
    for (const svc of Object.values(s))
      for (const v of svc.volumes ?? []) {
        const src = v.split(':')[0];
        if (src.startsWith('./') && src !== './config') expect(fs.existsSync(path.join(DEPLOY, src))).toBe(true);
      }
    const script = read('deploy/secrets.sh');
    for (const [name, def] of Object.entries(c.secrets)) {
      expect(def.file).toBe(`./secrets/${name}`);
      expect(script).toContain(`gen ${name}`);
    }
    const envExample = read('deploy/.env.example');
    for (const m of read('deploy/docker-compose.yml').matchAll(/\$\{([A-Z_]+)[:?}-]/g)) expect(envExample).toMatch(new RegExp(`^#? ?${m[1]}=`, 'm'));
  });

  it('the entrypoint turns VAR_FILE secrets into variables, and refuses both', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-entry-'));
    try {
      fs.writeFileSync(path.join(dir, 'keys'), 'k1,k2\n');
      const env = { PATH: process.env.PATH ?? '', SIMGATE_API_KEYS_FILE: path.join(dir, 'keys') };
      const ok = spawnSync('sh', [path.join(DEPLOY, 'docker-entrypoint.sh'), 'sh', '-c', 'printf "%s|%s" "$SIMGATE_API_KEYS" "${SIMGATE_API_KEYS_FILE:-unset}"'], { env, encoding: 'utf8' });
      expect(ok.stdout).toBe('k1,k2|unset');
      const both = spawnSync('sh', [path.join(DEPLOY, 'docker-entrypoint.sh'), 'true'], { env: { ...env, SIMGATE_API_KEYS: 'x' }, encoding: 'utf8' });
      expect(both.status).not.toBe(0);
      expect(both.stderr).toContain('set only one');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Dockerfile copies only what exists and runs the gateway by default', () => {
    const df = read('deploy/Dockerfile');
    for (const m of df.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)) for (const src of m[1].split(/\s+/)) expect(fs.existsSync(path.join(ROOT, src))).toBe(true);
    expect(df).toMatch(/^FROM node:20-\S+ AS build$/m);
    expect(df).toMatch(/RUN npm ci/);
    expect(df).toMatch(/RUN npm run build/);
    expect(df).toContain('CMD ["node", "dist/apps/gateway/src/main.js"]');
    expect(read('tsconfig.build.json')).toContain('"apps/**/*.ts"');
  });
});

describe('docs', () => {
  it('docs/metrics.md describes every metric of libs/sync/src/metrics.ts, with its type and labels', () => {
    const md = read('docs/metrics.md');
    for (const m of declaredMetrics()) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${m.name}\` |`));
      expect({ metric: m.name, documented: row !== undefined }).toEqual({ metric: m.name, documented: true });
      expect({ metric: m.name, type: row!.split('|')[2].trim() }).toEqual({ metric: m.name, type: m.type });
      const labels = row!.split('|')[3];
      for (const l of m.labels) expect({ metric: m.name, label: l, documented: labels.includes(`\`${l}\``) }).toEqual({ metric: m.name, label: l, documented: true });
    }
  });

  it('docs/operations.md explains every alert and every dashboard row', () => {
    const ops = read('docs/operations.md');
    for (const a of alerts()) expect(ops).toContain(`### ${a.alert}`);
    for (const r of ROWS) expect(ops).toMatch(new RegExp(`^### Row: ${r.title}$`, 'm'));
  });
});
