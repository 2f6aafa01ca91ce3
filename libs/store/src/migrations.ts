import type { Db } from './db';

/**
 * Schema migrations, applied in order, each once, in a transaction under an advisory lock so that several
 * processes starting together against one PostgreSQL do not race. SQL stays PostgreSQL 15 compatible.
 */
export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '0001-init',
    sql: `
CREATE TABLE carrier_accounts (
  id            text PRIMARY KEY,
  platform      text NOT NULL,
  carrier       text NOT NULL,
  base_url      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cards (
  iccid             text PRIMARY KEY,
  account_id        text NOT NULL REFERENCES carrier_accounts(id),
  platform          text NOT NULL,
  carrier           text NOT NULL,
  msisdn            text,
  imsi              text,
  imei              text,
  status            text NOT NULL,
  suspend_reason    text,
  suspend_reasons   text[] NOT NULL DEFAULT '{}',
  raw_status        text NOT NULL,
  raw_reason        text,
  raw               jsonb,
  plan              jsonb,
  pool_id           text,
  activated_at      timestamptz,
  opened_at         timestamptz,
  as_of             timestamptz NOT NULL,
  synced_at         timestamptz NOT NULL,
  sync_error        jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cards_account_idx ON cards (account_id, iccid);
CREATE INDEX cards_status_idx ON cards (status, suspend_reason, iccid);
CREATE INDEX cards_platform_idx ON cards (platform, iccid);
CREATE INDEX cards_carrier_idx ON cards (carrier, iccid);
CREATE INDEX cards_pool_idx ON cards (pool_id, iccid) WHERE pool_id IS NOT NULL;
CREATE INDEX cards_msisdn_idx ON cards (msisdn) WHERE msisdn IS NOT NULL;

CREATE TABLE card_status_history (
  id                bigserial PRIMARY KEY,
  iccid             text NOT NULL,
  account_id        text NOT NULL,
  prev_status       text,
  prev_reason       text,
  status            text NOT NULL,
  suspend_reason    text,
  suspend_reasons   text[] NOT NULL DEFAULT '{}',
  raw_status        text NOT NULL,
  raw_reason        text,
  as_of             timestamptz NOT NULL,
  observed_at       timestamptz NOT NULL
);
CREATE INDEX card_status_history_iccid_idx ON card_status_history (iccid, observed_at, id);

CREATE TABLE usage_cycles (
  iccid             text NOT NULL,
  cycle_start       timestamptz NOT NULL,
  cycle_end         timestamptz NOT NULL,
  used_bytes        bigint NOT NULL,
  quota_bytes       bigint,
  remaining_bytes   bigint,
  as_of             timestamptz NOT NULL,
  synced_at         timestamptz NOT NULL,
  raw               jsonb,
  PRIMARY KEY (iccid, cycle_start)
);

CREATE TABLE usage_daily (
  iccid             text NOT NULL,
  day               date NOT NULL,
  used_bytes        bigint NOT NULL,
  synced_at         timestamptz NOT NULL,
  PRIMARY KEY (iccid, day)
);

CREATE TABLE pools (
  account_id        text NOT NULL REFERENCES carrier_accounts(id),
  pool_id           text NOT NULL,
  platform          text NOT NULL,
  name              text,
  type              text NOT NULL,
  state             text NOT NULL,
  per_card_bytes    bigint,
  total_bytes       bigint,
  used_bytes        bigint NOT NULL,
  remaining_bytes   bigint,
  member_count      integer,
  as_of             timestamptz NOT NULL,
  synced_at         timestamptz NOT NULL,
  raw               jsonb,
  PRIMARY KEY (account_id, pool_id)
);

CREATE TABLE pool_members (
  account_id        text NOT NULL,
  pool_id           text NOT NULL,
  iccid             text NOT NULL,
  PRIMARY KEY (account_id, pool_id, iccid)
);

CREATE TABLE operations (
  id                text PRIMARY KEY,
  idempotency_key   text NOT NULL UNIQUE,
  request_hash      text NOT NULL,
  type              text NOT NULL,
  state             text NOT NULL,
  params            jsonb NOT NULL DEFAULT '{}',
  error             jsonb,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX operations_state_idx ON operations (state, created_at);

CREATE TABLE operation_items (
  operation_id      text NOT NULL REFERENCES operations(id),
  iccid             text NOT NULL,
  account_id        text,
  state             text NOT NULL,
  receipt           jsonb,
  error             jsonb,
  attempts          integer NOT NULL DEFAULT 0,
  submitted_at      timestamptz,
  completed_at      timestamptz,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (operation_id, iccid)
);
CREATE INDEX operation_items_state_idx ON operation_items (state, account_id);
CREATE INDEX operation_items_iccid_idx ON operation_items (iccid, updated_at);

CREATE TABLE sync_checkpoints (
  account_id        text NOT NULL,
  kind              text NOT NULL,
  state             text NOT NULL DEFAULT 'idle',
  cursor            text,
  high_water_mark   text,
  started_at        timestamptz,
  last_success_at   timestamptz,
  last_error        jsonb,
  cards             integer NOT NULL DEFAULT 0,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, kind)
);

CREATE TABLE settings (
  key               text PRIMARY KEY,
  value             jsonb NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    // Console API lists (issue 6, test/bench/api): keyset pages ordered by ICCID under a status filter, alone
    // or with an account, walk an index in ICCID order instead of the whole primary key; a reason filter
    // (`suspend_reasons @> ARRAY[reason]`) is estimated from the array's element statistics and, for rare
    // reasons, answered from the GIN index.
    id: '0002-card-list-indexes',
    sql: `
