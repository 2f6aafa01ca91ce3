import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SimClock } from '@simgate/mocks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { oneLinkGroupIds, type OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import { declaredMetrics } from '../support/declared-metrics';
import {
  DEPLOY,
  coverageProblems,
  dashboardExprs,
  loadDashboard,
  loadRules,
  parseExposition,
  promqlRefs,
  templateLabels,
  variableQueries,
  type CoverageOptions,
  type Exposition,
} from '../support/promql';
import { startGateway, startStack, waitForFullSync, type Stack } from '../support/stack';

/**
 * The dashboard and the alert rules against what simgate really exports: a small fleet is fully synced under
 * carrier faults (so error, retry and rate-limit counters have samples), an operation is submitted (so the
 * operation metrics have samples), then the gateway's /metrics is scraped. Every metric name, label (in
 * matchers, by/without/on clauses and alert templates) and exactly matched label value that a panel or a rule
 * uses must be in that scrape.
 */
const CARDS = 60;
// OneLink block 0 is a forward pool for this seed (as in the console API suite): the pool metrics have samples.
const SEED = 6;
const NOW = '2026-11-20T10:00:00+08:00';
const KEY = 'coverage-key';
const METRICS_TOKEN = 'coverage-metrics-token';

interface PromConfig {
  scrape_configs: { job_name: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
}

/** Labels Prometheus adds to every series: job, instance, and the static target labels of prometheus.yml. */
function targetLabels(): string[] {
  const prom = parseYaml(fs.readFileSync(path.join(DEPLOY, 'prometheus/prometheus.yml'), 'utf8')) as PromConfig;
  const statics = prom.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => Object.keys(s.labels ?? {})));
  return ['job', 'instance', ...new Set(statics)];
}

