import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SYNC_KINDS, type SyncKind } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import { z } from 'zod';
import { isIccid } from '@simgate/core';
import { ApiRoute } from '../common/openapi';
import { Problem, notFound } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { ChargesCards, syncNowCost } from '../protection/card-cost';
import { GATEWAY_OPTIONS, SIMGATE, clockOf, type GatewayOptions } from '../tokens';
import { SyncStateReader } from './sync-state';
import { getSyncState, type SyncStateView } from './sync.schemas';

const syncNow = z
  .object({
    accountId: z.string().min(1).max(64),
    kind: z.enum(SYNC_KINDS as [SyncKind, ...SyncKind[]]),
    iccids: z
      .array(z.string().refine(isIccid, 'not a valid ICCID (19–20 digits, 89 prefix, Luhn check digit)'))
      .min(1)
      .max(10_000)
      .optional(),
  })
  .strict();

@ApiTags('sync')
@ApiBearerAuth()
@Controller('v1/sync')
export class SyncController {
  private readonly stateReader: SyncStateReader;

  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.stateReader = new SyncStateReader(sg);
  }

  @Get()
  @ApiRoute(getSyncState)
  async state(@Query() query: unknown): Promise<SyncStateView> {
    parseNoQuery(query);
    return this.stateReader.read(clockOf(this.options)().getTime());
  }

  @Post()
  @HttpCode(202)
  @ChargesCards(syncNowCost)
  @ApiOperation({ summary: 'Sync now: an account and kind, or a list of cards (status or usage); jumps the queue' })
  async syncNow(@Body() body: unknown, @Query() query: unknown) {
    parseNoQuery(query);
    const req = parse(syncNow, body);
    if (!this.sg.runtime.has(req.accountId)) throw notFound('account', req.accountId);
    const rt = this.sg.runtime.get(req.accountId);
    if (!this.sg.engine.supports(rt, req.kind)) {
      throw new Problem(422, 'KIND_NOT_SUPPORTED', `${rt.manifest.id} has no ${req.kind} to sync`);
    }
    if (req.iccids) {
      if (req.kind !== 'status' && req.kind !== 'usage') {
        throw new Problem(400, 'VALIDATION_FAILED', 'iccids can be synced for kind status or usage only', { field: 'body.iccids' });
      }
      const known = await this.sg.store.cards.getMany(req.iccids);
      const foreign = req.iccids.filter((i) => !known.some((c) => c.iccid === i && c.accountId === req.accountId));
      if (foreign.length) throw new Problem(422, 'CARDS_NOT_IN_ACCOUNT', `${foreign.length} card(s) are not known in account '${req.accountId}', e.g. ${foreign[0]}`);
      // Cards already waiting in a "sync now" job are not queued again (nor charged): queued is false when all were.
      const queued = await this.sg.engine.requestCards(req.accountId, req.kind, req.iccids);
      return { accountId: req.accountId, kind: req.kind, cards: req.iccids.length, queued: queued.length > 0 };
    }
    const queued = await this.sg.engine.requestSweep(req.accountId, req.kind, 'manual');
    return { accountId: req.accountId, kind: req.kind, queued, alreadyQueued: !queued };
  }
}
