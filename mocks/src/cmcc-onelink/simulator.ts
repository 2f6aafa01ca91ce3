import { SimClock } from '../sim/clock';
import { SimCounters } from '../sim/counters';
import { FaultInjector } from '../sim/faults';
import { seedDigits } from '../sim/ids';
import { hash32 } from '../sim/random';
import { SlidingWindow } from '../sim/sliding-window';
import { type CardState, Why } from '../sim/timeline';
import type { ControlledSimulator, SimOptions, SimRequest, SimResponse } from '../sim/types';
import { DAY_MS, MINUTE_MS } from '../sim/zone';
import { BLOCK, OneLinkFleet, POOL_OFFERING_PREFIX } from './fleet';

/**
 * China Mobile OneLink API v5 ("ec") simulator: carriers.md §1, quirks included. Every answer is HTTP 200
 * with the `{status, message, result}` envelope (faults aside).
 */

export const ONELINK_BASE_PATH = '/v5/ec/';
export const TOKEN_TTL_SECONDS = 3600;
export const ANTI_REPEAT_MS = 30 * MINUTE_MS;
export const DEFAULT_ORDER_DELAY_MS = 5 * MINUTE_MS;

/** Status codes and messages (carriers.md §1; the (convention) ones are fixed there too). */
export const ONELINK_CODES = {
  ok: ['0', '正确'],
  param: ['12001', '参数错误'],
  transid: ['12002', 'transid格式错误'],
  unknownCard: ['12006', '号码不存在'],
  credentials: ['12009', 'appid或密码错误'],
  unknownOrder: ['12010', '订单号或任务号不存在'],
  unknownGroup: ['12011', '群组不存在'],
  token: ['12021', 'TOKEN不存在或已过期，请重新获取'],
  dateRange: ['12022', '查询日期超出范围'],
  antiRepeat: ['12034', '该号码30分钟内已提交过变更'],
  badState: ['12036', '号码状态不允许此操作'],
  rateLimit: ['12049', '调用频率超限，请稍后再试'],
  batchLimit: ['12100', '批量查询数量超过上限'],
  unknownPath: ['12001', '接口不存在'],
} as const satisfies Record<string, readonly [string, string]>;

type Code = keyof typeof ONELINK_CODES;
type Row = Record<string, unknown>;

class OneLinkError extends Error {
  constructor(readonly code: Code) {
    super(ONELINK_CODES[code][1]);
  }
}

/** Stop-reason bits (carriers.md §1): position in the 12-character bitmap and the description. */
const STOP_BITS: ReadonlyArray<[number, number, string]> = [
  [Why.EXPIRED, 0, '产品已失效'],
  [Why.DEVICE_REBIND, 1, '机卡分离停机'],
  [Why.CARRIER, 3, 'M2M管理停机'],
  [Why.CREDIT | Why.OVER_QUOTA | Why.POOL, 4, '信控停机'],
  [Why.MANUAL, 8, '主动停机'],
  [Why.REGION, 9, '区域限制停机'],
  [Why.FORCED, 10, '强制停机'],
];

interface Order {
  orderNum: string;
  card: number;
  submittedAt: number;
  completeAt: number;
  applies: (s: CardState) => boolean;
}

interface Job {
  jobId: string;
  cards: number[];
  submittedAt: number;
  completeAt: number;
  applies: (s: CardState) => boolean;
}

interface SingleOp {
  from: (s: CardState) => boolean;
  to: Pick<CardState, 'life' | 'variant'> & { reasons?: number };
  needsReason: boolean;
}

const isStoppedManual = (s: CardState): boolean => s.life === 'STOPPED' && (s.reasons & Why.MANUAL) !== 0;
const STOP: SingleOp = { from: (s) => s.life === 'ACTIVE', to: { life: 'STOPPED', variant: 0, reasons: Why.MANUAL }, needsReason: true };
const RESUME: SingleOp = { from: isStoppedManual, to: { life: 'ACTIVE', variant: 0 }, needsReason: true };
const INVENTORY_TO_ACTIVE: SingleOp = { from: (s) => s.life === 'INVENTORY' && s.variant === 1, to: { life: 'ACTIVE', variant: 0 }, needsReason: false };
const AWAITING_TO_ACTIVE: SingleOp = { from: (s) => s.life === 'INVENTORY' && s.variant === 0, to: { life: 'ACTIVE', variant: 0 }, needsReason: false };

