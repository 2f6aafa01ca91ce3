import { z } from 'zod';

/** Default of SIMGATE_IMPORT_SYNC_MAX_ROWS: lists of at most this many rows are imported within their request. */
export const DEFAULT_IMPORT_SYNC_MAX_ROWS = 1000;

const schema = z.coerce.number().int().min(0).max(500_000).default(DEFAULT_IMPORT_SYNC_MAX_ROWS);

/**
 * SIMGATE_IMPORT_SYNC_MAX_ROWS (README, Configuration): an order list with more data rows than this answers 202
 * with an import job; one with at most this many is imported within the request (200). A bad value fails loudly.
 */
export function importSyncMaxRows(env: NodeJS.ProcessEnv = process.env): number {
  const r = schema.safeParse(env.SIMGATE_IMPORT_SYNC_MAX_ROWS || undefined);
  if (!r.success) throw new Error(`environment variable SIMGATE_IMPORT_SYNC_MAX_ROWS: ${r.error.issues[0].message}`);
  return r.data;
}
