import axios, { type AxiosInstance } from 'axios';
import type pino from 'pino';
import { Webhook } from 'standardwebhooks';
import type { SimgateEvent } from '@simgate/core';
import type { ClaimedDelivery, Store } from '@simgate/store';
import type { SimgateMetrics } from '../metrics';

/**
 * Delivers webhooks (docs/webhooks.md). One loop per process: fan the feed out into deliveries, claim due ones
 * with a lease, POST them signed per Standard Webhooks (`webhook-id` = the event id on every attempt), record
 * the outcome. Several processes share the work through the database (FOR UPDATE SKIP LOCKED claims); one killed
 * mid-delivery loses its lease and another process delivers the event again, with the same id.
 *
 * Logs name the webhook id, the URL's host and the HTTP status only (never the secret, the path or the body).
 */
export interface WebhookDispatcherOptions {
  /** Waits after the 1st, 2nd, … failed attempt (SIMGATE_WEBHOOKS_RETRY_SECONDS). */
  retrySeconds: readonly number[];
  /** One POST's timeout (SIMGATE_WEBHOOKS_TIMEOUT_MS). */
  timeoutMs: number;
  /** POSTs in flight at most. */
  concurrency?: number;
  /** A claim lasts this long (default the timeout + 30 s): a delivery whose worker died is due again after it. */
  leaseMs?: number;
  /** Poll interval when idle (commits in this process wake it at once). */
  idleMs?: number;
  /** Finished deliveries older than this are pruned (hourly); null keeps them. */
  retentionHours?: number | null;
  metrics?: SimgateMetrics;
  logger?: pino.Logger;
}

/** The request body: the event as the feed carries it. */
export function webhookPayload(e: SimgateEvent): string {
  return JSON.stringify({
    id: e.id,
    type: e.type,
    timestamp: e.occurredAt.toISOString(),
    position: e.position,
    accountId: e.accountId,
    subject: e.subject,
    data: e.data,
  });
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
};

const PRUNE_EVERY_MS = 3_600_000;

export class WebhookDispatcher {
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly http: AxiosInstance;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private unsubscribe: (() => void) | null = null;
  private lastPrune = 0;

