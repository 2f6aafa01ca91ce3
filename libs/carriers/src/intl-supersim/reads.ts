import type { CardRef, CarrierError } from '@simgate/core';
import { cardScoped, classify, malformed, readPerCard, type AnswerContext } from '../toolkit';
import type { IntlSupersimAnswer, IntlSupersimCall, IntlSupersimClient } from './client';
import { errorTable } from './errors';
import type { Options } from './manifest';
import {
  DAY_MS,
  DECIMAL_MB,
  decodeBillingPeriods,
  decodeFleets,
  decodeSimsPage,
  decodeUsage,
  eachUsageRecord,
  periodContaining,
  reportedUntil,
  totalBytes,
  type Page,
  type Period,
} from './map';
import type { WireFleet, WireSim } from './wire';

/** Endpoint classes (rate limits and metrics; no SID in them). */
export const SIMS = 'Sims';
export const SIM = 'Sims/{Sid}';
export const PERIODS = 'Sims/{Sid}/BillingPeriods';
export const FLEETS = 'Fleets';
export const USAGE = 'UsageRecords';

/** Days of the account-wide usage window: every current period (at most 31 days) starts inside it. */
const WINDOW_DAYS = 32;
/** SIMs read at once when a read goes SIM by SIM (the platform allows 10 requests in flight). */
export const CONCURRENCY = 10;
const PAGE = '1000';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The reads of a Super SIM account and what they cache (docs/carriers.md, intl-supersim): the SIM list (an index
 * ICCID → SID and fleet, and a walk reused for `listReuseSeconds`), the fleets (per UTC hour), each SIM's current
 * billing period (re-read only once it has ended), the account-wide daily usage grouped by SIM (per UTC hour:
 * usage is reported up to the start of the hour), and each SIM's usage on the first, partial day of its period
 * (final once that day is over).
 */
export class SupersimReads {
  private readonly index = new Map<string, { sid: string; fleetSid: string | null }>();
  private readonly periods = new Map<string, Period>();
  private readonly edges = new Map<string, { start: number; bytes: number }>();
  private fleetCache: { hour: number; fleets: Promise<Map<string, WireFleet>> } | null = null;
  private grouped: { hour: number; from: number; days: Promise<GroupedDays> } | null = null;
  private snapshot: { at: number; sims: Promise<Map<string, WireSim>> } | null = null;

  constructor(
    private readonly client: IntlSupersimClient,
    private readonly options: Options,
  ) {}

  ctx(endpoint: string, a: IntlSupersimAnswer): AnswerContext {
    return { endpoint, secrets: a.secrets, httpStatus: a.res.status };
  }

  private async get(c: Omit<IntlSupersimCall, 'method'>): Promise<IntlSupersimAnswer> {
    return this.client.call({ method: 'GET', ...c });
  }

  /** Every page of a list, from its first request, following `next_page_url`. */
  private async walk<T>(path: string, endpoint: string, params: Record<string, string>, decode: (body: string, ctx: AnswerContext) => Page<T>, each: (items: T[]) => void): Promise<void> {
    let next: string | null = path;
    let first = true;
    const seen = new Set<string>();
    while (next !== null) {
      const a = await this.get({ path: next, endpoint, ...(first ? { params } : {}) });
      const ctx = this.ctx(endpoint, a);
      const page = decode(a.res.body, ctx);
      each(page.items);
      // A `next_page_url` seen before would page for ever: the answer is wrong, not the walk.
      if (page.next !== null && seen.has(page.next)) throw malformed(errorTable, ctx, 'next_page_url repeats an earlier page');
      if (page.next !== null) seen.add(page.next);
      next = page.next;
      first = false;
    }
  }

  /** Whether a read of `n` SIMs goes through the account-wide pages (fewer are read SIM by SIM, fresh). */
  accountWide(n: number): boolean {
    return n >= this.options.accountReadFrom;
  }

  remember(sims: readonly WireSim[]): void {
    for (const s of sims) this.index.set(s.iccid, { sid: s.sid, fleetSid: s.fleet_sid ?? null });
  }

  /** One page of `GET /Sims` (PageSize 1000): `cursor` is the previous page's `next_page_url`. */
  async listPage(cursor: string | null): Promise<Page<WireSim>> {
    const a = await this.get({ path: cursor ?? SIMS, endpoint: SIMS, ...(cursor ? {} : { params: { PageSize: PAGE } }) });
    const page = decodeSimsPage(a.res.body, this.ctx(SIMS, a));
    this.remember(page.items);
    return page;
  }

