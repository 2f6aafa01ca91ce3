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
  /** The field is left out of the object when the stored value is null (a raw payload the carrier did not give). */
  optional?: boolean;
}

/** A column of SQL type `sql` holding `field`, read as is. */
export function col<T>(sql: string, field: string, read?: (stored: T) => unknown): Column<T> {
  return read ? { sql, field, read } : { sql, field };
}


/**
 * The last columns of a table of carrier reads (pools, usage cycles): when the carrier's answer held, when simgate
 * stored it, and the carrier's raw payload (left out of the object when the carrier gave none).
 */
export const READ_STAMP = {
  as_of: col<Date>('timestamptz', 'asOf'),
  synced_at: col<Date>('timestamptz', 'syncedAt'),
  raw: { sql: 'jsonb', field: 'raw', optional: true } as Column<Record<string, unknown> | null>,
};

export type Columns = Record<string, Column<never>>;

/** The row type a column table declares. */
export type RowOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

function entries(cols: Columns): [string, Column<unknown>][] {
  return Object.entries(cols) as [string, Column<unknown>][];
}

/** The column names, comma-separated, in table order (`except` left out), each after `prefix` (a table alias). */
export function columnList(cols: Columns, except: readonly string[] = [], prefix = ''): string {
  return entries(cols)
    .filter(([name]) => !except.includes(name))
    .map(([name]) => prefix + name)
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

/** The `SET` list of an upsert: the columns but `except` (the key, columns an update keeps) from the row proposed. */
export function updateSet(cols: Columns, except: readonly string[]): string {
  return entries(cols)
    .filter(([name]) => !except.includes(name))
    .map(([name]) => `${name} = EXCLUDED.${name}`)
    .join(', ');
}

/**
 * The row → object mapping of a column table, compiled once per table: one object literal in table order
 * (`optional` fields added after it, in order, only when set). Hot paths map thousands of rows per request, and a
 * loop over the column table per row costs ~100× a literal (docs/benchmarks.md, issue 12). The generated code
 * holds only the table's own column and field names, quoted with JSON.stringify.
 */
export function rowMapper<T>(cols: Columns): (row: object) => T {
  const list = entries(cols);
  const reads = list.map(([, c]) => c.read);
  const firstOptional = list.findIndex(([, c]) => c.optional);
  const split = firstOptional === -1 ? list.length : firstOptional;
  const value = (i: number) => `${reads[i] ? `reads[${i}](` : '('}row[${JSON.stringify(list[i][0])}])`;
  const literal = list
    .slice(0, split)
    .map(([, c], i) => `${JSON.stringify(c.field)}: ${value(i)}`)
    .join(', ');
  const rest = list.slice(split).map(([name, c], k) => {
    const i = split + k;
    const assign = `o[${JSON.stringify(c.field)}] = ${value(i)};`;
    return c.optional ? `if (row[${JSON.stringify(name)}]) ${assign}` : assign;
  });
  const make = new Function('reads', `return function fromRow(row) { const o = { ${literal} }; ${rest.join(' ')} return o; };`);
  return make(reads) as (row: object) => T;
}

const mappers = new WeakMap<Columns, (row: object) => unknown>();

/** The object a row holds: every declared field, in table order (`optional` ones only when set). */
export function fromRow<T>(cols: Columns, row: object): T {
  let map = mappers.get(cols);
  if (!map) mappers.set(cols, (map = rowMapper(cols)));
  return map(row) as T;
}

/** The row an object makes, for a record set (`except` left out). */
export function toRow(cols: Columns, obj: object, except: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, c] of entries(cols)) if (!except.includes(name)) out[name] = (obj as Record<string, unknown>)[c.field];
  return out;
}
