import { randomBytes } from 'node:crypto';
import { Store } from '@simgate/store';

/**
 * The storage backends a suite runs against: embedded PGlite always, real PostgreSQL when DATABASE_URL is set
 * (as .ci/run sets it). Each opened store gets a fresh database (PGlite in memory) or a fresh schema (PostgreSQL).
 */
export interface Backend {
  name: 'pglite' | 'postgres';
  open(): Promise<Store>;
}

export const pgliteBackend: Backend = {
  name: 'pglite',
  open: () => Store.open({ dataDir: null }),
};

export const postgresBackend: Backend | null = process.env.DATABASE_URL
  ? {
      name: 'postgres',
      open: () =>
        Store.open({ databaseUrl: process.env.DATABASE_URL, schema: `t_${randomBytes(6).toString('hex')}`, maxConnections: 4 }),
    }
  : null;

let warned = false;
/** Backends to run; says once when the PostgreSQL suites are skipped. */
export function backends(): Backend[] {
  if (!postgresBackend && !warned) {
    warned = true;
     
    console.warn('DATABASE_URL is not set: PostgreSQL suites are skipped (they run in .ci/run). PGlite suites run.');
  }
  return postgresBackend ? [pgliteBackend, postgresBackend] : [pgliteBackend];
}
