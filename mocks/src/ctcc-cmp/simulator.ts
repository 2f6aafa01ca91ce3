import { KeyedWindows } from '../sim/sliding-window';
import { BaseSimulator } from '../sim/base';
import type { SimOptions, SimRequest, SimResponse } from '../sim/types';
import { naturalOrdering, splitKey, strEncNative as strEnc } from './des';
import { CtccFleet, STATUS_NAMES, type CtccCardView, type CtccOrderKind } from './fleet';
import { MB, parseShDay, shCompact, shDateTime, shDay, shDayLabel, shMonthKey, shMonthStart } from './shanghai-time';

/**
 * China Telecom CMP (`m2m_ec`) simulator, carriers.md §3: one path, every call a GET with `method`,
 * des.js-signed parameters, JSON for card queries, XML for traffic, plain-text `code：message` errors
 * (full-width colon, HTTP 200), asynchronous orders, a 20 requests/second quota per `user_id`.
 */

export const CTCC_BASE_PATH = '/m2m_ec/query.do';
/** U+FF1A FULLWIDTH COLON, the separator of CTCC's plain-text errors. */
export const FULLWIDTH_COLON = '\uFF1A';

export const CTCC_ERRORS = {
  badCredentials: ['-1', '用户名或密码错误'],
  missingParams: ['-2', '缺少参数'],
  badSign: ['-3', '签名错误'],
  unknownNumber: ['-4', '号码不存在'],
  repeated: ['-5', '重复订购'],
  orderInProgress: ['-7', '该号码有在途工单'],
  rateLimited: ['101004', '请求过于频繁，请稍后再试'],
} as const satisfies Record<string, readonly [string, string]>;

export const CTCC_PAGE_SIZE = 50;
export const CTCC_QUOTA_PER_SECOND = 20;
export const CTCC_REBINDS_PER_MONTH = 2;
const SUCCESS_MSG = '处理成功！';

/** Which request values each method signs, besides user_id, password, method and the card key. */
const SIGNED_EXTRAS: Record<string, readonly string[]> = {
  getSIMList: [],
  queryCardMainStatus: [],
  queryTraffic: [],
  queryTrafficByDate: [],
  disabledNumber: ['orderTypeId', 'acctCd'],
  requestServActive: [],
  offNetAction: ['action', 'quota', 'type'],
  IMEIReRecord: ['action'],
};
const NO_CARD_KEY = new Set(['getSIMList']);
/** Methods that may show cancelled cards when asked with `queryDropCard=true`. */
const DROP_CARD_METHODS = new Set(['queryCardMainStatus', 'queryTraffic', 'queryTrafficByDate']);

export interface CtccCredentials {
  userId: string;
  password: string;
  /** 9 characters: k1 = 1–3, k2 = 4–6, k3 = 7–9. */
  key: string;
}

export interface CtccSimOptions extends SimOptions {
  credentials?: Partial<CtccCredentials>;
}

type Answer = SimResponse & { kind: 'json' | 'xml' | 'text' };

export class CtccSimulator extends BaseSimulator {
  readonly fleet: CtccFleet;
  readonly credentials: Record<string, string>;
  private readonly windows: KeyedWindows;
  private readonly creds: CtccCredentials;
  private readonly keys: [string, string, string];
  private txSeq = 0;
  private passWordHex: string | undefined;
  /** Per card that received orders: the last kind asked and an epoch that moves when the kind changes. */
  private readonly lastOrder = new Map<number, { kind: string; epoch: number }>();