CREATE INDEX cards_status_iccid_idx ON cards (status, iccid);
CREATE INDEX cards_account_status_idx ON cards (account_id, status, iccid);
CREATE INDEX cards_suspend_reasons_idx ON cards USING gin (suspend_reasons);
`,
  },
  {
    // Operations sent once (docs/architecture.md, Operations): an in-doubt item that is sent again records each
    // resend ({at, reason, outcome}); submitted_at stays the first send, the last resend's `at` the latest.
    id: '0003-operation-item-resends',
    sql: `
ALTER TABLE operation_items ADD COLUMN resends jsonb NOT NULL DEFAULT '[]'::jsonb;
`,
  },
  {
    // Events (docs/events.md): written in the transaction of their change. `pos` orders the feed: it is taken from
    // the one-row `event_position` counter as a transaction's last write, so the row lock orders event-writing
    // transactions by commit — a reader that follows `pos` never passes an event committed later (ids and
    // sequence values, taken at insert and seen at commit, would). `feed_accounts`: accounts whose snapshot (first
    // sweeps) is done. `thresholds_fired`: usage thresholds already announced for that cycle (a new cycle re-arms).
    id: '0004-events',
    sql: `
CREATE TABLE event_position (
  id                int PRIMARY KEY CHECK (id = 1),
  pos               bigint NOT NULL
);
INSERT INTO event_position (id, pos) VALUES (1, 0);

CREATE TABLE events (
  id                bigserial PRIMARY KEY,
  pos               bigint NOT NULL,
  type              text NOT NULL,
  account_id        text,
  subject           text,
  occurred_at       timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  webhook_id        text,
  data              jsonb NOT NULL
);
CREATE UNIQUE INDEX events_pos_idx ON events (pos);
CREATE INDEX events_created_idx ON events (created_at);

CREATE TABLE feed_accounts (
  account_id        text PRIMARY KEY,
  snapshot_at       timestamptz NOT NULL
);

ALTER TABLE usage_cycles ADD COLUMN thresholds_fired numeric[] NOT NULL DEFAULT '{}';
ALTER TABLE pools ADD COLUMN thresholds_fired numeric[] NOT NULL DEFAULT '{}';

