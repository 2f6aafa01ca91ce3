import fc from 'fast-check';
import { anyValueWith, field, fuzzAdapterCalls, readCalls, typedOrValid, validDaily } from '../../../../test/support/carrier-specs';
import { AuthExpired, isCarrierError, RateLimited, Rejected, Transient } from '@simgate/core';
import { CardStatus, carriesReason, OperationType, SuspendReason } from '@simgate/core';
import type { CardRecord, UsageSnapshot } from '@simgate/core';
import { cardScoped, retryAfterSeconds, ruleOf, type AnswerContext } from '../toolkit';
import { answerError } from './client';
import { errorTable } from './errors';

const isPerCard = cardScoped(errorTable);
import { mapCycleUsage, mapDailyUsage, mapSimListPage, mapSimWithQuota, mapUsage, mbToBytes, nativeIccid, oneNceStatus, simgateIccid } from './map';
import { platform } from './index';


const ctx = (endpoint: string): AnswerContext => ({ endpoint, secrets: ['S3cret-pass'], httpStatus: 200 });

describe('status mapping: every raw value of carriers.md §4 / §5 (rows lower win)', () => {
  const S = CardStatus;
  const R = SuspendReason;
  const PAST = '2026-11-01T00:00:00.000Z';
  const FUTURE = '2036-01-01T00:00:00.000Z';
  const rows: [status: string, activation: string | null, quotaId: string | null, expiry: string | null, out: CardStatus, reason: SuspendReason | null][] = [
    ['Enabled', null, null, null, S.INVENTORY, null],
    ['Enabled', '', '0', FUTURE, S.INVENTORY, null],
    ['Enabled', '2026-01-15T08:13:40.000+0000', '0', FUTURE, S.ACTIVE, null],
    ['Enabled', '2026-01-15T08:13:40.000+0000', '1', FUTURE, S.ACTIVE, null],
    ['Enabled', '2026-01-15T08:13:40.000+0000', '2', FUTURE, S.SUSPENDED, R.OVER_QUOTA],
    ['Enabled', null, '2', null, S.SUSPENDED, R.OVER_QUOTA],
    ['Disabled', '2026-01-15T08:13:40.000+0000', '0', FUTURE, S.SUSPENDED, R.MANUAL],
    // Disabled is lower in the block than quota_status 2: it wins.
    ['Disabled', '2026-01-15T08:13:40.000+0000', '2', FUTURE, S.SUSPENDED, R.MANUAL],
    ['Enabled', '2026-01-15T08:13:40.000+0000', '0', PAST, S.DEACTIVATED, R.PLAN_EXPIRED],
    ['Enabled', '2026-01-15T08:13:40.000+0000', '2', PAST, S.DEACTIVATED, R.PLAN_EXPIRED],
    ['Disabled', null, '2', PAST, S.DEACTIVATED, R.PLAN_EXPIRED],
    ['Terminated', null, null, null, S.UNKNOWN, null],
    ['Terminated', null, '2', null, S.SUSPENDED, R.OVER_QUOTA],
    ['enabled', null, null, null, S.UNKNOWN, null],
    ['', null, null, FUTURE, S.UNKNOWN, null],
  ];
  it.each(rows)('%s / activation %s / quota %s / expiry %s → %s %s', (status, activation, quotaId, expiry, out, reason) => {
    const s = oneNceStatus(
      { status, activation_date: activation, quota_status: quotaId === null ? null : { id: quotaId, description: null, threshold_reached_date: null, quota_exceeded_date: null } },
      expiry === null ? null : { expiry_date: expiry },
      AT,
    );
    expect(s.status).toBe(out);
    expect(s.suspendReason).toBe(reason);
    expect(s.suspendReasons).toEqual(reason ? [reason] : []);
  });

  it('an expiry at exactly `at` has passed; one a millisecond later has not', () => {
    const sim = { status: 'Enabled', activation_date: '2026-01-01', quota_status: null };
    expect(oneNceStatus(sim, { expiry_date: AT.toISOString() }, AT).status).toBe(CardStatus.DEACTIVATED);
    expect(oneNceStatus(sim, { expiry_date: new Date(AT.getTime() + 1).toISOString() }, AT).status).toBe(CardStatus.ACTIVE);
  });
});

