import { Pool, types, type PoolClient } from 'pg';
import type { Db, DbOptions, QueryResult, Queryable } from './db';
import { parseTimestamptz } from './timestamptz';

// int8 → number (byte counts stay far below 2^53), as PGlite returns them.
types.setTypeParser(20, (v: string) => Number(v));
// timestamptz: the same Dates as pg's default parser, cheaper (see timestamptz.ts).
types.setTypeParser(1184, parseTimestamptz);

function wrap(c: Pool | PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await c.query(sql, params);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await c.query(sql);
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`invalid schema name '${name}'`);
  return `"${name}"`;
}

export async function openPostgres(url: string, options: DbOptions = {}): Promise<Db> {
  if (options.schema) {
    const admin = new Pool({ connectionString: url, max: 1 });
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // Fail fast with a clear message when the server is not there.
  const probe = await pool.connect().catch((e: Error) => {
    void pool.end();
    throw new Error(`cannot connect to PostgreSQL (DATABASE_URL): ${e.message}`);
  });
  probe.release();
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
