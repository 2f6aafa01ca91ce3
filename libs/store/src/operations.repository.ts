import { createHash, randomUUID } from 'node:crypto';
import { OperationState, type EventDraft, type OperationParams, type OperationReceipt, type OperationType } from '@simgate/core';
import { canonicalJson } from './canonical';
import { col, columnList, fromRow, type RowOf } from './columns';
import type { Db, Queryable } from './db';
import type { EventsRepository } from './events.repository';
import { inDoubtItem, operationsWhere, tallies, type OperationFilter, type OperationPosition, type OperationTally } from './operations-list';

/** One resend of an in-doubt item: when, why, and what came of it. */
export interface OperationResend {
  at: Date;
  reason: string;
  /** `sending` while in flight; then `accepted`, `in doubt`, `refused: pending` or `refused`. */
  outcome: string;
}

export interface OperationItem {
  iccid: string;
  accountId: string | null;
  state: OperationState;
  receipt: OperationReceipt | null;
  error: Record<string, unknown> | null;
  attempts: number;
  /** The first send (the item's quota slot in hand). */
  submittedAt: Date | null;
  completedAt: Date | null;
  /** Resends of the item after its submission outcome was in doubt, oldest first. */
  resends: OperationResend[];
}

/** The latest time an item was sent: its last resend, else its submission. */
export function lastSentAt(item: Pick<OperationItem, 'submittedAt' | 'resends'>): Date | null {
  return item.resends.length ? item.resends[item.resends.length - 1].at : item.submittedAt;
}

/** The columns of `operation_items` an item is read from, in table order. */
const ITEM_COLUMNS = {
  iccid: col<string>('text', 'iccid'),
  account_id: col<string | null>('text', 'accountId'),
  state: col<string>('text', 'state'),
  receipt: col<OperationReceipt | null>('jsonb', 'receipt', (r) => (r ? reviveReceipt(r) : null)),
  error: col<Record<string, unknown> | null>('jsonb', 'error'),
  attempts: col<number>('int', 'attempts'),
  submitted_at: col<Date | null>('timestamptz', 'submittedAt'),
  completed_at: col<Date | null>('timestamptz', 'completedAt'),
  resends: col<{ at: string; reason: string; outcome: string }[] | null>('jsonb', 'resends', (rs) =>
    (rs ?? []).map((r) => ({ at: new Date(r.at), reason: r.reason, outcome: r.outcome })),
  ),
};
type ItemRow = RowOf<typeof ITEM_COLUMNS>;

const itemOf = (i: ItemRow): OperationItem => fromRow<OperationItem>(ITEM_COLUMNS, i);

/** The columns of `operations` an operation is read from (its items aside), in table order. */
const OPERATION_COLUMNS = {
  id: col<string>('text', 'id'),
  idempotency_key: col<string>('text', 'idempotencyKey'),
  type: col<string>('text', 'type'),
  state: col<string>('text', 'state'),
  params: col<OperationParams>('jsonb', 'params'),
  error: col<Record<string, unknown> | null>('jsonb', 'error'),
  created_at: col<Date>('timestamptz', 'createdAt'),
  updated_at: col<Date>('timestamptz', 'updatedAt'),
};

export interface Operation {
  id: string;
  idempotencyKey: string;
  type: OperationType;
  state: OperationState;
  params: OperationParams;
  error: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
  items: OperationItem[];
}

export interface NewOperation {
  idempotencyKey: string;
  type: OperationType;
  params: OperationParams;
  items: { iccid: string; accountId: string | null; state?: OperationState; error?: Record<string, unknown> | null }[];
}

/** Raised when an idempotency key is reused for a different request. */
export class IdempotencyConflict extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`idempotency key '${idempotencyKey}' was already used for a different request`);
    this.name = 'IdempotencyConflict';
  }
}

function requestHash(op: NewOperation): string {
  return createHash('sha256')
    .update(canonicalJson({ type: op.type, params: op.params, iccids: op.items.map((i) => i.iccid).sort() }))
    .digest('hex');
}