describe('dashboard and alert rules use only what simgate exports', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let url: string;
  let scrape: string;
  let expo: Exposition;
  let options: CoverageOptions;

  beforeAll(async () => {
    stack = await startStack({
      cards: CARDS,
      seed: SEED,
      clock: SimClock.fixed(NOW),
      quotaFactor: 10,
      timeoutMs: 400,
      // OneLink pools are named in the accounts file (as `npm start` does), so pool metrics have samples.
      accountOptions: (sims) => ({ 'cmcc-main': { groupIds: oneLinkGroupIds(sims.get<OneLinkSimulator>('cmcc-onelink').fleet) } }),
    });
    // Carrier faults during a first sweep (5xx, rate-limit answers, timeouts) until each kind was injected, so
    // every error, retry and rejection counter gets samples; then a clean full sync. (No scrape before the
    // end: the clock stands still, so the store-derived gauges are computed once, on the first scrape.)
    const sg = stack.simgate;
    for (const p of stack.sims.platforms) await stack.sims.setFaults(p, { serverErrorRate: 0.1, rateLimitRate: 0.03, timeoutRate: 0.02 });
    try {
      await sg.scheduler.kickOff();
      for (const until = Date.now() + 60_000; ; ) {
        const faults = Object.values(await stack.sims.counters()).map((c) => (c.faults ?? {}) as Record<string, number>);
        const total = (k: string) => faults.reduce((n, f) => n + (f[k] ?? 0), 0);
        if (total('serverError') > 0 && total('rateLimit') > 0 && total('timeout') > 0) break;
        if (Date.now() > until) throw new Error(`faults not injected: ${JSON.stringify(faults)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      for (const p of stack.sims.platforms) await stack.sims.setFaults(p, { reset: true });
    }
    // Sweeps that gave up under the faults are failed: let the queue settle, then sweep again, cleanly.
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      const q = await sg.queue.counts();
      if (q.active + q.waiting === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await sg.scheduler.kickOff();
    await waitForFullSync(sg, 180_000);
    ({ app, url } = await startGateway(stack, [KEY], METRICS_TOKEN));

    // One operation through the console API: submitted to the carrier, pending there (orders take a minute).
    const account = stack.simgate.runtime.all()[0].account.id;
    const active = await stack.simgate.store.cards.list({ accountId: account, status: 'ACTIVE' }, 2, null);
    expect(active.length).toBeGreaterThan(0);
    const res = await fetch(`${url}/v1/operations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SUSPEND', iccids: active.map((c) => c.iccid), idempotencyKey: 'metrics-coverage-1' }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    for (const until = Date.now() + 30_000; ; ) {
      const op = await stack.simgate.store.operations.get(id);
      if (op && op.items.every((i) => i.state !== 'PENDING')) break;
      if (Date.now() > until) throw new Error(`operation ${id} was not submitted: ${JSON.stringify(op?.items)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The clock stands still, so the store-derived gauges are computed on this first scrape.
    const m = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(m.status).toBe(200);
    scrape = await m.text();
    expo = parseExposition(scrape);
    options = {
      targetLabels: targetLabels(),
      prometheusSeries: { up: ['job', 'instance', ...targetLabels()] },
      declared: new Map(declaredMetrics().map((d) => [d.name, d.labels])),
    };
  }, 300_000);

  afterAll(async () => {
    (app?.getHttpServer() as import('node:http').Server | undefined)?.closeAllConnections();
    await app?.close();
    await stack?.close();
  });

  it('/metrics needs the metrics token when one is set (as Prometheus sends it)', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
  });

  it('exports every declared metric', () => {
    for (const d of declaredMetrics()) expect({ metric: d.name, exported: expo.families.has(d.name) }).toEqual({ metric: d.name, exported: true });
  });

  it('every metric the dashboard and the rules use has samples in the scrape (labels are checked against real series)', () => {
    const used = new Set<string>();
    for (const { expr } of dashboardExprs(loadDashboard())) for (const s of promqlRefs(expr).selectors) used.add(s.metric!);
    for (const g of loadRules().groups) for (const r of g.rules) for (const s of promqlRefs(r.expr).selectors) used.add(s.metric!);
    used.delete('up');
    const unsampled = [...used].filter((m) => !expo.seriesLabels.has(m));
    expect(unsampled).toEqual([]);
  });

  it('every dashboard panel query uses only exported metrics, labels and values', () => {
    const d = loadDashboard();
    const problems = dashboardExprs(d).flatMap(({ panel, expr }) => coverageProblems(`panel "${panel}"`, expr, expo, options));
    for (const v of variableQueries(d)) problems.push(...coverageProblems(`variable ${v.name}`, v.selector, expo, options, [v.label]));
    expect(problems).toEqual([]);
  });

  it('every alert rule uses only exported metrics, labels and values (annotations included)', () => {
    const problems = loadRules().groups.flatMap((g) =>
      g.rules.flatMap((r) =>
        coverageProblems(`alert ${r.alert ?? r.record}`, r.expr, expo, options, templateLabels(JSON.stringify({ ...r.annotations, ...r.labels }))),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('the dashboard and the rules together use every simgate metric', () => {
    const used = new Set<string>();
    const add = (expr: string) => promqlRefs(expr).selectors.forEach((s) => used.add(s.metric!.replace(/_(bucket|sum|count)$/, '')));
    dashboardExprs(loadDashboard()).forEach((e) => add(e.expr));
    loadRules().groups.forEach((g) => g.rules.forEach((r) => add(r.expr)));
    expect(declaredMetrics().map((d) => d.name).filter((n) => !used.has(n))).toEqual([]);
  });

  it('the check catches unknown metrics, labels, values and grouping labels', () => {
    const p = (expr: string, extra: string[] = []) => coverageProblems('probe', expr, expo, options, extra);
    expect(p('sum(rate(simgate_nope_total[5m]))')).toEqual(['probe: metric simgate_nope_total is not exported by simgate']);
    expect(p('simgate_cards{colour="red"}')).toEqual(['probe: simgate_cards has no label colour']);
    expect(p('sum by (colour) (simgate_cards)')).toEqual(['probe: label colour (grouping or template) is on none of the series of the query']);
    expect(p('simgate_carrier_request_duration_seconds_sum{le="1"}')).toEqual(['probe: simgate_carrier_request_duration_seconds_sum has no label le']);
    expect(p('simgate_queue_jobs{state="wating"}')[0]).toMatch(/value never exported/);
    expect(p('simgate_operations', ['account'])).toEqual(['probe: label account (grouping or template) is on none of the series of the query']);
    // What is there passes, target labels included.
    expect(p('sum by (le, endpoint, instance) (rate(simgate_carrier_request_duration_seconds_bucket{platform="cmcc-onelink", job="simgate-worker"}[5m]))')).toEqual([]);
  });
});
