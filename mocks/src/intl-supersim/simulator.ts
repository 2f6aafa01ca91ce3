import { BaseSimulator } from '../sim/base';
import { unit } from '../sim/random';
import { SlidingWindow } from '../sim/sliding-window';
import type { SimOptions, SimRequest, SimResponse } from '../sim/types';
import { CAP_FLEETS, DAY_MS, HOUR_MS, SupersimFleet, type SimStatus } from './fleet';
import { usageRecords } from './usage';

/**
 * `intl-supersim`: the Super SIM API simulator, carriers.md §6, written from that text. HTTP Basic on every call
 * (`AC…:token`), form-encoded PascalCase requests, snake_case JSON answers, lists paged by `next_page_url`
 * (a `PageToken`), `POST /Sims/{Sid}` answered 202 `scheduled` and applied after the order delay, per-SIM
 * billing periods, fleets with data limits, usage records (hour, day or all; grouped by SIM across the
 * account) reported up to the start of the current UTC hour, the quota (20/s, 10 in flight) answered 429
 * `20429`, and faults in the platform's wire form.
 *
 * Conventions of this simulator (carriers.md does not fix them): `next_page_url` is path-absolute (`/v1/Sims?…`:
 * a simulator served on loopback does not know its public origin); a SIM answered by `unique_name` too; a
 * change of a `new` SIM to `inactive`, or to `ready` of a SIM that left `new`, is refused 400 `21000`;
 * `StartTime` and `EndTime` are required on `/UsageRecords`; usage buckets are whole UTC hours or days, and
 * records with no data are left out.
 */
