import { seedDigits } from '../sim/ids';
import { hash32 } from '../sim/random';
import { KeyedWindows, SlidingWindow } from '../sim/sliding-window';
import type { CardState } from '../sim/timeline';
import { BaseSimulator } from '../sim/base';
import type { SimOptions, SimRequest, SimResponse } from '../sim/types';
import { OneLinkCards } from './cards';
import { DEFAULT_ORDER_DELAY_MS, ONELINK_BASE_PATH, ONELINK_CODES, OneLinkError, TOKEN_TTL_SECONDS, kbString, type Code, type Row } from './codes';
import { BLOCK, OneLinkFleet } from './fleet';
import { OneLinkOrders } from './orders';
import { OneLinkPools } from './pools';

export { ANTI_REPEAT_MS, DEFAULT_ORDER_DELAY_MS, ONELINK_BASE_PATH, ONELINK_CODES, TOKEN_TTL_SECONDS, kbString } from './codes';

/**
 * China Mobile OneLink API v5 ("ec") simulator: carriers.md §1, quirks included. Every answer is HTTP 200
 * with the `{status, message, result}` envelope (faults aside). Card reads, pools and orders are in
 * cards.ts, pools.ts and orders.ts; this file holds the face: tokens, quotas, faults and the routes.
 */
export class OneLinkSimulator extends BaseSimulator {
  readonly credentials: Record<string, string>;
  readonly fleet: OneLinkFleet;

  private readonly tokens = new Map<string, { appid: string; expiresAt: number }>();
  private readonly tokenByAppid = new Map<string, string>();
  private tokenSeq = 0;
  private readonly cards: OneLinkCards;
  private readonly pools: OneLinkPools;
  private readonly orders: OneLinkOrders;
  private readonly quotaAll: SlidingWindow;
  private readonly quotaPath: KeyedWindows;
  private readonly quotaFactor: number;

  constructor(options: SimOptions) {
    super(options, { platform: 'cmcc-onelink', basePath: ONELINK_BASE_PATH, accountName: 'cmcc-main', faultSalt: 101, defaultOrderDelayMs: DEFAULT_ORDER_DELAY_MS });
    this.fleet = new OneLinkFleet(options.cards, options.seed, options.clock.nowMs());
    this.quotaFactor = options.quotaFactor ?? 1;
    this.quotaAll = new SlidingWindow(Math.max(1, Math.round(10 * this.quotaFactor)), 1000);
    this.quotaPath = new KeyedWindows(Math.max(1, Math.round(this.quotaFactor)), 1000);
    this.credentials = { appid: '1000' + seedDigits(options.seed, 20, 8), password: 'Pw' + seedDigits(options.seed, 21, 8) };
    this.cards = new OneLinkCards(this.fleet, this.clock);
    this.pools = new OneLinkPools(this.cards);
    this.orders = new OneLinkOrders(this.cards, this.counters, this.orderDelayMs);
  }

  override accountEntry(origin: string): Record<string, unknown> {
    return { ...super.accountEntry(origin), cards: 'cmcc-cards.csv' };
  }

