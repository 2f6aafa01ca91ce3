import { iccidProblem } from '@simgate/core';
import { seedDigits } from '../sim/ids';
import { hash32 } from '../sim/random';
import { SlidingWindow } from '../sim/sliding-window';
import type { CardState, HistoryEvent } from '../sim/timeline';
import { BaseSimulator } from '../sim/base';
import type { SimOptions, SimRequest, SimResponse } from '../sim/types';
import { DAY_MS, MINUTE_MS } from '../sim/zone';
import { JASPER_ERRORS, JASPER_STATUSES, JasperError, PRE_ACTIVATION, jasperStatus, lifeOf, positiveInt, type ErrorName, type JasperStatus } from './codes';
import { JasperFleet, RATE_PLANS } from './fleet';
import { DeviceListing, lowerBound } from './listing';

export { JASPER_ERRORS, JASPER_STATUSES, jasperStatus, type JasperStatus } from './codes';

/**
 * China Unicom CMP (Jasper / Control Center REST) simulator: carriers.md §2, quirks included. Error answers
 * and statuses are in codes.ts, the `devices?modifiedSince` order in listing.ts.
 */

export const JASPER_BASE_PATH = '/rws/api/v1/';
export const DEFAULT_ORDER_DELAY_MS = 5 * MINUTE_MS;
const PAGE_SIZE_MAX = 50;
const AUDIT_PAGE_SIZE = 50;

