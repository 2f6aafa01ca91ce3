import {
  carriesReason,
  CardStatus,
  OperationState,
  PoolState,
  SuspendReason,
  type CardRecord,
  type OperationProgress,
  type PoolRecord,
  type UsageSnapshot,
} from '@simgate/core';
import fc from 'fast-check';
import { typedOrValid } from '../../../../test/support/carrier-specs';
import type { z, ZodTypeAny } from 'zod';
import { classify } from '../toolkit';
import { errorTable } from './errors';
import { mapBatchProgress, mapCard, mapDailyUsage, mapMonthlyUsage, mapOrderProgress, mapPool, mapStatus, mapUsage } from './map';
import * as w from './wire';

/**
 * fast-check feeds random and malformed payloads through the wire schemas (the client's one validation) to
 * every OneLink mapper. A payload the schema refuses never reaches a mapper (the client answers it with
 * Transient); what it lets through maps to a valid core record or a typed CarrierError, never any other throw.
 */

const AT = new Date('2026-03-15T02:00:00Z');
const RUNS = { numRuns: 300 };

function validCard(c: CardRecord): void {
  expect(Object.values(CardStatus)).toContain(c.status);
  expect(typeof c.rawStatus).toBe('string');
  if (carriesReason(c.status)) {
    expect(c.suspendReasons.length).toBeGreaterThan(0);
    expect(c.suspendReason).toBe(c.suspendReasons[0]);
  } else {
    expect(c.suspendReason).toBeNull();
    expect(c.suspendReasons).toEqual([]);
  }
  for (const r of c.suspendReasons) expect(Object.values(SuspendReason)).toContain(r);
  expect(Number.isNaN(c.asOf.getTime())).toBe(false);
  for (const d of [c.activatedAt, c.openedAt]) if (d !== null) expect(Number.isNaN(d.getTime())).toBe(false);
}

function validUsage(u: UsageSnapshot): void {
  expect(Number.isSafeInteger(u.usedBytes) && u.usedBytes >= 0).toBe(true);
  if (u.quotaBytes === null) expect(u.remainingBytes).toBeNull();
  else expect(u.remainingBytes).toBe(u.quotaBytes - u.usedBytes);
  expect(u.cycleStart.getTime()).toBeLessThan(u.cycleEnd.getTime());
  expect(u.asOf.getTime()).toBeGreaterThanOrEqual(u.cycleStart.getTime());
}

function validPool(p: PoolRecord): void {
  expect(Number.isSafeInteger(p.usedBytes)).toBe(true);
  expect(Object.values(PoolState)).toContain(p.state);
}

function validProgress(p: OperationProgress): void {
  expect([OperationState.SUBMITTED, OperationState.COMPLETED, OperationState.FAILED]).toContain(p.state);
  for (const i of p.items) expect(Object.values(OperationState)).toContain(i.state);
}

/** The payload as the client hands it on, or undefined when the wire schema refuses it. */
function wire<S extends ZodTypeAny>(schema: S, raw: unknown): z.output<S> | undefined {
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}

const numeric = fc.oneof(fc.nat().map(String), fc.double({ noNaN: false }).map(String), fc.constantFrom('20480.5', '0', '-1', '', 'abc', '1e9'));
const code = fc.oneof(fc.constantFrom(...['1', '2', '4', '6', '7', '8', '9', '00', '01', '02', '03', '04', '06', '07', '99']), fc.string({ maxLength: 3 }));
const bitmap = fc.oneof(fc.stringMatching(/^[02]{12}$/), fc.string({ maxLength: 14 }), fc.constant(null));
const junk = fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true });
/** Either a plausible value or anything at all. */
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, junk);

