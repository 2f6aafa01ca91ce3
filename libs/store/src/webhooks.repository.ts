import { randomBytes } from 'node:crypto';
import type { EventDraft } from '@simgate/core';
import type { Db, Queryable } from './db';
import { Cursor, CursorExpired, type EventsRepository } from './events.repository';

/**
 * Webhooks (docs/webhooks.md): endpoints that get the feed's events pushed, signed per Standard Webhooks.
 *
 * Each webhook follows the feed from its own cursor (`cursor_pos`, a feed position). `fanOut` reads
 * the events after it (`EventsRepository.read`: never skips a late commit), writes one `webhook_deliveries` row per
 * (webhook, event) and advances the cursor in one transaction per webhook. Workers `claim` due deliveries with a
 * lease (`locked_until`); a worker that dies mid-delivery loses its lease and another delivers the same event
 * again, with the same id (at least once). `recordAttempt` keeps every POST (`webhook_attempts`) and moves the
 * delivery on: delivered on 2xx, else the next attempt after the retry schedule; a delivery whose schedule runs out
 * while its endpoint has failed throughout disables the webhook, with a `webhook.disabled` event written in the
 * same transaction.
 *
 * The secret is read only by `claim` (to sign) and returned only by `create`.
 */

export interface WebhookRecord {
  id: string;
  url: string;
  /** Event types, or `['*']` for every type. */
  types: string[];
  /** Accounts whose events it gets (null: all). Events about no account (webhook.disabled) always pass. */
  accounts: string[] | null;
  description: string | null;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
  /** The first failed attempt since the last success (null when the last attempt succeeded). */
  failingSince: Date | null;
}

export interface NewWebhook {
  url: string;
  types: string[];
  accounts: string[] | null;
  description: string | null;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'expired';

export interface DeliveryAttempt {
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  /** The event's type (null once the event is pruned). */
  eventType: string | null;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  attemptLog: DeliveryAttempt[];
}

/** A delivery claimed by a worker: what it needs to sign and send. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  url: string;
  secret: string;
  /** Attempts made before this one. */
  attempts: number;
}

export interface AttemptResult {
  /** HTTP status (null: no response: timeout, network error). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface AttemptOutcome {
  /** delivered: 2xx; failed: will be retried; gave_up: schedule exhausted; stale: the delivery was no longer pending. */
  outcome: 'delivered' | 'failed' | 'gave_up' | 'stale';
  /** Event created → this 2xx, seconds (delivered only). */
  lagSeconds?: number;
  /** The webhook was disabled by this attempt (the `webhook.disabled` event is committed). */
  disabled?: boolean;
  nextAttemptAt?: Date;
}

export class TooManyWebhooks extends Error {}