  /** Every SIM of the account by ICCID: one walk of the list, reused for `listReuseSeconds`. */
  allSims(at: Date): Promise<Map<string, WireSim>> {
    const t = at.getTime();
    const s = this.snapshot;
    if (s && t >= s.at && t - s.at < this.options.listReuseSeconds * 1000) return s.sims;
    const sims = (async () => {
      const out = new Map<string, WireSim>();
      await this.walk(SIMS, SIMS, { PageSize: PAGE }, decodeSimsPage, (items) => {
        this.remember(items);
        for (const x of items) out.set(x.iccid, x);
      });
      return out;
    })();
    this.snapshot = { at: t, sims };
    sims.catch(() => (this.snapshot?.sims === sims ? (this.snapshot = null) : undefined));
    return sims;
  }

  /** One SIM by ICCID (`GET /Sims?Iccid=`); an ICCID the account lacks is that card's refusal. */
  async simByIccid(iccid: string): Promise<WireSim> {
    const a = await this.get({ path: SIMS, endpoint: SIMS, params: { Iccid: iccid } });
    const page = decodeSimsPage(a.res.body, this.ctx(SIMS, a));
    this.remember(page.items);
    const sim = page.items.find((s) => s.iccid === iccid);
    if (!sim) throw unknownSim(iccid);
    return sim;
  }

  /** The SID of a card: known from a list read, else one `GET /Sims?Iccid=`. */
  async sidOf(iccid: string): Promise<{ sid: string; fleetSid: string | null }> {
    const known = this.index.get(iccid);
    if (known) return known;
    const sim = await this.simByIccid(iccid);
    return { sid: sim.sid, fleetSid: sim.fleet_sid ?? null };
  }

  /** The account's fleets by SID, read once per UTC hour. */
  fleets(at: Date): Promise<Map<string, WireFleet>> {
    const hour = reportedUntil(at);
    if (this.fleetCache?.hour === hour) return this.fleetCache.fleets;
    const fleets = (async () => {
      const out = new Map<string, WireFleet>();
      await this.walk(FLEETS, FLEETS, { PageSize: PAGE }, decodeFleets, (items) => items.forEach((f) => out.set(f.sid, f)));
      return out;
    })();
    this.fleetCache = { hour, fleets };
    fleets.catch(() => (this.fleetCache?.fleets === fleets ? (this.fleetCache = null) : undefined));
    return fleets;
  }

  /** The SIM's current billing period: cached, re-read only once the cached one has ended. Null: none (`new`). */
  async period(sid: string, at: Date): Promise<Period | null> {
    const t = at.getTime();
    const cached = this.periods.get(sid);
    if (cached && cached.start <= t && t < cached.end) return cached;
    const a = await this.get({ path: `Sims/${sid}/BillingPeriods`, endpoint: PERIODS, params: { PageSize: '2' } });
    const ctx = this.ctx(PERIODS, a);
    const page = decodeBillingPeriods(a.res.body, ctx);
    let found = periodContaining(page.items, at, ctx);
    // Newest first (convention): the current period is on the first page unless the answer is in another order.
    if (!found && page.next && page.items.length) {
      const all = [...page.items];
      await this.walk(page.next, PERIODS, {}, decodeBillingPeriods, (items) => all.push(...items));
      found = periodContaining(all, at, ctx);
    }
    if (found) this.periods.set(sid, found);
    return found;
  }

  /** Bytes of one SIM in [from, to) (`Granularity=all`), exact. */
  private async usageBetween(sid: string, from: number, to: number): Promise<number> {
    if (to <= from) return 0;
    let bytes = 0;
    const params = { Sim: sid, Granularity: 'all', StartTime: iso(from), EndTime: iso(to), PageSize: PAGE };
    await this.walk(USAGE, USAGE, params, decodeUsage, (items) => (bytes += totalBytes(items)));
    return bytes;
  }

  /** One SIM's bytes per UTC day (`yyyy-MM-dd`) in [from, to) (`Granularity=day`). */
  async daily(sid: string, from: number, to: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (to <= from) return out;
    const params = { Sim: sid, Granularity: 'day', StartTime: iso(from), EndTime: iso(to), PageSize: PAGE };
    await this.walk(USAGE, USAGE, params, decodeUsage, (items) => {
      for (const r of items) {
        const day = new Date(Date.parse(r.period.start_time)).toISOString().slice(0, 10);
        out.set(day, (out.get(day) ?? 0) + Math.round(r.data_total));
      }
    });
    return out;
  }

