/**
 * A table's columns declared once, in table order: each column's SQL type and the field of the domain object it
 * holds. The select lists, the record sets of batched writes and the row ↔ object mappings come from it.
 */
export interface Column<T = unknown> {
  /** The SQL type, for `jsonb_to_recordset`. */
  sql: string;
  /** The field of the domain object. */
  field: string;
  /** The object's value of a stored one, when not the same. */
  read?: (stored: T) => unknown;
}

export type Columns = Record<string, Column<never>>;

/** The row type a column table declares. */
export type RowOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

function entries(cols: Columns): [string, Column<unknown>][] {
  return Object.entries(cols) as [string, Column<unknown>][];
}

/** The column names, comma-separated, in table order (`except` left out). */
export function columnList(cols: Columns, except: readonly string[] = []): string {
  return entries(cols)
    .filter(([name]) => !except.includes(name))
    .map(([name]) => name)
    .join(', ');
}

/** `param`, a JSON array of rows, as a record set `t` of the columns (`except` left out). */
export function recordsetOf(cols: Columns, param = '$1', except: readonly string[] = []): string {
  const list = entries(cols)
    .filter(([name]) => !except.includes(name))
    .map(([name, c]) => `${name} ${c.sql}`)
    .join(', ');
  return `jsonb_to_recordset(${param}::jsonb) AS t(${list})`;
}

/** The object a row holds: every declared field, in table order. */
export function fromRow<T>(cols: Columns, row: object): T {
  const out: Record<string, unknown> = {};
  for (const [name, c] of entries(cols)) {
    const v = (row as Record<string, unknown>)[name];
    out[c.field] = c.read ? c.read(v) : v;
  }
  return out as T;
}

/** The row an object makes, for a record set (`except` left out). */
export function toRow(cols: Columns, obj: object, except: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, c] of entries(cols)) if (!except.includes(name)) out[name] = (obj as Record<string, unknown>)[c.field];
  return out;
}
