import type { Card, CardRecord, Plan } from '@simgate/core';
import { canonicalJson, sameInstant } from './canonical';
import { columnList, recordsetOf, rowMapper, type Column, type RowOf } from './columns';

/**
 * The columns of the `cards` table, in one table: every statement, the row type, the row ↔ card mapping, the
 * merge of a carrier's record over the stored row and the change test are derived from it.
 */

export interface StoredCard extends Card {
  syncError: Record<string, unknown> | null;
  /** When simgate first stored the card (the estimated opening of cards whose carrier gives none). */
  firstSeenAt?: Date;
}

/** Where a sync takes a column's value from. */
type Fill =
  /** The account the card was read under (`CardSource`). */
  | 'account'
  /** The carrier's record. */
  | 'record'
  /** The carrier's record, or the value stored when the record lacks it (identifiers, dates, plan, raw payload). */
  | 'recordOrStored'
  /** The time of the sync. */
  | 'syncTime'
  /** Nothing: a sync that writes the card clears it. */
  | 'cleared'
  /** The stored value, or the time of the sync for a new card (never changed afterwards). */
  | 'firstSync';

/**
 * How a change of the column is detected: equal values, lists, instants, JSON content; `anySet`: a value on
 * either side is a change (the sync error a write clears); `ignored`: not compared (the key, the account's
 * platform and carrier, the sync time).
 */
type Compare = 'value' | 'list' | 'instant' | 'json' | 'anySet' | 'ignored';

interface CardColumn<T> extends Column<T> {
  field: keyof StoredCard;
  fill: Fill;
  compare: Compare;
}

function column<T>(sql: string, field: keyof StoredCard, fill: Fill, compare: Compare, read?: (stored: T) => unknown): CardColumn<T> {
  return { sql, field, fill, compare, read };
}

const CARD_COLUMNS = {
  iccid: column<string>('text', 'iccid', 'record', 'ignored'),
  account_id: column<string>('text', 'accountId', 'account', 'value'),
  platform: column<string>('text', 'platform', 'account', 'ignored'),
  carrier: column<string>('text', 'carrier', 'account', 'ignored'),
  msisdn: column<string | null>('text', 'msisdn', 'recordOrStored', 'value'),
  imsi: column<string | null>('text', 'imsi', 'recordOrStored', 'value'),
  imei: column<string | null>('text', 'imei', 'recordOrStored', 'value'),
  status: column<string>('text', 'status', 'record', 'value'),
  suspend_reason: column<string | null>('text', 'suspendReason', 'record', 'value'),
  suspend_reasons: column<string[]>('text[]', 'suspendReasons', 'record', 'list', (v) => v ?? []),
  raw_status: column<string>('text', 'rawStatus', 'record', 'value'),
  raw_reason: column<string | null>('text', 'rawReason', 'record', 'value'),
  raw: column<Record<string, unknown> | null>('jsonb', 'raw', 'recordOrStored', 'json', (v) => v ?? undefined),
  plan: column<Plan | null>('jsonb', 'plan', 'recordOrStored', 'json'),
  pool_id: column<string | null>('text', 'poolId', 'recordOrStored', 'value'),
  activated_at: column<Date | null>('timestamptz', 'activatedAt', 'recordOrStored', 'instant'),
  opened_at: column<Date | null>('timestamptz', 'openedAt', 'recordOrStored', 'instant'),
  as_of: column<Date>('timestamptz', 'asOf', 'record', 'instant'),
  synced_at: column<Date>('timestamptz', 'syncedAt', 'syncTime', 'ignored'),
  sync_error: column<Record<string, unknown> | null>('jsonb', 'syncError', 'cleared', 'anySet'),
  created_at: column<Date>('timestamptz', 'firstSeenAt', 'firstSync', 'ignored'),
};

type ColumnName = keyof typeof CARD_COLUMNS;
const ENTRIES = Object.entries(CARD_COLUMNS) as [ColumnName, CardColumn<unknown>][];

/** A row of `cards` as the store reads and writes it. */
export type CardRow = RowOf<typeof CARD_COLUMNS>;

/** The account a card was read under. */
export interface CardSource {
  accountId: string;
  platform: string;
  carrier: Card['carrier'];
}

/** Every column, in table order. */
export const COLUMNS = columnList(CARD_COLUMNS);
/** The same without the carrier's raw payload (`raw` undefined): for readers that never show it, such as the console's card views. */
export const COLUMNS_NO_RAW = columnList(CARD_COLUMNS, ['raw']);
/** `$1`, a JSON array of rows, as a record set `t` of every column. */
export const RECORDSET = recordsetOf(CARD_COLUMNS);
/** The `SET` list of an upsert: every column but the key from the row proposed (`EXCLUDED`), the cleared ones NULL. */
export const UPDATE_SET = ENTRIES.filter(([name]) => name !== 'iccid')
  .map(([name, c]) => `${name} = ${c.fill === 'cleared' ? 'NULL' : `EXCLUDED.${name}`}`)
  .join(', ');

const toCard = rowMapper<StoredCard>(CARD_COLUMNS);

export function rowToCard(r: CardRow): StoredCard {
  return toCard(r);
}

/** The row a record produces over the stored one: known identifiers and dates are kept when the record lacks them. */
export function merge(src: CardSource, rec: CardRecord, prev: CardRow | undefined, syncedAt: Date): CardRow {
  const row: Record<string, unknown> = {};
  const fromRecord = (field: keyof StoredCard) => {
    const v = (rec as unknown as Record<string, unknown>)[field];
    return Array.isArray(v) ? [...v] : v;
  };
  for (const [name, c] of ENTRIES) {
    switch (c.fill) {
      case 'account':
        row[name] = src[c.field as keyof CardSource];
        break;
      case 'record':
        row[name] = fromRecord(c.field);
        break;
      case 'recordOrStored':
        row[name] = fromRecord(c.field) ?? prev?.[name] ?? null;
        break;
      case 'syncTime':
        row[name] = syncedAt;
        break;
      case 'cleared':
        row[name] = null;
        break;
      case 'firstSync':
        row[name] = prev?.[name] ?? syncedAt;
        break;
    }
  }
  return row as CardRow;
}

/** Whether two rows differ in content (`synced_at` is not content). */
export function differs(a: CardRow, b: CardRow): boolean {
  return ENTRIES.some(([name, c]) => {
    const [x, y] = [a[name], b[name]];
    switch (c.compare) {
      case 'value':
        return x !== y;
      case 'list':
        return (x as string[]).join(',') !== (y as string[]).join(',');
      case 'instant':
        return !sameInstant(x as Date | null, y as Date | null);
      case 'json':
        return canonicalJson(x) !== canonicalJson(y);
      case 'anySet':
        return x !== null || y !== null;
      case 'ignored':
        return false;
    }
  });
}
