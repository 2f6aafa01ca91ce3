import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { addInZone, dayInZone, isoInZone, parseLocalDateTime, zoneOf, type AdapterManifest } from '@simgate/core';
import type { Simgate } from '@simgate/sync';
import type { Response } from 'express';
import type { CardFilter } from '@simgate/store';
import type { z } from 'zod';
import { knownAccount, knownPlatform } from '../common/filters';
import { ApiRoute } from '../common/openapi';
import { Problem, found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { ChargesCards, dailyUsageCost } from '../protection/card-cost';
import { SIMGATE } from '../tokens';
import { CardsService, decodeCursor } from './cards.service';
import { cardDiagnosis, cardHistory, cardUsage, exportCards, getCard, listCards, type exportQuery, type listQuery } from './cards.schemas';
import { diagnose } from './diagnosis';

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

/** A CSV cell: numbers as numbers; text quoted when needed and neutralised when a spreadsheet would read a formula. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
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
  @ApiRoute(listCards)
  async list(@Query() query: unknown) {
    const q = parse(listCards.query, query, 'query');
    this.knownFilters(q);
    let after: string | null = null;
    if (q.cursor) {
      after = decodeCursor(q.cursor);
      if (!after) throw new Problem(400, 'INVALID_CURSOR', 'cursor is not one this API returned', { field: 'query.cursor' });
    }
    return this.cards.list(filterOf(q), q.limit, after);
  }

  @Get('cards\\:export')
  @ApiRoute(exportCards)
  async export(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const q = parse(exportCards.query, query, 'query');
    this.knownFilters(q);
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

  /** Platform and account filters must name known ones (400 with the known values). */
  private knownFilters(q: { platform?: string; account?: string }): void {
    knownPlatform(this.sg, q.platform);
    knownAccount(this.sg, q.account);
  }

  @Get('cards/:iccid')
  @ApiRoute(getCard)
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(getCard.params, params, 'params');
    parseNoQuery(query);
    return found('card', iccid, this.cards.get(iccid));
  }

  @Get('cards/:iccid/history')
  @ApiRoute(cardHistory)
  async history(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(cardHistory.params, params, 'params');
    parseNoQuery(query);
    const card = await found('card', iccid, this.sg.store.cards.get(iccid));
    const zone = zoneOf(card, this.manifestOf(card.platform));
    const h = await this.sg.store.cards.history(iccid);
    return { items: h.map((x) => ({ ...x, asOf: isoInZone(x.asOf, zone), observedAt: isoInZone(x.observedAt, zone) })) };
  }

  @Get('cards/:iccid/usage')
  @ChargesCards(dailyUsageCost)
  @ApiRoute(cardUsage)
  async usage(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(cardUsage.params, params, 'params');
    const q = parse(cardUsage.query, query, 'query');
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
        granularity: 'cycle' as const,
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
    return { iccid, granularity: 'day' as const, from, to, fetched, items: items.map((d) => ({ day: d.day, usedBytes: d.usedBytes })) };
  }

  /** The manifest of a registered platform (undefined for a platform no longer registered). */
  private manifestOf(platform: string): AdapterManifest | undefined {
    return this.sg.registry.has(platform) ? this.sg.registry.get(platform).manifest : undefined;
  }

  @Get('cards/:iccid/diagnosis')
  @ApiRoute(cardDiagnosis)
  async diagnosis(@Param() params: unknown, @Query() query: unknown) {
    const { iccid } = parse(cardDiagnosis.params, params, 'params');
    parseNoQuery(query);
    const card = await found('card', iccid, this.cards.get(iccid));
    return { iccid, ...diagnose(card, this.cards.now(), this.sg.config.intervals.status * this.sg.config.budgetFactor, this.manifestOf(card.platform)) };
  }
}
