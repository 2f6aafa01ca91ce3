import type { CardRef } from '@simgate/core';
import { canonicalJson } from './canonical';
import type { CardSource, CardsRepository } from './cards.repository';
import { col, fromRow, type RowOf } from './columns';
import type { Db, Queryable } from './db';
import type { EventsRepository } from './events.repository';

/**
 * Imports as jobs (migration 0006-imports): an order list too large to import within its request. The request
 * stores the list as line-aligned chunks and the import record (`queued`); a worker reads the chunks in order
 * and writes each chunk's cards, rejected rows and counters in one transaction (`applyChunk`), guarded by the
 * number of chunks done: a job run twice (a worker that lost its lock) or resumed after a restart writes every
 * chunk exactly once. The chunks are deleted when the import ends (completed or failed); the rejected rows stay.
 */

export type ImportState = 'queued' | 'running' | 'completed' | 'failed';

export interface ImportRecord {
  id: string;
  accountId: string;
  state: ImportState;
  /** Data rows stored (the rows to read). */
  rowsTotal: number;
  bytes: number;
  chunks: number;
  chunksDone: number;
  /** Rows read so far: accepted + rejected. */
  rowsRead: number;
  /** Valid rows of cards not known in another account (new or already known in this one). */
  accepted: number;
  /** Of the accepted rows, the cards new to the store. */
  inserted: number;
  rejected: number;
  /** Rows past the import's row cap were not stored. */
  truncated: boolean;
  /** Runs of the job so far (a retry or a resumption after a restart adds one). */
  attempts: number;
  error: Record<string, unknown> | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface NewImport {
  id: string;
  accountId: string;
  rowsTotal: number;
  bytes: number;
  chunks: number;
  truncated: boolean;
}

export interface ImportChunk {
  seq: number;
  firstLine: number;
  body: string;
}

export interface RejectedImportRow {
  line: number;
  value: string;
  problem: string;
}

const IMPORT_COLUMNS = {
  id: col<string>('text', 'id'),
  account_id: col<string>('text', 'accountId'),
  state: col<string>('text', 'state'),
  rows_total: col<number>('int', 'rowsTotal'),
  bytes: col<string | number>('bigint', 'bytes', (v) => Number(v)),
  chunks: col<number>('int', 'chunks'),
  chunks_done: col<number>('int', 'chunksDone'),
  rows_read: col<number>('int', 'rowsRead'),
  accepted: col<number>('int', 'accepted'),
  inserted: col<number>('int', 'inserted'),
  rejected: col<number>('int', 'rejected'),
  truncated: col<boolean>('boolean', 'truncated'),
  attempts: col<number>('int', 'attempts'),
  error: col<Record<string, unknown> | null>('jsonb', 'error'),
  created_at: col<Date>('timestamptz', 'createdAt'),
  started_at: col<Date | null>('timestamptz', 'startedAt'),
  finished_at: col<Date | null>('timestamptz', 'finishedAt'),
  updated_at: col<Date>('timestamptz', 'updatedAt'),
};
type Row = RowOf<typeof IMPORT_COLUMNS>;
const toImport = (r: Row): ImportRecord => fromRow<ImportRecord>(IMPORT_COLUMNS, r);

export const FOREIGN_CARD_PROBLEM = 'card belongs to another account';

export class ImportsRepository {
  constructor(
    private readonly db: Db,
    private readonly cards: CardsRepository,
    private readonly events: EventsRepository,
  ) {}

  /** Stores one chunk of an import being received (its record is created once every chunk is stored). */
  async putChunk(importId: string, chunk: ImportChunk): Promise<void> {
    await this.db.query(`INSERT INTO import_chunks (import_id, seq, first_line, body) VALUES ($1, $2, $3, $4)`, [importId, chunk.seq, chunk.firstLine, chunk.body]);
  }

  /** Deletes the chunks of uploads that never became an import (the request broke off) stored before `before`. */
  async pruneOrphanChunks(before: Date): Promise<number> {
    const r = await this.db.query(
      `DELETE FROM import_chunks c WHERE c.created_at < $1 AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = c.import_id)`,
      [before],
    );
    return r.affectedRows;
  }

  /** The import record, `queued`, once its chunks are stored. */
  async create(n: NewImport, at: Date): Promise<ImportRecord> {
    const r = await this.db.query<Row>(
      `INSERT INTO imports (id, account_id, state, rows_total, bytes, chunks, truncated, created_at, updated_at)
       VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $7) RETURNING *`,
      [n.id, n.accountId, n.rowsTotal, n.bytes, n.chunks, n.truncated, at],
    );
    return toImport(r.rows[0]);
  }

  async get(id: string): Promise<ImportRecord | null> {
    const r = await this.db.query<Row>(`SELECT * FROM imports WHERE id = $1`, [id], { prepare: true });
    return r.rows[0] ? toImport(r.rows[0]) : null;
  }

  /** Imports not finished (queued or running), oldest first: a worker starting up queues them again. */
  async unfinished(): Promise<ImportRecord[]> {
    const r = await this.db.query<Row>(`SELECT * FROM imports WHERE state IN ('queued', 'running') ORDER BY created_at`);
    return r.rows.map(toImport);
  }

  /** Marks a run of the job: running, first start kept, one more attempt. Null when the import has ended. */
  async start(id: string, at: Date): Promise<ImportRecord | null> {
    const r = await this.db.query<Row>(
      `UPDATE imports SET state = 'running', started_at = COALESCE(started_at, $2), attempts = attempts + 1, updated_at = $2
       WHERE id = $1 AND state IN ('queued', 'running') RETURNING *`,
      [id, at],
    );
    return r.rows[0] ? toImport(r.rows[0]) : null;
  }

