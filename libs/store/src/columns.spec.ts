import { col, fromRow, rowMapper, type Column } from './columns';

const COLS = {
  id: col<string>('text', 'id'),
  tags: col<string[] | null>('text[]', 'tags', (v) => v ?? []),
  raw: { sql: 'jsonb', field: 'raw', optional: true } as Column<Record<string, unknown> | null>,
  synced_at: col<Date>('timestamptz', 'syncedAt'),
};

describe('column tables: rows to objects', () => {
  it('maps every field in table order, applying reads', () => {
    const at = new Date('2026-12-05T00:00:00Z');
    const o = rowMapper<Record<string, unknown>>(COLS)({ id: 'a', tags: null, raw: { x: 1 }, synced_at: at });
    expect(Object.keys(o)).toEqual(['id', 'tags', 'raw', 'syncedAt']);
    expect(o).toEqual({ id: 'a', tags: [], raw: { x: 1 }, syncedAt: at });
  });

  it('leaves an optional field out when the row holds nothing, keeping the order of the others', () => {
    const o = fromRow<Record<string, unknown>>(COLS, { id: 'b', tags: ['t'], raw: null, synced_at: null });
    expect(Object.keys(o)).toEqual(['id', 'tags', 'syncedAt']);
    expect(JSON.stringify(o)).toBe('{"id":"b","tags":["t"],"syncedAt":null}');
  });

  it('quotes names: a field name is data, never code', () => {
    const odd = { "a'b": col<string>('text', 'x"y}') };
    expect(rowMapper<Record<string, unknown>>(odd)({ "a'b": 'v' })).toEqual({ 'x"y}': 'v' });
  });
});
