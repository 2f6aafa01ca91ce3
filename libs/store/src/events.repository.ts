import type { EventDraft, EventType, SimgateEvent } from '@simgate/core';
import { canonicalJson } from './canonical';
import type { Db, Queryable } from './db';

/**
 * The event feed (docs/events.md). Events are appended inside the transaction of the change they announce
 * (`append(tx, …)`), so one exists exactly when its change does.
 *
 * Order: an event's position `pos` comes from the one-row counter `event_position`, bumped by `append` as the
 * transaction's last write. Its row lock is held until commit, so event-writing transactions take positions in
 * the order they commit: once a reader sees position n committed, every position below n is committed and
 * visible too. (Row ids and sequence values are taken at insert but seen at commit: a reader remembering "the
 * highest id seen" would skip an id a slower transaction commits later. Positions cannot do that.) A read stops
 * at the counter's committed value, read first, so a page never has a hole that fills in later.
 */

/** A feed position: opaque to readers (`Cursor.encode`). */
export interface Position {
  /** Every event at or before it has been read (decimal text of a bigint). */
  pos: string;
}

export class InvalidCursor extends Error {}

/** Cursor text: base64url of `p<pos>` — opaque, so consoles store and pass it back without arithmetic. */
export const Cursor = {
  encode(p: Position): string {
    return Buffer.from(`p${p.pos}`, 'utf8').toString('base64url');
  },
  decode(text: string): Position {
    const m = /^[A-Za-z0-9_-]{1,40}$/.test(text) ? /^p(0|[1-9]\d{0,18})$/.exec(Buffer.from(text, 'base64url').toString('utf8')) : null;
    if (!m || BigInt(m[1]) > 9223372036854775807n) throw new InvalidCursor(`'${text.slice(0, 80)}' is not a cursor this feed gave out`);
    return { pos: m[1] };
  },
  /** Before every event. */
  START: { pos: '0' } as Position,
};

function comparePositions(a: Position, b: Position): number {
  const [x, y] = [BigInt(a.pos), BigInt(b.pos)];
  return x === y ? 0 : x < y ? -1 : 1;
}

interface EventRow {
  id: string;
  pos: string;
  type: string;
  account_id: string | null;
  subject: string | null;
  occurred_at: Date;
  data: Record<string, unknown>;
}

function toEvent(r: EventRow): SimgateEvent {
  return {
    id: `evt_${r.id}`,
    type: r.type as EventType,
    position: Cursor.encode({ pos: String(r.pos) }),
    accountId: r.account_id,
    subject: r.subject,
    occurredAt: new Date(r.occurred_at),
    data: r.data,
  };
}

/** Told, after a commit, which events it wrote: metrics count them, waiting readers wake up. */
export type EventsListener = (types: readonly EventType[]) => void;

export interface FeedPage {
  events: SimgateEvent[];
  /** Where to resume: after the last event returned, or the read horizon when the page is not full. */
  next: string;
}

export interface FeedQuery {
  /** Null: from the oldest event kept. */
  after: Position | null;
  types?: readonly string[] | null;
  accountId?: string | null;
  limit: number;
}

const SETTINGS_PRUNED = 'events.pruned_through';

export class EventsRepository {
  private readonly listeners = new Set<EventsListener>();

  constructor(private readonly db: Db) {}

  /** Appends events in the caller's transaction. Call `committed` with the same drafts after the commit. */
  async append(tx: Queryable, drafts: readonly EventDraft[]): Promise<void> {
    if (!drafts.length) return;
    // The counter row's lock (held to commit) orders event-writing transactions by commit: call it last.
    await tx.query(
      `WITH p AS (UPDATE event_position SET pos = pos + $2 WHERE id = 1 RETURNING pos)
       INSERT INTO events (pos, type, account_id, subject, occurred_at, webhook_id, data)
       SELECT p.pos - $2 + t.n, t.type, t.account_id, t.subject, t.occurred_at, t.webhook_id, t.data
       FROM p, jsonb_to_recordset($1::jsonb) AS t(n bigint, type text, account_id text, subject text, occurred_at timestamptz, webhook_id text, data jsonb)`,
      [
        canonicalJson(
          drafts.map((d, i) => ({
            n: i + 1,
            type: d.type,
            account_id: d.accountId,
            subject: d.subject,
            occurred_at: d.occurredAt,
            webhook_id: d.webhookId ?? null,
            data: d.data,
          })),
        ),
        drafts.length,
      ],
    );
  }

  /** Writes events in a transaction of their own (changes that are themselves only events: sync.late). */
  async write(drafts: readonly EventDraft[]): Promise<void> {
    if (!drafts.length) return;
    await this.db.transaction((tx) => this.append(tx, drafts));
    this.committed(drafts);
  }

  /** After the commit of `append`ed drafts. */
  committed(drafts: readonly EventDraft[]): void {
    if (!drafts.length || !this.listeners.size) return;
    const types = drafts.map((d) => d.type);
    for (const l of this.listeners) l(types);
  }