  constructor(options: CtccSimOptions) {
    super(options, { platform: 'ctcc-cmp', basePath: CTCC_BASE_PATH, accountName: 'ctcc-main', faultSalt: 0x43_54, defaultOrderDelayMs: 2 * 3_600_000 });
    this.fleet = new CtccFleet(options.cards, options.seed, options.clock.nowMs());
    this.windows = new KeyedWindows(Math.max(1, Math.round(CTCC_QUOTA_PER_SECOND * (options.quotaFactor ?? 1))), 1000);
    this.creds = {
      userId: options.credentials?.userId ?? 'simgate_ctcc',
      password: options.credentials?.password ?? 'Ct#2026pw',
      key: options.credentials?.key ?? 'k9Q2m7Zx4',
    };
    if (this.creds.key.length !== 9) throw new Error('ctcc simulator: the key must have 9 characters');
    this.keys = splitKey(this.creds.key);
    this.credentials = { ...this.creds };
  }

  /** The card as the platform would show it now (tests and demos). */
  card(index: number): CtccCardView {
    return this.fleet.view(index, this.clock.nowMs());
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const method = req.query.method ?? '';
    this.counters.request(method || '(none)');
    const latency = this.faults.config.latencyMs;
    const fault = this.faults.draw();
    if (fault) this.counters.fault(fault);
    const withLatency = (r: SimResponse): SimResponse => (latency > 0 ? { ...r, delayMs: (r.delayMs ?? 0) + latency } : r);

    if (fault === 'serverError') {
      return withLatency({
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
      });
    }
    if (fault === 'rateLimit') {
      this.counters.injectedRateLimits++;
      return withLatency(text(CTCC_ERRORS.rateLimited));
    }
    if (fault === 'malformed') {
      const xml = method === 'queryTraffic' || method === 'queryTrafficByDate';
      return withLatency({
        status: 200,
        headers: { 'content-type': xml ? 'text/xml;charset=UTF-8' : 'application/json;charset=UTF-8' },
        body: xml
          ? '<root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT><TOTAL_BYTES_CNT>MB</NEW_DATA_TICKET_QRsp></TOTAL_BYTES_CNT>'
          : '{"resultCode":"0","resultMsg":处理成功！,"simList":[{"accNumber":}',
      });
    }

    const answer = this.answer(req, method);
    if (fault === 'timeout') return { ...answer, hang: true }; // processed, but the answer never comes
    if (fault === 'truncated') {
      const cut = Math.max(1, Math.floor(answer.body.length / 2));
      return withLatency({ status: answer.status, headers: answer.headers, body: answer.body.slice(0, cut) });
    }
    return withLatency(answer);
  }

