import type { Store } from '@simgate/store';
import { backends } from '../../../test/support/backends';
import { registerWebhookCollector } from './collectors';
import { SimgateMetrics } from './metrics';

/**
 * The webhook outbox gauges, from the webhooks and webhook_deliveries tables (migration 0005). Until that
 * migration is in the store, the fixture creates the two tables with the same columns.
 */
const NOW = new Date('2026-11-25T00:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);

const value = (text: string, name: string) => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

async function ensureWebhookTables(store: Store): Promise<void> {
  const r = await store.db.query<{ t: string | null }>(`SELECT to_regclass('webhook_deliveries')::text AS t`);
  if (r.rows[0].t) return;
  await store.db.exec(`
CREATE TABLE webhooks (
  id text PRIMARY KEY, url text NOT NULL, types text[] NOT NULL, accounts text[], secret text NOT NULL,
  cursor_pos bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz, disabled_reason text, failing_since timestamptz
);
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY, webhook_id text NOT NULL, event_id bigint NOT NULL, state text NOT NULL, attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL, locked_until timestamptz, created_at timestamptz NOT NULL DEFAULT now(),
  event_created_at timestamptz NOT NULL, delivered_at timestamptz, last_status int, last_error text
);
CREATE INDEX webhook_deliveries_state_next_idx ON webhook_deliveries (state, next_attempt_at);`);
}

describe.each(backends())('webhook outbox collector on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
    await ensureWebhookTables(store);
  });
  afterAll(() => store.close());

  const webhook = (id: string, o: { disabledAt?: Date; failingSince?: Date } = {}) =>
    store.db.query(
      `INSERT INTO webhooks (id, url, types, accounts, secret, cursor_pos, created_at, disabled_at, disabled_reason, failing_since)
       VALUES ($1, 'https://example.test/hook', '{}'::text[], NULL, 'whsec_test', 0, $2, $3, $4, $5)`,
      [id, ago(86_400), o.disabledAt ?? null, o.disabledAt ? 'retry schedule exhausted' : null, o.failingSince ?? null],
    );
  const delivery = (webhookId: string, eventId: number, state: string, createdAt: Date) =>
    store.db.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, state, attempts, next_attempt_at, created_at, event_created_at, delivered_at)
       VALUES ($1, $2, $3, 1, $4, $4, $6, $5)`,
      // The event was written 20 s before its delivery was created (fan-out lag): the age counts from the event.
      [webhookId, eventId, state, createdAt, state === 'delivered' ? createdAt : null, new Date(createdAt.getTime() - 20_000)],
    );

  it('counts pending deliveries, the oldest one’s age, failing and disabled webhooks', async () => {
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    let now = NOW;
    registerWebhookCollector(metrics, store, { now: () => now, everyMs: 15_000 });

    // Nothing yet: zeros.
    let text = await metrics.render();
    expect([value(text, 'simgate_webhook_outbox_pending'), value(text, 'simgate_webhook_outbox_oldest_pending_seconds')]).toEqual([0, 0]);
    expect([value(text, 'simgate_webhooks_failing'), value(text, 'simgate_webhooks_disabled')]).toEqual([0, 0]);

    await webhook('wh_ok');
    await webhook('wh_failing', { failingSince: ago(600) });
    // Disabled (it was failing too): counted as disabled only.
    await webhook('wh_off', { disabledAt: ago(60), failingSince: ago(7200) });
    await delivery('wh_failing', 1, 'pending', ago(300));
    await delivery('wh_failing', 2, 'pending', ago(120));
    await delivery('wh_ok', 1, 'pending', ago(5));
    // Not pending: never counted, however old.
    await delivery('wh_ok', 3, 'delivered', ago(9000));
    await delivery('wh_off', 4, 'failed', ago(8000));
    await delivery('wh_off', 5, 'expired', ago(7000));

    // Within 15 s of the last query: the gauges keep their values.
    now = new Date(NOW.getTime() + 10_000);
    text = await metrics.render();
    expect(value(text, 'simgate_webhook_outbox_pending')).toBe(0);

    now = new Date(NOW.getTime() + 15_000);
    text = await metrics.render();
    expect(value(text, 'simgate_webhook_outbox_pending')).toBe(3);
    expect(value(text, 'simgate_webhook_outbox_oldest_pending_seconds')).toBe(335);
    expect(value(text, 'simgate_webhooks_failing')).toBe(1);
    expect(value(text, 'simgate_webhooks_disabled')).toBe(1);

    // Delivered: the outbox empties, the oldest age is 0 again.
    await store.db.query(`UPDATE webhook_deliveries SET state = 'delivered', delivered_at = $1 WHERE state = 'pending'`, [NOW]);
    await store.db.query(`UPDATE webhooks SET failing_since = NULL WHERE id = 'wh_failing'`);
    now = new Date(NOW.getTime() + 30_000);
    text = await metrics.render();
    expect([value(text, 'simgate_webhook_outbox_pending'), value(text, 'simgate_webhook_outbox_oldest_pending_seconds')]).toEqual([0, 0]);
    expect([value(text, 'simgate_webhooks_failing'), value(text, 'simgate_webhooks_disabled')]).toEqual([0, 1]);
  });
});

describe('webhook outbox collector without the webhook tables', () => {
  it('keeps the gauges and does not break the scrape', async () => {
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    const failing = { db: { query: () => Promise.reject(new Error('relation "webhook_deliveries" does not exist')) } } as unknown as Store;
    registerWebhookCollector(metrics, failing);
    const text = await metrics.render();
    expect(value(text, 'simgate_webhook_outbox_pending')).toBe(0);
    expect(text).toContain('simgate_sync_delay_seconds');
  });
});