  onCommitted(l: EventsListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Whether an account's snapshot (its first sweeps) is done: per-card events start after it. */
  async snapshotDone(q: Queryable, accountId: string): Promise<boolean> {
    const r = await q.query(`SELECT 1 FROM feed_accounts WHERE account_id = $1`, [accountId], { prepare: true });
    return r.rows.length > 0;
  }

  /**
   * Marks an account's snapshot done when every sweep kind in `kinds` has succeeded once, with one
   * `account.snapshot_completed` event; returns whether it happened now (once per account, whichever worker).
   */
  async completeSnapshot(accountId: string, kinds: readonly string[], at: Date): Promise<boolean> {
    let draft: EventDraft | null = null;
    await this.db.transaction(async (tx) => {
      const done = await tx.query<{ kind: string; last_success_at: Date }>(
        `SELECT kind, last_success_at FROM sync_checkpoints WHERE account_id = $1 AND kind = ANY($2::text[]) AND last_success_at IS NOT NULL`,
        [accountId, [...kinds]],
      );
      if (done.rows.length < new Set(kinds).size) return;
      const ins = await tx.query(`INSERT INTO feed_accounts (account_id, snapshot_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [accountId, at]);
      if (ins.affectedRows !== 1) return;
      const cards = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM cards WHERE account_id = $1`, [accountId]);
      draft = {
        type: 'account.snapshot_completed',
        accountId,
        subject: accountId,
        occurredAt: at,
        data: { accountId, cards: cards.rows[0].n, sweeps: [...kinds].sort() },
      };
      await this.append(tx, [draft]);
    });
    if (draft) this.committed([draft]);
    return draft !== null;
  }

  /**
   * The current position: every event committed before this call is at or before it. A console reads the
   * cards after taking it and follows the feed from it (it may see a change it already read, never miss one).
   */
  async position(q: Queryable = this.db): Promise<string> {
    return Cursor.encode(await this.horizon(q));
  }

  /** The last position committed: every event at or below it is committed and visible. */
  private async horizon(q: Queryable): Promise<Position> {
    const r = await q.query<{ pos: string }>(`SELECT pos::text AS pos FROM event_position WHERE id = 1`, [], { prepare: true });
    return { pos: r.rows[0].pos };
  }

  /** A page of the feed after `after`, in position order. Throws `CursorExpired` when `after` was pruned. */
  async read(query: FeedQuery): Promise<FeedPage> {
    const after = query.after ?? Cursor.START;
    if (query.after) await this.assertRetained(query.after);
    const horizon = await this.horizon(this.db);
    const r = await this.db.query<EventRow>(
      `SELECT id::text AS id, pos::text AS pos, type, account_id, subject, occurred_at, data FROM events
       WHERE pos > $1::bigint AND pos <= $2::bigint AND webhook_id IS NULL
         AND ($3::text[] IS NULL OR type = ANY($3::text[])) AND ($4::text IS NULL OR account_id = $4)
       ORDER BY events.pos LIMIT $5`,
      [after.pos, horizon.pos, query.types?.length ? [...query.types] : null, query.accountId ?? null, query.limit],
    );
    const events = r.rows.map(toEvent);
    const full = events.length === query.limit;
    let next: Position = full ? Cursor.decode(events[events.length - 1].position) : horizon;
    if (comparePositions(next, after) < 0) next = after;
    return { events, next: Cursor.encode(next) };
  }

  /** Events by id (the webhook sender reads what it delivers). */
  async byIds(ids: readonly string[]): Promise<Map<string, SimgateEvent & { webhookId: string | null }>> {
    if (!ids.length) return new Map();
    const r = await this.db.query<EventRow & { webhook_id: string | null }>(
      `SELECT id::text AS id, pos::text AS pos, type, account_id, subject, occurred_at, data, webhook_id FROM events WHERE id = ANY($1::bigint[])`,
      [ids.map((i) => i.replace(/^evt_/, ''))],
    );
    return new Map(r.rows.map((x) => [`evt_${x.id}`, { ...toEvent(x), webhookId: x.webhook_id }]));
  }

  /**
   * Deletes events written before `before` and remembers the last position deleted: a cursor at or before it
   * gets CURSOR_EXPIRED instead of a silent gap.
   */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ pos: string }>(`DELETE FROM events WHERE created_at < $1 RETURNING pos::text AS pos`, [before]);
      if (!r.rows.length) return 0;
      let last: Position = r.rows[0];
      for (const x of r.rows) if (comparePositions(x, last) > 0) last = { pos: x.pos };
      const prev = await this.prunedThrough(tx);
      if (!prev || comparePositions(last, prev) > 0) {
        await tx.query(
          `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [SETTINGS_PRUNED, JSON.stringify({ pos: last.pos })],
        );
      }
      return r.rows.length;
    });
  }

  private async prunedThrough(q: Queryable): Promise<Position | null> {
    const r = await q.query<{ value: Position }>(`SELECT value FROM settings WHERE key = $1`, [SETTINGS_PRUNED], { prepare: true });
    return r.rows[0]?.value?.pos !== undefined ? { pos: String(r.rows[0].value.pos) } : null;
  }

  private async assertRetained(after: Position): Promise<void> {
    const pruned = await this.prunedThrough(this.db);
    if (pruned && comparePositions(after, pruned) < 0) {
      throw new CursorExpired('the cursor points before the oldest event kept (SIMGATE_EVENTS_RETENTION_HOURS): start again from a new read');
    }
  }
}

export class CursorExpired extends Error {}