  private answer(req: SimRequest, method: string): Answer {
    if (req.method !== 'GET') {
      return { kind: 'text', status: 405, headers: { 'content-type': 'text/plain;charset=UTF-8', allow: 'GET' }, body: 'HTTP method not allowed' };
    }
    const q = req.query;
    // Quota first, per user_id, in real elapsed time; a refused request does not count.
    const userKey = q.user_id ?? '';
    if (!this.windows.of(userKey).tryAccept(Date.now())) {
      this.counters.quotaViolations++;
      return text(CTCC_ERRORS.rateLimited);
    }

    if (!q.user_id || !q.passWord || !q.sign || !method) return text(CTCC_ERRORS.missingParams);
    const [k1, k2, k3] = this.keys;
    this.passWordHex ??= strEnc(this.creds.password, k1, k2, k3);
    if (q.user_id !== this.creds.userId || q.passWord.toUpperCase() !== this.passWordHex) {
      return text(CTCC_ERRORS.badCredentials);
    }
    const extras = SIGNED_EXTRAS[method];
    if (!extras) return text(CTCC_ERRORS.missingParams);
    const needsCard = !NO_CARD_KEY.has(method);
    const cardKey = q.access_number ? q.access_number : q.iccid ? q.iccid : undefined;
    if (needsCard && !cardKey) return text(CTCC_ERRORS.missingParams);
    for (const name of extras) if (q[name] === undefined) return text(CTCC_ERRORS.missingParams);

    const values = [this.creds.userId, this.creds.password, method];
    if (needsCard && cardKey) values.push(cardKey);
    for (const name of extras) values.push(q[name] as string);
    if (q.sign.toUpperCase() !== strEnc(naturalOrdering(values), k1, k2, k3)) return text(CTCC_ERRORS.badSign);

    const now = this.clock.nowMs();
    if (method === 'getSIMList') return this.getSimList(q, now);

    const index = q.access_number ? this.fleet.indexOfMsisdn(q.access_number) : this.fleet.indexOfIccid(q.iccid ?? '');
    if (index === null) return text(CTCC_ERRORS.unknownNumber);
    const card = this.fleet.view(index, now);
    const showDropped = q.queryDropCard === 'true' && DROP_CARD_METHODS.has(method);
    if (card.status === '7' && !showDropped) return text(CTCC_ERRORS.unknownNumber);

    switch (method) {
      case 'queryCardMainStatus':
        return json({
          resultCode: '0',
          resultMsg: SUCCESS_MSG,
          GROUP_TRANSACTIONID: this.transactionId(now),
          number: card.msisdn,
          servCreateDate: shDateTime(card.openedAtMs),
          netBlockStatusName: this.fleet.netBlocked(card, now) ? '已断网' : '未断网',
          productInfo: [{ productMainStatusCd: card.status, productMainStatusName: STATUS_NAMES[card.status] }],
        });
      case 'queryTraffic': {
        const mtd = this.fleet.monthToDate(card, now).bytes;
        const items = q.needDtl === '1' ? this.fleet.daily(card, shDay(shMonthStart(now)), shDay(now), now) : null;
        return this.trafficXml(card, now, mtd, items);
      }
      case 'queryTrafficByDate': {
        const from = parseShDay(q.startDate ?? '');
        const to = parseShDay(q.endDate ?? '');
        if (from === null || to === null || to < from) return text(CTCC_ERRORS.missingParams);
        const days = this.fleet.daily(card, from, to, now);
        const total = days.reduce((s, d) => s + d.bytes, 0);
        return this.trafficXml(card, now, total, q.needDtl === '1' ? days : null);
      }
      case 'disabledNumber': {
        const kind = q.orderTypeId as CtccOrderKind;
        if (!['19', '20', '21', '22'].includes(kind)) return text(CTCC_ERRORS.missingParams);
        return this.order(card, kind, method, now);
      }
      case 'requestServActive':
        return this.order(card, 'activate', method, now);
      case 'offNetAction':
        return this.offNetAction(card, q, now);
      case 'IMEIReRecord':
        return this.rebind(card, q, now);
    }
    return text(CTCC_ERRORS.missingParams);
  }

  private getSimList(q: Record<string, string>, now: number): Answer {
    if (!q.pageIndex || !/^\d+$/.test(q.pageIndex) || Number(q.pageIndex) < 1) return text(CTCC_ERRORS.missingParams);
    const page = Number(q.pageIndex);
    const simList: Array<Record<string, string>> = [];
    const first = (page - 1) * CTCC_PAGE_SIZE;
    for (let i = first; i < Math.min(first + CTCC_PAGE_SIZE, this.fleet.size); i++) {
      const c = this.fleet.view(i, now);
      simList.push({
        accNumber: c.msisdn,
        iccid: c.iccid,
        imsi: c.imsi,
        simStatus: c.status,
        activationTime: c.activatedAtMs !== null && c.activatedAtMs <= now ? shDateTime(c.activatedAtMs) : '',
      });
    }
    return json({ resultCode: '0', resultMsg: SUCCESS_MSG, totalCount: this.fleet.size, pageIndex: page, simList });
  }

  private order(card: CtccCardView, kind: CtccOrderKind, endpoint: string, now: number): Answer {
    // A card with an order in progress refuses another (-7): counted, but not as an accepted order.
    const inProgress = this.fleet.pending.has(card.index);
    this.counters.order(this.orderKey(card, kind), endpoint, new Date(now), !inProgress);
    if (inProgress) return text(CTCC_ERRORS.orderInProgress);
    const transactionId = this.transactionId(now);
    this.fleet.pending.set(card.index, { kind, receivedAtMs: now, dueAtMs: now + this.orderDelayMs, transactionId });
    if (this.orderDelayMs <= 0) this.fleet.settle(card.index, now);
    return json({ resultCode: '0', resultMsg: SUCCESS_MSG, GROUP_TRANSACTIONID: transactionId });
  }