export const BASE_PATH = '/v1/';
export const REQUESTS_PER_SECOND = 20;
export const MAX_IN_FLIGHT = 10;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(status: number, code: number, message: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class IntlSupersimSimulator extends BaseSimulator {
  readonly credentials: Record<string, string>;
  readonly cards: number;
  readonly fleet: SupersimFleet;
  private readonly window: SlidingWindow;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private credentialsRevoked = 0;

  constructor(options: SimOptions) {
    super(options, {
      platform: 'intl-supersim',
      basePath: BASE_PATH,
      accountName: 'intl-supersim-main',
      faultSalt: 0xccec,
      // (convention) carriers.md gives no processing time: a change shows `scheduled` for two minutes.
      defaultOrderDelayMs: 2 * 60_000,
    });
    this.cards = options.cards;
    this.fleet = new SupersimFleet(options.cards, options.seed, options.clock.nowMs());
    this.credentials = { accountSid: this.fleet.accountSid, authToken: `tok${this.fleet.accountSid.slice(2, 18)}${options.seed}` };
    const factor = options.quotaFactor ?? 1;
    this.window = new SlidingWindow(Math.max(1, Math.round(REQUESTS_PER_SECOND * factor)), 1000);
    this.maxInFlight = Math.max(1, Math.round(MAX_IN_FLIGHT * factor));
    this.seedScheduled();
  }

  /** About 3 % of the SIMs that left `new` have a change being applied when the clock starts (`scheduled`). */
  private seedScheduled(): void {
    const now = this.clock.nowMs();
    for (let i = 0; i < this.cards; i++) {
      if (unit(this.fleet.seed, i, 11) >= 0.03) continue;
      const status = this.fleet.statusAt(this.fleet.base(i), now);
      if (status !== 'active' && status !== 'inactive') continue;
      this.fleet.pending.set(i, [{ receivedMs: now - 60_000, dueMs: now + this.orderDelayMs, status: status === 'active' ? 'inactive' : 'active' }]);
    }
  }

  /** The account's `options.capFleets`: cap in MB → the SID of the fleet whose `data_limit` it is. */
  capFleets(): Record<string, string> {
    return Object.fromEntries(Object.entries(CAP_FLEETS).map(([mb, f]) => [mb, this.fleet.fleets[f].sid]));
  }

  /** The status the platform shows for SIM `index` at the clock (`scheduled` while an order is applied). */
  rawStatusOf(index: number): string {
    const now = this.clock.nowMs();
    this.fleet.settle(index, now);
    return this.fleet.rawStatus(index, now);
  }

  /** The status under a `scheduled` one: what the SIM is until its order applies. */
  settledStatusOf(index: number): SimStatus {
    return this.fleet.statusAt(this.fleet.base(index), this.clock.nowMs());
  }

  iccidOf(index: number): string {
    return this.fleet.iccids.encode(index);
  }

  /** The fleet's data limit of SIM `index` now, in bytes (decimal MB). */
  dataLimitBytesOf(index: number): number {
    const b = this.fleet.base(index);
    return this.fleet.fleets[this.fleet.fleetAt(b, this.clock.nowMs())].dataLimitMb * 1_000_000;
  }

  /** The current billing period of SIM `index` and the bytes reported in it (up to the start of this UTC hour). */
  reportedPeriodOf(index: number): { start: Date; end: Date; bytes: number } | null {
    const now = this.clock.nowMs();
    const p = this.fleet.period(index, now);
    if (!p) return null;
    const horizon = Math.floor(now / HOUR_MS) * HOUR_MS;
    return { start: new Date(p.start), end: new Date(p.end), bytes: this.fleet.usedBetween(this.fleet.base(index), p.start, horizon) };
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const path = req.path.replace(/\/+$/, '');
    this.counters.request(`${req.method} ${endpointOf(path)}`);
    const fault = this.faults.draw();
    if (fault) this.counters.fault(fault);
    if (this.faults.takeForced('expireTokens')) {
      // Basic auth has no token (carriers.md §6): "expiry" makes the next request's credentials fail once.
      this.counters.fault('expireTokens');
      this.credentialsRevoked++;
    }
    if (fault === 'serverError') return errorBody(500, 20500, 'An internal server error has occurred');
    if (fault === 'rateLimit') {
      this.counters.injectedRateLimits++;
      return errorBody(429, 20429, 'Too Many Requests');
    }
    if (!this.authorized(req.headers.authorization)) return errorBody(401, 20003, 'Authenticate');
    const t = this.realNow();
    if (this.inFlight >= this.maxInFlight || !this.window.canAccept(t)) {
      this.counters.quotaViolations++;
      return errorBody(429, 20429, 'Too Many Requests');
    }
    this.window.record(t);
    this.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.inFlight);
    let out: SimResponse;
    try {
      if (this.faults.config.latencyMs > 0 && fault !== 'timeout') await sleep(this.faults.config.latencyMs);
      try {
        out = this.route(req, path);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        out = errorBody(err.status, err.code, err.message);
      }
    } finally {
      this.inFlight--;
    }
    if (fault === 'timeout') return { ...out, hang: true };
    if (fault === 'malformed') return { ...out, status: 200, body: '{"sims":[{"sid":"HS' };
    if (fault === 'truncated') return { ...out, body: out.body.slice(0, Math.max(1, Math.floor(out.body.length / 2))) };
    return out;
  }

  private authorized(header: string | undefined): boolean {
    if (this.credentialsRevoked > 0) {
      this.credentialsRevoked--;
      return false;
    }
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    return decoded === `${this.credentials.accountSid}:${this.credentials.authToken}`;
  }

  private route(req: SimRequest, path: string): SimResponse {
    const now = this.clock.nowMs();
    const m = req.method;
    if (path === 'Sims' && m === 'GET') return this.listSims(req.query, now);
    if (path === 'Fleets' && m === 'GET') return this.page('Fleets', 'fleets', this.fleet.fleets.map((f) => this.fleetJson(f.index)), req.query, {});
    if (path === 'UsageRecords' && m === 'GET') return this.usage(req.query, now);
    let r = /^Sims\/([^/]+)$/.exec(path);
    if (r && (m === 'GET' || m === 'POST')) {
      const i = this.simIndex(r[1]);
      this.fleet.settle(i, now);
      return m === 'GET' ? json(200, this.simJson(i, now)) : this.change(i, req.body, now);
    }
    r = /^Sims\/([^/]+)\/BillingPeriods$/.exec(path);
    if (r && m === 'GET') return this.billingPeriods(this.simIndex(r[1]), req.query, now);
    r = /^Fleets\/([^/]+)$/.exec(path);
    if (r && m === 'GET') {
      const f = this.fleet.fleetOf(r[1]);
      if (!f) throw new ApiError(404, 20404, `The requested resource /Fleets/${r[1]} was not found`);
      return json(200, this.fleetJson(f.index));
    }
    throw new ApiError(404, 20404, `The requested resource /${path} was not found`);
  }

  private simIndex(id: string): number {
    const i = this.fleet.indexOfSim(id);
    if (i === null) throw new ApiError(404, 20404, `The requested resource /Sims/${id} was not found`);
    return i;
  }

  simJson(i: number, now: number): Record<string, unknown> {
    const b = this.fleet.base(i);
    const st = this.fleet.states.get(i);
    const url = `https://supersim.twilio.com/v1/Sims/${b.sid}`;
    return {
      sid: b.sid,
      unique_name: b.uniqueName,
      account_sid: this.fleet.accountSid,
      iccid: b.iccid,
      status: this.fleet.rawStatus(i, now),
      fleet_sid: this.fleet.fleets[this.fleet.fleetAt(b, now)].sid,
      date_created: iso(b.createdMs),
      date_updated: iso(Math.max(b.createdMs, st?.updatedMs ?? 0, ...b.segments.filter((s) => s.fromMs <= now).map((s) => s.fromMs))),
      url,
      links: { billing_periods: `${url}/BillingPeriods` },
    };
  }

  private fleetJson(f: number): Record<string, unknown> {
    const d = this.fleet.fleets[f];
    return {
      sid: d.sid,
      unique_name: d.uniqueName,
      account_sid: this.fleet.accountSid,
      data_enabled: true,
      data_limit: d.dataLimitMb,
      data_metering: 'payg',
      network_access_profile_sid: `HA${d.sid.slice(2)}`,
      date_created: iso(this.fleet.epochMs - 400 * DAY_MS),
      date_updated: iso(this.fleet.epochMs - 400 * DAY_MS),
      url: `https://supersim.twilio.com/v1/Fleets/${d.sid}`,
    };
  }

  private listSims(q: Record<string, string>, now: number): SimResponse {
    const size = pageSize(q);
    const from = pageToken(q);
    const status = q.Status;
    if (status !== undefined && !['new', 'ready', 'active', 'inactive', 'scheduled'].includes(status)) throw new ApiError(400, 20001, 'Invalid Status');
    const fleet = q.Fleet !== undefined ? this.fleet.fleetOf(q.Fleet) : undefined;
    if (fleet === null) throw new ApiError(400, 20001, 'Invalid Fleet');
    const only = q.Iccid !== undefined ? this.fleet.indexOfIccid(q.Iccid) : undefined;
    const sims: unknown[] = [];
    let i = only !== undefined ? (only === null || only < from ? this.cards : only) : from;
    const end = only !== undefined && only !== null ? only + 1 : this.cards;
    for (; i < end && sims.length < size; i++) {
      this.fleet.settle(i, now);
      const b = this.fleet.base(i);
      if (status !== undefined && this.fleet.rawStatus(i, now) !== status) continue;
      if (fleet && this.fleet.fleetAt(b, now) !== fleet.index) continue;
      sims.push(this.simJson(i, now));
    }
    return this.pageAnswer('Sims', 'sims', sims, q, size, from, i < end ? i : null);
  }

  private billingPeriods(i: number, q: Record<string, string>, now: number): SimResponse {
    this.fleet.settle(i, now);
    const b = this.fleet.base(i);
    const current = this.fleet.periodIndex(b, now);
    const periods: unknown[] = [];
    for (let k = current; k >= 0; k--) {
      const start = this.fleet.periodStart(b, k);
      periods.push({
        sid: `HB${b.sid.slice(2, 10)}${i.toString(16).padStart(16, '0')}${k.toString(16).padStart(8, '0')}`,
        account_sid: this.fleet.accountSid,
        sim_sid: b.sid,
        start_time: iso(start),
        end_time: iso(this.fleet.periodStart(b, k + 1)),
        period_type: this.fleet.statusAt(b, start) === 'ready' ? 'ready' : 'active',
        date_created: iso(start),
        date_updated: iso(start),
      });
    }
    return this.page(`Sims/${b.sid}/BillingPeriods`, 'billing_periods', periods, q, {});
  }

  private usage(q: Record<string, string>, now: number): SimResponse {
    const start = Date.parse(q.StartTime ?? '');
    const end = Date.parse(q.EndTime ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) throw new ApiError(400, 20001, 'StartTime and EndTime are required, StartTime before EndTime');
    const granularity = q.Granularity ?? 'all';
    const maxMs = { hour: 31 * DAY_MS, day: 92 * DAY_MS, all: 548 * DAY_MS }[granularity];
    if (maxMs === undefined) throw new ApiError(400, 20001, 'Invalid Granularity');
    if (end - start > maxMs) throw new ApiError(400, 83604, `The period is too long for granularity ${granularity}`);
    if (q.Group !== undefined && q.Group !== 'sim') throw new ApiError(400, 20001, 'Invalid Group');
    let sims: number[] | null = null;
    if (q.Sim !== undefined) sims = [this.simIndex(q.Sim)];
    else if (q.Group !== 'sim') throw new ApiError(400, 20001, 'Sim or Group=sim is required');
    const fleet = q.Fleet !== undefined ? this.fleet.fleetOf(q.Fleet) : undefined;
    if (fleet === null) throw new ApiError(400, 20001, 'Invalid Fleet');
    for (const i of sims ?? [...this.fleet.pending.keys()]) this.fleet.settle(i, now);
    const size = pageSize(q);
    const page = usageRecords(this.fleet, {
      sims,
      fleet: fleet?.index ?? null,
      granularity: granularity as 'hour' | 'day' | 'all',
      start,
      end: Math.min(end, Math.floor(now / HOUR_MS) * HOUR_MS),
      from: q.PageToken ?? null,
      size,
    });
    return this.pageAnswer('UsageRecords', 'usage_records', page.records, q, size, 0, page.next, page.next);
  }

  private change(i: number, body: string, now: number): SimResponse {
    const form = new URLSearchParams(body);
    const status = form.get('Status');
    const fleetId = form.get('Fleet');
    if (status === null && fleetId === null) throw new ApiError(400, 20001, 'Status or Fleet is required');
    if (status !== null && !['ready', 'active', 'inactive'].includes(status)) throw new ApiError(400, 20001, `Invalid Status ${status}`);
    const fleet = fleetId !== null ? this.fleet.fleetOf(fleetId) : undefined;
    if (fleet === null) throw new ApiError(400, 20001, `Invalid Fleet ${fleetId}`);
    const current = this.fleet.statusAt(this.fleet.base(i), now);
    if (status === 'ready' && current !== 'new') throw new ApiError(400, 21000, 'A SIM can move to ready only from new');
    if (status === 'inactive' && current === 'new') throw new ApiError(400, 21000, 'A new SIM cannot be made inactive');
    const list = this.fleet.pending.get(i) ?? [];
    const change = { receivedMs: now, dueMs: now + this.orderDelayMs, ...(status ? { status: status as SimStatus } : {}), ...(fleet ? { fleet: fleet.index } : {}) };
    list.push(change);
    this.fleet.pending.set(i, list);
    this.counters.order(`${this.fleet.simSid(i)}|${status ?? '-'}|${fleet?.sid ?? '-'}|${now}`, 'POST Sims/{Sid}', new Date(now));
    if (this.orderDelayMs <= 0) this.fleet.settle(i, now);
    return json(202, this.simJson(i, now));
  }

  private page(path: string, key: string, all: unknown[], q: Record<string, string>, _x: object): SimResponse {
    const size = pageSize(q);
    const from = pageToken(q);
    return this.pageAnswer(path, key, all.slice(from, from + size), q, size, from, from + size < all.length ? from + size : null);
  }

  private pageAnswer(path: string, key: string, items: unknown[], q: Record<string, string>, size: number, from: number, next: number | string | null, token?: string | null): SimResponse {
    const keep = Object.entries(q).filter(([k]) => k !== 'PageToken' && k !== 'Page' && k !== 'PageSize');
    const url = (t: string | null): string => {
      const p = new URLSearchParams([...keep, ['PageSize', String(size)], ...(t ? [['PageToken', t] as [string, string]] : [])]);
      return `${BASE_PATH}${path}?${p.toString()}`;
    };
    const nextToken = next === null ? null : token ?? `PT${Number(next).toString(36)}`;
    return json(200, {
      [key]: items,
      meta: {
        page: Math.floor(from / size),
        page_size: size,
        first_page_url: url(null),
        previous_page_url: null,
        url: url(q.PageToken ?? null),
        next_page_url: nextToken === null ? null : url(nextToken),
        key,
      },
    });
  }
}

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function pageSize(q: Record<string, string>): number {
  const n = q.PageSize === undefined ? DEFAULT_PAGE_SIZE : Number(q.PageSize);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new ApiError(400, 20001, `PageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

function pageToken(q: Record<string, string>): number {
  if (q.PageToken === undefined) return 0;
  const m = /^PT([0-9a-z]+)$/.exec(q.PageToken);
  if (!m) throw new ApiError(400, 20001, 'Invalid PageToken');
  return parseInt(m[1], 36);
}

/** The endpoint class of a path (counters): SIDs replaced by their placeholder. */
export function endpointOf(path: string): string {
  return path.replace(/^Sims\/[^/]+/, 'Sims/{Sid}').replace(/^Fleets\/[^/]+/, 'Fleets/{Sid}');
}