  constructor(
    private readonly store: Pick<Store, 'webhooks' | 'events'>,
    private readonly o: WebhookDispatcherOptions,
  ) {
    this.concurrency = Math.max(1, o.concurrency ?? 16);
    this.leaseMs = o.leaseMs ?? o.timeoutMs + 30_000;
    this.idleMs = o.idleMs ?? 250;
    this.http = axios.create({
      timeout: o.timeoutMs,
      maxRedirects: 0,
      proxy: false,
      responseType: 'stream',
      validateStatus: () => true,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.events.onCommitted(() => this.wake());
    this.loop = this.run();
  }

  /** Stops claiming and waits for the POSTs in flight (their outcome is recorded). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private wake(): void {
    this.woken = true;
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let busy = false;
      let failed = false;
      try {
        busy = await this.tick();
      } catch (e) {
        failed = true;
        this.o.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'webhook dispatch round failed');
      }
      if (!this.running) break;
      // A failing round (database unreachable) is retried after a second, not at the idle poll's pace.
      if (failed) await this.sleep(Math.max(1000, this.idleMs));
      else if (!busy) await this.sleep(this.idleMs);
      else if (this.inFlight.size >= this.concurrency) await Promise.race([...this.inFlight]);
    }
  }

  /** One round: fan out, claim what the free slots allow, start those POSTs. True when there is more to do now. */
  async tick(): Promise<boolean> {
    await this.maybePrune();
    const fan = await this.store.webhooks.fanOut();
    // No enabled webhook: nothing can be due (deliveries of disabled ones are not claimed).
    if (!fan.enabled) return false;
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return true;
    const claimed = await this.store.webhooks.claim(free, this.leaseMs);
    if (claimed.length) {
      const events = await this.store.events.byIds(claimed.map((c) => c.eventId));
      for (const c of claimed) {
        const p = this.deliver(c, events.get(c.eventId) ?? null).finally(() => {
          this.inFlight.delete(p);
          this.wake();
        });
        this.inFlight.add(p);
      }
    }
    return fan.more || claimed.length === free;
  }

  /** Runs rounds until nothing is due or in flight (tests, tools). */
  async drain(): Promise<void> {
    for (;;) {
      const more = await this.tick();
      if (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
      else if (!more) return;
    }
  }

  private async maybePrune(): Promise<void> {
    const hours = this.o.retentionHours;
    if (!hours || Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.store.webhooks.prune(new Date(Date.now() - hours * 3_600_000));
  }

  private async deliver(c: ClaimedDelivery, event: (SimgateEvent & { webhookId: string | null }) | null): Promise<void> {
    const host = hostOf(c.url);
    try {
      if (!event || (event.webhookId !== null && event.webhookId !== c.webhookId)) {
        await this.store.webhooks.expire(c.id);
        this.o.metrics?.webhookDeliveries.inc({ outcome: 'expired' });
        this.o.logger?.info({ webhook: c.webhookId, host, event: c.eventId }, 'webhook delivery expired (event pruned)');
        return;
      }
      const body = webhookPayload(event);
      const started = Date.now();
      let status: number | null = null;
      let error: string | null = null;
      try {
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'simgate-webhooks',
          'webhook-id': c.eventId,
          'webhook-timestamp': String(Math.floor(started / 1000)),
          'webhook-signature': new Webhook(c.secret).sign(c.eventId, new Date(started), body),
        };
        const res = await this.http.post(c.url, body, { headers, transformRequest: [(d: unknown) => d] });
        status = res.status;
        (res.data as { destroy?: () => void } | undefined)?.destroy?.();
        if (status < 200 || status >= 300) error = `HTTP ${status}`;
      } catch (e) {
        error = describeError(e);
      }
      const out = await this.store.webhooks.recordAttempt(c.id, { status, error, durationMs: Date.now() - started }, this.o.retrySeconds);
      const log = { webhook: c.webhookId, host, status, attempt: c.attempts + 1 };
      if (out.outcome === 'delivered') {
        this.o.metrics?.webhookDeliveries.inc({ outcome: 'delivered' });
        if (out.lagSeconds !== undefined) this.o.metrics?.webhookLag.observe(out.lagSeconds);
        this.o.logger?.debug(log, 'webhook delivered');
      } else if (out.outcome === 'failed') {
        this.o.metrics?.webhookDeliveries.inc({ outcome: 'failed' });
        this.o.logger?.info({ ...log, retryAt: out.nextAttemptAt?.toISOString(), error: status === null ? error : undefined }, 'webhook delivery failed, will retry');
      } else if (out.outcome === 'gave_up') {
        this.o.metrics?.webhookDeliveries.inc({ outcome: 'gave_up' });
        this.o.logger?.warn({ ...log, disabled: !!out.disabled }, out.disabled ? 'webhook disabled: retry schedule exhausted' : 'webhook delivery gave up');
      } else if (is2xx(status)) {
        this.o.metrics?.webhookDeliveries.inc({ outcome: 'delivered' });
      }
    } catch (e) {
      // The lease runs out and another round delivers it again.
      this.o.logger?.warn({ webhook: c.webhookId, host, err: e instanceof Error ? e.message : String(e) }, 'webhook delivery not recorded');
    }
  }
}

const is2xx = (s: number | null) => s !== null && s >= 200 && s < 300;

/** A failed POST in a few words: never the URL (it may carry a token), the headers or the body. */
function describeError(e: unknown): string {
  if (axios.isAxiosError(e)) {
    if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return 'timeout';
    return e.code ? `network error ${e.code}` : 'network error';
  }
  return 'request failed';
}
