import fc from 'fast-check';
import { anyValueWith, field, fuzzAdapterCalls, readCalls, typedOrValid, validDaily } from '../../../../test/support/carrier-specs';
import { AuthExpired, isCarrierError, RateLimited, Rejected, Transient } from '@simgate/core';
import { CardStatus, carriesReason, OperationType, SuspendReason } from '@simgate/core';
import type { CardRecord, UsageSnapshot } from '@simgate/core';
import { cardScoped, type AnswerContext } from '../toolkit';
import { answerError, parsePlainError } from './client';
import { errorTable } from './errors';
import {
  CTCC_STATUS,
  ctccStatus,
  dayFromCompact,
  mapCardMainStatus,
  mapCycleTraffic,
  mapDailyTraffic,
  mapOrderAnswer,
  mapSimListPage,
  mapTraffic,
  mbTextToBytes,
} from './map';
import { platform } from './index';



const ctx = (endpoint: string): AnswerContext => ({ endpoint, secrets: ['pwd12345'], httpStatus: 200 });

describe('status mapping: every productMainStatusCd of carriers.md §3 / §5', () => {
  const S = CardStatus;
  const R = SuspendReason;
  const rows: [code: string, net: string | null, stoppedBySimgate: boolean, status: CardStatus, reason: SuspendReason | null][] = [
    ['1', null, false, S.INVENTORY, null],
    ['2', null, false, S.TEST, null],
    ['3', null, false, S.INVENTORY, null],
    ['4', '未断网', false, S.ACTIVE, null],
    ['4', null, false, S.ACTIVE, null],
    ['4', '已断网', false, S.SUSPENDED, R.USAGE_CAP],
    ['4', '已断网', true, S.SUSPENDED, R.USAGE_CAP],
    ['4', '部分断网', false, S.UNKNOWN, null],
    ['5', '未断网', true, S.SUSPENDED, R.MANUAL],
    ['5', '未断网', false, S.SUSPENDED, R.UNKNOWN],
    ['5', '已断网', false, S.SUSPENDED, R.UNKNOWN],
    ['6', '未断网', false, S.SUSPENDED, R.CARRIER_CONTROL],
    ['7', null, false, S.CANCELLED, null],
    ['8', null, false, S.UNKNOWN, null],
    ['', null, false, S.UNKNOWN, null],
    ['constructor', null, false, S.UNKNOWN, null],
    ['__proto__', null, false, S.UNKNOWN, null],
  ];
  it.each(rows)('%s / %s / stoppedBySimgate=%s → %s %s', (code, net, hint, status, reason) => {
    const s = ctccStatus(code, net, hint);
    expect(s.status).toBe(status);
    expect(s.suspendReason).toBe(reason);
    expect(s.suspendReasons).toEqual(reason ? [reason] : []);
  });

  it('the table holds every documented code with its Chinese label', () => {
    expect(Object.keys(CTCC_STATUS)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(Object.values(CTCC_STATUS).map((r) => r.label)).toEqual(['可激活', '测试激活', '测试去激活', '在用', '停机', '运营商管理状态', '拆机']);
  });
});

describe('error mapping: every code of carriers.md §3', () => {
  const rows: [code: string, message: string, cls: new (...a: never[]) => Error, retryable: boolean, perCard: boolean][] = [
    ['-1', '用户名或密码错误', Rejected, false, false],
    ['-2', '缺少参数', Rejected, false, false],
    ['-3', '签名错误', Rejected, false, false],
    ['-4', '号码不存在', Rejected, false, true],
    ['-5', '重复订购', Rejected, false, true],
    ['-7', '该号码有在途工单', Rejected, false, true],
    ['101004', '请求过于频繁，请稍后再试', RateLimited, true, false],
    ['-99', '未知错误', Rejected, false, false],
  ];

  it('a code named like an Object.prototype member is an unknown code, not a crash', () => {
    for (const code of ['valueOf', 'constructor', '__proto__', 'toString']) {
      expect(() => mapOrderAnswer(JSON.stringify({ resultCode: code }), ctx('disabledNumber'))).toThrow(Rejected);
    }
  });
  it.each(rows)('%s %s', (code, message, cls, retryable, perCard) => {
    const e = answerError({ status: 200, headers: {}, body: `${code}：${message}` }, 'getSIMList', []);
    expect(e).toBeInstanceOf(cls);
    expect(e!.retryable).toBe(retryable);
    expect(e!.details).toMatchObject({ platform: 'ctcc-cmp', carrierCode: code, carrierMessage: message, httpStatus: 200 });
    expect(cardScoped(errorTable)(e!)).toBe(perCard);
  });

  it('reads the full-width colon (and tolerates an ASCII one); JSON and XML bodies are not plain errors', () => {
    expect(parsePlainError('-3：签名错误')).toEqual({ code: '-3', message: '签名错误' });
    expect(parsePlainError('-3: sign error\n')).toEqual({ code: '-3', message: 'sign error' });
    expect(parsePlainError('{"resultCode":"0"}')).toBeNull();
    expect(parsePlainError('<root/>')).toBeNull();
  });

  it('classifies HTTP statuses from proxies in front of the platform', () => {
    const at = (status: number): Error | null => answerError({ status, headers: {}, body: '' }, 'getSIMList', []);
    expect(at(200)).toBeNull();
    expect(at(429)).toBeInstanceOf(RateLimited);
    expect(at(502)).toBeInstanceOf(Transient);
    expect(at(408)).toBeInstanceOf(Transient);
    expect(at(404)).toBeInstanceOf(Rejected);
    expect(at(401)).not.toBeInstanceOf(AuthExpired);
  });

  it('a JSON resultCode or an XML IRESULT is classified by the same table', () => {
    expect(() => mapOrderAnswer('{"resultCode":"-7","resultMsg":"该号码有在途工单"}', ctx('disabledNumber'))).toThrow(Rejected);
    expect(() => mapOrderAnswer('{"resultCode":101004,"resultMsg":"请求过于频繁"}', ctx('disabledNumber'))).toThrow(RateLimited);
    expect(() =>
      mapTraffic('<root><NEW_DATA_TICKET_QRsp><IRESULT>101004</IRESULT></NEW_DATA_TICKET_QRsp></root>', { iccid: 'x' }, AT, ctx('queryTraffic')),
    ).toThrow(RateLimited);
  });
});

describe('units', () => {
  it.each([
    ['512.00MB', 536870912],
    ['0.00MB', 0],
    ['1.25MB', 1310720],
    ['0.01MB', 10486],
    ['1024', 1073741824],
    [' 2.5 mb ', 2621440],
  ])('%s → %i bytes (MB × 1,048,576, rounded)', (text, bytes) => {
    expect(mbTextToBytes(text)).toBe(bytes);
  });

  it.each(['', 'MB', '-1MB', '1.2.3MB', '5GB', 'abc'])('%j is no MB amount', (text) => {
    expect(mbTextToBytes(text)).toBeNull();
  });

  it('reads compact days against the calendar', () => {
    expect(dayFromCompact('20261231')).toBe('2026-12-31');
    expect(dayFromCompact('20260230')).toBeNull();
    expect(dayFromCompact('2026-12-31')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Mapping fuzz: random and malformed payloads → a valid core value or a typed CarrierError, never another throw.

function validRecord(r: CardRecord): void {
  expect(typeof r.iccid).toBe('string');
  expect(r.iccid.length).toBeGreaterThan(0);
  expect(Object.values(CardStatus)).toContain(r.status);
  expect(typeof r.rawStatus).toBe('string');
  if (carriesReason(r.status)) {
    expect(r.suspendReason).not.toBeNull();
    expect(r.suspendReasons).toContain(r.suspendReason);
  } else {
    expect(r.suspendReason).toBeNull();
    expect(r.suspendReasons).toEqual([]);
  }
  for (const d of [r.activatedAt, r.openedAt]) if (d !== null) expect(Number.isNaN(d.getTime())).toBe(false);
  expect(r.asOf).toBe(AT);
}

function validUsage(u: UsageSnapshot): void {
  expect(Number.isSafeInteger(u.usedBytes) && u.usedBytes >= 0).toBe(true);
  expect(u.cycleStart.getTime()).toBeLessThan(u.cycleEnd.getTime());
  if (u.quotaBytes === null) expect(u.remainingBytes).toBeNull();
  else expect(u.remainingBytes).toBe(u.quotaBytes - u.usedBytes);
}



const anyValue = anyValueWith(['', '0', '4', '5', '已断网', '未断网', '512.00MB', '20261301', '2026-13-01 25:00:00']);

const simListBody = fc
  .record({
    resultCode: field(fc.oneof(fc.constant('0'), anyValue)),
    resultMsg: field(anyValue),
    totalCount: field(anyValue),
    pageIndex: field(anyValue),
    simList: field(
      fc.oneof(
        fc.array(fc.record({ accNumber: field(anyValue), iccid: field(anyValue), imsi: field(anyValue), simStatus: field(anyValue), activationTime: field(anyValue) }), { maxLength: 4 }),
        anyValue,
      ),
    ),
  })
  .map((o) => JSON.stringify(o));

const statusBody = fc
  .record({
    resultCode: field(fc.oneof(fc.constant('0'), anyValue)),
    GROUP_TRANSACTIONID: field(anyValue),
    number: field(anyValue),
    servCreateDate: field(anyValue),
    netBlockStatusName: field(fc.oneof(fc.constantFrom('已断网', '未断网'), anyValue)),
    productInfo: field(
      fc.oneof(
        fc.array(fc.record({ productMainStatusCd: field(fc.oneof(fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), anyValue)), productMainStatusName: field(anyValue) }), { maxLength: 3 }),
        anyValue,
      ),
    ),
  })
  .map((o) => JSON.stringify(o));

const xmlText = fc.oneof(fc.constantFrom('0', '-4', '1.25MB', '512.00MB', '20261101', '', 'x&y', '<', ']]>'), fc.string());
const trafficBody = fc
  .record({ iresult: xmlText, total: xmlText, items: fc.array(fc.tuple(xmlText, xmlText), { maxLength: 4 }), cut: fc.nat(400) })
  .map(({ iresult, total, items, cut }) => {
    const doc = `<root><NEW_DATA_TICKET_QRsp><IRESULT>${iresult}</IRESULT><TOTAL_BYTES_CNT>${total}</TOTAL_BYTES_CNT>${items
      .map(([d, b]) => `<ITEM><DATE>${d}</DATE><BYTES_CNT>${b}</BYTES_CNT></ITEM>`)
      .join('')}</NEW_DATA_TICKET_QRsp></root>`;
    return cut % 3 === 0 ? doc.slice(0, cut) : doc;
  });

const garbage = fc.oneof(fc.string(), fc.fullUnicodeString(), fc.json(), fc.constantFrom('null', '[]', '{}', '"0"', '0', '<root/>', '<root><x>', '-4：号码不存在'));

describe('mapping fuzz (fast-check)', () => {
  const runs = { numRuns: 300 };

  it('getSIMList', () => {
    fc.assert(fc.property(fc.oneof(simListBody, garbage), (body) => typedOrValid(() => mapSimListPage(body, AT, ctx('getSIMList'), 100), (p) => p.cards.forEach(validRecord))), runs);
  });

  it('queryCardMainStatus', () => {
    fc.assert(
      fc.property(fc.oneof(statusBody, garbage), fc.boolean(), (body, hint) =>
        typedOrValid(() => mapCardMainStatus(body, { iccid: '89860312345678901235', hints: { stoppedBySimgate: hint } }, AT, ctx('queryCardMainStatus')), validRecord),
      ),
      runs,
    );
  });

  it('queryTraffic', () => {
    fc.assert(fc.property(fc.oneof(trafficBody, garbage), (body) => typedOrValid(() => mapTraffic(body, { iccid: 'x' }, AT, ctx('queryTraffic'), 1024), validUsage)), runs);
  });

  it('queryTrafficByDate over a cycle', () => {
    fc.assert(
      fc.property(fc.oneof(trafficBody, garbage), fc.constantFrom('2026-11', '2026-12', '2026-13', 'x'), (body, label) =>
        typedOrValid(() => mapCycleTraffic(body, { iccid: 'x' }, label, AT, ctx('queryTrafficByDate'), null), validUsage),
      ),
      runs,
    );
  });

  it('queryTrafficByDate', () => {
    fc.assert(fc.property(fc.oneof(trafficBody, garbage), (body) => typedOrValid(() => mapDailyTraffic(body, { iccid: 'x' }, ctx('queryTrafficByDate')), validDaily)), runs);
  });

  it('order answers', () => {
    fc.assert(fc.property(fc.oneof(statusBody, simListBody, garbage), (body) => typedOrValid(() => mapOrderAnswer(body, ctx('disabledNumber')), () => undefined)), runs);
  });

  it('plain-text error detection', () => {
    fc.assert(
      fc.property(garbage, fc.integer({ min: 100, max: 599 }), (body, status) => {
        const e = answerError({ status, headers: {}, body }, 'getSIMList', []);
        return e === null || isCarrierError(e);
      }),
      runs,
    );
  });
});

// ----- fixtures -----
const AT = new Date('2026-11-30T17:00:00Z');

describe('adapter fuzz: any answer to any call → a result or a typed CarrierError', () => {
  const bodies = fc.oneof(garbage, simListBody, statusBody, trafficBody, fc.constant('{"resultCode":"0","resultMsg":"ok"}'));
  const answer = fc.record({ status: fc.constantFrom(200, 200, 200, 404, 429, 500), body: bodies });

  const ref = { iccid: '89860312345678901235', hints: { stoppedBySimgate: true } };
  const receipt = { type: OperationType.SUSPEND, iccids: [ref.iccid], confirmBy: 'STATUS' as const, carrierRef: null, expectedStatus: CardStatus.SUSPENDED, submittedAt: AT };
  const account = { id: 'f', platform: 'ctcc-cmp', baseUrl: 'http://x/', credentials: { userId: 'u', password: 'pwd12345', key: 'abcdefghi' }, options: { planMb: 100 } };

  it('every adapter call', async () => {
    await fuzzAdapterCalls({
      connect: (http) => platform.connect(account, { http, now: () => AT }),
      answer,
      answers: 3,
      calls: [
        ...readCalls(ref, AT, ['2026-11-01', '2026-11-30'], '2026-11'),
        (a) => a.submit({ type: OperationType.SET_USAGE_CAP, iccids: [ref.iccid], params: { capMb: 10 }, idempotencyKey: 'k' }, [], AT),
        (a) => a.submit({ type: OperationType.RESUME, iccids: [ref.iccid], params: {}, idempotencyKey: 'k' }, [], AT),
        (a) => a.progress(receipt, [], AT),
      ],
    });
  });
});
