import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { readOrderList, type Simgate } from '@simgate/sync';
import type { ImportRecord, RejectedImportRow } from '@simgate/store';
import type { Request, Response } from 'express';
import { Readable, Transform } from 'node:stream';
import { ApiRoute } from '../common/openapi';
import { Problem, found, notFound } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { GATEWAY_OPTIONS, SIMGATE, clockOf, type GatewayOptions } from '../tokens';
import { importSyncMaxRows } from './import-settings';
import { linesOf, readHead, spool } from './import-spool';
import { REJECTED_CSV_COLUMNS, getImport, importCards, importRejected, type ImportJobView, type ImportReport } from './imports.schemas';

export const MAX_IMPORT_ROWS = 500_000;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** Counts bytes and fails the stream past the cap. */
function capped(limit: number): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > limit) cb(new Problem(413, 'PAYLOAD_TOO_LARGE', `the CSV is larger than ${limit} bytes`));
      else cb(null, chunk);
    },
  });
}

const malformed = (e: unknown) => (e instanceof Problem ? e : new Problem(400, 'MALFORMED_CSV', `the CSV could not be read: ${(e as Error).message}`));

/** An import job as the API shows it. */
export function importView(i: ImportRecord): ImportJobView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: i.id,
    accountId: i.accountId,
    state: i.state,
    rowsTotal: i.rowsTotal,
    rowsRead: i.rowsRead,
    accepted: i.accepted,
    inserted: i.inserted,
    alreadyKnown: i.accepted - i.inserted,
    rejectedCount: i.rejected,
    truncated: i.truncated,
    maxRows: MAX_IMPORT_ROWS,
    attempts: i.attempts,
    error: i.error ? { error: String(i.error.error ?? 'INTERNAL'), message: String(i.error.message ?? '') } : null,
    createdAt: i.createdAt.toISOString(),
    startedAt: iso(i.startedAt),
    finishedAt: iso(i.finishedAt),
    updatedAt: i.updatedAt.toISOString(),
    links: { self: `/v1/imports/${i.id}`, rejected: `/v1/imports/${i.id}/rejected` },
  };
}

/** A rejected row's text cell: quoted when needed, a leading formula character neutralised. */
function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

@ApiTags('cards')
@ApiBearerAuth()
@Controller('v1')
export class ImportController {
  /** Lists with more data rows than this become jobs (SIMGATE_IMPORT_SYNC_MAX_ROWS, read once at start-up). */
  private readonly threshold: number;

  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.threshold = options.importSyncMaxRows ?? importSyncMaxRows();
  }

  @Post('accounts/:id/cards\\:import')
  @ApiRoute(importCards)
  async import(@Param() p: unknown, @Query() query: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<ImportReport | ImportJobView> {
    const { id } = parse(importCards.params, p, 'params');
    parseNoQuery(query);
    if (!this.sg.runtime.has(id)) throw notFound('account', id);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'text/csv' && type !== 'text/plain') {
      throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the order list as text/csv');
    }
    const now = clockOf(this.options);
    const counter = { bytes: 0 };
    const lines = linesOf(req.pipe(capped(MAX_IMPORT_BYTES)), counter)[Symbol.asyncIterator]();
    const head = await readHead(lines, this.threshold).catch((e: unknown) => {
      throw malformed(e);
    });
    if (!head.more) {
      res.status(200);
      return this.importNow(id, head.lines);
    }
    const job = await spool(this.sg.store, id, head.lines, lines, counter, MAX_IMPORT_ROWS, now).catch((e: unknown) => {
      throw malformed(e);
    });
    await this.sg.engine.requestImport(job.id);
    res.status(202).location(`/v1/imports/${job.id}`);
    return importView(job);
  }

  /** A list of at most the threshold's rows, imported within the request (the report as before jobs existed). */
  private async importNow(id: string, lines: string[]): Promise<ImportReport> {
    const rt = this.sg.runtime.get(id);
    const src = { accountId: id, platform: rt.manifest.id, carrier: rt.manifest.carrier };
    let inserted = 0;
    const foreignRows: RejectedImportRow[] = [];
    const report = await readOrderList(
      Readable.from(lines.map((l) => `${l}\n`)),
      async (rows) => {
        // A card already known in another account is not moved by an import: its row is rejected.
        const w = await this.sg.store.imports.importRows(src, rows, clockOf(this.options)());
        inserted += w.inserted;
        foreignRows.push(...w.foreign);
      },
      { maxRows: MAX_IMPORT_ROWS },
    ).catch((e: unknown) => {
      throw malformed(e);
    });
    const rejected = [...report.rejected, ...foreignRows].sort((a, b) => a.line - b.line);
    if (inserted > 0) await this.sg.engine.requestSweep(id, rt.manifest.capabilities.inventory === 'IMPORTED' ? 'inventory' : 'status', 'manual');
    return {
      accountId: id,
      accepted: report.accepted - foreignRows.length,
      inserted,
      alreadyKnown: report.accepted - foreignRows.length - inserted,
      rejectedCount: rejected.length,
      rejected: rejected.slice(0, 1000),
      truncated: report.truncated,
      maxRows: MAX_IMPORT_ROWS,
    };
  }

  @Get('imports/:id')
  @ApiRoute(getImport)
  async get(@Param() p: unknown, @Query() query: unknown): Promise<ImportJobView> {
    const { id } = parse(getImport.params, p, 'params');
    parseNoQuery(query);
    return importView(await found('import', id, this.sg.store.imports.get(id)));
  }

  @Get('imports/:id/rejected')
  @ApiRoute(importRejected)
  async rejected(@Param() p: unknown, @Query() query: unknown, @Res() res: Response): Promise<void> {
    const { id } = parse(importRejected.params, p, 'params');
    parseNoQuery(query);
    await found('import', id, this.sg.store.imports.get(id));
    res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="${id}-rejected.csv"`);
    res.write(REJECTED_CSV_COLUMNS.join(',') + '\n');
    for (let after = 0; ; ) {
      const page = await this.sg.store.imports.rejectedRows(id, after, 5000);
      if (!page.length) break;
      const text = page.map((r) => `${r.line},${csvText(r.value)},${csvText(r.problem)}`).join('\n') + '\n';
      if (!res.write(text)) await new Promise((r) => res.once('drain', r));
      after = page[page.length - 1].line;
    }
    res.end();
  }
}