CREATE TABLE sync_late (
  account_id        text NOT NULL,
  kind              text NOT NULL,
  since             timestamptz NOT NULL,
  PRIMARY KEY (account_id, kind)
);
`,
  },
  {
    // Webhooks (docs/webhooks.md): each follows the feed from its own cursor (tx, id) and fans events out into
    // webhook_deliveries, one row per (webhook, event), claimed by workers with a lease (locked_until).
    // webhook_attempts: every POST made, kept as long as its delivery.
    id: '0005-webhooks',
    sql: `
CREATE TABLE webhooks (
  id                text PRIMARY KEY,
  url               text NOT NULL,
  types             text[] NOT NULL,
  accounts          text[],
  description       text,
  secret            text NOT NULL,
  cursor_pos        bigint NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  disabled_at       timestamptz,
  disabled_reason   text,
  failing_since     timestamptz
);

CREATE TABLE webhook_deliveries (
  id                bigserial PRIMARY KEY,
  webhook_id        text NOT NULL,
  event_id          bigint NOT NULL,
  state             text NOT NULL,
  attempts          int NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL,
  locked_until      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  event_created_at  timestamptz NOT NULL,
  delivered_at      timestamptz,
  last_status       int,
  last_error        text,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_state_next_idx ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE webhook_attempts (
  delivery_id       bigint NOT NULL,
  at                timestamptz NOT NULL,
  status            int,
  error             text,
  duration_ms       int NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id);
`,
  },
  {
    // Imports as jobs (docs/api.md, "Imports"): an order list larger than the synchronous threshold is stored as
    // line-aligned chunks (import_chunks, deleted once the import ends) and read by a worker chunk by chunk; each
    // chunk's cards, rejected rows and counters are written in one transaction, so a restarted job resumes after
    // the last chunk written and never counts or writes a row twice.
    id: '0006-imports',
    sql: `
CREATE TABLE imports (
  id                text PRIMARY KEY,
  account_id        text NOT NULL,
  state             text NOT NULL,
  rows_total        int NOT NULL,
  bytes             bigint NOT NULL,
  chunks            int NOT NULL,
  chunks_done       int NOT NULL DEFAULT 0,
  rows_read         int NOT NULL DEFAULT 0,
  accepted          int NOT NULL DEFAULT 0,
  inserted          int NOT NULL DEFAULT 0,
  rejected          int NOT NULL DEFAULT 0,
  truncated         boolean NOT NULL DEFAULT false,
  attempts          int NOT NULL DEFAULT 0,
  error             jsonb,
  created_at        timestamptz NOT NULL,
  started_at        timestamptz,
  finished_at       timestamptz,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX imports_unfinished_idx ON imports (created_at) WHERE state IN ('queued', 'running');

CREATE TABLE import_chunks (
  import_id         text NOT NULL,
  seq               int NOT NULL,
  first_line        int NOT NULL,
  body              text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_rejected (
  import_id         text NOT NULL,
  line              int NOT NULL,
  value             text NOT NULL,
  problem           text NOT NULL,
  PRIMARY KEY (import_id, line)
);
`,
  },
  {
    // GET /v1/operations: newest first, by account, in doubt.
    id: '0007-operations-list',
    sql: `
CREATE INDEX operations_created_idx ON operations (created_at DESC, id DESC);
CREATE INDEX operation_items_account_idx ON operation_items (account_id, operation_id);
CREATE INDEX operation_items_in_doubt_idx ON operation_items (operation_id) WHERE state = 'SUBMITTED' AND (error->>'inDoubt') = 'true';
`,
  },
];

/** Applies pending migrations; returns the ids applied now. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  return db.transaction(async (tx) => {
    // One migrator at a time across processes (the lock ends with the transaction).
    await tx.query('SELECT pg_advisory_xact_lock(7355608)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}
