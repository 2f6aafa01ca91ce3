import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The labels of every per-account metric. */
const ACCOUNT = ['platform', 'account'] as const;

/**
 * Every simgate metric, declared once, with explicit buckets. Names start `simgate_`; docs/metrics.md
 * describes each. Labels never carry card identifiers or secrets.
 */
export class SimgateMetrics {
  readonly registry = new Registry();

  private gauge<const L extends string>(name: string, labelNames: readonly L[], help: string): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private counter<const L extends string>(name: string, labelNames: readonly L[], help: string): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<const L extends string>(name: string, labelNames: readonly L[], buckets: number[], help: string): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  // Sync freshness and jobs.
  readonly syncDelay = this.gauge('simgate_sync_delay_seconds', [...ACCOUNT, 'kind'],
    'Seconds since the last successful sync of this kind of data for the account (started time of the last complete sweep).');
  readonly syncBudget = this.gauge('simgate_sync_delay_budget_seconds', [...ACCOUNT, 'kind'],
    'Sync delay budget per kind: the alert threshold for simgate_sync_delay_seconds.');
  readonly stalestCardAge = this.gauge('simgate_sync_stalest_card_age_seconds', [...ACCOUNT, 'kind'],
    "Age of the stalest card's data of this kind: cards that failed their last sync count from their last good read.");
  readonly syncState = this.gauge('simgate_sync_state', [...ACCOUNT, 'kind', 'state'],
    'Current state of each sync kind per account (1 for the current state, 0 otherwise).');
  readonly jobDuration = this.histogram('simgate_sync_job_duration_seconds', [...ACCOUNT, 'kind', 'outcome'], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    'Duration of sync jobs by kind and outcome.');
  readonly cardsProcessed = this.counter('simgate_sync_cards_processed_total', [...ACCOUNT, 'kind', 'result'],
    'Cards processed by sync jobs, by result: written (new or changed), unchanged, failed (recorded on the card).');
  readonly sweepEta = this.gauge('simgate_sync_sweep_eta_seconds', [...ACCOUNT, 'kind'],
    "Seconds until a running sweep ends at the account's quota (cards ahead x requests per card / requests per second); 0 when none runs.");
  readonly quotaLoad = this.gauge('simgate_sync_quota_load', [...ACCOUNT],
    "Share of the account's quota the configured intervals need for its cards (status, usage, inventory): above 1 they cannot be met.");
  readonly shortestInterval = this.gauge('simgate_sync_interval_shortest_seconds', [...ACCOUNT, 'kind'],
    "Shortest interval of this kind the account's quota allows for its cards, the other kinds at their intervals.");

