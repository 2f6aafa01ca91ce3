import type { OperationState } from '@simgate/core';

/** `GET /v1/operations` filters. IN_DOUBT: operations with an item whose submission outcome is not known. */
export interface OperationFilter {
  state?: OperationState | 'IN_DOUBT';
  type?: string;
  accountId?: string;
  /** Created at or after. */
  since?: Date;
}

/** Where a page of operations resumes: the last one of the previous page (newest first). */
export interface OperationPosition {
  createdAt: Date;
  id: string;
}

/** An in-doubt item: SUBMITTED with the in-doubt mark (timeout, 5xx, a sender gone) and no outcome yet. */
export const inDoubtItem = (alias: string) => `${alias}.state = 'SUBMITTED' AND (${alias}.error->>'inDoubt') = 'true'`;

/** WHERE clause and parameters of an operations page (alias `o`), newest first by (created_at, id). */
export function operationsWhere(filter: OperationFilter, after: OperationPosition | null): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.state === 'IN_DOUBT') where.push(`EXISTS (SELECT 1 FROM operation_items i WHERE i.operation_id = o.id AND ${inDoubtItem('i')})`);
  else if (filter.state) where.push(`o.state = ${p(filter.state)}`);
  if (filter.type) where.push(`o.type = ${p(filter.type)}`);
  if (filter.accountId) where.push(`EXISTS (SELECT 1 FROM operation_items i WHERE i.operation_id = o.id AND i.account_id = ${p(filter.accountId)})`);
  if (filter.since) where.push(`o.created_at >= ${p(filter.since)}`);
  if (after) where.push(`(o.created_at, o.id) < (${p(after.createdAt)}::timestamptz, ${p(after.id)}::text)`);
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** Per operation of a page: its items by state, the in-doubt ones, and the accounts they belong to. */
export interface OperationTally {
  itemCount: number;
  byState: Record<string, number>;
  inDoubt: number;
  accounts: string[];
}

export function tallies(rows: readonly { operation_id: string; state: string; in_doubt: boolean; account_id: string | null; n: number }[]): Map<string, OperationTally> {
  const out = new Map<string, OperationTally>();
  for (const r of rows) {
    let t = out.get(r.operation_id);
    if (!t) out.set(r.operation_id, (t = { itemCount: 0, byState: {}, inDoubt: 0, accounts: [] }));
    t.itemCount += r.n;
    t.byState[r.state] = (t.byState[r.state] ?? 0) + r.n;
    if (r.in_doubt) t.inDoubt += r.n;
    if (r.account_id !== null && !t.accounts.includes(r.account_id)) t.accounts.push(r.account_id);
  }
  for (const t of out.values()) t.accounts.sort();
  return out;
}