  /** The order list (`iccid,msisdn` lines, with a header) that the accounts file's `cards` names. */
  *orderListLines(): Generator<string> {
    yield 'iccid,msisdn\n';
    const f = this.fleet;
    let chunk = '';
    for (let i = 0; i < f.size; i++) {
      chunk += `${f.iccidOf(i)},${f.msisdnOf(i)}\n`;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const path = req.path.replace(/^\/+|\/+$/g, '');
    this.counters.request(path);
    if (this.faults.takeForced('expireTokens')) {
      this.tokens.clear();
      this.tokenByAppid.clear();
      this.counters.fault('expireTokens');
    }
    this.revokeIfDue();
    const fault = this.faults.draw();
    const delayMs = this.faults.config.latencyMs || undefined;
    if (fault) this.counters.fault(fault);
    if (fault === 'serverError') {
      return { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>', delayMs };
    }
    if (fault === 'rateLimit') {
      this.counters.injectedRateLimits++;
      return this.envelope('rateLimit', [], delayMs);
    }
    let out: SimResponse;
    try {
      const params = this.params(req);
      out = this.envelopeOk(this.route(path, params), delayMs);
    } catch (err) {
      if (!(err instanceof OneLinkError)) throw err;
      out = this.envelope(err.code, [], delayMs);
    }
    if (fault === 'timeout') return { ...out, hang: true };
    if (fault === 'malformed') return { ...out, body: '<html><body>系统繁忙，请稍后再试</body></html>' };
    if (fault === 'truncated') return { ...out, body: out.body.slice(0, Math.max(1, Math.floor(out.body.length / 2))) };
    return out;
  }

  /**
   * Token revocation injection (`tokenRevokeEverySeconds`, real elapsed time): at each revocation instant every
   * token issued before stops working and is answered 12021 like an expired one. Counted per live token
   * revoked (`faults.tokensRevoked`) and per instant (`faults.tokenRevocations`).
   */
  private revokeIfDue(): void {
    if (!this.faults.revocationDue(this.realNow())) return;
    const now = this.now();
    this.counters.fault('tokenRevocations');
    for (const rec of this.tokens.values()) if (rec.expiresAt > now) this.counters.fault('tokensRevoked');
    this.tokens.clear();
    this.tokenByAppid.clear();
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private envelope(code: Code, result: Row[], delayMs?: number): SimResponse {
    const [status, message] = ONELINK_CODES[code];
    return { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify({ status, message, result }), delayMs };
  }

  private envelopeOk(result: Row[], delayMs?: number): SimResponse {
    return this.envelope('ok', result, delayMs);
  }

  /** Query string, or (POST) a flat JSON body with the same keys. */
  private params(req: SimRequest): Record<string, string> {
    const out: Record<string, string> = { ...req.query };
    if (req.method === 'POST' && req.body.trim()) {
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch {
        throw new OneLinkError('param');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new OneLinkError('param');
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
        else throw new OneLinkError('param');
      }
    }
    return out;
  }

  private now(): number {
    return this.clock.nowMs();
  }

  private checkQuota(appid: string, path: string): void {
    void appid; // one account per simulator: the per-appid window is the simulator's window
    const t = this.realNow();
    const perPath = path.startsWith('change/') ? this.quotaPath.of(path) : undefined;
    if (!this.quotaAll.canAccept(t) || (perPath && !perPath.canAccept(t))) {
      this.counters.quotaViolations++;
      throw new OneLinkError('rateLimit');
    }
    this.quotaAll.record(t);
    perPath?.record(t);
  }

  private checkTransid(transid: string | undefined, appid: string): void {
    if (!transid) throw new OneLinkError('param');
    const rest = transid.startsWith(appid) ? transid.slice(appid.length) : null;
    if (rest === null || !/^\d{22}$/.test(rest) || transid.length > 48) throw new OneLinkError('transid');
  }

  private issueToken(p: Record<string, string>): Row[] {
    const { appid, password, transid } = p;
    if (!appid || !password || !transid) throw new OneLinkError('param');
    if (appid !== this.credentials.appid || password !== this.credentials.password) throw new OneLinkError('credentials');
    this.checkTransid(transid, appid);
    this.checkQuota(appid, 'get/token');
    const now = this.now();
    const existing = this.tokenByAppid.get(appid);
    const rec = existing ? this.tokens.get(existing) : undefined;
    if (existing && rec && rec.expiresAt > now) {
      return [{ token: existing, ttl: String(Math.ceil((rec.expiresAt - now) / 1000)) }];
    }
    if (existing) this.tokens.delete(existing);
    const ttl = this.faults.config.tokenTtlSeconds ?? TOKEN_TTL_SECONDS;
    const token = `${hash32(this.fleet.seed, ++this.tokenSeq, now % 2 ** 31).toString(16)}${hash32(this.tokenSeq, 7).toString(16)}`.padEnd(16, '0');
    this.tokens.set(token, { appid, expiresAt: now + ttl * 1000 });
    this.tokenByAppid.set(appid, token);
    return [{ token, ttl: String(ttl) }];
  }

  private authenticate(p: Record<string, string>): string {
    const rec = p.token ? this.tokens.get(p.token) : undefined;
    if (!rec || rec.expiresAt <= this.now()) throw new OneLinkError('token');
    this.checkTransid(p.transid, rec.appid);
    return rec.appid;
  }

  private route(path: string, p: Record<string, string>): Row[] {
    if (path === 'get/token') return this.issueToken(p);
    const appid = this.authenticate(p);
    this.checkQuota(appid, path);
    switch (path) {
      case 'query/sim-card-info/batch':
        return this.cards.simCardInfoBatch(p);
      case 'query/sim-basic-info':
        return [this.cards.basicInfo(this.cards.single(p))];
      case 'query/sim-status':
        return [this.cards.statusRow(this.cards.single(p), false)];
      case 'query/sim-status/batch':
        return this.cards.batch(p).map((i) => this.cards.statusRow(i, true));
      case 'query/sim-stop-reason':
        return [this.cards.stopReason(this.cards.single(p))];
      case 'query/sim-data-usage':
        return [this.cards.dataUsage(this.cards.single(p))];
      case 'query/sim-data-margin':
        return [this.cards.dataMargin(this.cards.single(p))];
      case 'query/sim-data-usage-daily/batch':
        return this.cards.dailyBatch(p);
      case 'query/sim-data-usage-monthly/batch':
        return this.cards.monthlyBatch(p);
      case 'query/group-data-usage':
        return [{ useAmount: kbString(this.pools.poolUsage(this.pools.group(p)).used) }];
      case 'query/group-data-margin':
        return [this.pools.groupMargin(this.pools.group(p))];
      case 'query/group-member':
        return [this.pools.groupMembers(p)];
      case 'change/sim-status':
        return [this.orders.changeStatus(p)];
      case 'query/order-info':
        return [this.orders.orderInfo(p)];
      case 'change/sim-status/batch':
        return [this.orders.changeStatusBatch(p)];
      case 'query/sim-batch-result':
        return [this.orders.batchResult(p)];
      default:
        throw new OneLinkError('unknownPath');
    }
  }

  // ---- for tests and demos ---------------------------------------------------------------------------

  state(i: number): CardState {
    return this.cards.state(i);
  }

  /** The raw `cardStatus` of a state, in the code set of the card's platform (OneLink-CT or -PB). */
  cardStatus(i: number, s: CardState): string {
    return this.cards.cardStatus(i, s);
  }

  /** Month-to-date usage: real time for OneLink-CT cards, as of yesterday 24:00 for OneLink-PB cards. */
  usageBytes(i: number): number {
    return this.cards.usageBytes(i);
  }

  /** The pool's month-to-date use and its effective total (activated members × per-card plan). */
  poolUsage(block: number): { used: number; total: number; activated: number } {
    return this.pools.poolUsage(block);
  }

  /** Pool block size, exposed for tests. */
  static readonly POOL_SIZE = BLOCK;
}