  // Carrier requests.
  readonly carrierRequests = this.counter('simgate_carrier_requests_total', [...ACCOUNT, 'endpoint', 'outcome'],
    'HTTP requests sent to carrier platforms by endpoint class and outcome (HTTP status class, timeout or network).');
  readonly carrierLatency = this.histogram('simgate_carrier_request_duration_seconds', [...ACCOUNT, 'endpoint'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    'Latency of carrier HTTP requests by endpoint class.');
  readonly carrierErrors = this.counter('simgate_carrier_errors_total', [...ACCOUNT, 'kind', 'error'],
    'Carrier calls that failed, by the core error class (RATE_LIMITED, AUTH_EXPIRED, TRANSIENT, REJECTED, UNAVAILABLE, NOT_SUPPORTED).');

  // Rate limits and retries.
  readonly rateLimitWait = this.histogram('simgate_rate_limit_wait_seconds', [...ACCOUNT], [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    "Time requests waited for a slot of the account's quota before being sent.");
  readonly rateLimitRejections = this.counter('simgate_rate_limit_rejections_total', [...ACCOUNT],
    "The carrier's own rate-limit answers (each one slows the account down adaptively).");
  readonly rateLimitFactor = this.gauge('simgate_rate_limit_factor', [...ACCOUNT],
    'Adaptive share of the quota in use per account (1 = full quota; lower after carrier rate-limit answers).');
  readonly retries = this.counter('simgate_sync_retries_total', [...ACCOUNT, 'kind', 'reason'],
    'Retries of carrier calls by sync kind and reason.');

  // Queues, cards and pools.
  readonly queueJobs = this.gauge('simgate_queue_jobs', ['queue', 'state'],
    'Jobs in each queue by state (waiting, active, delayed, failed, completed).');
  readonly cards = this.gauge('simgate_cards', [...ACCOUNT, 'status', 'reason'],
    'Cards by account, status and primary suspend reason ("" when none).');
  readonly poolRemaining = this.gauge('simgate_pool_remaining_bytes', [...ACCOUNT, 'pool', 'type'],
    'Remaining data of each pool (negative when overdrawn).');
  readonly poolTotal = this.gauge('simgate_pool_total_bytes', [...ACCOUNT, 'pool', 'type'],
    'Effective total data of each pool in the current cycle.');

  // Operations and lifecycle.
  readonly operations = this.gauge('simgate_operations', ['type', 'state'],
    'Operation items by type and state.');
  readonly operationOldestPending = this.gauge('simgate_operation_oldest_pending_seconds', [...ACCOUNT],
    'Age of the oldest submitted, not yet finished operation item per account.');
  readonly operationDeadline = this.gauge('simgate_operation_deadline_seconds', [...ACCOUNT],
    "The platform's order processing deadline (from its manifest).");
  readonly lifecycleUpcoming = this.gauge('simgate_cards_lifecycle_upcoming', [...ACCOUNT, 'event'],
    'Cards with a lifecycle event (forced_activation, cancellation) within the next 7 days.');
  readonly operationsSubmitted = this.counter('simgate_operations_submitted_total', [...ACCOUNT, 'type', 'result'],
    'Operation items sent to carriers, by type and result (accepted, rejected, in_doubt).');

  // Events and webhooks (docs/events.md).
  readonly events = this.counter('simgate_events_total', ['type'],
    'Events written (committed) by this process, by type.');
  readonly webhookDeliveries = this.counter('simgate_webhook_deliveries_total', ['outcome'],
    'Webhook delivery attempts by outcome: delivered (2xx), failed (non-2xx, timeout, network; retried), gave_up (schedule exhausted), expired (event pruned before delivery).');
  readonly webhookLag = this.histogram('simgate_webhook_delivery_lag_seconds', [], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 7200, 21600, 86400],
    'Time from an event being written to its delivery being answered 2xx.');
  readonly webhookPending = this.gauge('simgate_webhook_outbox_pending', [],
    'Webhook deliveries not yet answered 2xx (waiting for their first or next attempt).');
  readonly webhookOldestPending = this.gauge('simgate_webhook_outbox_oldest_pending_seconds', [],
    'Age of the oldest webhook delivery not yet answered 2xx (0 when none).');
  readonly webhooksFailing = this.gauge('simgate_webhooks_failing', [],
    'Enabled webhooks whose last delivery attempt failed.');
  readonly webhooksDisabled = this.gauge('simgate_webhooks_disabled', [],
    'Webhooks disabled after failing through the whole retry schedule.');

  // Console API (RED): rate, errors, duration per route template; inbound protection (docs/operations.md).
  readonly httpRequests = this.counter('simgate_http_requests_total', ['method', 'route', 'status_class'],
    'Console API requests answered, by method, route template ("unmatched" for no route) and status class (2xx, 3xx, 4xx, 5xx).');
  readonly httpDuration = this.histogram('simgate_http_request_duration_seconds', ['method', 'route'], [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    'Console API request duration from arrival to the last byte of the answer, by method and route template.');
  readonly httpAuthFailures = this.counter('simgate_http_auth_failures_total', [],
    'Requests with a wrong API key (each counts toward the failed-authentication block of its client address).');
  readonly httpRateLimited = this.counter('simgate_http_rate_limited_total', ['budget'],
    'Requests answered 429 by inbound protection, by budget: requests, cards (per API key), auth_block (client address blocked).');

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Every budget a 429 can name has a series from the start (at 0): rates and alerts see the first refusal.
    for (const budget of ['requests', 'cards', 'auth_block']) this.httpRateLimited.inc({ budget }, 0);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'simgate_process_' });
  }

  /** Collectors that refresh gauges from the store before each scrape. */
  private readonly collectors: (() => Promise<void>)[] = [];

  onCollect(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const c of this.collectors) {
      try {
        await c();
      } catch {
        // A failing collector must not break the scrape; the gauges keep their last values.
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
