import { canonicalJson } from './canonical';
import { col, fromRow, type RowOf } from './columns';
import type { Db } from './db';

export type SyncKind = 'inventory' | 'status' | 'usage' | 'pools' | 'orders';
export const SYNC_KINDS: readonly SyncKind[] = ['inventory', 'status', 'usage', 'pools', 'orders'];
export type SyncState = 'idle' | 'queued' | 'running' | 'failed';

export interface Checkpoint {
  accountId: string;
  kind: SyncKind;
  state: SyncState;
  /** Where an interrupted sweep resumes (a page cursor or the last ICCID done). */
  cursor: string | null;
  /** Incremental mark (e.g. Jasper `modifiedSince`) confirmed by the last complete sweep. */
  highWaterMark: string | null;
  startedAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: Record<string, unknown> | null;
  cards: number;
  updatedAt: Date;
}

/** The columns of `sync_checkpoints`, in table order. */
const CHECKPOINT_COLUMNS = {
  account_id: col<string>('text', 'accountId'),
  kind: col<string>('text', 'kind'),
  state: col<string>('text', 'state'),
  cursor: col<string | null>('text', 'cursor'),
  high_water_mark: col<string | null>('text', 'highWaterMark'),
  started_at: col<Date | null>('timestamptz', 'startedAt'),
  last_success_at: col<Date | null>('timestamptz', 'lastSuccessAt'),
  last_error: col<Record<string, unknown> | null>('jsonb', 'lastError'),
  cards: col<number>('int', 'cards'),
  updated_at: col<Date>('timestamptz', 'updatedAt'),
};
type Row = RowOf<typeof CHECKPOINT_COLUMNS>;

const toCheckpoint = (r: Row): Checkpoint => fromRow<Checkpoint>(CHECKPOINT_COLUMNS, r);

export class CheckpointsRepository {
  constructor(private readonly db: Db) {}

  async get(accountId: string, kind: SyncKind): Promise<Checkpoint | null> {
    const r = await this.db.query<Row>(`SELECT * FROM sync_checkpoints WHERE account_id = $1 AND kind = $2`, [accountId, kind]);
    return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
  }

  async list(): Promise<Checkpoint[]> {
    const r = await this.db.query<Row>(`SELECT * FROM sync_checkpoints ORDER BY account_id, kind`, [], { prepare: true });
    return r.rows.map(toCheckpoint);
  }

  /** Sets the given fields (others keep their value), creating the row when missing. */
  async save(
    accountId: string,
    kind: SyncKind,
    patch: Partial<Pick<Checkpoint, 'state' | 'cursor' | 'highWaterMark' | 'startedAt' | 'lastSuccessAt' | 'lastError' | 'cards'>>,
    at: Date,
  ): Promise<void> {
    const has = (k: keyof typeof patch) => Object.prototype.hasOwnProperty.call(patch, k);
    await this.db.query(
      `INSERT INTO sync_checkpoints (account_id, kind, state, cursor, high_water_mark, started_at, last_success_at, last_error, cards, updated_at)
       VALUES ($1, $2, COALESCE($3, 'idle'), $4, $5, $6, $7, $8::jsonb, COALESCE($9, 0), $10)
       ON CONFLICT (account_id, kind) DO UPDATE SET
         state = CASE WHEN $11 THEN EXCLUDED.state ELSE sync_checkpoints.state END,
         cursor = CASE WHEN $12 THEN EXCLUDED.cursor ELSE sync_checkpoints.cursor END,
         high_water_mark = CASE WHEN $13 THEN EXCLUDED.high_water_mark ELSE sync_checkpoints.high_water_mark END,
         started_at = CASE WHEN $14 THEN EXCLUDED.started_at ELSE sync_checkpoints.started_at END,
         last_success_at = CASE WHEN $15 THEN EXCLUDED.last_success_at ELSE sync_checkpoints.last_success_at END,
         last_error = CASE WHEN $16 THEN EXCLUDED.last_error ELSE sync_checkpoints.last_error END,
         cards = CASE WHEN $17 THEN EXCLUDED.cards ELSE sync_checkpoints.cards END,
         updated_at = EXCLUDED.updated_at`,
      [
        accountId,
        kind,
        patch.state ?? null,
        patch.cursor ?? null,
        patch.highWaterMark ?? null,
        patch.startedAt ?? null,
        patch.lastSuccessAt ?? null,
        patch.lastError ? canonicalJson(patch.lastError) : null,
        patch.cards ?? null,
        at,
        has('state'),
        has('cursor'),
        has('highWaterMark'),
        has('startedAt'),
        has('lastSuccessAt'),
        has('lastError'),
        has('cards'),
      ],
    );
  }
}
