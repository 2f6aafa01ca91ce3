import fc from 'fast-check';
import * as path from 'node:path';
import nock from 'nock';
import { CardStatus, carriesReason, isCarrierError, OperationType, SuspendReason, type CardRecord, type UsageSnapshot } from '@simgate/core';
import { anyValueWith, field, fuzzAdapterCalls, readCalls, typedOrValid, useNock } from '../../../../test/support/carrier-specs';
import { asJson, itAnswersTheSameInEveryZone } from '../../../../test/support/zones';
import type { AnswerContext } from '../toolkit';
import * as map from './map';
import { platform } from './index';

useNock(nock);

const ctx = (endpoint: string): AnswerContext => ({ endpoint, secrets: ['tok-secret'], httpStatus: 200 });
const AT = new Date('2026-03-10T10:30:00Z');
const FLEET = { sid: 'HF00000000000000000000000000000001', unique_name: 'fleet-50mb', data_limit: 50 };

function sim(status: string) {
  return { sid: 'HS00000000000000000000000000000001', iccid: '89883070000000000011', status, fleet_sid: FLEET.sid, date_created: '2025-01-02T03:04:05Z' };
}

describe('status mapping: carriers.md §5, intl-supersim rows (lower rows win)', () => {
  const S = CardStatus;
  const R = SuspendReason;
  const ACTIVE = { status: S.ACTIVE, reason: null };
  const rows: [raw: string, overQuota: boolean, previous: map.StatusRule | null, status: CardStatus, reason: SuspendReason | null][] = [
    ['new', false, null, S.INVENTORY, null],
    ['ready', false, null, S.TEST, null],
    ['ready', true, null, S.TEST, null],
    ['active', false, null, S.ACTIVE, null],
    ['active', true, null, S.SUSPENDED, R.OVER_QUOTA],
    ['inactive', false, null, S.SUSPENDED, R.MANUAL],
    ['inactive', true, null, S.SUSPENDED, R.MANUAL],
    ['scheduled', false, ACTIVE, S.ACTIVE, null],
    ['scheduled', false, { status: S.SUSPENDED, reason: R.MANUAL }, S.SUSPENDED, R.MANUAL],
    ['scheduled', true, null, S.UNKNOWN, null],
    ['suspended', false, ACTIVE, S.UNKNOWN, null],
    ['constructor', false, null, S.UNKNOWN, null],
  ];
  it.each(rows)('%s (over the limit: %s, seen before: %j) → %s / %s', (raw, overQuota, previous, status, reason) => {
    const r = map.mapSim(sim(raw), { overQuota, previous, fleet: FLEET }, AT);
    expect([r.status, r.suspendReason, r.rawStatus]).toEqual([status, reason, raw]);
    expect(r.suspendReasons).toEqual(reason ? [reason] : []);
  });

  it('keeps the SID and fleet, the fleet limit as the monthly plan (decimal MB), no MSISDN', () => {
    const r = map.mapSim(sim('active'), { overQuota: false, previous: null, fleet: FLEET }, AT);
    expect(r.msisdn).toBeNull();
    expect(r.plan).toEqual({ kind: 'MONTHLY', name: 'fleet-50mb', monthlyBytes: 50_000_000, termMonths: null });
    expect(r.openedAt?.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(r.raw).toEqual({ sid: sim('x').sid, fleetSid: FLEET.sid });
  });
});

describe('usage: bytes as given, the SIM’s own period, quota = data_limit × 1,000,000', () => {
  const period = { start: Date.parse('2026-02-28T08:12:40Z'), end: Date.parse('2026-03-28T08:12:40Z') };

  it('remaining may be negative; asOf is the start of the UTC hour', () => {
    const u = map.mapUsage('8988', 51_000_123, FLEET, period, AT);
    expect([u.usedBytes, u.quotaBytes, u.remainingBytes]).toEqual([51_000_123, 50_000_000, -1_000_123]);
    expect([u.cycleStart.toISOString(), u.cycleEnd.toISOString(), u.asOf.toISOString()]).toEqual(['2026-02-28T08:12:40.000Z', '2026-03-28T08:12:40.000Z', '2026-03-10T10:00:00.000Z']);
  });

  it('no limit on the fleet: no quota, nothing remaining', () => {
    const u = map.mapUsage('8988', 5, { sid: FLEET.sid, data_limit: null }, period, AT);
    expect([u.quotaBytes, u.remainingBytes]).toEqual([null, null]);
  });

  it('the current period is the one containing `at` (half-open), or none', () => {
    const periods = [
      { start_time: '2026-03-28T08:12:40Z', end_time: '2026-04-28T08:12:40Z' },
      { start_time: '2026-02-28T08:12:40Z', end_time: '2026-03-28T08:12:40Z' },
    ];
    expect(map.periodContaining(periods, new Date('2026-03-28T08:12:40Z'), ctx('p'))?.start).toBe(Date.parse('2026-03-28T08:12:40Z'));
    expect(map.periodContaining(periods, new Date('2026-03-28T08:12:39Z'), ctx('p'))?.start).toBe(period.start);
    expect(map.periodContaining(periods, new Date('2026-01-01T00:00:00Z'), ctx('p'))).toBeNull();
    expect(() => map.periodContaining([{ start_time: '2026-03-01T00:00:00Z', end_time: '2026-03-01T00:00:00Z' }], AT, ctx('p'))).toThrow(/empty/);
  });

  it('sums data_total of usage records, rounded to whole bytes', () => {
    const page = map.decodeUsage(JSON.stringify({ usage_records: [rec(1000.4), rec(2000.6)], meta: { next_page_url: null } }), ctx('u'));
    expect(map.totalBytes(page.items)).toBe(3001);
  });
});

function rec(bytes: number) {
  return { sim_sid: sim('x').sid, period: { start_time: '2026-03-01T00:00:00Z', end_time: '2026-03-02T00:00:00Z' }, data_total: bytes };
}

describe('zone independence: Super SIM speaks UTC whatever the process zone', () => {
  const check = (m: typeof map) => {
    const c = { endpoint: 'p', secrets: [], httpStatus: 200 };
    const p = m.periodContaining([{ start_time: '2026-01-31T23:30:00Z', end_time: '2026-02-28T23:30:00Z' }], new Date('2026-02-01T01:00:00Z'), c);
    return { period: p, until: m.reportedUntil(new Date('2026-02-01T01:59:59Z')) };
  };
  it('reads periods and hours in UTC', () => {
    expect(asJson(check(map))).toEqual({ period: { start: Date.parse('2026-01-31T23:30:00Z'), end: Date.parse('2026-02-28T23:30:00Z') }, until: Date.parse('2026-02-01T01:00:00Z') });
  });
  itAnswersTheSameInEveryZone(path.join(__dirname, 'map.ts'), check);
});

// Mapping fuzz: random and malformed payloads → a valid core value or a typed CarrierError, never another throw.

function validRecord(r: CardRecord): void {
  expect(r.iccid.length).toBeGreaterThan(0);
  expect(Object.values(CardStatus)).toContain(r.status);
  if (carriesReason(r.status)) expect(r.suspendReasons).toContain(r.suspendReason);
  else expect([r.suspendReason, r.suspendReasons]).toEqual([null, []]);
  if (r.plan) expect(Number.isSafeInteger(r.plan.kind === 'MONTHLY' ? r.plan.monthlyBytes : r.plan.totalBytes)).toBe(true);
}

function validUsage(u: UsageSnapshot): void {
  expect(Number.isSafeInteger(u.usedBytes) && u.usedBytes >= 0).toBe(true);
  expect(u.cycleStart.getTime()).toBeLessThan(u.cycleEnd.getTime());
  if (u.quotaBytes === null) expect(u.remainingBytes).toBeNull();
}

const anyValue = anyValueWith(['', 'active', 'scheduled', 'HS00000000000000000000000000000001', '8988307000000000001', '2026-02-30T00:00:00Z', '2026-03-01T00:00:00Z', 'constructor']);
const simArb = fc.record({
  sid: field(fc.oneof(fc.constant(sim('x').sid), anyValue)),
  iccid: field(fc.oneof(fc.constant('89883070000000000011'), anyValue)),
  status: field(fc.oneof(fc.constantFrom('new', 'ready', 'active', 'inactive', 'scheduled'), anyValue)),
  fleet_sid: field(fc.oneof(fc.constant(FLEET.sid), anyValue)),
  date_created: field(anyValue),
});
const meta = fc.record({ next_page_url: field(fc.oneof(fc.constant(null), fc.constantFrom('/v1/Sims?PageToken=PT1', 'https://supersim.twilio.com/v1/UsageRecords?PageToken=PU1'), anyValue)) });
const timeArb = fc.oneof(fc.constantFrom('2026-03-01T00:00:00Z', '2026-03-10T08:00:00Z', '2026-02-10T08:00:00Z', '2026-04-10T08:00:00Z'), anyValue);
const usageArb = fc.record({ sim_sid: field(fc.oneof(fc.constant(sim('x').sid), anyValue)), period: field(fc.record({ start_time: field(timeArb), end_time: field(timeArb) })), data_total: field(fc.oneof(fc.nat(), anyValue)) });
const periodArb = fc.record({ start_time: field(timeArb), end_time: field(timeArb) });
const fleetArb = fc.record({ sid: field(fc.oneof(fc.constant(FLEET.sid), anyValue)), data_limit: field(fc.oneof(fc.integer({ min: 1, max: 2_000_000 }), anyValue)) });
const garbage = fc.oneof(fc.string(), fc.json(), fc.constantFrom('null', '[]', '{}', '{"sims":null}'));
const json = <T>(a: fc.Arbitrary<T>) => a.map((v) => JSON.stringify(v));
const truncated = <T>(a: fc.Arbitrary<T>) => fc.tuple(json(a), fc.nat(200)).map(([s, n]) => s.slice(0, n));
const list = <T>(key: string, a: fc.Arbitrary<T>) => fc.record({ [key]: field(fc.oneof(fc.array(a, { maxLength: 3 }), anyValue)), meta: field(meta) });

describe('mapping fuzz (fast-check)', () => {
  const runs = { numRuns: 300 };
  it('GET /Sims → records', () => {
    fc.assert(
      fc.property(fc.oneof(json(list('sims', simArb)), truncated(list('sims', simArb)), garbage), fc.boolean(), (body, over) =>
        typedOrValid(() => map.decodeSimsPage(body, ctx('Sims')).items.map((s) => map.mapSim(s, { overQuota: over, previous: null, fleet: FLEET }, AT)), (rs) => rs.forEach(validRecord)),
      ),
      runs,
    );
  });

  it('billing periods, usage records and fleets → a period, bytes, a snapshot', () => {
    fc.assert(
      fc.property(fc.oneof(json(list('billing_periods', periodArb)), garbage), fc.oneof(json(list('usage_records', usageArb)), truncated(list('usage_records', usageArb)), garbage), fc.oneof(json(list('fleets', fleetArb)), garbage), (p, u, f) =>
        typedOrValid(() => {
          const period = map.periodContaining(map.decodeBillingPeriods(p, ctx('p')).items, AT, ctx('p'));
          const bytes = map.totalBytes(map.decodeUsage(u, ctx('u')).items);
          const fleet = map.decodeFleets(f, ctx('f')).items[0] ?? null;
          return period ? map.mapUsage('x', bytes, fleet, period, AT) : null;
        }, (s) => s && validUsage(s)),
      ),
      runs,
    );
  });
});

describe('the account-wide walk’s record reader', () => {
  it('sums what the full decode sums, or refuses the page as malformed (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(json(list('usage_records', usageArb)), truncated(list('usage_records', usageArb)), garbage), (body) => {
        let full: number | null = null;
        try {
          full = map.totalBytes(map.decodeUsage(body, ctx('u')).items);
        } catch (e) {
          if (!isCarrierError(e)) throw e;
        }
        let fast = 0;
        try {
          map.eachUsageRecord(body, ctx('u'), (_sid, _start, bytes) => (fast += bytes));
        } catch (e) {
          if (!isCarrierError(e)) throw e;
          return full === null;
        }
        return full === fast;
      }),
      { numRuns: 500 },
    );
  });
});

