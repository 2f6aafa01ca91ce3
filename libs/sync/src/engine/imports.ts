import type { RejectedImportRow } from '@simgate/store';
import { checkOrderListLine, type OrderListRow } from '../csv-order-list';
import { importJobId, PRIORITY } from '../jobs';
import { PermanentJobError, type QueuedJob } from '../queue/job-queue';
import { errorJson, type EngineContext } from './context';
import { requestSweep } from './enqueue';

/**
 * Import jobs (docs/api.md, "Imports"): an order list stored as chunks by the gateway is read chunk by chunk,
 * each chunk's cards, rejected rows and counters written in one transaction (ImportsRepository.applyChunk). A run
 * resumes after the chunks already written (a retry, a worker that died, a restart), rebuilding only the set of
 * ICCIDs seen (duplicates in the file are rejected) from them. At most `IMPORT_ATTEMPTS` runs; the last failure
 * fails the import with its error.
 */

export const IMPORT_ATTEMPTS = 5;

/** Queues an import's job (a job already waiting or running is not queued twice). */
export async function requestImport(ctx: EngineContext, importId: string): Promise<void> {
  await ctx.queue.add('import', { type: 'import', importId }, { jobId: importJobId(importId), priority: PRIORITY.manual, attempts: IMPORT_ATTEMPTS, backoffMs: 2_000 });
}

/** Queues the jobs of imports left unfinished (queued or running) by a process that stopped. */
export async function resumeImports(ctx: EngineContext): Promise<number> {
  const open = await ctx.store.imports.unfinished();
  for (const imp of open) await requestImport(ctx, imp.id);
  if (open.length) ctx.logger.info({ imports: open.map((i) => i.id) }, 'unfinished imports queued again');
  return open.length;
}

/** The lines of a stored chunk checked: valid rows and rejected ones (blank lines and the header are neither). */
export function checkChunk(body: string, firstLine: number, seen: Set<string>): { rows: OrderListRow[]; rejected: RejectedImportRow[] } {
  const rows: OrderListRow[] = [];
  const rejected: RejectedImportRow[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const r = checkOrderListLine(lines[i], firstLine + i, seen);
    if (!r) continue;
    if ('row' in r) rows.push(r.row);
    else rejected.push(r.rejected);
  }
  return { rows, rejected };
}

/** Runs an import job: the chunks not written yet, in order; then completes the import and queues a sweep. */
export async function runImport(ctx: EngineContext, job: QueuedJob<{ importId: string }>): Promise<void> {
  const id = job.data.importId;
  const current = await ctx.store.imports.get(id);
  if (!current) throw new PermanentJobError(`import '${id}' does not exist`);
  if (current.state === 'completed' || current.state === 'failed') return;
  if (!ctx.runtime.has(current.accountId)) {
    await ctx.store.imports.finish(id, { state: 'failed', error: { error: 'ACCOUNT_NOT_CONFIGURED', message: `account '${current.accountId}' is not configured` } }, ctx.now());
    throw new PermanentJobError(`account '${current.accountId}' is not configured`);
  }
  const rt = ctx.runtime.get(current.accountId);
  const src = { accountId: rt.account.id, platform: rt.manifest.id, carrier: rt.manifest.carrier };
  try {
    const imp = await ctx.store.imports.start(id, ctx.now());
    if (!imp) return;
    ctx.logger.info({ import: id, account: imp.accountId, rows: imp.rowsTotal, resumeAtChunk: imp.chunksDone, attempt: imp.attempts }, 'import started');
    const seen = new Set<string>();
    for (let seq = 0; seq < imp.chunks; seq++) {
      const chunk = await ctx.store.imports.chunk(id, seq);
      if (!chunk) throw new PermanentJobError(`import '${id}': chunk ${seq} is missing`);
      const { rows, rejected } = checkChunk(chunk.body, chunk.firstLine, seen);
      if (seq < imp.chunksDone) continue; // written by an earlier run: only its ICCIDs were needed
      const written = await ctx.store.imports.applyChunk(id, seq, src, rows, rejected, ctx.now());
      // Another run of this job wrote it (or ended the import): this run stops.
      if (!written) return;
    }
    const done = await ctx.store.imports.finish(id, { state: 'completed' }, ctx.now());
    if (!done) return;
    ctx.logger.info({ import: id, account: done.accountId, accepted: done.accepted, inserted: done.inserted, rejected: done.rejected }, 'import completed');
    if (done.inserted > 0) await requestSweep(ctx, done.accountId, rt.manifest.capabilities.inventory === 'IMPORTED' ? 'inventory' : 'status', 'manual');
  } catch (e) {
    const final = e instanceof PermanentJobError || job.attemptsMade >= IMPORT_ATTEMPTS;
    const error = errorJson(e);
    if (final) await ctx.store.imports.finish(id, { state: 'failed', error }, ctx.now()).catch(() => undefined);
    else await ctx.store.imports.noteError(id, error, ctx.now()).catch(() => undefined);
    throw e;
  }
}