/** `change/sim-status` operType → transition. */
const SINGLE_OPS: Readonly<Record<string, SingleOp>> = {
  '0': STOP,
  '1': RESUME,
  '2': INVENTORY_TO_ACTIVE,
  '3': { from: (s) => s.life === 'TEST', to: { life: 'INVENTORY', variant: 1 }, needsReason: false },
  '5': { from: (s) => s.life === 'TEST', to: { life: 'ACTIVE', variant: 0 }, needsReason: false },
  '6': AWAITING_TO_ACTIVE,
};

/** `change/sim-status/batch` operType → transition (note: batch `5` is inventory→active, single `5` test→active). */
const BATCH_OPS: Readonly<Record<string, SingleOp>> = {
  '9': STOP,
  '11': RESUME,
  '5': INVENTORY_TO_ACTIVE,
  '7': AWAITING_TO_ACTIVE,
};

/** Kilobytes as a decimal string (`"20480.5"`). */
export function kbString(bytes: number): string {
  return String(Math.round((bytes / 1024) * 100) / 100);
}

export class OneLinkSimulator implements ControlledSimulator {
  readonly platform = 'cmcc-onelink';
  readonly basePath = ONELINK_BASE_PATH;
  readonly faults: FaultInjector;
  readonly counters = new SimCounters();
  readonly clock: SimClock;
  readonly credentials: Record<string, string>;
  readonly fleet: OneLinkFleet;
  readonly orderDelayMs: number;
  /** Real-time source for quotas (quotas are about real request rates, not business time). */
  realNow: () => number = () => performance.now();

  private readonly tokens = new Map<string, { appid: string; expiresAt: number }>();
  private readonly tokenByAppid = new Map<string, string>();
  private tokenSeq = 0;
  private readonly orders = new Map<string, Order>();
  private readonly jobs = new Map<string, Job>();
  private orderSeq = 0;
  private readonly lastChangeSubmitted = new Map<number, number>();
  private readonly quotaAll: SlidingWindow;
  private readonly quotaPath = new Map<string, SlidingWindow>();
  private readonly quotaFactor: number;

  constructor(options: SimOptions) {
    this.clock = options.clock;
    this.fleet = new OneLinkFleet(options.cards, options.seed, options.clock.nowMs());
    this.faults = new FaultInjector(hash32(options.seed, 101));
    this.orderDelayMs = options.orderDelayMs ?? DEFAULT_ORDER_DELAY_MS;
    this.quotaFactor = options.quotaFactor ?? 1;
    this.quotaAll = new SlidingWindow(Math.max(1, Math.round(10 * this.quotaFactor)), 1000);
    this.credentials = { appid: '1000' + seedDigits(options.seed, 20, 8), password: 'Pw' + seedDigits(options.seed, 21, 8) };
  }

