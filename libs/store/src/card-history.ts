import type { CardStatus, SuspendReason } from '@simgate/core';
import { columnList, recordsetOf, type Column } from './columns';

/** A change of a card's normalized status or reasons, as `card_status_history` keeps it. */
export interface StatusChange {
  iccid: string;
  accountId: string;
  prevStatus: CardStatus | null;
  prevReason: SuspendReason | null;
  status: CardStatus;
  suspendReason: SuspendReason | null;
  suspendReasons: SuspendReason[];
  rawStatus: string;
  rawReason: string | null;
  asOf: Date;
  observedAt: Date;
}

const column = (sql: string, field: keyof StatusChange, read?: (stored: never) => unknown): Column<never> => ({ sql, field, read });

/** The columns of `card_status_history` (its `id` aside), in table order. */
export const HISTORY_COLUMNS = {
  iccid: column('text', 'iccid'),
  account_id: column('text', 'accountId'),
  prev_status: column('text', 'prevStatus'),
  prev_reason: column('text', 'prevReason'),
  status: column('text', 'status'),
  suspend_reason: column('text', 'suspendReason'),
  suspend_reasons: column('text[]', 'suspendReasons', (v: string[] | null) => v ?? []),
  raw_status: column('text', 'rawStatus'),
  raw_reason: column('text', 'rawReason'),
  as_of: column('timestamptz', 'asOf'),
  observed_at: column('timestamptz', 'observedAt'),
};

/** Appends the changes of `$1` (a JSON array of rows, see `toRow`). */
export const INSERT_HISTORY = `INSERT INTO card_status_history (${columnList(HISTORY_COLUMNS)})
  SELECT ${columnList(HISTORY_COLUMNS)} FROM ${recordsetOf(HISTORY_COLUMNS)}`;

/** One card's changes, newest first: `$1` the ICCID, `$2` how many. */
export const SELECT_HISTORY = `SELECT ${columnList(HISTORY_COLUMNS)}
  FROM card_status_history WHERE iccid = $1 ORDER BY observed_at DESC, id DESC LIMIT $2`;