describe('error mapping: every HTTP status and errorCode of carriers.md §4', () => {
  const res = (status: number, body: object | string = '', headers: Record<string, string> = {}) => ({
    status,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const rows: [status: number, body: object | string, token: boolean, cls: new (...a: never[]) => Error, perCard: boolean][] = [
    [400, { statusCode: 400, errorCode: 'BadCredentials', message: 'Bad credentials' }, true, Rejected, false],
    [400, { statusCode: 400, message: 'invalid pageSize' }, false, Rejected, false],
    [401, { statusCode: 401, message: 'Unauthorized' }, false, AuthExpired, false],
    [401, '', true, Rejected, false],
    [403, '', false, Rejected, false],
    [404, { statusCode: 404, message: 'SIM not found' }, false, Rejected, true],
    [422, { statusCode: 422, message: 'SIMs are expired and cannot be modified via API. Only extensions are permitted' }, false, Rejected, true],
    [429, '', false, RateLimited, false],
    [500, '', false, Transient, false],
    [502, '<html>bad gateway</html>', false, Transient, false],
    [503, '', false, Transient, false],
    [408, '', false, Transient, false],
    [409, '', false, Rejected, false],
  ];
  it.each(rows)('HTTP %i %j (token endpoint: %s)', (status, body, token, cls, perCard) => {
    const e = answerError(res(status, body), token ? 'oauth/token' : 'v1/sims', [], AT);
    expect(e).toBeInstanceOf(cls);
    expect(e.details.httpStatus).toBe(status);
    expect(isPerCard(e)).toBe(perCard);
    if (typeof body === 'object' && 'message' in body) expect(e.details.carrierMessage).toBe(body.message);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('5', AT)).toBe(5);
    expect(retryAfterSeconds(new Date(AT.getTime() + 30_000).toUTCString(), AT)).toBe(30);
    expect(retryAfterSeconds('soon', AT)).toBeUndefined();
    expect(answerError(res(429, '', { 'retry-after': '3' }), 'v1/sims', [], AT).details.retryAfterSeconds).toBe(3);
  });

  it('looks codes up as own keys only', () => {
    expect(ruleOf(errorTable, { httpStatus: 400, code: 'constructor' })?.kind).toBe('REJECTED');
    expect(ruleOf(errorTable, { httpStatus: 400, code: '__proto__' })?.kind).toBe('REJECTED');
  });
});

describe('units and identifiers', () => {
  it.each([
    ['500', 524288000],
    ['0.5', 524288],
    ['0.000001', 1],
    ['1.234567', 1294537],
    ['0', 0],
  ])('%s MB → %i bytes', (text, bytes) => expect(mbToBytes(text)).toBe(bytes));

  it('refuses what is no MB amount; negative only where allowed (remaining volume)', () => {
    for (const t of ['', 'x', '1,5', '1e3', '5 MB']) expect(mbToBytes(t)).toBeNull();
    expect(mbToBytes('-2.5')).toBeNull();
    expect(mbToBytes('-2.5', true)).toBe(-2621440);
  });

  it('keeps the 20-digit ICCID and asks with the 19-digit one', () => {
    expect(nativeIccid('89882280666023067204')).toBe('8988228066602306720');
    expect(nativeIccid('8988228066602306720')).toBe('8988228066602306720');
    expect(simgateIccid({ iccid: '8988228066602306720', iccid_with_luhn: null })).toBe('89882280666023067204');
    expect(simgateIccid({ iccid: '8988228066602306720', iccid_with_luhn: '89882280666023067204' })).toBe('89882280666023067204');
    expect(simgateIccid({ iccid: 'abc', iccid_with_luhn: '' })).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Mapping fuzz: random and malformed payloads → a valid core value or a typed CarrierError, never another throw.

function validRecord(r: CardRecord): void {
  expect(typeof r.iccid).toBe('string');
  expect(r.iccid.length).toBeGreaterThan(0);
  expect(Object.values(CardStatus)).toContain(r.status);
  expect(typeof r.rawStatus).toBe('string');
  if (carriesReason(r.status)) expect(r.suspendReasons).toContain(r.suspendReason);
  else expect([r.suspendReason, r.suspendReasons]).toEqual([null, []]);
  if (r.activatedAt) expect(Number.isNaN(r.activatedAt.getTime())).toBe(false);
  if (r.plan) expect(Number.isSafeInteger(r.plan.kind === 'LIFETIME' ? r.plan.totalBytes : r.plan.monthlyBytes)).toBe(true);
}

function validUsage(u: UsageSnapshot): void {
  expect(Number.isSafeInteger(u.usedBytes) && u.usedBytes >= 0).toBe(true);
  expect(u.cycleStart.getTime()).toBeLessThan(u.cycleEnd.getTime());
  if (u.quotaBytes === null) expect(u.remainingBytes).toBeNull();
  if (u.remainingBytes !== null) expect(Number.isSafeInteger(u.remainingBytes)).toBe(true);
}



const anyValue = anyValueWith(['', 'Enabled', 'Disabled', '2', '500', '-1', '2026-02-30', '2026-11-30T00:00:00+0000', 'constructor']);

const simArb = fc.record({
  iccid: field(fc.oneof(fc.constantFrom('8988228066602306720'), anyValue)),
  iccid_with_luhn: field(anyValue),
  imsi: field(anyValue),
  msisdn: field(anyValue),
  imei: field(anyValue),
  imei_lock: field(anyValue),
  status: field(fc.oneof(fc.constantFrom('Enabled', 'Disabled'), anyValue)),
  activation_date: field(anyValue),
  quota_status: field(fc.oneof(fc.record({ id: field(fc.oneof(fc.constantFrom(0, 1, 2, '2'), anyValue)), description: field(anyValue) }), anyValue)),
  label: field(anyValue),
});
const quotaArb = fc.record({
  volume: field(fc.oneof(fc.constantFrom('321.5', '-3'), anyValue)),
  total_volume: field(fc.oneof(fc.constantFrom('500'), anyValue)),
  expiry_date: field(fc.oneof(fc.constantFrom('2026-11-01T00:00:00Z', '2036-01-01'), anyValue)),
});
const usageArb = fc.record({
  stats: field(
    fc.oneof(
      fc.array(fc.record({ date: field(fc.oneof(fc.constantFrom('2026-11-01', '2026-11-30T23:00:00Z'), anyValue)), data: field(fc.oneof(fc.record({ volume: field(anyValue) }), anyValue)) }), { maxLength: 4 }),
      anyValue,
    ),
  ),
});
const garbage = fc.oneof(fc.string(), fc.fullUnicodeString(), fc.json(), fc.constantFrom('null', '[]', '{}', '[null]', '[1]', '"x"'));
const json = <T>(a: fc.Arbitrary<T>) => a.map((v) => JSON.stringify(v));
const truncated = <T>(a: fc.Arbitrary<T>) => fc.tuple(json(a), fc.nat(200)).map(([s, n]) => s.slice(0, n));

describe('mapping fuzz (fast-check)', () => {
  const runs = { numRuns: 300 };
  const headers = fc.dictionary(fc.constantFrom('x-total-pages', 'x-total-count', 'x-current-page'), fc.oneof(fc.string(), fc.nat().map(String)));

  it('GET /v1/sims', () => {
    fc.assert(
      fc.property(fc.oneof(json(fc.array(simArb, { maxLength: 4 })), truncated(fc.array(simArb, { maxLength: 3 })), garbage), headers, (body, h) =>
        typedOrValid(() => mapSimListPage(body, h, AT, ctx('v1/sims')), (p) => p.cards.forEach(validRecord)),
      ),
      runs,
    );
  });

  it('GET /v1/sims/{iccid} + quota/data', () => {
    fc.assert(
      fc.property(fc.oneof(json(simArb), truncated(simArb), garbage), fc.oneof(json(quotaArb), garbage), (sim, quota) =>
        typedOrValid(() => mapSimWithQuota(sim, quota, AT, ctx('sim'), ctx('quota')), validRecord),
      ),
      runs,
    );
  });

  it('usage + quota → cycle usage', () => {
    fc.assert(
      fc.property(fc.oneof(json(usageArb), truncated(usageArb), garbage), fc.oneof(json(quotaArb), garbage), (usage, quota) =>
        typedOrValid(() => mapUsage(usage, quota, { iccid: 'x' }, AT, ctx('usage'), ctx('quota')), validUsage),
      ),
      runs,
    );
  });

  it('usage → past-cycle usage', () => {
    fc.assert(
      fc.property(fc.oneof(json(usageArb), truncated(usageArb), garbage), fc.constantFrom('2026-11', '2026-10', '2026-00', ''), (usage, label) =>
        typedOrValid(() => mapCycleUsage(usage, { iccid: 'x' }, label, AT, ctx('usage')), validUsage),
      ),
      runs,
    );
  });

  it('usage → daily usage', () => {
    fc.assert(fc.property(fc.oneof(json(usageArb), truncated(usageArb), garbage), (usage) => typedOrValid(() => mapDailyUsage(usage, { iccid: 'x' }, ctx('usage')), validDaily)), runs);
  });

  it('error answers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 599 }), garbage, fc.boolean(), (status, body, token) => isCarrierError(answerError({ status, headers: {}, body }, token ? 'oauth/token' : 'v1/sims', [], AT))),
      runs,
    );
  });
});

// ----- fixtures -----
const AT = new Date('2026-11-30T20:00:00Z');

describe('adapter fuzz: any answer to any call → a result or a typed CarrierError', () => {
  const bodies = fc.oneof(garbage, json(fc.array(simArb, { maxLength: 2 })), json(simArb), json(quotaArb), json(usageArb), fc.constant('{"access_token":"t","expires_in":3600}'));
  const answer = fc.record({ status: fc.constantFrom(200, 200, 200, 201, 400, 401, 404, 422, 429, 500), body: bodies });

  const ref = { iccid: '89882280666023067204' };
  const account = { id: 'f', platform: 'intl-1nce', baseUrl: 'http://x/', credentials: { username: 'u', password: 'p' } };

  it('every adapter call', async () => {
    await fuzzAdapterCalls({
      connect: (http) => platform.connect(account, { http, now: () => AT }),
      answer,
      answers: 6,
      headers: { 'x-total-pages': '2' },
      calls: [
        ...readCalls(ref, AT, ['2026-11-01', '2026-11-30'], '2026-10'),
        (a) => a.submit({ type: OperationType.SUSPEND, iccids: [ref.iccid], params: {}, idempotencyKey: 'k' }, [], AT),
        (a) => a.progress({ type: OperationType.SUSPEND, iccids: [ref.iccid], confirmBy: 'STATUS', carrierRef: null, expectedStatus: CardStatus.SUSPENDED, submittedAt: AT }, [], AT),
      ],
    });
  });
});
