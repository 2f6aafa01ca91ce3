import { Controller, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { readOrderList, type Simgate } from '@simgate/sync';
import type { Request } from 'express';
import { Transform } from 'node:stream';
import { z } from 'zod';
import { Problem, notFound } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { GATEWAY_OPTIONS, SIMGATE, clockOf, type GatewayOptions } from '../tokens';

export const MAX_IMPORT_ROWS = 500_000;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const params = z.object({ id: z.string().min(1).max(64) }).strict();

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

@ApiTags('cards')
@ApiBearerAuth()
@Controller('v1/accounts')
export class ImportController {
  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Post(':id/cards\\:import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: 'Import a carrier order list (CSV iccid,msisdn; up to 500,000 rows; streamed) with a report of rejected rows' })
  async import(@Param() p: unknown, @Query() query: unknown, @Req() req: Request) {
    const { id } = parse(params, p, 'params');
    parseNoQuery(query);
    if (!this.sg.runtime.has(id)) throw notFound('account', id);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'text/csv' && type !== 'text/plain') {
      throw new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the order list as text/csv');
    }
    const rt = this.sg.runtime.get(id);
    const src = { accountId: id, platform: rt.manifest.id, carrier: rt.manifest.carrier };
    let inserted = 0;
    const foreignRows: { line: number; value: string; problem: string }[] = [];
    const input = req.pipe(capped(MAX_IMPORT_BYTES));
    const report = await readOrderList(
      input,
      async (rows) => {
        // A card already known in another account is not moved by an import.
        const known = await this.sg.store.cards.getMany(rows.map((r) => r.iccid));
        const foreign = new Set(known.filter((c) => c.accountId !== id).map((c) => c.iccid));
        const mine = rows.filter((r) => !foreign.has(r.iccid));
        for (const r of rows) if (foreign.has(r.iccid)) foreignRows.push({ line: r.line, value: r.iccid, problem: 'card belongs to another account' });
        inserted += (await this.sg.store.cards.importRefs(src, mine, clockOf(this.options)())).inserted;
      },
      { maxRows: MAX_IMPORT_ROWS },
    ).catch((e: unknown) => {
      throw e instanceof Problem ? e : new Problem(400, 'MALFORMED_CSV', `the CSV could not be read: ${(e as Error).message}`);
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
}
