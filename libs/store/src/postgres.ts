import { Pool, types, type PoolClient } from 'pg';
import { createHash } from 'node:crypto';
import type { Db, DbOptions, QueryOptions, QueryResult, Queryable } from './db';
import { parseTimestamptz } from './timestamptz';

// int8 → number (byte counts stay far below 2^53), as PGlite returns them.
types.setTypeParser(20, (v: string) => Number(v));
// timestamptz: the same Dates as pg's default parser, cheaper (see timestamptz.ts).
types.setTypeParser(1184, parseTimestamptz);

/** Prepared-statement names by SQL text (a digest, so the same text gets the same name on every connection). */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = 'sg_' + createHash('sha1').update(sql).digest('hex').slice(0, 24)));
  return name;
}

function wrap(c: Pool | PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
      const r = options?.prepare ? await c.query({ name: statementName(sql), text: sql, values: params ?? [] }) : await c.query(sql, params);
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
