import { randomBytes } from 'node:crypto';
import { KeyedWindows, SlidingWindow } from '../sim/sliding-window';
import { BaseSimulator } from '../sim/base';
import type { SimOptions, SimRequest, SimResponse } from '../sim/types';
import { DAY_MS, IntlFleet, MB, addUtcMonths, type IntlCardView, type IntlPendingChange } from './fleet';
import { dayLabel, error, iso, isRecord, mb6, ok, parseChange, parseDay, parseGrantType, parseJson, round2, routeOf, type Route } from './routing';

/**
 * 1NCE Management API simulator, carriers.md §4: OAuth client-credentials tokens (each call mints a new
 * one, old ones live until they expire), a bare-array SIM list paged in headers, 19/20-digit ICCIDs,
 * queued status changes, daily usage in MB strings, lifetime data quotas, HTTP-status errors and 429s.
 */

export const INTL_BASE_PATH = '/management-api/';
export const TOKEN_TTL_SECONDS = 3600;
export const MAX_PAGE_SIZE = 100;
export const SIMS_PER_SECOND = 10;
export const TOKENS_PER_MINUTE = 600;
export const EXPIRED_MESSAGE = 'SIMs are expired and cannot be modified via API. Only extensions are permitted';
export const QUOTA_DESCRIPTIONS = ['More than 20% available', 'Less than 20% available', 'No volume available'] as const;

export interface IntlCredentials {
  username: string;
  password: string;
}

export interface IntlSimOptions extends SimOptions {
  credentials?: Partial<IntlCredentials>;
}

interface Token {
  expiresAtMs: number;
}

export class IntlSimulator extends BaseSimulator {
  readonly fleet: IntlFleet;
  readonly credentials: Record<string, string>;
  /** Live bearer tokens → expiry on the simulator clock. */
  readonly tokens = new Map<string, Token>();
  private readonly creds: IntlCredentials;
  private readonly simsWindow: SlidingWindow;
  private readonly tokenWindows: KeyedWindows;
  private readonly lastOrder = new Map<number, { kind: string; epoch: number }>();
  private minted = 0;

  constructor(options: IntlSimOptions) {
    super(options, { platform: 'intl-1nce', basePath: INTL_BASE_PATH, accountName: 'intl-main', faultSalt: 0x31_4e, defaultOrderDelayMs: 15 * 60_000 });
    this.fleet = new IntlFleet(options.cards, options.seed, options.clock.nowMs());
    const factor = options.quotaFactor ?? 1;
    this.simsWindow = new SlidingWindow(Math.max(1, Math.round(SIMS_PER_SECOND * factor)), 1000);
    this.tokenWindows = new KeyedWindows(Math.max(1, Math.round(TOKENS_PER_MINUTE * factor)), 60_000);
    this.creds = { username: options.credentials?.username ?? 'simgate-api@example.com', password: options.credentials?.password ?? '1nce-Secret-2026' };
    this.credentials = { ...this.creds };
  }

  /** The card as the platform shows it now (tests and demos). */
  card(index: number): IntlCardView {
    return this.fleet.view(index, this.clock.nowMs());
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const route = routeOf(req);
    this.counters.request(route.endpoint);
    this.revokeIfDue();
    const latency = this.faults.config.latencyMs;
    const withLatency = (r: SimResponse): SimResponse => (latency > 0 ? { ...r, delayMs: (r.delayMs ?? 0) + latency } : r);
    const fault = this.faults.draw();
    if (fault) this.counters.fault(fault);
    if (fault === 'serverError') return withLatency(error(500, 'InternalServerError', 'Internal server error'));
    if (fault === 'rateLimit') {
      this.counters.injectedRateLimits++;
      return withLatency(error(429, 'TooManyRequests', 'Too Many Requests'));
    }
    if (fault === 'malformed') {
      return withLatency({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"iccid":"8988228","status":Enabled,,"quota_status":{' });
    }
    const answer = this.answer(req, route);
    if (fault === 'timeout') return { ...answer, hang: true };
    if (fault === 'truncated') return withLatency({ ...answer, body: answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2))) });
    return withLatency(answer);
  }

  private answer(req: SimRequest, route: Route): SimResponse {
    if (route.kind === 'token') return this.token(req);
    if (route.kind === 'unknown') return error(404, 'NotFound', 'Resource not found');
    // Bearer first: the quota is per customer, and the token says who the customer is.
    const auth = this.authenticate(req);
    if (auth) return auth;
    if (!this.simsWindow.tryAccept(Date.now())) {
      this.counters.quotaViolations++;
      return error(429, 'TooManyRequests', 'Too Many Requests');
    }
    const now = this.clock.nowMs();
    switch (route.kind) {
      case 'list':
        return this.list(req, now);
      case 'bulk':
        return this.bulk(req, now);
      case 'sim':
      case 'usage':
      case 'quota': {
        const index = this.fleet.indexOf(route.iccid);
        if (index === null) return error(404, 'NotFound', `SIM ${route.iccid} not found`);
        if (route.kind === 'usage') return this.usage(index, req, now);
        if (route.kind === 'quota') return this.quota(index, now);
        if (req.method === 'PUT') return this.change(index, req, now);
        return ok(this.simJson(this.fleet.view(index, now), now));
      }
    }
  }

