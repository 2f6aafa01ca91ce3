import { defineRoute } from '../common/openapi';
import { z } from '../common/zod';

/**
 * The zod schemas of the import routes: what the handlers validate and answer (docs/api.md, "Imports").
 * `POST /v1/accounts/{id}/cards:import` answers `importReport` (200) for a list of at most the synchronous
 * threshold's rows, else `importJob` (202); `GET /v1/imports/{id}` answers `importJob`.
 */

export const accountParams = z.object({ id: z.string().min(1).max(64).describe('carrier account id') }).strict();

export const importParams = z
  .object({ id: z.string().regex(/^imp_[0-9a-f-]{36}$/, 'an import id (imp_…)').describe('import id, from the 202 answer') })
  .strict();

export const rejectedRow = z
  .object({
  line: z.number().int().min(1).describe('line of the CSV, counting from 1 (the header is line 1)'),
  value: z.string().describe('the line as sent (at most 80 characters)'),
  problem: z.string().describe('why the row was rejected'),
  })
  .openapi('ImportRejectedRow');

/** The synchronous answer (200): the whole import's report. */
export const importReport = z.object({
  accountId: z.string(),
  accepted: z.number().int().describe('valid rows of cards not known in another account'),
  inserted: z.number().int().describe('cards new to simgate'),
  alreadyKnown: z.number().int().describe('accepted rows of cards already known in this account'),
  rejectedCount: z.number().int(),
  rejected: z.array(rejectedRow).max(1000).describe('the first 1,000 rejected rows'),
  truncated: z.boolean().describe('rows past maxRows were not read'),
  maxRows: z.number().int(),
}).openapi('ImportReport');

export const IMPORT_STATES = ['queued', 'running', 'completed', 'failed'] as const;

/** An import running as a job (202, and `GET /v1/imports/{id}`). */
export const importJob = z.object({
  id: z.string(),
  accountId: z.string(),
  state: z.enum(IMPORT_STATES),
  rowsTotal: z.number().int().describe('data rows received (at most maxRows)'),
  rowsRead: z.number().int().describe('rows read so far: accepted + rejectedCount'),
  accepted: z.number().int(),
  inserted: z.number().int(),
  alreadyKnown: z.number().int(),
  rejectedCount: z.number().int(),
  truncated: z.boolean(),
  maxRows: z.number().int(),
  attempts: z.number().int().describe('runs of the job so far (a retry or a resumption after a restart adds one)'),
  error: z.object({ error: z.string(), message: z.string() }).passthrough().nullable().describe('why the last run failed'),
  createdAt: z.string().datetime(),
  startedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
  updatedAt: z.string().datetime(),
  links: z.object({ self: z.string(), rejected: z.string().describe('the rejected rows as CSV: line,value,problem') }),
}).openapi('ImportJob');

export type ImportReport = z.infer<typeof importReport>;
export type ImportJobView = z.infer<typeof importJob>;

/** The rejected rows' CSV columns (`GET /v1/imports/{id}/rejected`, text/csv). */
export const REJECTED_CSV_COLUMNS = ['line', 'value', 'problem'] as const;

export const importCards = defineRoute({
  summary:
    'Import a carrier order list (CSV iccid,msisdn; up to 500,000 rows; streamed): a list of at most SIMGATE_IMPORT_SYNC_MAX_ROWS rows is imported at once (200, the report); a larger one becomes a job (202, followed at GET /v1/imports/{id})',
  params: accountParams,
  body: z.string().openapi({ example: 'iccid,msisdn\n89860000000000000012,8613800000000\n' }),
  bodyContentType: 'text/csv',
  responses: {
    200: importReport,
    202: { schema: importJob, description: 'The import runs as a job', headers: { Location: 'The job: /v1/imports/{id}' } },
  },
  problems: { 400: ['MALFORMED_CSV'], 404: ['ACCOUNT_NOT_FOUND'], 413: ['PAYLOAD_TOO_LARGE'], 415: ['UNSUPPORTED_MEDIA_TYPE'] },
});

export const getImport = defineRoute({
  summary: 'An import job: state (queued, running, completed, failed), rows read, accepted and rejected so far, times',
  params: importParams,
  responses: { 200: importJob },
  problems: { 404: ['IMPORT_NOT_FOUND'] },
});

export const importRejected = defineRoute({
  summary: "An import job's rejected rows so far, as CSV (line,value,problem) in line order; formula characters neutralised",
  params: importParams,
  responses: { 200: { schema: z.string(), contentType: 'text/csv', description: 'line,value,problem' } },
  problems: { 404: ['IMPORT_NOT_FOUND'] },
});