type Json = Record<string, unknown>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class JasperSimulator extends BaseSimulator {
  readonly credentials: Record<string, string>;
  readonly fleet: JasperFleet;
  readonly accountId: string;

  private readonly window: SlidingWindow;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private readonly listing: DeviceListing;
  private credentialsRevoked = 0;
  /** Status changes asked by PUT and not yet applied, per card: the audit trail shows them as `Pending`. */
  private readonly pendingStatus = new Map<number, { status: JasperStatus; submittedAt: number; at: number }[]>();

  constructor(options: SimOptions) {
    super(options, { platform: 'cucc-jasper', basePath: JASPER_BASE_PATH, accountName: 'cucc-main', faultSalt: 202, defaultOrderDelayMs: DEFAULT_ORDER_DELAY_MS });
    this.credentials = { username: 'api_' + seedDigits(options.seed, 40, 6), apiKey: 'k' + seedDigits(options.seed, 41, 8) + seedDigits(options.seed, 42, 8) };
    this.fleet = new JasperFleet(options.cards, options.seed, options.clock.nowMs(), this.credentials.username);
    const factor = options.quotaFactor ?? 1;
    this.window = new SlidingWindow(Math.max(1, Math.round(5 * factor)), 1000);
    this.maxInFlight = Math.max(1, Math.round(factor));
    this.accountId = '1' + seedDigits(options.seed, 43, 6);
    this.listing = new DeviceListing(this.fleet);
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const path = req.path.replace(/^\/+|\/+$/g, '');
    const route = this.routeOf(req.method, path);
    this.counters.request(route.endpoint);
    const fault = this.faults.draw();
    if (fault) this.counters.fault(fault);
    if (this.faults.takeForced('expireTokens')) {
      // Basic auth has no token: "expiry" injection makes the next request's credentials fail once.
      this.counters.fault('expireTokens');
      this.credentialsRevoked++;
    }
    if (fault === 'serverError') return this.error('server');
    if (fault === 'rateLimit') {
      this.counters.injectedRateLimits++;
      return this.error('rateLimit');
    }
    if (!this.authorized(req.headers.authorization)) return this.error('credentials');
    const t = this.realNow();
    if (this.inFlight >= this.maxInFlight || !this.window.canAccept(t)) {
      this.counters.quotaViolations++;
      return this.error('rateLimit');
    }
    this.window.record(t);
    this.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.inFlight);
    let out: SimResponse;
    try {
      if (this.faults.config.latencyMs > 0 && fault !== 'timeout') await sleep(this.faults.config.latencyMs);
      try {
        out = this.json(200, route.handle(req));
      } catch (err) {
        if (!(err instanceof JasperError)) throw err;
        out = this.error(err.name_);
      }
    } finally {
      this.inFlight--;
    }
    if (fault === 'timeout') return { ...out, hang: true };
    if (fault === 'malformed') return { ...out, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Service Unavailable</h1>' };
    if (fault === 'truncated') return { ...out, body: out.body.slice(0, Math.max(1, Math.floor(out.body.length / 2))) };
    return out;
  }

  private authorized(header: string | undefined): boolean {
    if (this.credentialsRevoked > 0) {
      this.credentialsRevoked--;
      return false;
    }
    const m = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    return decoded === `${this.credentials.username}:${this.credentials.apiKey}`;
  }

  private json(status: number, body: unknown): SimResponse {
    return { status, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) };
  }

  private error(name: ErrorName): SimResponse {
    const [status, errorCode, errorMessage] = JASPER_ERRORS[name];
    return this.json(status, { errorCode, errorMessage });
  }

  private routeOf(method: string, path: string): { endpoint: string; handle: (req: SimRequest) => Json } {
    const m = /^devices(?:\/([^/]+)(?:\/(ctdUsages|usageInZone|auditTrails))?)?$/.exec(path);
    const unknown = { endpoint: `${method} ${path}`, handle: (): Json => { throw new JasperError('notFound'); } };
    if (!m) return unknown;
    const [, iccid, sub] = m;
    if (!iccid) return method === 'GET' ? { endpoint: 'GET devices', handle: (r) => this.listDevices(r.query) } : unknown;
    if (!sub) {
      if (method === 'GET') return { endpoint: 'GET devices/{iccid}', handle: () => this.device(this.card(iccid)) };
      if (method === 'PUT') return { endpoint: 'PUT devices/{iccid}', handle: (r) => this.changeDevice(iccid, r.body) };
      return unknown;
    }
    if (method !== 'GET') return unknown;
    const endpoint = `GET devices/{iccid}/${sub}`;
    if (sub === 'ctdUsages') return { endpoint, handle: () => this.ctdUsages(this.card(iccid)) };
    if (sub === 'usageInZone') return { endpoint, handle: (r) => this.usageInZone(this.card(iccid), r.query) };
    return { endpoint, handle: (r) => this.auditTrails(this.card(iccid), r.query) };
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  private now(): number {
    return this.clock.nowMs();
  }

  private card(iccid: string): number {
    if (iccidProblem(iccid) !== null) throw new JasperError('iccid');
    const i = this.fleet.byIccid(iccid);
    if (i < 0) throw new JasperError('notFound');
    return i;
  }

  private iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  state(i: number): CardState {
    return this.fleet.timeline.replay(i, this.now()).state;
  }

  private cycleStart(t: number): number {
    return this.fleet.zone.cycleStart(t, this.fleet.cycleStartDay);
  }

  /** Cycle-to-date usage in bytes. */
  ctdBytes(i: number): number {
    const now = this.now();
    return Math.round(this.fleet.timeline.usageBetween(i, this.cycleStart(now), now, now));
  }

  // ---- endpoints -------------------------------------------------------------------------------------

  private device(i: number): Json {
    const f = this.fleet;
    const s = this.state(i);
    const b = f.base(i);
    return {
      iccid: f.iccidOf(i),
      imsi: f.imsiOf(i),
      msisdn: f.msisdnOf(i),
      imei: f.imeiOf(i),
      status: jasperStatus(s),
      ratePlan: f.plan(s.plan).name,
      communicationPlan: f.communicationPlan(i),
      customer: `Customer-${(f.block(i) % 20) + 1}`,
      dateActivated: s.activatedAt !== null ? this.iso(s.activatedAt) : null,
      dateUpdated: this.iso(s.updatedAt),
      dateShipped: this.iso(b.openedAt),
      accountId: this.accountId,
      overageLimitOverride: f.overageLimitOverride(i),
    };
  }


  private listDevices(q: Record<string, string>): Json {
    if (!q.modifiedSince) throw new JasperError('modifiedSince');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(q.modifiedSince)) throw new JasperError('field');
    const since = Date.parse(q.modifiedSince.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isNaN(since)) throw new JasperError('field');
    const pageSize = positiveInt(q.pageSize, PAGE_SIZE_MAX, 'pageSize', PAGE_SIZE_MAX);
    const pageNumber = positiveInt(q.pageNumber, 1, 'pageNumber');
    const now = this.now();
    const L = this.listing.current(now);
    const f = this.fleet;
    const k0 = f.firstUpdatedFrom(since);
    const movedFromK0 = L.moved.length - lowerBound(L.moved, k0);
    const baseLen = f.size - k0 - movedFromK0;
    const t0 = lowerBound(L.tailTimes, since);
    const total = baseLen + (L.tail.length - t0);
    const offset = (pageNumber - 1) * pageSize;
    const indices: number[] = [];
    for (let pos = offset; pos < Math.min(total, offset + pageSize); pos++) {
      indices.push(pos < baseLen ? DeviceListing.basePosition(L.moved, k0, pos) : L.tail[t0 + pos - baseLen]);
    }
    return {
      pageNumber,
      lastPage: offset + pageSize >= total,
      devices: indices.map((i) => {
        const s = this.state(i);
        return { iccid: f.iccidOf(i), status: jasperStatus(s), ratePlan: f.plan(s.plan).name, communicationPlan: f.communicationPlan(i) };
      }),
    };
  }



  private changeDevice(iccid: string, body: string): Json {
    const i = this.card(iccid);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new JasperError('json');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new JasperError('json');
    const p = parsed as Json;
    const now = this.now();
    const status = p.status;
    const ratePlan = p.ratePlan;
    if (status === undefined && ratePlan === undefined) throw new JasperError('field');
    if (status !== undefined && !JASPER_STATUSES.includes(status as JasperStatus)) throw new JasperError('field');
    let plan: number | undefined;
    if (ratePlan !== undefined) {
      plan = typeof ratePlan === 'string' ? this.fleet.planIndex(ratePlan) : -1;
      if (plan < 0) throw new JasperError('field');
    }
    let effective: number | null = null;
    if (p.effectiveDate !== undefined && p.effectiveDate !== null) {
      effective = typeof p.effectiveDate === 'string' ? Date.parse(p.effectiveDate) : NaN;
      if (Number.isNaN(effective) || effective > now + 180 * DAY_MS) throw new JasperError('field');
    }
    const current = this.state(i);
    const done = (this.fleet.changes(i) ?? []).filter((c) => c.at <= now).length;
    const key = `${this.fleet.iccidOf(i)}|${String(status ?? '')}|${String(ratePlan ?? '')}|${done}`;
    const target = status as JasperStatus | undefined;
    if (target && PRE_ACTIVATION.includes(target) && (current.activatedAt !== null || current.life === 'ACTIVE' || current.life === 'STOPPED')) {
      this.counters.order(key, 'PUT devices/{iccid}', new Date(now), false);
      throw new JasperError('preActivation');
    }
    this.counters.order(key, 'PUT devices/{iccid}', new Date(now), true);
    const at = Math.max(now + this.orderDelayMs, effective ?? 0);
    const to = target ? lifeOf(target) : null;
    if (target) this.pendingStatus.set(i, [...(this.pendingStatus.get(i) ?? []).filter((c) => c.at > now), { status: target, submittedAt: now, at }]);
    this.fleet.addChange(i, {
      at,
      submittedAt: now,
      by: this.credentials.username,
      plan,
      transform: to ? () => to : undefined,
    });
    return { iccid: this.fleet.iccidOf(i), effectiveDate: this.iso(effective ?? now) };
  }

  private ctdUsages(i: number): Json {
    const used = this.ctdBytes(i);
    const s = this.state(i);
    const sessions = used > 0 ? 1 + (hash32(this.fleet.seed, i, 77) % 40) : 0;
    return {
      iccid: this.fleet.iccidOf(i),
      ctdDataUsage: used,
      ctdSMSUsage: used > 0 ? hash32(this.fleet.seed, i, 78) % 10 : 0,
      ctdVoiceUsage: 0,
      ctdSessionCount: sessions,
      overageLimitReached: used >= this.fleet.planBytes(s.plan),
      overageLimitOverride: this.fleet.overageLimitOverride(i),
    };
  }

  private usageInZone(i: number, q: Record<string, string>): Json {
    const v = q.cycleStartDate;
    if (!v || !/^\d{4}-\d{2}-\d{2}Z$/.test(v)) throw new JasperError('field');
    const z = this.fleet.zone;
    const now = this.now();
    let cs = this.cycleStart(now);
    let found: number | null = null;
    for (let k = 0; k < 3; k++) {
      if (z.format(cs, 'yyyy-MM-dd') + 'Z' === v) found = cs;
      cs = z.previousCycleStart(cs, this.fleet.cycleStartDay);
    }
    if (found === null) throw new JasperError('cycle');
    const ce = z.nextCycleStart(found, this.fleet.cycleStartDay);
    const bytes = Math.round(this.fleet.timeline.usageBetween(i, found, ce, now));
    const ratePlan = this.fleet.plan(this.state(i).plan).name;
    const zone = 'China';
    return {
      iccid: this.fleet.iccidOf(i),
      cycleStartDate: v,
      cycleEndDate: z.format(ce - 1, 'yyyy-MM-dd') + 'Z',
      deviceCycleUsageInZones: {
        [zone]: [{ ratePlan, zone, dataUsage: bytes, smsMOUsage: bytes > 0 ? hash32(i, found % 1e9, 1) % 5 : 0, smsMTUsage: bytes > 0 ? hash32(i, found % 1e9, 2) % 5 : 0, voiceMOUsage: 0, voiceMTUsage: 0 }],
      },
    };
  }

  private auditTrails(i: number, q: Record<string, string>): Json {
    const days = positiveInt(q.daysOfHistory, 30, 'field', 365);
    const pageNumber = positiveInt(q.pageNumber, 1, 'pageNumber');
    const now = this.now();
    const from = now - days * DAY_MS;
    const f = this.fleet;
    // Status changes asked and not applied yet come first (newest first), as `Pending`.
    const pending = (this.pendingStatus.get(i) ?? [])
      .filter((c) => c.submittedAt <= now && c.at > now)
      .reverse()
      .map((c) => ({
        field: 'status',
        priorValue: jasperStatus(this.state(i)),
        value: c.status,
        effectiveDate: this.iso(c.at),
        status: 'Pending',
        userName: this.credentials.username,
      }));
    const executed = f.timeline
      .history(i, now)
      .filter((e) => e.at >= from)
      .reverse()
      .map((e: HistoryEvent) => ({
        field: e.field === 'status' ? 'status' : 'ratePlan',
        priorValue: e.field === 'status' ? jasperStatus(e.from) : f.plan(e.from.plan).name,
        value: e.field === 'status' ? jasperStatus(e.to) : f.plan(e.to.plan).name,
        effectiveDate: this.iso(e.at),
        status: 'Executed',
        userName: e.by === 'user' ? this.credentials.username : e.by,
      }));
    const entries = [...pending, ...executed];
    const offset = (pageNumber - 1) * AUDIT_PAGE_SIZE;
    return {
      iccid: f.iccidOf(i),
      pageNumber,
      lastPage: offset + AUDIT_PAGE_SIZE >= entries.length,
      deviceAuditTrails: entries.slice(offset, offset + AUDIT_PAGE_SIZE),
    };
  }

  static readonly RATE_PLANS = RATE_PLANS;
}