  /**
   * The account's daily usage by SIM over the last WINDOW_DAYS days, once per UTC hour (`Group=sim`): one row of
   * WINDOW_DAYS + 1 days per SIM with data, in one array (rows by SIM ordinal).
   */
  private groupedDays(at: Date): { from: number; days: Promise<GroupedDays> } {
    const hour = reportedUntil(at);
    if (this.grouped?.hour === hour) return this.grouped;
    const from = Math.floor(hour / DAY_MS) * DAY_MS - (WINDOW_DAYS - 1) * DAY_MS;
    const days = (async () => {
      const out = new GroupedDays(WINDOW_DAYS + 1);
      const params = { Group: 'sim', Granularity: 'day', StartTime: iso(from), EndTime: iso(hour), PageSize: PAGE };
      let next: string | null = USAGE;
      let first = true;
      const seen = new Set<string>();
      while (next !== null) {
        const a = await this.get({ path: next, endpoint: USAGE, ...(first ? { params } : {}) });
        const ctx = this.ctx(USAGE, a);
        next = eachUsageRecord(a.res.body, ctx, (sid, start, bytes) => out.add(sid, Math.floor((start - from) / DAY_MS), bytes));
        if (next !== null && seen.has(next)) throw malformed(errorTable, ctx, 'next_page_url repeats an earlier page');
        if (next !== null) seen.add(next);
        first = false;
      }
      return out;
    })();
    this.grouped = { hour, from, days };
    days.catch(() => (this.grouped?.days === days ? (this.grouped = null) : undefined));
    return this.grouped;
  }

  /**
   * Bytes of a SIM in its current period up to the start of this hour. SIM by SIM: one `Granularity=all` request
   * from the period's start. Account-wide: the first, partial day of the period (one request per SIM and period,
   * cached) plus the grouped daily records from the next day on.
   */
  async periodUsage(sid: string, period: Period, at: Date, accountWide: boolean): Promise<number> {
    const until = reportedUntil(at);
    if (until <= period.start) return 0;
    const nextDay = Math.floor(period.start / DAY_MS) * DAY_MS + DAY_MS;
    if (!accountWide || nextDay > until) return this.usageBetween(sid, period.start, until);
    const g = this.groupedDays(at);
    const grouped = await g.days;
    return (await this.edge(sid, period.start, nextDay)) + grouped.sum(sid, Math.max(0, Math.floor((nextDay - g.from) / DAY_MS)));
  }

  private async edge(sid: string, start: number, nextDay: number): Promise<number> {
    const cached = this.edges.get(sid);
    if (cached?.start === start) return cached.bytes;
    const bytes = await this.usageBetween(sid, start, nextDay);
    this.edges.set(sid, { start, bytes });
    return bytes;
  }

  /**
   * Whether an `active` SIM's period data reached its fleet's limit. Account-wide, a SIM whose data over the whole
   * window is under the limit needs no period read: the window holds its current period.
   */
  async overQuota(sim: WireSim, fleet: WireFleet | null, at: Date, accountWide: boolean): Promise<boolean> {
    if (sim.status !== 'active' || !fleet?.data_limit) return false;
    const limit = fleet.data_limit * DECIMAL_MB;
    if (accountWide) {
      if ((await this.groupedDays(at).days).sum(sim.sid, 0) < limit) return false;
    }
    const period = await this.period(sim.sid, at);
    return period !== null && (await this.periodUsage(sim.sid, period, at, accountWide)) >= limit;
  }

  /** Per-card reads, 10 in flight; a card-scoped refusal or a passing fault is that card's failure. */
  perCard<T>(refs: readonly CardRef[], read: (ref: CardRef) => Promise<T>) {
    return readPerCard(refs, read, { concurrency: CONCURRENCY, refusalIsCards: cardScoped(errorTable) });
  }
}

/** The refusal of an ICCID the account does not have (the table's 20404 row: that card's failure). */
export function unknownSim(iccid: string): CarrierError {
  return classify(errorTable, { endpoint: SIMS, secrets: [], httpStatus: 404 }, { code: '20404', message: `no SIM with ICCID ${iccid} in the account` });
}

/** Bytes per SIM and day in one growing array: a SIM's row is `days` numbers at its ordinal. */
export class GroupedDays {
  private readonly ordinal = new Map<string, number>();
  private data = new Float64Array(0);

  constructor(readonly days: number) {}

  add(sid: string, day: number, bytes: number): void {
    if (day < 0 || day >= this.days) return;
    let k = this.ordinal.get(sid);
    if (k === undefined) {
      k = this.ordinal.size;
      this.ordinal.set(sid, k);
      if ((k + 1) * this.days > this.data.length) {
        const grown = new Float64Array(Math.max(1024, this.data.length * 2));
        grown.set(this.data);
        this.data = grown;
      }
    }
    this.data[k * this.days + day] += bytes;
  }

  /** A SIM's bytes from day `from` of the window to its end (0 for a SIM without records). */
  sum(sid: string, from: number): number {
    const k = this.ordinal.get(sid);
    if (k === undefined) return 0;
    let n = 0;
    for (let d = from; d < this.days; d++) n += this.data[k * this.days + d];
    return n;
  }
}