describe('OneLink mappers never throw anything but CarrierError', () => {
  it('mapStatus gives a valid status for any code and bitmap', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), (c, stop) => {
        const m = mapStatus(c, stop);
        expect(Object.values(CardStatus)).toContain(m.status);
        expect(carriesReason(m.status) ? m.suspendReasons.length > 0 : m.suspendReasons.length === 0).toBe(true);
      }),
      RUNS,
    );
  });

  it('mapCard', () => {
    const info = maybe(fc.record({ status: maybe(fc.constant('0')), msisdn: maybe(fc.string()), iccid: maybe(fc.string()), imsi: maybe(fc.string()) }, { requiredKeys: [] }));
    const status = maybe(fc.record({ cardStatus: maybe(code), lastChangeDate: maybe(fc.string()) }, { requiredKeys: [] }));
    const stop = fc.option(maybe(fc.record({ stopReason: maybe(bitmap), shutdownReasonDesc: maybe(fc.string()) }, { requiredKeys: [] })), { nil: undefined });
    const basic = fc.option(maybe(fc.record({ activeDate: maybe(fc.string()), openDate: maybe(fc.constantFrom('2024-01-01 00:00:00', '2024-13-45 99:00:00', '')) }, { requiredKeys: [] })), { nil: undefined });
    fc.assert(
      fc.property(info, status, stop, basic, (ri, rs, rst, rb) => {
        const [i, s, st, b] = [wire(w.simCardInfoSchema, ri), wire(w.simStatusSchema, rs), wire(w.simStopReasonSchema, rst), wire(w.simBasicInfoSchema, rb)];
        if (!i || !s || (rst !== undefined && !st) || (rb !== undefined && !b)) return;
        typedOrValid(() => mapCard({ iccid: '89860000000000000001', info: i, status: s, stop: st, basic: b }, AT), validCard);
      }),
      RUNS,
    );
  });

  it('mapUsage', () => {
    const usage = maybe(fc.record({ dataAmount: maybe(numeric), apnUseAmountList: maybe(fc.array(junk, { maxLength: 2 })) }, { requiredKeys: [] }));
    const margin = fc.option(maybe(fc.record({ accmMarginList: maybe(fc.array(maybe(fc.record({ totalAmount: maybe(numeric) })), { maxLength: 3 })) }, { requiredKeys: [] })), { nil: null });
    fc.assert(
      fc.property(usage, margin, fc.constantFrom('CT' as const, 'PB' as const, null), (ru, rm, cs) => {
        const [u, m] = [wire(w.simDataUsageSchema, ru), rm === null ? null : wire(w.simDataMarginSchema, rm)];
        if (!u || m === undefined) return;
        typedOrValid(() => mapUsage('x', u, m, cs, AT), validUsage);
      }),
      RUNS,
    );
  });

  it('mapMonthlyUsage and mapDailyUsage', () => {
    const item = maybe(fc.record({ iccid: maybe(fc.string()), dataAmount: maybe(numeric) }, { requiredKeys: [] }));
    fc.assert(
      fc.property(item, fc.oneof(fc.constant('2026-02'), fc.string({ maxLength: 8 })), (raw, label) => {
        const it = wire(w.batchDataAmountSchema, raw);
        if (!it) return;
        typedOrValid(() => mapMonthlyUsage('x', it, label, AT), validUsage);
        typedOrValid(() => mapDailyUsage('x', it, '2026-03-14'), (d) => expect(Number.isSafeInteger(d.usedBytes) && d.usedBytes >= 0).toBe(true));
      }),
      RUNS,
    );
  });

  it('mapPool', () => {
    const usage = maybe(fc.record({ useAmount: maybe(numeric) }, { requiredKeys: [] }));
    const margin = maybe(fc.record({ flowPoolSharingInfo: maybe(fc.array(maybe(fc.record({ totalAmount: maybe(numeric), offeringName: maybe(fc.string()) })), { maxLength: 3 })) }, { requiredKeys: [] }));
    const members = maybe(fc.record({ total: maybe(numeric) }));
    fc.assert(
      fc.property(usage, margin, fc.option(members, { nil: null }), (ru, rm, rt) => {
        const [u, m, t] = [wire(w.groupDataUsageSchema, ru), wire(w.groupDataMarginSchema, rm), rt === null ? null : wire(w.groupMemberSchema, rt)];
        if (!u || !m || t === undefined) return;
        typedOrValid(() => mapPool('G', u, m, t?.total ?? null, AT), validPool);
      }),
      RUNS,
    );
  });

  it('mapOrderProgress and mapBatchProgress', () => {
    const order = maybe(fc.record({ orderNum: maybe(fc.string()), status: maybe(fc.constantFrom('acknowledged', 'inProgress', 'completed', 'failed', 'x')) }, { requiredKeys: [] }));
    const job = maybe(
      fc.record(
        {
          jobStatus: maybe(fc.constantFrom('0', '1', '2', '3', '4', '5')),
          resultList: maybe(fc.array(maybe(fc.record({ status: maybe(fc.constantFrom('0', '12036')), resultId: maybe(fc.constantFrom('1440000000001', 'a')), message: maybe(fc.string()) })), { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(order, job, (ro, rj) => {
        const [o, j] = [wire(w.orderInfoSchema, ro), wire(w.batchResultSchema, rj)];
        if (o) typedOrValid(() => mapOrderProgress(['a', 'b'], o), validProgress);
        if (j) typedOrValid(() => mapBatchProgress(['a', 'b'], { a: '1440000000001' }, j), validProgress);
      }),
      RUNS,
    );
  });

  it('the wire schemas refuse payloads that are not objects (the client makes them Transient)', () => {
    fc.assert(
      fc.property(junk.filter((x) => typeof x !== 'object' || x === null), (x) => {
        for (const schema of [w.simDataUsageSchema, w.batchDataAmountSchema, w.orderInfoSchema]) expect(schema.safeParse(x).success).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('OneLink error table', () => {
  it.each(Object.entries(errorTable.codes))('%s: classified as its row says (retryable unless refused)', (code, rule) => {
    const err = classify(errorTable, { endpoint: 'x', secrets: [] }, { code, message: 'm' });
    expect(err.kind).toBe(rule.kind);
    expect(err.retryable).toBe(rule.kind !== 'REJECTED');
  });
});
