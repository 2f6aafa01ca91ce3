/**
 * The simgate Grafana dashboard, as data. `deploy/grafana/simgate.json` is this module's output
 * (`node -r @swc-node/register deploy/grafana/dashboard.ts > deploy/grafana/simgate.json`);
 * test/deploy/dashboard.spec.ts fails when the two differ, and test/e2e/metrics-coverage.e2e-spec.ts fails when
 * a panel uses a metric or label simgate does not export.
 *
 * Every process (gateway, each worker) exports the store-derived gauges (sync delay, cards, pools,
 * operations, queue depth) with the same values, so gauges are aggregated with `max by (...)`; counters and
 * histograms are per process and are summed.
 */

export interface Target {
  expr: string;
  legend: string;
  /** Instant query (tables, bar gauges). */
  instant?: boolean;
}

interface PanelSpec {
  title: string;
  description: string;
  type: 'timeseries' | 'bargauge' | 'table' | 'stat';
  unit: string;
  w: number;
  h: number;
  targets: Target[];
  stacked?: boolean;
  thresholds?: { color: string; value: number | null }[];
  min?: number;
  max?: number;
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

/** Filter of the dashboard's template variables, for metrics labelled by platform and account. */
const F = 'platform=~"$platform", account=~"$account"';
const rate = (expr: string) => `rate(${expr}[$__rate_interval])`;

const TRAFFIC = [
  { color: 'green', value: null },
  { color: 'yellow', value: 0.8 },
  { color: 'red', value: 1 },
];

export const ROWS: RowSpec[] = [
  {
    title: 'Sync delay',
    panels: [
      {
        title: 'Sync delay by platform, account and kind',
        description:
          'Seconds since the last complete sweep of each kind of data (inventory, status, usage, pools, orders) per account. The alert SimgateSyncDelayOverBudget fires when a line passes its budget (the panel to the right).',
        type: 'timeseries',
        unit: 's',
        w: 16,
        h: 9,
        targets: [{ expr: `max by (platform, account, kind) (simgate_sync_delay_seconds{${F}})`, legend: '{{platform}} / {{account}} / {{kind}}' }],
      },
      {
        title: 'Sync delay / budget',
        description: 'Share of the budget used by each sync delay (budget = interval × SIMGATE_SYNC_BUDGET_FACTOR). At 100 % the alert fires.',
        type: 'bargauge',
        unit: 'percentunit',
        w: 8,
        h: 9,
        min: 0,
        max: 1.5,
        thresholds: TRAFFIC,
        targets: [
          {
            expr: `max by (platform, account, kind) (simgate_sync_delay_seconds{${F}}) / max by (platform, account, kind) (simgate_sync_delay_budget_seconds{${F}})`,
            legend: '{{account}} / {{kind}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Stalest card age',
        description:
          'Age of the oldest card data of each kind: cards whose last read failed count from their last good read, so this can exceed the sync delay while sweeps succeed.',
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [{ expr: `max by (platform, account, kind) (simgate_sync_stalest_card_age_seconds{${F}})`, legend: '{{account}} / {{kind}}' }],
      },
      {
        title: 'Sync kinds failing or running',
        description: 'Sync kinds whose current state is failed (last sweep failed) or running, per account.',
        type: 'timeseries',
        unit: 'short',
        w: 8,
        h: 8,
        stacked: true,
        targets: [
          {
            expr: `sum by (account, state) (max by (platform, account, kind, state) (simgate_sync_state{${F}, state=~"failed|running"}))`,
            legend: '{{account}} {{state}}',
          },
        ],
      },
      {
        title: 'Sync job duration p95 and cards processed',
        description: '95th percentile of sync job duration by kind, and cards processed per second by result (written, unchanged, failed).',
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [
          {
            expr: `histogram_quantile(0.95, sum by (le, kind) (${rate(`simgate_sync_job_duration_seconds_bucket{${F}}`)}))`,
            legend: 'p95 {{kind}}',
          },
          { expr: `sum by (result) (${rate(`simgate_sync_cards_processed_total{${F}}`)})`, legend: 'cards/s {{result}}' },
        ],
      },
      {
        title: 'Running sweeps: ETA',
        description:
          "Seconds until each running sweep ends: the cards ahead of its checkpoint × the platform's requests per card ÷ the account's quota (shared by the account's card sweeps running). A line shows only while its sweep runs (GET /v1/sync shows done, total and startedAt).",
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [{ expr: `max by (platform, account, kind) (simgate_sync_sweep_eta_seconds{${F}}) > 0`, legend: '{{account}} / {{kind}}' }],
      },
      {
        title: 'Quota needed by the configured intervals',
        description:
          "Share of each account's quota the configured sync intervals need for its cards (status, usage, inventory). Above 100 % the intervals cannot be met at this quota; GET /v1/sync and simgate_sync_interval_shortest_seconds say what interval could.",
        type: 'bargauge',
        unit: 'percentunit',
        w: 8,
        h: 8,
        min: 0,
        max: 1.5,
        thresholds: TRAFFIC,
        targets: [{ expr: `max by (platform, account) (simgate_sync_quota_load{${F}})`, legend: '{{account}}', instant: true }],
      },
      {
        title: 'Shortest interval the quota allows',
        description:
          "Per account and kind, the shortest sync interval the account's quota allows for its cards with the other kinds at their intervals (compare with SIMGATE_SYNC_<KIND>_SECONDS). Alert SimgateSyncIntervalsUnmeetable when the intervals need more than the quota.",
        type: 'bargauge',
        unit: 's',
        w: 8,
        h: 8,
        targets: [{ expr: `max by (platform, account, kind) (simgate_sync_interval_shortest_seconds{${F}})`, legend: '{{account}} / {{kind}}', instant: true }],
      },
    ],
  },
  {
    title: 'Carrier requests',
    panels: [
      {
        title: 'Request rate by endpoint',
        description: 'HTTP requests per second sent to the carrier platforms, by endpoint class.',
        type: 'timeseries',
        unit: 'reqps',
        w: 8,
        h: 8,
        targets: [{ expr: `sum by (platform, endpoint) (${rate(`simgate_carrier_requests_total{${F}}`)})`, legend: '{{platform}} {{endpoint}}' }],
      },
      {
        title: 'Error ratio by endpoint',
        description:
          'Share of requests per endpoint that did not end in HTTP 2xx (4xx, 5xx, 429, timeout, network). Carrier errors inside HTTP 200 answers are in "Carrier errors by class".',
        type: 'timeseries',
        unit: 'percentunit',
        w: 8,
        h: 8,
        targets: [
          {
            expr: `sum by (platform, endpoint) (${rate(`simgate_carrier_requests_total{${F}, outcome!="2xx"}`)}) / sum by (platform, endpoint) (${rate(`simgate_carrier_requests_total{${F}}`)})`,
            legend: '{{platform}} {{endpoint}}',
          },
        ],
      },
      {
        title: 'Latency by endpoint (p50, p95)',
        description: 'Carrier request latency by endpoint class.',
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [
          {
            expr: `histogram_quantile(0.95, sum by (le, platform, endpoint) (${rate(`simgate_carrier_request_duration_seconds_bucket{${F}}`)}))`,
            legend: 'p95 {{platform}} {{endpoint}}',
          },
          {
            expr: `histogram_quantile(0.5, sum by (le, platform, endpoint) (${rate(`simgate_carrier_request_duration_seconds_bucket{${F}}`)}))`,
            legend: 'p50 {{platform}} {{endpoint}}',
          },
        ],
      },
      {
        title: 'Outcomes',
        description: 'Requests per second by outcome: HTTP status class, 429, timeout, network.',
        type: 'timeseries',
        unit: 'reqps',
        w: 8,
        h: 8,
        stacked: true,
        targets: [{ expr: `sum by (outcome) (${rate(`simgate_carrier_requests_total{${F}}`)})`, legend: '{{outcome}}' }],
      },
      {
        title: 'Carrier errors by class',
        description: 'Failed carrier calls by core error class (RATE_LIMITED, AUTH_EXPIRED, TRANSIENT, REJECTED, UNAVAILABLE, NOT_SUPPORTED), per account.',
        type: 'timeseries',
        unit: 'ops',
        w: 8,
        h: 8,
        targets: [{ expr: `sum by (account, error) (${rate(`simgate_carrier_errors_total{${F}}`)})`, legend: '{{account}} {{error}}' }],
      },
      {
        title: 'Retries by reason',
        description: 'Retries of carrier calls by sync kind and reason.',
        type: 'timeseries',
        unit: 'ops',
        w: 8,
        h: 8,
        targets: [{ expr: `sum by (account, kind, reason) (${rate(`simgate_sync_retries_total{${F}}`)})`, legend: '{{account}} {{kind}} {{reason}}' }],
      },
    ],
  },
  {
    title: 'Rate limiting',
    panels: [
      {
        title: 'Quota wait (p95, mean)',
        description: "Time requests waited for a slot of the account's quota before being sent.",
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [
          {
            expr: `histogram_quantile(0.95, sum by (le, platform, account) (${rate(`simgate_rate_limit_wait_seconds_bucket{${F}}`)}))`,
            legend: 'p95 {{account}}',
          },
          {
            expr: `sum by (platform, account) (${rate(`simgate_rate_limit_wait_seconds_sum{${F}}`)}) / sum by (platform, account) (${rate(`simgate_rate_limit_wait_seconds_count{${F}}`)})`,
            legend: 'mean {{account}}',
          },
        ],
      },
      {
        title: 'Carrier rate-limit rejections',
        description: "The carrier's own rate-limit answers per second. Each one lowers the account's adaptive quota share.",
        type: 'timeseries',
        unit: 'ops',
        w: 8,
        h: 8,
        targets: [{ expr: `sum by (platform, account) (${rate(`simgate_rate_limit_rejections_total{${F}}`)})`, legend: '{{account}}' }],
      },
      {
        title: 'Adaptive quota share',
        description: 'Share of the configured quota in use per account (1 = full quota; lower after carrier rate-limit answers). Lowest across processes.',
        type: 'timeseries',
        unit: 'percentunit',
        w: 8,
        h: 8,
        min: 0,
        max: 1,
        targets: [{ expr: `min by (platform, account) (simgate_rate_limit_factor{${F}})`, legend: '{{account}}' }],
      },
    ],
  },
  {
    title: 'Queue',
    panels: [
      {
        title: 'Queue depth',
        description: 'Jobs waiting, delayed and active in each queue (shared Redis: every process sees the same numbers).',
        type: 'timeseries',
        unit: 'short',
        w: 16,
        h: 8,
        targets: [{ expr: 'max by (queue, state) (simgate_queue_jobs{state=~"waiting|delayed|active"})', legend: '{{queue}} {{state}}' }],
      },
      {
        title: 'Failed jobs kept',
        description: 'Jobs that failed permanently (kept for inspection).',
        type: 'stat',
        unit: 'short',
        w: 8,
        h: 8,
        thresholds: [
          { color: 'green', value: null },
          { color: 'yellow', value: 1 },
        ],
        targets: [{ expr: 'max by (queue) (simgate_queue_jobs{state="failed"})', legend: '{{queue}}', instant: true }],
      },
    ],
  },
  {
    title: 'Cards',
    panels: [
      {
        title: 'Cards by status',
        description: 'Cards by normalized status (TEST, INVENTORY, ACTIVE, SUSPENDED, DEACTIVATED, CANCELLED, UNKNOWN).',
        type: 'timeseries',
        unit: 'short',
        w: 8,
        h: 8,
        stacked: true,
        targets: [{ expr: `sum by (status) (max by (platform, account, status, reason) (simgate_cards{${F}}))`, legend: '{{status}}' }],
      },
      {
        title: 'Suspended and stopped cards by reason',
        description: 'SUSPENDED and DEACTIVATED cards by primary suspend reason (docs/operations.md explains what each needs).',
        type: 'bargauge',
        unit: 'short',
        w: 8,
        h: 8,
        targets: [
          {
            expr: `sum by (reason) (max by (platform, account, status, reason) (simgate_cards{${F}, status=~"SUSPENDED|DEACTIVATED"}))`,
            legend: '{{reason}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Forced activations and cancellations within 7 days',
        description: 'Cards that will be force-activated (end of the silent or test period) or cancelled (90 days after plan expiry) within 7 days.',
        type: 'bargauge',
        unit: 'short',
        w: 8,
        h: 8,
        thresholds: [
          { color: 'green', value: null },
          { color: 'orange', value: 1 },
        ],
        targets: [
          {
            expr: `max by (platform, account, event) (simgate_cards_lifecycle_upcoming{${F}})`,
            legend: '{{account}} {{event}}',
            instant: true,
          },
        ],
      },
      {
        title: 'Cards by account and status',
        description: 'Current card counts per account and status.',
        type: 'table',
        unit: 'short',
        w: 24,
        h: 8,
        targets: [
          {
            expr: `sum by (platform, account, status) (max by (platform, account, status, reason) (simgate_cards{${F}}))`,
            legend: '',
            instant: true,
          },
        ],
      },
    ],
  },
  {
    title: 'Pools',
    panels: [
      {
        title: 'Pool remaining share',
        description: 'Remaining data of each pool as a share of its effective total. Below 10 % SimgatePoolNearExhaustion fires; at 0 a forward pool suspends its active cards.',
        type: 'bargauge',
        unit: 'percentunit',
        w: 12,
        h: 8,
        min: 0,
        max: 1,
        thresholds: [
          { color: 'red', value: null },
          { color: 'yellow', value: 0.1 },
          { color: 'green', value: 0.25 },
        ],
        targets: [
          {
            expr: `max by (platform, account, pool, type) (simgate_pool_remaining_bytes{${F}}) / max by (platform, account, pool, type) (simgate_pool_total_bytes{${F}} > 0)`,
            legend: '{{account}} {{pool}} ({{type}})',
            instant: true,
          },
        ],
      },
      {
        title: 'Pool remaining data',
        description: 'Remaining data of each pool this cycle (negative when overdrawn).',
        type: 'timeseries',
        unit: 'bytes',
        w: 12,
        h: 8,
        targets: [{ expr: `max by (platform, account, pool, type) (simgate_pool_remaining_bytes{${F}})`, legend: '{{account}} {{pool}}' }],
      },
    ],
  },
  {
    title: 'Operations',
    panels: [
      {
        title: 'Operation items by state',
        description: 'Operation items (activate, suspend, resume, rebind, threshold) by state, all accounts (this metric has no account label).',
        type: 'timeseries',
        unit: 'short',
        w: 8,
        h: 8,
        stacked: true,
        targets: [{ expr: 'sum by (state) (max by (type, state) (simgate_operations))', legend: '{{state}}' }],
      },
      {
        title: 'Oldest pending operation vs deadline',
        description: "Age of the oldest submitted, unfinished operation item per account, and the platform's processing deadline. Above the deadline SimgateOperationsPastDeadline fires.",
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [
          { expr: `max by (platform, account) (simgate_operation_oldest_pending_seconds{${F}})`, legend: 'oldest {{account}}' },
          { expr: `max by (platform, account) (simgate_operation_deadline_seconds{${F}})`, legend: 'deadline {{account}}' },
        ],
      },
      {
        title: 'Submissions by result',
        description: 'Operation items sent to carriers per second by type and result (accepted, rejected, in_doubt).',
        type: 'timeseries',
        unit: 'ops',
        w: 8,
        h: 8,
        targets: [{ expr: `sum by (account, type, result) (${rate(`simgate_operations_submitted_total{${F}}`)})`, legend: '{{account}} {{type}} {{result}}' }],
      },
      {
        title: 'Operation items by type and state',
        description: 'Current operation items by type and state.',
        type: 'table',
        unit: 'short',
        w: 24,
        h: 7,
        targets: [{ expr: 'max by (type, state) (simgate_operations)', legend: '', instant: true }],
      },
    ],
  },
  {
    title: 'Events and webhooks',
    panels: [
      {
        title: 'Events per second by type',
        description:
          'Events committed per second by type (card.*, pool.*, operation.*, sync.late / sync.recovered, account.*, webhook.*), summed over the processes that wrote them (workers write the sync events, the gateway the operation events it commits).',
        type: 'timeseries',
        unit: 'ops',
        w: 8,
        h: 8,
        stacked: true,
        targets: [{ expr: `sum by (type) (${rate('simgate_events_total')})`, legend: '{{type}}' }],
      },
      {
        title: 'Webhook deliveries by outcome',
        description:
          'Webhook delivery attempts per second: delivered (2xx), failed (non-2xx, timeout, network; retried), gave_up (retry schedule exhausted: the webhook is disabled), expired (event pruned before delivery).',
        type: 'timeseries',
        unit: 'ops',
        w: 8,
        h: 8,
        stacked: true,
        targets: [{ expr: `sum by (outcome) (${rate('simgate_webhook_deliveries_total')})`, legend: '{{outcome}}' }],
      },
      {
        title: 'Webhook delivery lag (p50, p99)',
        description: 'Time from an event being written to its delivery being answered 2xx, over the deliveries of the interval (retries included).',
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [
          { expr: `histogram_quantile(0.5, sum by (le) (${rate('simgate_webhook_delivery_lag_seconds_bucket')}))`, legend: 'p50' },
          { expr: `histogram_quantile(0.99, sum by (le) (${rate('simgate_webhook_delivery_lag_seconds_bucket')}))`, legend: 'p99' },
        ],
      },
      {
        title: 'Webhook outbox pending',
        description: 'Deliveries not yet answered 2xx (waiting for their first attempt or a retry), all webhooks.',
        type: 'timeseries',
        unit: 'short',
        w: 8,
        h: 8,
        targets: [{ expr: 'max(simgate_webhook_outbox_pending)', legend: 'pending' }],
      },
      {
        title: 'Oldest pending delivery',
        description: 'Age of the oldest delivery not yet answered 2xx, from the writing of its event. Above 15 minutes while a webhook is failing, SimgateWebhookDeliveriesFailing fires.',
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [{ expr: 'max(simgate_webhook_outbox_oldest_pending_seconds)', legend: 'oldest pending' }],
      },
      {
        title: 'Failing and disabled webhooks',
        description: 'Enabled webhooks whose last attempt failed, and webhooks disabled after failing through their whole retry schedule (SimgateWebhookDisabled).',
        type: 'stat',
        unit: 'short',
        w: 8,
        h: 8,
        thresholds: [
          { color: 'green', value: null },
          { color: 'orange', value: 1 },
        ],
        targets: [
          { expr: 'max(simgate_webhooks_failing)', legend: 'failing', instant: true },
          { expr: 'max(simgate_webhooks_disabled)', legend: 'disabled', instant: true },
        ],
      },
    ],
  },
  {
    title: 'Console API',
    panels: [
      {
        title: 'Requests by route and status class',
        description:
          'Console API answers per second by route template and status class (RED: rate and errors). 429s are budgets at work (panel to the right); 5xx over 5 % of answers fires SimgateApiErrorRate.',
        type: 'timeseries',
        unit: 'reqps',
        w: 8,
        h: 8,
        stacked: true,
        targets: [{ expr: `sum by (route, status_class) (${rate('simgate_http_requests_total')})`, legend: '{{route}} {{status_class}}' }],
      },
      {
        title: 'Latency by route (p50, p99)',
        description: 'Console API duration from arrival to the last byte of the answer, per route template (RED: duration).',
        type: 'timeseries',
        unit: 's',
        w: 8,
        h: 8,
        targets: [
          { expr: `histogram_quantile(0.99, sum by (le, route) (${rate('simgate_http_request_duration_seconds_bucket')}))`, legend: 'p99 {{route}}' },
          { expr: `histogram_quantile(0.5, sum by (le, route) (${rate('simgate_http_request_duration_seconds_bucket')}))`, legend: 'p50 {{route}}' },
        ],
      },
      {
        title: 'Refused: budgets and failed authentications',
        description:
          '429 answers per second by budget (requests and cards per API key; auth_block: an address blocked after too many wrong keys) and wrong API keys per second. Alerts: SimgateApiRateLimited, SimgateApiAuthFailures.',
        type: 'timeseries',
        unit: 'reqps',
        w: 8,
        h: 8,
        targets: [
          { expr: `sum by (budget) (${rate('simgate_http_rate_limited_total')})`, legend: '429 {{budget}}' },
          { expr: `sum(${rate('simgate_http_auth_failures_total')})`, legend: 'wrong API key' },
        ],
      },
    ],
  },
  {
    title: 'Processes',
    panels: [
      {
        title: 'Targets up',
        description: 'Whether Prometheus reaches each simgate process (gateway, workers).',
        type: 'stat',
        unit: 'short',
        w: 8,
        h: 6,
        thresholds: [
          { color: 'red', value: null },
          { color: 'green', value: 1 },
        ],
        targets: [{ expr: 'up{job=~"simgate-.*"}', legend: '{{instance}}', instant: true }],
      },
      {
        title: 'Resident memory',
        description: 'Resident memory of each process.',
        type: 'timeseries',
        unit: 'bytes',
        w: 8,
        h: 6,
        targets: [{ expr: 'simgate_process_process_resident_memory_bytes', legend: '{{instance}}' }],
      },
      {
        title: 'CPU',
        description: 'CPU seconds per second of each process.',
        type: 'timeseries',
        unit: 'percentunit',
        w: 8,
        h: 6,
        targets: [{ expr: rate('simgate_process_process_cpu_seconds_total'), legend: '{{instance}}' }],
      },
    ],
  },
];

const DS = { type: 'prometheus', uid: '${datasource}' };

function variable(name: string, label: string, query: string) {
  return {
    name,
    label,
    type: 'query',
    datasource: DS,
    definition: query,
    query: { query, refId: `${name}-var` },
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
    hide: 0,
    regex: '',
    options: [],
  };
}

function panel(p: PanelSpec, id: number, x: number, y: number) {
  const refIds = 'ABCDEFGH';
  const legendDisplay = p.type === 'timeseries' ? { displayMode: 'list', placement: 'bottom', showLegend: true } : undefined;
  const options: Record<string, unknown> =
    p.type === 'timeseries'
      ? { legend: legendDisplay, tooltip: { mode: 'multi', sort: 'desc' } }
      : p.type === 'bargauge'
        ? { orientation: 'horizontal', displayMode: 'gradient', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, showUnfilled: true }
        : p.type === 'stat'
          ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', graphMode: 'none', textMode: 'value_and_name' }
          : { showHeader: true };
  const defaults: Record<string, unknown> = {
    unit: p.unit,
    thresholds: { mode: 'absolute', steps: p.thresholds ?? [{ color: 'green', value: null }] },
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
  };
  if (p.type === 'timeseries') {
    defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: p.stacked ? 40 : 10, stacking: { mode: p.stacked ? 'normal' : 'none', group: 'A' }, showPoints: 'never', spanNulls: false };
    defaults.color = { mode: 'palette-classic' };
  }
  return {
    id,
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: DS,
    gridPos: { x, y, w: p.w, h: p.h },
    fieldConfig: { defaults, overrides: [] },
    options,
    ...(p.type === 'table' ? { transformations: [{ id: 'labelsToFields', options: {} }, { id: 'merge', options: {} }, { id: 'organize', options: { excludeByName: { Time: true } } }] } : {}),
    targets: p.targets.map((t, i) => ({
      refId: refIds[i],
      datasource: DS,
      expr: t.expr,
      legendFormat: t.legend,
      range: !t.instant,
      instant: !!t.instant,
      ...(p.type === 'table' ? { format: 'table' } : {}),
    })),
  };
}

/** Lays the rows out on Grafana's 24-column grid, panels left to right, wrapping. */
export function buildDashboard() {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    let lineH = 0;
    for (const p of row.panels) {
      if (x + p.w > 24) {
        x = 0;
        y += lineH;
        lineH = 0;
      }
      panels.push(panel(p, id++, x, y));
      x += p.w;
      lineH = Math.max(lineH, p.h);
    }
    y += lineH;
  }
  return {
    uid: 'simgate',
    title: 'simgate',
    description: 'simgate carrier-integration gateway: sync freshness, carrier traffic, rate limits, queue, cards, pools, operations, events and webhooks, the console API. docs/operations.md explains each row.',
    tags: ['simgate'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [],
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: { selected: true, text: 'Prometheus', value: 'simgate-prometheus' },
          hide: 0,
          includeAll: false,
          multi: false,
          options: [],
          refresh: 1,
          regex: '',
        },
        variable('platform', 'Platform', 'label_values(simgate_sync_delay_seconds, platform)'),
        variable('account', 'Account', 'label_values(simgate_sync_delay_seconds{platform=~"$platform"}, account)'),
      ],
    },
    panels,
  };
}

/** The file's text: stable key order, two-space indent, trailing newline. */
export function dashboardJson(): string {
  return JSON.stringify(buildDashboard(), null, 2) + '\n';
}

if (require.main === module) process.stdout.write(dashboardJson());