/** The state of an operation from its items: final only when every item is. */
export function rollUpState(items: readonly { state: OperationState }[]): OperationState {
  if (!items.length) return OperationState.REJECTED;
  const s = new Set(items.map((i) => i.state));
  if (s.has(OperationState.PENDING)) return OperationState.PENDING;
  if (s.has(OperationState.SUBMITTED)) return OperationState.SUBMITTED;
  if (s.size === 1) return items[0].state;
  // A mix of final states: completed when anything completed, else failed.
  return s.has(OperationState.COMPLETED) ? OperationState.COMPLETED : OperationState.FAILED;
}

const FINAL: readonly string[] = [OperationState.COMPLETED, OperationState.FAILED, OperationState.REJECTED];

export class OperationsRepository {
  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
  ) {}

  /**
   * When an operation has just reached a final state: `operation.completed` (something completed) or
   * `operation.failed`, with every item, written in the caller's transaction.
   */
  private async finished(tx: Queryable, id: string, state: OperationState, at: Date): Promise<EventDraft[]> {
    if (!FINAL.includes(state)) return [];
    const op = await tx.query<{ type: string; idempotency_key: string; params: OperationParams }>(
      `SELECT type, idempotency_key, params FROM operations WHERE id = $1`,
      [id],
    );
    const items = await tx.query<ItemRow>(`SELECT ${columnList(ITEM_COLUMNS)} FROM operation_items WHERE operation_id = $1 ORDER BY iccid`, [id]);
    const o = op.rows[0];
    const list = items.rows.map(itemOf);
    const count = (s: OperationState) => list.filter((i) => i.state === s).length;
    const draft: EventDraft = {
      type: state === OperationState.COMPLETED ? 'operation.completed' : 'operation.failed',
      accountId: accountOf(list),
      subject: id,
      occurredAt: at,
      data: {
        operationId: id,
        type: o.type,
        state,
        idempotencyKey: o.idempotency_key,
        params: o.params,
        counts: { completed: count(OperationState.COMPLETED), failed: count(OperationState.FAILED), rejected: count(OperationState.REJECTED) },
        items: list.map((i) => ({ iccid: i.iccid, accountId: i.accountId, state: i.state, receipt: i.receipt, error: i.error, completedAt: i.completedAt })),
      },
    };
    await this.events.append(tx, [draft]);
    return [draft];
  }

  /**
   * Creates an operation once per idempotency key. A replay with the same key and the same request returns
   * the stored operation (`created: false`); the same key with a different request raises IdempotencyConflict.
   */
  async create(op: NewOperation, at: Date): Promise<{ operation: Operation; created: boolean }> {
    const hash = requestHash(op);
    const id = randomUUID();
    let drafts: EventDraft[] = [];
    const created = await this.db.transaction(async (tx) => {
      const ins = await tx.query<{ id: string }>(
        `INSERT INTO operations (id, idempotency_key, request_hash, type, state, params, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [id, op.idempotencyKey, hash, op.type, rollUpState(op.items.map((i) => ({ state: i.state ?? OperationState.PENDING }))), canonicalJson(op.params), at],
      );
      if (!ins.rows.length) return false;
      await tx.query(
        `INSERT INTO operation_items (operation_id, iccid, account_id, state, error, updated_at)
         SELECT $1, iccid, account_id, state, error, $3::timestamptz FROM jsonb_to_recordset($2::jsonb)
           AS t(iccid text, account_id text, state text, error jsonb)`,
        [
          id,
          canonicalJson(
            op.items.map((i) => ({ iccid: i.iccid, account_id: i.accountId, state: i.state ?? OperationState.PENDING, error: i.error ?? null })),
          ),
          at,
        ],
      );
      drafts = await this.finished(tx, id, rollUpState(op.items.map((i) => ({ state: i.state ?? OperationState.PENDING }))), at);
      return true;
    });
    this.events.committed(drafts);
    if (created) return { operation: (await this.get(id))!, created: true };
    const existing = await this.db.query<{ id: string; request_hash: string }>(
      `SELECT id, request_hash FROM operations WHERE idempotency_key = $1`,
      [op.idempotencyKey],
    );
    if (existing.rows[0].request_hash !== hash) throw new IdempotencyConflict(op.idempotencyKey);
    return { operation: (await this.get(existing.rows[0].id))!, created: false };
  }

  async get(id: string): Promise<Operation | null> {
    const r = await this.db.query<RowOf<typeof OPERATION_COLUMNS>>(`SELECT ${columnList(OPERATION_COLUMNS)} FROM operations WHERE id = $1`, [id]);
    const o = r.rows[0];
    if (!o) return null;
    const items = await this.db.query<ItemRow>(`SELECT ${columnList(ITEM_COLUMNS)} FROM operation_items WHERE operation_id = $1 ORDER BY iccid`, [id]);
    return { ...fromRow<Omit<Operation, 'items'>>(OPERATION_COLUMNS, o), items: items.rows.map(itemOf) };
  }

  /** A page of operations, newest first, each with its items tallied (not listed). */
  async list(filter: OperationFilter, limit: number, after: OperationPosition | null): Promise<(Omit<Operation, 'items'> & OperationTally)[]> {
    const { where, params } = operationsWhere(filter, after);
    params.push(limit);
    const r = await this.db.query<RowOf<typeof OPERATION_COLUMNS>>(
      `SELECT ${columnList(OPERATION_COLUMNS, [], 'o.')} FROM operations o ${where} ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.length}`,
      params,
    );
    if (!r.rows.length) return [];
    const t = await this.db.query<{ operation_id: string; state: string; in_doubt: boolean; account_id: string | null; n: number }>(
      `SELECT i.operation_id, i.state, (${inDoubtItem('i')}) AS in_doubt, i.account_id, count(*)::int AS n
       FROM operation_items i WHERE i.operation_id = ANY($1::text[]) GROUP BY 1, 2, 3, 4`,
      [r.rows.map((o) => o.id)],
    );
    const tally = tallies(t.rows);
    return r.rows.map((o) => ({ ...fromRow<Omit<Operation, 'items'>>(OPERATION_COLUMNS, o), ...(tally.get(o.id) ?? { itemCount: 0, byState: {}, inDoubt: 0, accounts: [] }) }));
  }

  /**
   * Moves items of an operation to a new state (and stores receipt/error), then rolls the operation's state up.
   * `from` guards the transition: only items currently in one of those states change (no double submission).
   */
  async transition(
    id: string,
    iccids: readonly string[],
    to: OperationState,
    at: Date,
    extra: { receipt?: OperationReceipt | null; error?: Record<string, unknown> | null; from?: OperationState[] } = {},
  ): Promise<number> {
    const out = await this.db.transaction(async (tx) => {
      // The operation row first (every transition locks in this order): one roll-up at a time, one final event.
      const before = await tx.query<{ state: OperationState }>(`SELECT state FROM operations WHERE id = $1 FOR UPDATE`, [id]);
      const r = await tx.query(
        `UPDATE operation_items SET state = $3, updated_at = $4,
           receipt = COALESCE($5::jsonb, receipt), error = $6::jsonb,
           attempts = attempts + CASE WHEN $3 = 'SUBMITTED' THEN 1 ELSE 0 END,
           submitted_at = CASE WHEN $3 = 'SUBMITTED' THEN $4 ELSE submitted_at END,
           completed_at = CASE WHEN $3 IN ('COMPLETED', 'FAILED', 'REJECTED') THEN $4 ELSE completed_at END
         WHERE operation_id = $1 AND iccid = ANY($2::text[]) AND ($7::text[] IS NULL OR state = ANY($7::text[]))`,
        [
          id,
          iccids,
          to,
          at,
          extra.receipt ? canonicalJson(extra.receipt) : null,
          extra.error ? canonicalJson(extra.error) : null,
          extra.from ?? null,
        ],
      );
      const states = await tx.query<{ state: OperationState }>(`SELECT state FROM operation_items WHERE operation_id = $1`, [id]);
      const state = rollUpState(states.rows);
      await tx.query(`UPDATE operations SET state = $2, updated_at = $3 WHERE id = $1`, [id, state, at]);
      const events = before.rows[0] && before.rows[0].state !== state ? await this.finished(tx, id, state, at) : [];
      return { changed: r.affectedRows, events };
    });
    this.events.committed(out.events);
    return out.changed;
  }

  /** Items in a state, oldest first (e.g. SUBMITTED items to poll, PENDING items to submit). */
  async itemsInState(
    state: OperationState,
    accountId: string | null,
    limit: number,
  ): Promise<(OperationItem & { operationId: string; type: OperationType; params: OperationParams; idempotencyKey: string })[]> {
    const r = await this.db.query<ItemRow & { operation_id: string; type: string; params: OperationParams; idempotency_key: string }>(
      `SELECT i.operation_id, o.type, o.params, o.idempotency_key, ${columnList(ITEM_COLUMNS, [], 'i.')}
       FROM operation_items i JOIN operations o ON o.id = i.operation_id
       WHERE i.state = $1 AND ($2::text IS NULL OR i.account_id = $2) ORDER BY i.updated_at, i.operation_id, i.iccid LIMIT $3`,
      [state, accountId, limit],
    );
    return r.rows.map((i) => ({
      operationId: i.operation_id,
      type: i.type as OperationType,
      params: i.params,
      idempotencyKey: i.idempotency_key,
      ...itemOf(i),
    }));
  }

  /**
   * Records what came of a submission (a receipt, or an error) on items still SUBMITTED without a receipt,
   * without touching their send time or attempts. Returns the items changed.
   */
  async recordOutcome(
    id: string,
    iccids: readonly string[],
    at: Date,
    outcome: { receipt?: OperationReceipt | null; error?: Record<string, unknown> | null; resendOutcome?: string },
  ): Promise<number> {
    const r = await this.db.query(
      `UPDATE operation_items SET updated_at = $3, receipt = COALESCE($4::jsonb, receipt), error = $5::jsonb,
         resends = CASE WHEN $6::text IS NULL OR jsonb_array_length(resends) = 0 THEN resends
                        ELSE jsonb_set(resends, ARRAY[(jsonb_array_length(resends) - 1)::text, 'outcome'], to_jsonb($6::text)) END
       WHERE operation_id = $1 AND iccid = ANY($2::text[]) AND state = 'SUBMITTED' AND receipt IS NULL`,
      [id, iccids, at, outcome.receipt ? canonicalJson(outcome.receipt) : null, outcome.error ? canonicalJson(outcome.error) : null, outcome.resendOutcome ?? null],
    );
    return r.affectedRows;
  }

  /**
   * Marks items in doubt whose sender is gone: SUBMITTED, no receipt and no error (a run marked them sent and
   * stopped before it recorded an outcome). Returns the items marked.
   */
  async markInDoubt(id: string, iccids: readonly string[], at: Date, error: Record<string, unknown>): Promise<number> {
    const out = await this.db.transaction(async (tx) => {
      const r = await tx.query<{ iccid: string; account_id: string | null; attempts: number; submitted_at: Date | null }>(
        `UPDATE operation_items SET updated_at = $3, error = $4::jsonb
         WHERE operation_id = $1 AND iccid = ANY($2::text[]) AND state = 'SUBMITTED' AND receipt IS NULL AND error IS NULL
         RETURNING iccid, account_id, attempts, submitted_at`,
        [id, iccids, at, canonicalJson(error)],
      );
      if (!r.rows.length) return { marked: 0, events: [] as EventDraft[] };
      const op = await tx.query<{ type: string; idempotency_key: string }>(`SELECT type, idempotency_key FROM operations WHERE id = $1`, [id]);
      const items = [...r.rows].sort((a, b) => (a.iccid < b.iccid ? -1 : 1));
      const draft: EventDraft = {
        type: 'operation.in_doubt',
        accountId: accountOf(items.map((i) => ({ accountId: i.account_id }))),
        subject: id,
        occurredAt: at,
        data: {
          operationId: id,
          type: op.rows[0]?.type ?? null,
          idempotencyKey: op.rows[0]?.idempotency_key ?? null,
          reason: error,
          items: items.map((i) => ({ iccid: i.iccid, accountId: i.account_id, attempts: i.attempts, submittedAt: i.submitted_at })),
        },
      };
      await this.events.append(tx, [draft]);
      return { marked: r.rows.length, events: [draft] };
    });
    this.events.committed(out.events);
    return out.marked;
  }

  /**
   * Claims an in-doubt item for a resend, once: only while it is still SUBMITTED without a receipt and has the
   * `attempts` the caller saw (a concurrent resend or outcome makes the claim fail). Appends the resend
   * (`outcome: sending`) and leaves the item in doubt until the resend's outcome is recorded.
   */
  async claimResend(id: string, iccid: string, at: Date, reason: string, seenAttempts: number): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE operation_items SET updated_at = $3, attempts = attempts + 1,
         error = jsonb_build_object('inDoubt', true, 'reason', 'resent; outcome not known yet'),
         resends = resends || jsonb_build_array(jsonb_build_object('at', $3::timestamptz, 'reason', $4::text, 'outcome', 'sending'))
       WHERE operation_id = $1 AND iccid = $2 AND state = 'SUBMITTED' AND receipt IS NULL AND attempts = $5`,
      [id, iccid, at, reason, seenAttempts],
    );
    return r.affectedRows === 1;
  }

  /**
   * The latest item per card among operations of the given types that reached the carrier (SUBMITTED or
   * COMPLETED): what simgate itself last asked the carrier to do with each card.
   */
  async latestPerCard(
    iccids: readonly string[],
    types: readonly OperationType[],
  ): Promise<Map<string, { type: OperationType; state: OperationState; params: OperationParams; at: Date }>> {
    if (!iccids.length) return new Map();
    const r = await this.db.query<{ iccid: string; type: string; state: string; params: OperationParams; at: Date }>(
      `SELECT DISTINCT ON (i.iccid) i.iccid, o.type, i.state, o.params, COALESCE(i.submitted_at, i.updated_at) AS at
       FROM operation_items i JOIN operations o ON o.id = i.operation_id
       WHERE i.iccid = ANY($1::text[]) AND o.type = ANY($2::text[]) AND i.state IN ('SUBMITTED', 'COMPLETED')
       ORDER BY i.iccid, COALESCE(i.submitted_at, i.updated_at) DESC`,
      [iccids, types],
    );
    return new Map(r.rows.map((x) => [x.iccid, { type: x.type as OperationType, state: x.state as OperationState, params: x.params, at: x.at }]));
  }

  /** The oldest SUBMITTED item per account (for the "pending past processing time" alert). */
  async oldestSubmitted(): Promise<{ accountId: string; since: Date }[]> {
    const r = await this.db.query<{ account_id: string; since: Date }>(
      `SELECT account_id, min(COALESCE(submitted_at, updated_at)) AS since FROM operation_items
       WHERE state = 'SUBMITTED' AND account_id IS NOT NULL GROUP BY account_id`,
    );
    return r.rows.map((x) => ({ accountId: x.account_id, since: x.since }));
  }

  async countByState(): Promise<{ type: string; state: string; count: number }[]> {
    const r = await this.db.query<{ type: string; state: string; n: number }>(
      `SELECT o.type, i.state, count(*)::int AS n FROM operation_items i JOIN operations o ON o.id = i.operation_id GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return r.rows.map((x) => ({ type: x.type, state: x.state, count: x.n }));
  }
}

/** Receipts are stored as JSON: turn their instants back into Dates. */
function reviveReceipt(r: OperationReceipt): OperationReceipt {
  return { ...r, submittedAt: new Date(r.submittedAt), deadline: new Date(r.deadline) };
}


/** The account of an operation's items when they share one, else null (an operation may span accounts). */
function accountOf(items: readonly { accountId: string | null }[]): string | null {
  const ids = new Set(items.map((i) => i.accountId));
  return ids.size === 1 ? [...ids][0] : null;
}
