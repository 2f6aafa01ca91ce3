/**
 * The database port. Two drivers implement it: embedded PGlite (the default, data under
 * SIMGATE_DATA_DIR) and PostgreSQL through `pg` (DATABASE_URL). Repositories write plain PostgreSQL
 * (15-compatible) SQL and run unchanged on both.
 */
export interface QueryResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted by a write. */
  affectedRows: number;
}

export interface QueryOptions {
  /**
   * PostgreSQL: run as a named prepared statement (parsed and planned once per pooled connection, then only bound
   * and executed). For hot reads with a fixed text whose plan does not depend on the values (a primary-key lookup);
   * not for dynamic SQL (each distinct text stays prepared on every connection). PGlite ignores it.
   */
  prepare?: boolean;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | null;
  /** PGlite data folder; `null` or `'memory://'` keeps it in memory (tests). */
  dataDir?: string | null;
  /** PostgreSQL schema to use (created when missing); tests isolate themselves this way. */
  schema?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

export async function openDatabase(options: DbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres');
    return openPostgres(options.databaseUrl, options);
  }
  const { openPglite } = await import('./pglite');
  return openPglite(options.dataDir ?? null);
}