  accountEntry(origin: string): Record<string, unknown> {
    return {
      id: 'cmcc-main',
      platform: this.platform,
      baseUrl: origin + this.basePath,
      credentials: { ...this.credentials },
      cards: 'cmcc-cards.csv',
    };
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
    let perPath: SlidingWindow | undefined;
    if (path.startsWith('change/')) {
      perPath = this.quotaPath.get(path);
      if (!perPath) {
        perPath = new SlidingWindow(Math.max(1, Math.round(this.quotaFactor)), 1000);
        this.quotaPath.set(path, perPath);
      }
    }
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
        return this.simCardInfoBatch(p);
      case 'query/sim-basic-info':
        return [this.basicInfo(this.single(p))];
      case 'query/sim-status':
        return [this.statusRow(this.single(p), false)];
      case 'query/sim-status/batch':
        return this.batch(p).map((i) => this.statusRow(i, true));
      case 'query/sim-stop-reason':
        return [this.stopReason(this.single(p))];
      case 'query/sim-data-usage':
        return [this.dataUsage(this.single(p))];
      case 'query/sim-data-margin':
        return [this.dataMargin(this.single(p))];
      case 'query/sim-data-usage-daily/batch':
        return this.dailyBatch(p);
      case 'query/sim-data-usage-monthly/batch':
        return this.monthlyBatch(p);
      case 'query/group-data-usage':
        return [{ useAmount: kbString(this.poolUsage(this.group(p)).used) }];
      case 'query/group-data-margin':
        return [this.groupMargin(this.group(p))];
      case 'query/group-member':
        return [this.groupMembers(p)];
      case 'change/sim-status':
        return [this.changeStatus(p)];
      case 'query/order-info':
        return [this.orderInfo(p)];
      case 'change/sim-status/batch':
        return [this.changeStatusBatch(p)];
      case 'query/sim-batch-result':
        return [this.batchResult(p)];
      default:
        throw new OneLinkError('unknownPath');
    }
  }

  // ---- card keys -------------------------------------------------------------------------------------

  private lookup(kind: 'msisdn' | 'iccid' | 'imsi', value: string): number {
    const f = this.fleet;
    return kind === 'msisdn' ? f.byMsisdn(value) : kind === 'iccid' ? f.byIccid(value) : f.byImsi(value);
  }

  /** Exactly one of msisdn, iccid, imsi. */
  private single(p: Record<string, string>): number {
    const keys = (['msisdn', 'iccid', 'imsi'] as const).filter((k) => p[k] !== undefined && p[k] !== '');
    if (keys.length !== 1 || !/^\d+$/.test(p[keys[0]])) throw new OneLinkError('param');
    const i = this.lookup(keys[0], p[keys[0]]);
    if (i < 0) throw new OneLinkError('unknownCard');
    return i;
  }

  private batchKeys(p: Record<string, string>, allowed: readonly ('msisdns' | 'iccids' | 'imsis')[]): { kind: 'msisdn' | 'iccid' | 'imsi'; values: string[] } {
    const keys = allowed.filter((k) => p[k] !== undefined && p[k] !== '');
    const others = (['msisdns', 'iccids', 'imsis'] as const).filter((k) => !allowed.includes(k) && p[k]);
    if (keys.length !== 1 || others.length > 0) throw new OneLinkError('param');
    const values = p[keys[0]].split('_');
    if (values.some((v) => !/^\d+$/.test(v))) throw new OneLinkError('param');
    if (values.length > 100) throw new OneLinkError('batchLimit');
    return { kind: keys[0].slice(0, -1) as 'msisdn' | 'iccid' | 'imsi', values };
  }

  /** Batch of known cards; any unknown card → 12006 for the whole call. */
  private batch(p: Record<string, string>, allowed: readonly ('msisdns' | 'iccids' | 'imsis')[] = ['msisdns', 'iccids', 'imsis']): number[] {
    const { kind, values } = this.batchKeys(p, allowed);
    return values.map((v) => {
      const i = this.lookup(kind, v);
      if (i < 0) throw new OneLinkError('unknownCard');
      return i;
    });
  }

  // ---- card views ---------------------------------------------------------------------------------------

  private fmt(ms: number): string {
    return this.fleet.zone.format(ms, 'yyyy-MM-dd HH:mm:ss');
  }

  state(i: number): CardState {
    return this.fleet.timeline.replay(i, this.now()).state;
  }

  /** The raw `cardStatus` of a state, in the code set of the card's platform (OneLink-CT or -PB). */
  cardStatus(i: number, s: CardState): string {
    if (this.fleet.isPB(i)) {
      switch (s.life) {
        case 'TEST':
        case 'INVENTORY':
          return s.variant === 1 ? '06' : '07';
        case 'ACTIVE':
          return '00';
        case 'STOPPED':
          return s.variant === 1 ? '01' : '02';
        case 'RETIRED':
          return '03';
        case 'CANCELLED':
          return '04';
      }
    }
    switch (s.life) {
      case 'TEST':
        return '6';
      case 'INVENTORY':
        return s.variant === 1 ? '7' : '1';
      case 'ACTIVE':
        return '2';
      case 'STOPPED':
        return '4';
      case 'RETIRED':
        return '8';
      case 'CANCELLED':
        return '9';
    }
  }

  private ids(i: number): { msisdn: string; iccid: string } {
    return { msisdn: this.fleet.msisdnOf(i), iccid: this.fleet.iccidOf(i) };
  }

  private simCardInfoBatch(p: Record<string, string>): Row[] {
    const { kind, values } = this.batchKeys(p, ['msisdns', 'iccids', 'imsis']);
    return values.map((v) => {
      const i = this.lookup(kind, v);
      if (i < 0) {
        const [status, message] = ONELINK_CODES.unknownCard;
        return { status, message, msisdn: kind === 'msisdn' ? v : '', iccid: kind === 'iccid' ? v : '', imsi: kind === 'imsi' ? v : '' };
      }
      return { status: '0', message: '正确', ...this.ids(i), imsi: this.fleet.imsiOf(i) };
    });
  }

  private basicInfo(i: number): Row {
    const s = this.state(i);
    return {
      ...this.ids(i),
      imsi: this.fleet.imsiOf(i),
      activeDate: s.activatedAt !== null ? this.fmt(s.activatedAt) : '',
      openDate: this.fmt(this.fleet.openedAt(i)),
    };
  }

  private statusRow(i: number, withIds: boolean): Row {
    const s = this.state(i);
    const row: Row = withIds ? this.ids(i) : {};
    row.cardStatus = this.cardStatus(i, s);
    row.lastChangeDate = this.fmt(s.changedAt);
    return row;
  }

  private stopReason(i: number): Row {
    const s = this.state(i);
    const bits = Array<string>(12).fill('0');
    const desc: string[] = [];
    if (s.life === 'STOPPED' || s.life === 'RETIRED') {
      for (const [mask, pos, text] of STOP_BITS) {
        if (s.reasons & mask) {
          bits[pos] = '2';
          desc.push(text);
        }
      }
    }
    return { stopReason: bits.join(''), shutdownReasonDesc: desc.join(',') };
  }

  /** Month-to-date usage: real time for OneLink-CT cards, as of yesterday 24:00 for OneLink-PB cards. */
  usageBytes(i: number): number {
    const now = this.now();
    const z = this.fleet.zone;
    const cs = z.startOfMonth(now);
    const asOf = this.fleet.isPB(i) ? z.startOfDay(now) : now;
    return this.fleet.timeline.usageBetween(i, cs, asOf, now);
  }

  private dataUsage(i: number): Row {
    const kb = kbString(this.usageBytes(i));
    return { dataAmount: kb, apnUseAmountList: [{ apnName: 'CMIOT', apnUseAmount: kb }] };
  }

  private dataMargin(i: number): Row {
    const s = this.state(i);
    const offering = this.fleet.offering(s.plan);
    const used = this.usageBytes(i);
    return {
      accmMarginList: [
        {
          offeringId: offering.offeringId,
          offeringName: offering.offeringName,
          totalAmount: kbString(offering.bytes),
          useAmount: kbString(used),
          remainAmount: kbString(offering.bytes - used),
        },
      ],
    };
  }

  private dailyBatch(p: Record<string, string>): Row[] {
    const day = p.queryDate;
    if (!day || !/^\d{8}$/.test(day)) throw new OneLinkError('param');
    const z = this.fleet.zone;
    const now = this.now();
    const from = z.local(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8)));
    if (z.format(from, 'yyyyMMdd') !== day) throw new OneLinkError('param');
    const today = z.startOfDay(now);
    if (from >= today || from < z.startOfDay(now, -7)) throw new OneLinkError('dateRange');
    const cards = this.batch(p);
    return cards.map((i) => ({ ...this.ids(i), dataAmount: kbString(this.fleet.timeline.usageBetween(i, from, from + DAY_MS, now)) }));
  }

  private monthlyBatch(p: Record<string, string>): Row[] {
    const month = p.queryDate;
    if (!month || !/^\d{6}$/.test(month)) throw new OneLinkError('param');
    const z = this.fleet.zone;
    const now = this.now();
    const mm = Number(month.slice(4, 6));
    if (mm < 1 || mm > 12) throw new OneLinkError('param');
    const from = z.local(Number(month.slice(0, 4)), mm, 1);
    if (from > z.startOfMonth(now) || from < z.startOfMonth(now, -6)) throw new OneLinkError('dateRange');
    const to = z.startOfMonth(from, 1);
    const cards = this.batch(p);
    return cards.map((i) => ({ ...this.ids(i), dataAmount: kbString(this.fleet.timeline.usageBetween(i, from, to, now)) }));
  }

  // ---- pools -------------------------------------------------------------------------------------------

  private group(p: Record<string, string>): number {
    if (!p.groupId) throw new OneLinkError('param');
    const block = this.fleet.byGroupId(p.groupId);
    if (block < 0) throw new OneLinkError('unknownGroup');
    return block;
  }

  /** The pool's month-to-date use and its effective total (activated members × per-card plan). */
  poolUsage(block: number): { used: number; total: number; activated: number } {
    const now = this.now();
    const cs = this.fleet.zone.startOfMonth(now);
    let used = 0;
    let activated = 0;
    for (const m of this.fleet.poolMembers(block)) {
      const r = this.fleet.timeline.replay(m, now);
      if (r.state.life === 'ACTIVE' || r.state.life === 'STOPPED') activated++;
      used += r.cycleStart === cs ? r.usedInCycle : 0;
    }
    return { used, total: activated * this.fleet.planBytes(this.fleet.blockPlan(block)), activated };
  }

  private groupMargin(block: number): Row {
    const { used, total } = this.poolUsage(block);
    const offering = this.fleet.offering(this.fleet.blockPlan(block));
    return {
      flowPoolSharingInfo: [
        {
          offeringId: 'P' + offering.offeringId,
          offeringName: `${POOL_OFFERING_PREFIX}(${offering.offeringName})`,
          totalAmount: kbString(total),
          useAmount: kbString(used),
          remainAmount: kbString(total - used),
        },
      ],
    };
  }

  private groupMembers(p: Record<string, string>): Row {
    const block = this.group(p);
    const pageSize = Number(p.pageSize);
    const startNum = Number(p.startNum);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50 || !Number.isInteger(startNum) || startNum < 1) {
      throw new OneLinkError('param');
    }
    const members = this.fleet.poolMembers(block);
    // `startNum` is the page number from 1 ("开始页，从1开始" in the public OneLink clients), not a record
    // offset (conformance finding; docs/carriers.md, Conformance findings).
    const first = (startNum - 1) * pageSize;
    return {
      total: String(members.length),
      memberList: members.slice(first, first + pageSize).map((i) => this.ids(i)),
    };
  }

  // ---- orders ------------------------------------------------------------------------------------------

  private nextNumber(): string {
    return this.fleet.zone.format(this.now(), 'yyyyMMddHHmmss') + String(++this.orderSeq).padStart(6, '0');
  }

  /** Orders-received key: card + change + how many changes the card had completed (a resubmission repeats it). */
  private orderKey(i: number, target: string): string {
    const now = this.now();
    const done = (this.fleet.changes(i) ?? []).filter((c) => c.at <= now).length;
    return `${this.fleet.iccidOf(i)}|${target}|${done}`;
  }

  private recentlyChanged(i: number, now: number): boolean {
    const last = this.lastChangeSubmitted.get(i);
    return last !== undefined && now - last < ANTI_REPEAT_MS;
  }

  private changeStatus(p: Record<string, string>): Row {
    const op = SINGLE_OPS[p.operType ?? ''];
    if (!op || (op.needsReason && p.reason !== '01')) throw new OneLinkError('param');
    const i = this.single(p);
    const now = this.now();
    const key = this.orderKey(i, `${op.to.life}`);
    const reject = (code: Code): never => {
      this.counters.order(key, 'change/sim-status', new Date(now), false);
      throw new OneLinkError(code);
    };
    if (this.recentlyChanged(i, now)) reject('antiRepeat');
    if (!op.from(this.state(i))) reject('badState');
    this.counters.order(key, 'change/sim-status', new Date(now), true);
    const orderNum = this.nextNumber();
    const completeAt = now + this.orderDelayMs;
    this.submit(i, op, now, completeAt);
    this.orders.set(orderNum, { orderNum, card: i, submittedAt: now, completeAt, applies: op.from });
    return { orderNum, msisdn: this.fleet.msisdnOf(i) };
  }

  private submit(i: number, op: SingleOp, now: number, completeAt: number): void {
    this.lastChangeSubmitted.set(i, now);
    this.fleet.addChange(i, {
      at: completeAt,
      submittedAt: now,
      by: 'user',
      applies: op.from,
      // A resume lifts the customer's stop only; other stop bits keep the card stopped.
      transform:
        op === RESUME
          ? (s) => {
              const reasons = s.reasons & ~Why.MANUAL;
              return { life: reasons ? 'STOPPED' : 'ACTIVE', variant: reasons ? s.variant : 0, reasons };
            }
          : () => ({ life: op.to.life, variant: op.to.variant, reasons: op.to.reasons ?? 0 }),
    });
  }

  /** Whether an order's change applied when it came due (the card's state just before allowed it). */
  private applied(card: number, completeAt: number, applies: (s: CardState) => boolean): boolean {
    const before = this.fleet.timeline.replay(card, completeAt - 1).state;
    return applies(before);
  }

  private orderInfo(p: Record<string, string>): Row {
    const o = p.orderNum ? this.orders.get(p.orderNum) : undefined;
    if (!p.orderNum) throw new OneLinkError('param');
    if (!o) throw new OneLinkError('unknownOrder');
    const now = this.now();
    const ackUntil = o.submittedAt + Math.floor((o.completeAt - o.submittedAt) / 3);
    let status: string;
    let statusDate: number;
    if (now < ackUntil) [status, statusDate] = ['acknowledged', o.submittedAt];
    else if (now < o.completeAt) [status, statusDate] = ['inProgress', ackUntil];
    else [status, statusDate] = [this.applied(o.card, o.completeAt, o.applies) ? 'completed' : 'failed', o.completeAt];
    return { orderNum: o.orderNum, status, statusDate: this.fmt(statusDate), createDate: this.fmt(o.submittedAt) };
  }

  private changeStatusBatch(p: Record<string, string>): Row {
    const op = BATCH_OPS[p.operType ?? ''];
    if (!op || (op.needsReason && p.reason !== '01')) throw new OneLinkError('param');
    const cards = this.batch(p, ['msisdns']);
    const now = this.now();
    const keys = cards.map((i) => this.orderKey(i, `${op.to.life}`));
    const reject = (code: Code): never => {
      for (const key of keys) this.counters.order(key, 'change/sim-status/batch', new Date(now), false);
      throw new OneLinkError(code);
    };
    if (new Set(cards).size !== cards.length) reject('param');
    if (cards.some((i) => this.recentlyChanged(i, now))) reject('antiRepeat');
    if (cards.some((i) => !op.from(this.state(i)))) reject('badState');
    for (const key of keys) this.counters.order(key, 'change/sim-status/batch', new Date(now), true);
    const completeAt = now + this.orderDelayMs;
    for (const i of cards) this.submit(i, op, now, completeAt);
    const jobId = this.nextNumber();
    this.jobs.set(jobId, { jobId, cards, submittedAt: now, completeAt, applies: op.from });
    return { jobId };
  }

  private batchResult(p: Record<string, string>): Row {
    if (!p.jobId) throw new OneLinkError('param');
    const job = this.jobs.get(p.jobId);
    if (!job) throw new OneLinkError('unknownOrder');
    const now = this.now();
    if (now < job.submittedAt + Math.floor((job.completeAt - job.submittedAt) / 3)) return { jobStatus: '0' };
    if (now < job.completeAt) return { jobStatus: '1' };
    const results = job.cards.map((i) => {
      const ok = this.applied(i, job.completeAt, job.applies);
      const [status, message] = ok ? ONELINK_CODES.ok : ONELINK_CODES.badState;
      return { status, message, resultId: this.fleet.msisdnOf(i), resultType: '1' };
    });
    const failures = results.filter((r) => r.status !== '0').length;
    if (failures === results.length) return { jobStatus: '4' };
    return { jobStatus: failures ? '3' : '2', resultList: results };
  }

  /** Pool block size, exposed for tests. */
  static readonly POOL_SIZE = BLOCK;
}