describe('adapter fuzz: any answer to any call → a result or a typed CarrierError', () => {
  const bodies = fc.oneof(garbage, json(list('sims', simArb)), json(simArb), json(list('billing_periods', periodArb)), json(list('usage_records', usageArb)), json(list('fleets', fleetArb)));
  const answer = fc.record({ status: fc.constantFrom(200, 200, 200, 202, 400, 401, 404, 429, 500), body: bodies });
  const ref = { iccid: '89883070000000000011' };
  const account = { id: 'f', platform: 'intl-supersim', baseUrl: 'http://x/v1/', credentials: { accountSid: 'AC00000000000000000000000000000001', authToken: 't' } };

  it('every adapter call', async () => {
    await fuzzAdapterCalls({
      connect: (http) => platform.connect(account, { http, now: () => AT }),
      answer,
      answers: 6,
      calls: [
        ...readCalls(ref, AT, ['2026-03-01', '2026-03-09'], '2026-02').slice(0, 4),
        (a) => a.fetchUsage(Array.from({ length: 60 }, (_, i) => ({ iccid: `8988307000000000${String(i).padStart(3, '0')}1` })), AT),
        (a) => a.submit({ type: OperationType.SUSPEND, iccids: [ref.iccid], params: {}, idempotencyKey: 'k' }, [], AT),
        (a) => a.progress({ type: OperationType.SUSPEND, iccids: [ref.iccid], confirmBy: 'STATUS', carrierRef: sim('x').sid, expectedStatus: CardStatus.SUSPENDED, submittedAt: AT }, [], AT),
      ],
    });
  });
});