/** Standard Webhooks secret: `whsec_` + base64 of 24 random bytes (192 bits). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

interface WebhookRow {
  id: string;
  url: string;
  types: string[];
  accounts: string[] | null;
  description: string | null;
  created_at: Date;
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
}

const WEBHOOK_COLUMNS = `id, url, types, accounts, description, created_at, disabled_at, disabled_reason, failing_since`;

function toWebhook(r: WebhookRow): WebhookRecord {
  return {
    id: r.id,
    url: r.url,
    types: r.types,
    accounts: r.accounts,
    description: r.description,
    createdAt: new Date(r.created_at),
    disabledAt: r.disabled_at ? new Date(r.disabled_at) : null,
    disabledReason: r.disabled_reason,
    failingSince: r.failing_since ? new Date(r.failing_since) : null,
  };
}

const MAX_ERROR = 500;
const clip = (s: string | null) => (s === null ? null : s.length > MAX_ERROR ? `${s.slice(0, MAX_ERROR)}…` : s);
const is2xx = (s: number | null) => s !== null && s >= 200 && s < 300;

export class WebhooksRepository {
  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
  ) {}

  /**
   * Registers a webhook starting at the current feed position (no backlog); returns it with its secret (the only
   * time the secret leaves the store). Throws `TooManyWebhooks` when `max` are registered already.
   */
  async create(w: NewWebhook, max: number): Promise<WebhookRecord & { secret: string }> {
    const id = `wh_${randomBytes(12).toString('hex')}`;
    const secret = newWebhookSecret();
    const row = await this.db.transaction(async (tx) => {
      // One registration at a time across processes, so that the count holds.
      await tx.query('SELECT pg_advisory_xact_lock(7355609)');
      const n = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhooks`);
      if (n.rows[0].n >= max) throw new TooManyWebhooks(`at most ${max} webhooks can be registered (SIMGATE_WEBHOOKS_MAX)`);
      const at = Cursor.decode(await this.events.position(tx));
      const r = await tx.query<WebhookRow>(
        `INSERT INTO webhooks (id, url, types, accounts, description, secret, cursor_pos)
         VALUES ($1, $2, $3::text[], $4::text[], $5, $6, $7::bigint) RETURNING ${WEBHOOK_COLUMNS}`,
        [id, w.url, w.types, w.accounts, w.description, secret, at.pos],
      );
      return r.rows[0];
    });
    return { ...toWebhook(row), secret };
  }

  async list(): Promise<WebhookRecord[]> {
    const r = await this.db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id`);
    return r.rows.map(toWebhook);
  }

  async count(): Promise<number> {
    const r = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhooks`);
    return r.rows[0].n;
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = await this.db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return r.rows[0] ? toWebhook(r.rows[0]) : null;
  }

  /** Deletes a webhook with its deliveries not made yet (and their attempts); false when there was none. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
      if (r.affectedRows !== 1) return false;
      await tx.query(
        `DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'pending')`,
        [id],
      );
      await tx.query(`DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'pending'`, [id]);
      return true;
    });
  }

  /**
   * Re-enables a disabled webhook: it follows the feed again from the current position (events written while it
   * was disabled are not delivered: read them from the feed), with `failing_since` cleared. Null when unknown.
   */
  async enable(id: string): Promise<WebhookRecord | null> {
    return this.db.transaction(async (tx) => {
      const at = Cursor.decode(await this.events.position(tx));
      const r = await tx.query<WebhookRow>(
        `UPDATE webhooks SET
           cursor_pos = CASE WHEN disabled_at IS NULL THEN cursor_pos ELSE $2::bigint END,
           disabled_at = NULL, disabled_reason = NULL, failing_since = NULL
         WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
        [id, at.pos],
      );
      return r.rows[0] ? toWebhook(r.rows[0]) : null;
    });
  }

  /**
   * Writes a `webhook.test` event for this webhook only (not in the feed) and its delivery, in one transaction.
   * Returns the event id (`evt_<n>`), or null when the webhook is unknown.
   */
  async sendTest(id: string, at: Date = new Date()): Promise<string | null> {
    const draft: EventDraft = { type: 'webhook.test', accountId: null, subject: id, occurredAt: at, data: { webhookId: id }, webhookId: id };
    const eventId = await this.db.transaction(async (tx) => {
      const w = await tx.query(`SELECT 1 FROM webhooks WHERE id = $1 FOR SHARE`, [id]);
      if (!w.rows.length) return null;
      await this.events.append(tx, [draft]);
      const r = await tx.query<{ event_id: string }>(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, state, next_attempt_at, event_created_at)
         SELECT $1, id, 'pending', now(), created_at FROM events WHERE webhook_id = $1 AND pos = (SELECT pos FROM event_position WHERE id = 1)
         ON CONFLICT DO NOTHING RETURNING event_id::text AS event_id`,
        [id],
      );
      return r.rows[0] ? `evt_${r.rows[0].event_id}` : null;
    });
    if (eventId) this.events.committed([draft]);
    return eventId;
  }

  /**
   * Moves every enabled webhook's events into deliveries: per webhook, a page of up to `limit` events after its
   * cursor, then — its row locked FOR UPDATE SKIP LOCKED, and only when its cursor is still the one the page was
   * read from (another worker may have moved it meanwhile) — the deliveries inserted and the cursor advanced, in one
   * transaction. The page is read before the transaction (the embedded database has one connection). Returns the
   * deliveries inserted, whether a webhook has more to read (a full page) and how many webhooks are enabled.
   */
  async fanOut(limit = 500): Promise<{ inserted: number; more: boolean; enabled: number }> {
    const hooks = await this.db.query<{ id: string; types: string[]; accounts: string[] | null; cursor_pos: string }>(
      `SELECT id, types, accounts, cursor_pos::text AS cursor_pos FROM webhooks WHERE disabled_at IS NULL ORDER BY id`,
    );
    let inserted = 0;
    let more = false;
    const enabled = hooks.rows.length;
    if (!enabled) return { inserted, more, enabled };
    // Idle rounds cost one look-up: any feed event after the furthest-behind cursor, below the read horizon?
    const behind = hooks.rows.reduce((a, h) => (BigInt(h.cursor_pos) < BigInt(a.cursor_pos) ? h : a));
    const any = await this.db.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM events WHERE pos > $1::bigint AND pos <= (SELECT pos FROM event_position WHERE id = 1)
         AND webhook_id IS NULL) AS any`,
      [behind.cursor_pos],
    );
    if (!any.rows[0].any) return { inserted, more, enabled };
    for (const h of hooks.rows) {
      const after = { pos: h.cursor_pos };
      let page;
      try {
        page = await this.events.read({ after, types: h.types.includes('*') ? null : h.types, limit });
      } catch (e) {
        if (!(e instanceof CursorExpired)) throw e;
        // Its cursor was pruned (no worker ran for longer than the retention): follow from the current position.
        page = { events: [], next: await this.events.position() };
      }
      const events = h.accounts ? page.events.filter((e) => e.accountId === null || h.accounts!.includes(e.accountId)) : page.events;
      const next = Cursor.decode(page.next);
      if (next.pos === after.pos) continue;
      const ids = events.map((e) => e.id.replace(/^evt_/, ''));
      const n = await this.db.transaction(async (tx) => {
        const locked = await tx.query(
          `SELECT 1 FROM webhooks WHERE id = $1 AND disabled_at IS NULL AND cursor_pos = $2::bigint FOR UPDATE SKIP LOCKED`,
          [h.id, after.pos],
        );
        if (!locked.rows.length) return 0;
        let count = 0;
        if (ids.length) {
          const r = await tx.query(
            `INSERT INTO webhook_deliveries (webhook_id, event_id, state, next_attempt_at, event_created_at)
             SELECT $1, id, 'pending', now(), created_at FROM events WHERE id = ANY($2::bigint[])
             ON CONFLICT (webhook_id, event_id) DO NOTHING`,
            [h.id, ids],
          );
          count = r.affectedRows;
        }
        await tx.query(`UPDATE webhooks SET cursor_pos = $2::bigint WHERE id = $1`, [h.id, next.pos]);
        return count;
      });
      inserted += n;
      if (page.events.length === limit) more = true;
    }
    return { inserted, more, enabled };
  }

  /**
   * Claims up to `n` due deliveries of enabled webhooks for `leaseMs`: FOR UPDATE SKIP LOCKED, so concurrent
   * workers claim different rows; a delivery whose lease ran out (its worker died) is due again.
   */
  async claim(n: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    if (n <= 0) return [];
    const r = await this.db.query<{ id: string; webhook_id: string; event_id: string; attempts: number; url: string; secret: string }>(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.disabled_at IS NULL
         WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND (d.locked_until IS NULL OR d.locked_until <= now())
         ORDER BY d.next_attempt_at, d.id LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET locked_until = clock_timestamp() + $2::int * interval '1 millisecond'
       FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id::text AS id, d.webhook_id, d.event_id::text AS event_id, d.attempts, w.url, w.secret`,
      [n, Math.max(1, Math.round(leaseMs))],
    );
    return r.rows.map((x) => ({ id: x.id, webhookId: x.webhook_id, eventId: `evt_${x.event_id}`, url: x.url, secret: x.secret, attempts: x.attempts }));
  }

  /**
   * Records one POST of a delivery and moves it on. `retrySeconds[k]` is the wait after the (k+1)-th failed attempt;
   * after `retrySeconds.length + 1` failed attempts the delivery has failed, and when its endpoint has not succeeded
   * since the delivery's first attempt the webhook is disabled (`webhook.disabled` in the same transaction).
   */
  async recordAttempt(deliveryId: string, result: AttemptResult, retrySeconds: readonly number[]): Promise<AttemptOutcome> {
    let disabledDraft: EventDraft | null = null;
    const out = await this.db.transaction(async (tx): Promise<AttemptOutcome> => {
      // Locks in one order, the webhook then the delivery (as `delete` does): disabling a webhook updates its other
      // deliveries, which concurrent attempts of the same webhook hold otherwise (a deadlock).
      await tx.query(`SELECT 1 FROM webhooks WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = $1) FOR UPDATE`, [deliveryId]);
      const d = await tx.query<{ webhook_id: string; state: DeliveryState; attempts: number; lag: number }>(
        `SELECT webhook_id, state, attempts, extract(epoch FROM clock_timestamp() - event_created_at)::float8 AS lag
         FROM webhook_deliveries WHERE id = $1 FOR UPDATE`,
        [deliveryId],
      );
      const row = d.rows[0];
      // Deleted with its webhook meanwhile: nothing to record.
      if (!row) return { outcome: 'stale' };
      const error = clip(result.error);
      await tx.query(`INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms) VALUES ($1, now(), $2, $3, $4)`, [
        deliveryId,
        result.status,
        error,
        Math.max(0, Math.round(result.durationMs)),
      ]);
      if (row.state !== 'pending') return { outcome: 'stale' };
      const attempts = row.attempts + 1;
      if (is2xx(result.status)) {
        await tx.query(
          `UPDATE webhook_deliveries SET state = 'delivered', attempts = $2, delivered_at = clock_timestamp(), locked_until = NULL,
             last_status = $3, last_error = NULL WHERE id = $1`,
          [deliveryId, attempts, result.status],
        );
        await tx.query(`UPDATE webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [row.webhook_id]);
        return { outcome: 'delivered', lagSeconds: Math.max(0, row.lag) };
      }
      await tx.query(`UPDATE webhooks SET failing_since = now() WHERE id = $1 AND failing_since IS NULL`, [row.webhook_id]);
      if (attempts <= retrySeconds.length) {
        const next = await tx.query<{ next: Date }>(
          `UPDATE webhook_deliveries SET attempts = $2, next_attempt_at = now() + $3::float8 * interval '1 second',
             locked_until = NULL, last_status = $4, last_error = $5 WHERE id = $1 RETURNING next_attempt_at AS next`,
          [deliveryId, attempts, retrySeconds[attempts - 1], result.status, error],
        );
        return { outcome: 'failed', nextAttemptAt: new Date(next.rows[0].next) };
      }
      await tx.query(
        `UPDATE webhook_deliveries SET state = 'failed', attempts = $2, locked_until = NULL, last_status = $3, last_error = $4 WHERE id = $1`,
        [deliveryId, attempts, result.status, error],
      );
      // Disable when the endpoint has failed throughout this delivery's schedule (no success since its first attempt).
      const reason = `retry schedule exhausted: ${attempts} attempts failed, the last ${result.status !== null ? `with HTTP ${result.status}` : `with ${error ?? 'no response'}`}`;
      const w = await tx.query<{ url: string; failing_since: Date }>(
        `UPDATE webhooks SET disabled_at = now(), disabled_reason = $2
         WHERE id = $1 AND disabled_at IS NULL AND failing_since IS NOT NULL
           AND failing_since <= (SELECT min(at) FROM webhook_attempts WHERE delivery_id = $3)
         RETURNING url, failing_since`,
        [row.webhook_id, reason, deliveryId],
      );
      if (!w.rows.length) return { outcome: 'gave_up' };
      // Its other deliveries will not be made: they fail with it (the outbox is not left pending).
      await tx.query(
        `UPDATE webhook_deliveries SET state = 'failed', locked_until = NULL, last_error = COALESCE(last_error, 'webhook disabled')
         WHERE webhook_id = $1 AND state = 'pending'`,
        [row.webhook_id],
      );
      const failingSince = new Date(w.rows[0].failing_since);
      disabledDraft = {
        type: 'webhook.disabled',
        accountId: null,
        subject: row.webhook_id,
        occurredAt: new Date(),
        data: { webhookId: row.webhook_id, url: w.rows[0].url, reason, failingSince: failingSince.toISOString() },
      };
      await this.events.append(tx, [disabledDraft]);
      return { outcome: 'gave_up', disabled: true };
    });
    if (disabledDraft) this.events.committed([disabledDraft]);
    return out;
  }

  /** A delivery whose event is gone (pruned before it could be delivered): expired, not retried. */
  async expire(deliveryId: string): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET state = 'expired', locked_until = NULL WHERE id = $1 AND state = 'pending'`, [deliveryId]);
  }

  /** Recent deliveries of a webhook, newest first, each with its attempts. */
  async deliveries(webhookId: string, limit = 50, q: Queryable = this.db): Promise<DeliveryRecord[]> {
    const r = await q.query<{
      id: string;
      webhook_id: string;
      event_id: string;
      type: string | null;
      state: DeliveryState;
      attempts: number;
      next_attempt_at: Date;
      created_at: Date;
      delivered_at: Date | null;
      last_status: number | null;
      last_error: string | null;
      log: { at: string; status: number | null; error: string | null; duration_ms: number }[] | null;
    }>(
      `SELECT d.id::text AS id, d.webhook_id, d.event_id::text AS event_id, e.type, d.state, d.attempts, d.next_attempt_at,
              d.created_at, d.delivered_at, d.last_status, d.last_error,
              (SELECT json_agg(json_build_object('at', a.at, 'status', a.status, 'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.at)
                 FROM webhook_attempts a WHERE a.delivery_id = d.id) AS log
       FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id
       WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2`,
      [webhookId, limit],
    );
    return r.rows.map((x) => ({
      id: x.id,
      webhookId: x.webhook_id,
      eventId: `evt_${x.event_id}`,
      eventType: x.type,
      state: x.state,
      attempts: x.attempts,
      nextAttemptAt: x.state === 'pending' ? new Date(x.next_attempt_at) : null,
      createdAt: new Date(x.created_at),
      deliveredAt: x.delivered_at ? new Date(x.delivered_at) : null,
      lastStatus: x.last_status,
      lastError: x.last_error,
      attemptLog: (x.log ?? []).map((a) => ({ at: new Date(a.at), status: a.status, error: a.error, durationMs: a.duration_ms })),
    }));
  }

  /** Deletes finished deliveries (delivered, failed, expired) created before `before`, with their attempts. */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: string }>(
        `DELETE FROM webhook_deliveries WHERE created_at < $1 AND state <> 'pending' RETURNING id::text AS id`,
        [before],
      );
      if (r.rows.length) await tx.query(`DELETE FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[])`, [r.rows.map((x) => x.id)]);
      return r.rows.length;
    });
  }
}