  /**
   * The key of an order's effect: the same change asked again for the same card, with no other change
   * asked in between, is a duplicate (a retry), whether or not the first one completed.
   */
  private orderKey(card: CtccCardView, kind: string): string {
    const last = this.lastOrder.get(card.index);
    const epoch = !last ? 0 : last.kind === kind ? last.epoch : last.epoch + 1;
    this.lastOrder.set(card.index, { kind, epoch });
    return `${card.iccid}|${kind}|${epoch}`;
  }

  private offNetAction(card: CtccCardView, q: Record<string, string>, now: number): Answer {
    const action = q.action;
    if (!['1', '2', '3'].includes(action) || q.type !== '1') return text(CTCC_ERRORS.missingParams);
    let quotaMb = 0;
    if (action !== '3') {
      if (!/^\d+(\.\d+)?$/.test(q.quota)) return text(CTCC_ERRORS.missingParams);
      quotaMb = Number(q.quota);
    }
    this.counters.order(this.orderKey(card, `offNet:${action}:${q.quota}`), 'offNetAction', new Date(now));
    const s = this.fleet.mutable(card.index);
    s.threshold = action === '3' ? null : { mb: quotaMb, setAtMs: now };
    return json({ resultCode: '0', resultMsg: SUCCESS_MSG });
  }

  private rebind(card: CtccCardView, q: Record<string, string>, now: number): Answer {
    if (q.action !== 'ADD' || !q.imei || !/^\d{14,16}$/.test(q.imei)) return text(CTCC_ERRORS.missingParams);
    this.counters.order(this.orderKey(card, `rebind:${q.imei}`), 'IMEIReRecord', new Date(now));
    const s = this.fleet.mutable(card.index);
    const month = shMonthKey(now);
    const done = s.rebinds.get(month) ?? 0;
    if (done >= CTCC_REBINDS_PER_MONTH) return text(CTCC_ERRORS.repeated);
    s.rebinds.set(month, done + 1);
    s.imei = q.imei;
    return json({ resultCode: '0', resultMsg: SUCCESS_MSG });
  }

  private trafficXml(card: CtccCardView, now: number, totalBytes: number, items: Array<{ day: number; bytes: number }> | null): Answer {
    let body =
      '<?xml version="1.0" encoding="UTF-8"?><root><NEW_DATA_TICKET_QRsp><IRESULT>0</IRESULT>' +
      `<TOTAL_BYTES_CNT>${mbText(totalBytes)}</TOTAL_BYTES_CNT>` +
      `<GROUP_TRANSACTIONID>${this.transactionId(now)}</GROUP_TRANSACTIONID>` +
      `<number>${card.msisdn}</number>`;
    if (items) for (const it of items) body += `<ITEM><DATE>${shDayLabel(it.day)}</DATE><BYTES_CNT>${mbText(it.bytes)}</BYTES_CNT></ITEM>`;
    body += '</NEW_DATA_TICKET_QRsp></root>';
    return { kind: 'xml', status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
  }

  private transactionId(now: number): string {
    this.txSeq = (this.txSeq + 1) % 1_000_000;
    return '1000000190' + shCompact(now) + String(this.txSeq).padStart(6, '0');
  }
}

/** Megabytes with two decimals and an `MB` suffix (`512.00MB`). */
export function mbText(bytes: number): string {
  return (bytes / MB).toFixed(2) + 'MB';
}

function text([code, message]: readonly [string, string]): Answer {
  return { kind: 'text', status: 200, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: `${code}${FULLWIDTH_COLON}${message}` };
}

function json(body: unknown): Answer {
  return { kind: 'json', status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) };
}
