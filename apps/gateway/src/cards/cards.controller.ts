import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CardStatus, Carrier, SuspendReason, addInZone, dayInZone, isIccid, isoInZone, parseLocalDateTime, zoneOf, type AdapterManifest } from '@simgate/core';
import type { Simgate } from '@simgate/sync';
import type { Response } from 'express';
import type { CardFilter } from '@simgate/store';
import { z } from 'zod';
import { Problem, found } from '../common/problem';
import { calendarDay, parse, parseNoQuery } from '../common/validation';
import { SIMGATE } from '../tokens';
import { CardsService, decodeCursor } from './cards.service';
import { diagnose } from './diagnosis';

const iccidParam = z.object({ iccid: z.string().refine(isIccid, 'not a valid ICCID (19–20 digits, 89 prefix, Luhn check digit)') }).strict();

const filterShape = {
  platform: z.string().min(1).max(64).optional(),
  account: z.string().min(1).max(64).optional(),
  carrier: z.nativeEnum(Carrier).optional(),
  status: z.nativeEnum(CardStatus).optional(),
  reason: z.nativeEnum(SuspendReason).optional(),
  /** A pool's API id `<accountId>:<poolId>` (as /v1/pools names it) or the carrier's pool id (a card's poolId). */
  pool: z.string().min(1).max(200).optional(),
  q: z.string().regex(/^\d{1,20}$/, 'q is a prefix of an ICCID or MSISDN: digits only').optional(),
};