  async chunk(importId: string, seq: number): Promise<ImportChunk | null> {
    const r = await this.db.query<{ seq: number; first_line: number; body: string }>(
      `SELECT seq, first_line, body FROM import_chunks WHERE import_id = $1 AND seq = $2`,
      [importId, seq],
      { prepare: true },
    );
    const c = r.rows[0];
    return c ? { seq: c.seq, firstLine: c.first_line, body: c.body } : null;
  }

  /**
   * Writes chunk `seq` of a running import in one transaction: its valid rows as cards (those known in another
   * account are rejected instead), its rejected rows, and the counters. Null (nothing written) when the import is
   * no longer running or chunk `seq` is not the next one: another run of the job wrote it.
   */
  async applyChunk(
    importId: string,
    seq: number,
    src: CardSource,
    rows: readonly (CardRef & { line: number })[],
    rejected: readonly RejectedImportRow[],
    at: Date,
  ): Promise<{ inserted: number; accepted: number; rejected: number } | null> {
    const out = await this.db.transaction(async (tx) => {
      const cur = await tx.query<{ chunks_done: number; state: string }>(`SELECT chunks_done, state FROM imports WHERE id = $1 FOR UPDATE`, [importId]);
      const row = cur.rows[0];
      if (!row || row.state !== 'running' || row.chunks_done !== seq) return null;
      const { inserted, accepted, foreign, events } = await this.writeRows(tx, src, rows, at);
      const refused = [...rejected, ...foreign];
      if (refused.length) {
        await tx.query(
          `INSERT INTO import_rejected (import_id, line, value, problem)
           SELECT $1, line, value, problem FROM jsonb_to_recordset($2::jsonb) AS t(line int, value text, problem text)
           ON CONFLICT (import_id, line) DO NOTHING`,
          [importId, canonicalJson(refused)],
        );
      }
      await tx.query(
        `UPDATE imports SET chunks_done = chunks_done + 1, rows_read = rows_read + $2, accepted = accepted + $3, inserted = inserted + $4,
           rejected = rejected + $5, updated_at = $6 WHERE id = $1`,
        [importId, rows.length + rejected.length, accepted, inserted, refused.length, at],
      );
      return { counts: { inserted, accepted, rejected: refused.length }, events };
    });
    if (!out) return null;
    this.events.committed(out.events);
    return out.counts;
  }

  /**
   * Writes valid rows of an order list as the account's cards in one transaction, outside any import job (a list
   * small enough to import within its request): the rows of cards known in another account come back as rejected.
   */
  async importRows(src: CardSource, rows: readonly (CardRef & { line: number })[], at: Date): Promise<{ inserted: number; accepted: number; foreign: RejectedImportRow[] }> {
    const out = await this.db.transaction((tx) => this.writeRows(tx, src, rows, at));
    this.events.committed(out.events);
    return { inserted: out.inserted, accepted: out.accepted, foreign: out.foreign };
  }

  /** The cards of valid rows, in `tx`: new ones inserted, those known in another account refused (never moved). */
  private async writeRows(tx: Queryable, src: CardSource, rows: readonly (CardRef & { line: number })[], at: Date) {
    const known = rows.length
      ? await tx.query<{ iccid: string }>(`SELECT iccid FROM cards WHERE iccid = ANY($1::text[]) AND account_id <> $2`, [rows.map((r) => r.iccid), src.accountId])
      : { rows: [] };
    const taken = new Set(known.rows.map((k) => k.iccid));
    const mine = rows.filter((r) => !taken.has(r.iccid));
    const foreign = rows.filter((r) => taken.has(r.iccid)).map((r) => ({ line: r.line, value: r.iccid, problem: FOREIGN_CARD_PROBLEM }));
    const { inserted, events } = await this.cards.importRefsIn(tx, src, mine, at);
    return { inserted, accepted: mine.length, foreign, events };
  }

  /** Deletes the imports that ended before `before`, with their rejected rows; returns how many. */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: string }>(`DELETE FROM imports WHERE state IN ('completed', 'failed') AND finished_at < $1 RETURNING id`, [before]);
      if (r.rows.length) await tx.query(`DELETE FROM import_rejected WHERE import_id = ANY($1::text[])`, [r.rows.map((x) => x.id)]);
      return r.rows.length;
    });
  }

  /** Ends an import: completed (every chunk written) or failed (with its error); its chunks are deleted. */
  async finish(id: string, outcome: { state: 'completed' } | { state: 'failed'; error: Record<string, unknown> }, at: Date): Promise<ImportRecord | null> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        `UPDATE imports SET state = $2, error = $3::jsonb, finished_at = $4, updated_at = $4
         WHERE id = $1 AND state IN ('queued', 'running') AND ($2 = 'failed' OR chunks_done = chunks) RETURNING *`,
        [id, outcome.state, outcome.state === 'failed' ? canonicalJson(outcome.error) : null, at],
      );
      if (!r.rows[0]) return null;
      await tx.query(`DELETE FROM import_chunks WHERE import_id = $1`, [id]);
      return toImport(r.rows[0]);
    });
  }

  /** Records the error of a failed run that will be retried (the import stays running). */
  async noteError(id: string, error: Record<string, unknown>, at: Date): Promise<void> {
    await this.db.query(`UPDATE imports SET error = $2::jsonb, updated_at = $3 WHERE id = $1 AND state IN ('queued', 'running')`, [id, canonicalJson(error), at]);
  }

  /** Rejected rows in line order, after `afterLine`. */
  async rejectedRows(importId: string, afterLine: number, limit: number): Promise<RejectedImportRow[]> {
    const r = await this.db.query<RejectedImportRow>(
      `SELECT line, value, problem FROM import_rejected WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3`,
      [importId, afterLine, limit],
    );
    return r.rows;
  }
}