  // ---- authentication -------------------------------------------------------------------------------

  private token(req: SimRequest): SimResponse {
    const ip = req.headers['x-forwarded-for']?.split(',')[0].trim() || 'loopback';
    if (!this.tokenWindows.of(ip).tryAccept(Date.now())) {
      this.counters.quotaViolations++;
      return error(429, 'TooManyRequests', 'Too Many Requests');
    }
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== this.creds.username || decoded.slice(colon + 1) !== this.creds.password) {
      return error(400, 'BadCredentials', 'Bad credentials');
    }
    if (parseGrantType(req) !== 'client_credentials') return error(400, 'InvalidGrantType', 'grant_type must be client_credentials');
    const now = this.clock.nowMs();
    if (++this.minted % 256 === 0) for (const [t, v] of this.tokens) if (v.expiresAtMs <= now) this.tokens.delete(t);
    const accessToken = randomBytes(32).toString('base64url');
    const ttl = this.faults.config.tokenTtlSeconds ?? TOKEN_TTL_SECONDS;
    this.tokens.set(accessToken, { expiresAtMs: now + ttl * 1000 });
    return ok({ status_code: 200, access_token: accessToken, token_type: 'bearer', expires_in: TOKEN_TTL_SECONDS, userId: this.creds.username, scope: 'all' });
  }

  /**
   * Token revocation injection (`tokenRevokeEverySeconds`, real elapsed time): at each revocation instant every
   * token minted before stops working and is answered 401 like an expired one. Counted per live token revoked
   * (`faults.tokensRevoked`) and per instant (`faults.tokenRevocations`).
   */
  private revokeIfDue(): void {
    if (!this.faults.revocationDue(this.realNow())) return;
    const now = this.clock.nowMs();
    this.counters.fault('tokenRevocations');
    for (const t of this.tokens.values()) if (t.expiresAtMs > now) this.counters.fault('tokensRevoked');
    this.tokens.clear();
  }

  /** Null when the bearer is valid, else the 401 answer. */
  private authenticate(req: SimRequest): SimResponse | null {
    if (this.faults.takeForced('expireTokens')) {
      this.counters.fault('expireTokens');
      this.tokens.clear();
    }
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = m ? this.tokens.get(m[1]) : undefined;
    if (!token) return error(401, 'Unauthorized', m ? 'Invalid or expired token' : 'Missing bearer token');
    if (token.expiresAtMs <= this.clock.nowMs()) {
      this.tokens.delete(m![1]);
      return error(401, 'Unauthorized', 'Invalid or expired token');
    }
    return null;
  }

  // ---- reads ----------------------------------------------------------------------------------------

  private list(req: SimRequest, now: number): SimResponse {
    const page = req.query.page === undefined ? 1 : Number(req.query.page);
    const pageSize = req.query.pageSize === undefined ? 10 : Number(req.query.pageSize);
    if (!Number.isInteger(page) || page < 1) return error(400, 'InvalidParameter', 'page must be an integer >= 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return error(400, 'InvalidParameter', `pageSize must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    }
    const out: unknown[] = [];
    const first = (page - 1) * pageSize;
    for (let i = first; i < Math.min(first + pageSize, this.fleet.size); i++) out.push(this.simJson(this.fleet.view(i, now), now));
    return ok(out, {
      'X-Count-Per-Page': String(pageSize),
      'X-Current-Page': String(page),
      'X-Total-Count': String(this.fleet.size),
      'X-Total-Pages': String(Math.ceil(this.fleet.size / pageSize)),
    });
  }

  private quotaState(v: IntlCardView, now: number): { id: 0 | 1 | 2; threshold: number | null; exceeded: number | null; remainingBytes: number } {
    const total = this.fleet.totalBytes(v);
    const used = this.fleet.used(v, now);
    const exceeded = used >= total ? this.fleet.reachedAt(v, total, now) : null;
    const threshold = used >= total * 0.8 ? this.fleet.reachedAt(v, total * 0.8, now) : null;
    return { id: exceeded !== null ? 2 : threshold !== null ? 1 : 0, threshold, exceeded, remainingBytes: total - used };
  }

  simJson(v: IntlCardView, now: number): Record<string, unknown> {
    const q = this.quotaState(v, now);
    const b = v.base;
    return {
      iccid: b.iccid,
      iccid_with_luhn: b.iccidWithLuhn,
      imsi: b.imsi,
      msisdn: b.msisdn,
      imei: v.activatedAtMs !== null ? b.imei : '',
      imei_lock: v.imeiLock,
      status: v.status,
      activation_date: v.activatedAtMs !== null ? iso(v.activatedAtMs) : null,
      ip_address: b.ipAddress,
      current_quota: round2(q.remainingBytes / MB),
      quota_status: {
        id: q.id,
        description: QUOTA_DESCRIPTIONS[q.id],
        threshold_reached_date: q.threshold !== null ? iso(q.threshold) : null,
        quota_exceeded_date: q.exceeded !== null ? iso(q.exceeded) : null,
      },
      label: v.label,
    };
  }

  private usage(index: number, req: SimRequest, now: number): SimResponse {
    const start = parseDay(req.query.start_dt);
    const end = parseDay(req.query.end_dt);
    if (start === null || end === null) return error(400, 'InvalidParameter', 'start_dt and end_dt are required as YYYY-MM-DD');
    if (end < start) return error(400, 'InvalidParameter', 'end_dt must not be before start_dt');
    const today = Math.floor(now / DAY_MS);
    const earliest = Math.floor(addUtcMonths(today * DAY_MS, -6) / DAY_MS);
    if (start < earliest) return error(400, 'InvalidParameter', 'start_dt must be within the last 6 months');
    const v = this.fleet.view(index, now);
    const stats: unknown[] = [];
    const firstDay = v.activatedAtMs === null ? Number.POSITIVE_INFINITY : Math.floor(v.activatedAtMs / DAY_MS);
    for (let d = Math.max(start, firstDay); d <= Math.min(end, today); d++) {
      const bytes = Math.max(0, Math.round(this.fleet.used(v, Math.min(now, (d + 1) * DAY_MS)) - this.fleet.used(v, d * DAY_MS)));
      const rx = Math.round(bytes * 0.85);
      stats.push({
        date: dayLabel(d),
        data: { volume: mb6(bytes), volume_rx: mb6(rx), volume_tx: mb6(bytes - rx), traffic_type: { id: 5, description: 'Data' } },
      });
    }
    return ok({ stats });
  }

  private quota(index: number, now: number): SimResponse {
    const v = this.fleet.view(index, now);
    const q = this.quotaState(v, now);
    return ok({
      volume: round2(q.remainingBytes / MB),
      total_volume: v.base.totalVolumeMb,
      expiry_date: v.expiryMs !== null ? iso(v.expiryMs) : null,
      last_volume_added: v.base.lastVolumeAddedMb,
      last_status_change_date: iso(v.lastStatusChangeMs),
      threshold_percentage: 20,
    });
  }

  // ---- changes (queued) -----------------------------------------------------------------------------

  private change(index: number, req: SimRequest, now: number): SimResponse {
    const body = parseJson(req.body);
    if (!isRecord(body)) return error(400, 'InvalidRequestBody', 'Request body must be a JSON object');
    const v = this.fleet.view(index, now);
    if (body.iccid !== undefined && body.iccid !== v.base.iccid && body.iccid !== v.base.iccidWithLuhn) {
      return error(400, 'InvalidRequestBody', 'iccid in the body does not match the path');
    }
    const change = parseChange(body);
    if (typeof change === 'string') return error(400, 'InvalidRequestBody', change);
    if (v.expiryMs !== null && v.expiryMs <= now) return error(422, 'UnprocessableEntity', EXPIRED_MESSAGE);
    this.queue(v, change, 'PUT v1/sims/{iccid}', now);
    return { status: 200, headers: {}, body: '' };
  }

  private bulk(req: SimRequest, now: number): SimResponse {
    const body = parseJson(req.body);
    if (!Array.isArray(body) || body.length === 0) return error(400, 'InvalidRequestBody', 'Request body must be a non-empty JSON array');
    const accepted: Array<[IntlCardView, Omit<IntlPendingChange, 'dueAtMs'>]> = [];
    for (const item of body) {
      if (!isRecord(item) || typeof item.iccid !== 'string') return error(400, 'InvalidRequestBody', 'Every item needs an iccid');
      const index = this.fleet.indexOf(item.iccid);
      if (index === null) return error(404, 'NotFound', `SIM ${item.iccid} not found`);
      const change = parseChange(item);
      if (typeof change === 'string') return error(400, 'InvalidRequestBody', change);
      const v = this.fleet.view(index, now);
      if (v.expiryMs !== null && v.expiryMs <= now) return error(422, 'UnprocessableEntity', EXPIRED_MESSAGE);
      accepted.push([v, change]);
    }
    for (const [v, change] of accepted) this.queue(v, change, 'POST v1/sims', now);
    return { status: 201, headers: {}, body: '' };
  }

  private queue(v: IntlCardView, change: Omit<IntlPendingChange, 'dueAtMs'>, endpoint: string, now: number): void {
    const kind = `${change.status ?? '-'}|${change.label ?? '-'}|${change.imeiLock ?? '-'}`;
    const last = this.lastOrder.get(v.index);
    const epoch = !last ? 0 : last.kind === kind ? last.epoch : last.epoch + 1;
    this.lastOrder.set(v.index, { kind, epoch });
    this.counters.order(`${v.base.iccidWithLuhn}|${kind}|${epoch}`, endpoint, new Date(now));
    const list = this.fleet.pending.get(v.index) ?? [];
    list.push({ ...change, dueAtMs: now + this.orderDelayMs });
    this.fleet.pending.set(v.index, list);
    if (this.orderDelayMs <= 0) this.fleet.settle(v.index, now);
  }
}