const listQuery = z
  .object({
    ...filterShape,
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

const exportQuery = z.object({ ...filterShape, format: z.literal('csv').default('csv'), limit: z.coerce.number().int().min(1).max(500_000).default(500_000) }).strict();

const day = calendarDay;
const usageQuery = z
  .object({ granularity: z.enum(['day', 'cycle']).default('cycle'), from: day.optional(), to: day.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

function filterOf(q: z.infer<typeof listQuery> | z.infer<typeof exportQuery>): CardFilter {
  let accountId = q.account;
  let poolId = q.pool;
  const sep = poolId ? poolId.indexOf(':') : -1;
  if (poolId && sep > 0) {
    // The pool's API id names its account: both must hold (another account's pool matches no card).
    const poolAccount = poolId.slice(0, sep);
    poolId = poolId.slice(sep + 1);
    if (accountId && accountId !== poolAccount) poolId = '\u0000';
    accountId = poolAccount;
  }
  return { platform: q.platform, accountId, carrier: q.carrier, status: q.status, reason: q.reason, poolId, q: q.q };
}

const CSV_COLUMNS = [
  'iccid', 'msisdn', 'imsi', 'imei', 'carrier', 'platform', 'accountId', 'status', 'suspendReason', 'rawStatus', 'rawReason',
  'poolId', 'activatedAt', 'expiresAt', 'cycleStart', 'usedBytes', 'quotaBytes', 'remainingBytes', 'usageAsOf', 'statusSyncedAt',
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quote when needed; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

@ApiTags('cards')
@ApiBearerAuth()
@Controller('v1')
export class CardsController {
  constructor(
    @Inject(SIMGATE) private readonly sg: Simgate,
    private readonly cards: CardsService,
  ) {}

  @Get('cards')
  @ApiOperation({ summary: 'List cards with filters; keyset paging by cursor' })
  @ApiQuery({ name: 'status', required: false, enum: CardStatus })
  @ApiQuery({ name: 'reason', required: false, enum: SuspendReason })
  @ApiQuery({ name: 'carrier', required: false, enum: Carrier })
  @ApiQuery({ name: 'platform', required: false })
  @ApiQuery({ name: 'account', required: false })
  @ApiQuery({ name: 'pool', required: false })
  @ApiQuery({ name: 'q', required: false, description: 'ICCID or MSISDN prefix' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query() query: unknown) {
    const q = parse(listQuery, query, 'query');
    let after: string | null = null;
    if (q.cursor) {
      after = decodeCursor(q.cursor);
      if (!after) throw new Problem(400, 'INVALID_CURSOR', 'cursor is not one this API returned', { field: 'query.cursor' });
    }
    return this.cards.list(filterOf(q), q.limit, after);
  }

  @Get('cards\\:export')
  @ApiOperation({ summary: 'Export the filtered list as CSV (streamed, up to 500,000 rows)' })
  async export(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const q = parse(exportQuery, query, 'query');
    // The feed position before the first read: follow GET /v1/events?after=<it> to stay in step after the export.
    const feedPosition = await this.sg.store.events.position();
    res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', 'attachment; filename="cards.csv"');
    res.setHeader('simgate-feed-position', feedPosition);
    res.write(CSV_COLUMNS.join(',') + '\n');
    let after: string | null = null;
    let n = 0;
    while (n < q.limit) {
      const page = await this.sg.store.cards.list(filterOf(q), Math.min(2000, q.limit - n), after, { raw: false });
      if (!page.length) break;
      const views = await this.cards.views(page);
      const lines = views.map((v) => {
        const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
          ...v,
          cycleStart: v.usage?.cycleStart,
          usedBytes: v.usage?.usedBytes,
          quotaBytes: v.usage?.quotaBytes,
          remainingBytes: v.usage?.remainingBytes,
          usageAsOf: v.usage?.asOf,
        };
        return CSV_COLUMNS.map((c) => csvCell(row[c])).join(',');
      });
      if (!res.write(lines.join('\n') + '\n')) await new Promise((r) => res.once('drain', r));
      n += page.length;
      after = page[page.length - 1].iccid;
    }
    res.end();
  }

  @Get('cards/:iccid')
  @ApiOperation({ summary: 'One card: normalized status and reason with recovery, raw values, usage, freshness, forecast' })
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(iccidParam, params, 'params');
    parseNoQuery(query);
    return found('card', iccid, this.cards.get(iccid));
  }

  @Get('cards/:iccid/history')
  @ApiOperation({ summary: 'Status changes of a card, newest first, with raw values' })
  async history(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(iccidParam, params, 'params');
    parseNoQuery(query);
    const card = await found('card', iccid, this.sg.store.cards.get(iccid));
    const zone = zoneOf(card, this.manifestOf(card.platform));
    const h = await this.sg.store.cards.history(iccid);
    return { items: h.map((x) => ({ ...x, asOf: isoInZone(x.asOf, zone), observedAt: isoInZone(x.observedAt, zone) })) };
  }

  @Get('cards/:iccid/usage')
  @ApiOperation({ summary: 'Usage per billing cycle, or per day (fetched from the carrier when missing)' })
  async usage(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(iccidParam, params, 'params');
    const q = parse(usageQuery, query, 'query');
    const card = await found('card', iccid, this.sg.store.cards.get(iccid));
    const manifest = this.manifestOf(card.platform);
    const zone = zoneOf(card, manifest);
    if (q.granularity === 'cycle') {
      // Days are the platform's calendar days.
      const from = q.from ? parseLocalDateTime(`${q.from} 00:00:00`, zone) : null;
      const toStart = q.to ? parseLocalDateTime(`${q.to} 00:00:00`, zone) : null;
      const to = toStart ? new Date(addInZone(toStart, zone, { days: 1 }).getTime() - 1) : null;
      const cycles = await this.sg.store.usage.cycles(iccid, from, to);
      return {
        iccid,
        granularity: 'cycle',
        items: cycles.map((u) => ({
          cycleStart: isoInZone(u.cycleStart, zone),
          cycleEnd: isoInZone(u.cycleEnd, zone),
          usedBytes: u.usedBytes,
          quotaBytes: u.quotaBytes,
          remainingBytes: u.remainingBytes,
          asOf: isoInZone(u.asOf, zone),
        })),
      };
    }
    const now = this.cards.now();
    const today = dayInZone(now, zone);
    const to = q.to ?? today;
    const from = q.from ?? dayInZone(new Date(now.getTime() - 30 * 86400_000), zone);
    let items = await this.sg.store.usage.daily(iccid, from, to);
    let fetched = false;
    if (!items.length && manifest?.capabilities.dailyUsage && this.sg.runtime.has(card.accountId)) {
      items = await this.sg.engine.fetchDaily(card.accountId, { iccid, msisdn: card.msisdn }, from, to);
      fetched = true;
    }
    return { iccid, granularity: 'day', from, to, fetched, items: items.map((d) => ({ day: d.day, usedBytes: d.usedBytes })) };
  }

  /** The manifest of a registered platform (undefined for a platform no longer registered). */
  private manifestOf(platform: string): AdapterManifest | undefined {
    return this.sg.registry.has(platform) ? this.sg.registry.get(platform).manifest : undefined;
  }

  @Get('cards/:iccid/diagnosis')
  @ApiOperation({ summary: 'Troubleshooting (domain.md §8) evaluated for this card' })
  async diagnosis(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(iccidParam, params, 'params');
    parseNoQuery(query);
    const card = await found('card', iccid, this.cards.get(iccid));
    return { iccid, ...diagnose(card, this.cards.now(), this.sg.config.intervals.status * this.sg.config.budgetFactor) };
  }
}
