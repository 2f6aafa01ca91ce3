import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every simgate metric, declared once, with explicit buckets. Names start `simgate_`; docs/metrics.md
 * describes each. Labels never carry card identifiers or secrets.
 */
export class SimgateMetrics {
  readonly registry = new Registry();

  readonly syncDelay = new Gauge({
    name: 'simgate_sync_delay_seconds',
    help: 'Seconds since the last successful sync of this kind of data for the account (started time of the last complete sweep).',
    labelNames: ['platform', 'account', 'kind'] as const,
    registers: [this.registry],
  });

  readonly syncBudget = new Gauge({
    name: 'simgate_sync_delay_budget_seconds',
    help: 'Sync delay budget per kind: the alert threshold for simgate_sync_delay_seconds.',
    labelNames: ['platform', 'account', 'kind'] as const,
    registers: [this.registry],
  });

  readonly stalestCardAge = new Gauge({
    name: 'simgate_sync_stalest_card_age_seconds',
    help: "Age of the stalest card's data of this kind: cards that failed their last sync count from their last good read.",
    labelNames: ['platform', 'account', 'kind'] as const,
    registers: [this.registry],
  });

  readonly syncState = new Gauge({
    name: 'simgate_sync_state',
    help: 'Current state of each sync kind per account (1 for the current state, 0 otherwise).',
    labelNames: ['platform', 'account', 'kind', 'state'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'simgate_sync_job_duration_seconds',
    help: 'Duration of sync jobs by kind and outcome.',
    labelNames: ['platform', 'account', 'kind', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });

  readonly cardsProcessed = new Counter({
    name: 'simgate_sync_cards_processed_total',
    help: 'Cards processed by sync jobs, by result: written (new or changed), unchanged, failed (recorded on the card).',
    labelNames: ['platform', 'account', 'kind', 'result'] as const,
    registers: [this.registry],
  });

  readonly carrierRequests = new Counter({
    name: 'simgate_carrier_requests_total',
    help: 'HTTP requests sent to carrier platforms by endpoint class and outcome (HTTP status class, timeout or network).',
    labelNames: ['platform', 'account', 'endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly carrierLatency = new Histogram({
    name: 'simgate_carrier_request_duration_seconds',
    help: 'Latency of carrier HTTP requests by endpoint class.',
    labelNames: ['platform', 'account', 'endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly carrierErrors = new Counter({
    name: 'simgate_carrier_errors_total',
    help: 'Carrier calls that failed, by the core error class (RATE_LIMITED, AUTH_EXPIRED, TRANSIENT, REJECTED, UNAVAILABLE, NOT_SUPPORTED).',
    labelNames: ['platform', 'account', 'kind', 'error'] as const,
    registers: [this.registry],
  });

  readonly rateLimitWait = new Histogram({
    name: 'simgate_rate_limit_wait_seconds',
    help: "Time requests waited for a slot of the account's quota before being sent.",
    labelNames: ['platform', 'account'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly rateLimitRejections = new Counter({
    name: 'simgate_rate_limit_rejections_total',
    help: "The carrier's own rate-limit answers (each one slows the account down adaptively).",
    labelNames: ['platform', 'account'] as const,
    registers: [this.registry],
  });

  readonly rateLimitFactor = new Gauge({
    name: 'simgate_rate_limit_factor',
    help: 'Adaptive share of the quota in use per account (1 = full quota; lower after carrier rate-limit answers).',
    labelNames: ['platform', 'account'] as const,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'simgate_sync_retries_total',
    help: 'Retries of carrier calls by sync kind and reason.',
    labelNames: ['platform', 'account', 'kind', 'reason'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'simgate_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, failed, completed).',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly cards = new Gauge({
    name: 'simgate_cards',
    help: 'Cards by account, status and primary suspend reason ("" when none).',
    labelNames: ['platform', 'account', 'status', 'reason'] as const,
    registers: [this.registry],
  });

  readonly poolRemaining = new Gauge({
    name: 'simgate_pool_remaining_bytes',
    help: 'Remaining data of each pool (negative when overdrawn).',
    labelNames: ['platform', 'account', 'pool', 'type'] as const,
    registers: [this.registry],
  });

  readonly poolTotal = new Gauge({
    name: 'simgate_pool_total_bytes',
    help: 'Effective total data of each pool in the current cycle.',
    labelNames: ['platform', 'account', 'pool', 'type'] as const,
    registers: [this.registry],
  });

  readonly operations = new Gauge({
    name: 'simgate_operations',
    help: 'Operation items by type and state.',
    labelNames: ['type', 'state'] as const,
    registers: [this.registry],
  });

  readonly operationOldestPending = new Gauge({
    name: 'simgate_operation_oldest_pending_seconds',
    help: 'Age of the oldest submitted, not yet finished operation item per account.',
    labelNames: ['platform', 'account'] as const,
    registers: [this.registry],
  });

  readonly operationDeadline = new Gauge({
    name: 'simgate_operation_deadline_seconds',
    help: "The platform's order processing deadline (from its manifest).",
    labelNames: ['platform', 'account'] as const,
    registers: [this.registry],
  });

  readonly lifecycleUpcoming = new Gauge({
    name: 'simgate_cards_lifecycle_upcoming',
    help: 'Cards with a lifecycle event (forced_activation, cancellation) within the next 7 days.',
    labelNames: ['platform', 'account', 'event'] as const,
    registers: [this.registry],
  });

  readonly operationsSubmitted = new Counter({
    name: 'simgate_operations_submitted_total',
    help: 'Operation items sent to carriers, by type and result (accepted, rejected, in_doubt).',
    labelNames: ['platform', 'account', 'type', 'result'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
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
