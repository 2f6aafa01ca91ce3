import { carriesReason, CardStatus, SuspendReason, type CardRecord, type UsageSnapshot } from '@simgate/core';
import fc from 'fast-check';
import { typedOrValid } from '../../../../test/support/carrier-specs';
import type { z, ZodTypeAny } from 'zod';
import { inferDeactivation, jasperCycle, mapCtdUsage, mapDevice, mapZoneUsage } from './map';
import * as w from './wire';

/**
 * fast-check feeds random and malformed payloads through the wire schemas (the client's one validation) to
 * every Jasper mapper. A payload the schema refuses never reaches a mapper (the client answers it with
 * Transient); what it lets through maps to a valid core record or a typed CarrierError, never any other throw.
 */

const AT = new Date('2026-03-15T02:00:00Z');
const RUNS = { numRuns: 300 };

/** The payload as the client hands it on, or undefined when the wire schema refuses it. */
function wire<S extends ZodTypeAny>(schema: S, raw: unknown): z.output<S> | undefined {
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}

/** The audit pages as the client hands them on, or undefined when the schema refuses one. */
function pages(raw: unknown[] | undefined): w.AuditTrails[] | undefined {
  const out = (raw ?? []).map((p) => wire(w.auditTrailsSchema, p));
  return out.every((p) => p !== undefined) ? (out as w.AuditTrails[]) : undefined;
}

function validCard(c: CardRecord): void {
  expect(Object.values(CardStatus)).toContain(c.status);
  if (carriesReason(c.status)) {
    expect(c.suspendReasons.length).toBeGreaterThan(0);
    expect(c.suspendReason).toBe(c.suspendReasons[0]);
  } else {
    expect(c.suspendReason).toBeNull();
    expect(c.suspendReasons).toEqual([]);
  }
  for (const r of c.suspendReasons) expect(Object.values(SuspendReason)).toContain(r);
  expect(typeof c.iccid).toBe('string');
  for (const d of [c.activatedAt, c.openedAt]) if (d !== null) expect(Number.isNaN(d.getTime())).toBe(false);
}

function validUsage(u: UsageSnapshot): void {
  expect(Number.isSafeInteger(u.usedBytes) && u.usedBytes >= 0).toBe(true);
  if (u.quotaBytes === null) expect(u.remainingBytes).toBeNull();
  else expect(u.remainingBytes).toBe(u.quotaBytes - u.usedBytes);
  expect(u.cycleStart.getTime()).toBeLessThan(u.cycleEnd.getTime());
}

const junk = fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, junk);
const statusArb = maybe(fc.constantFrom('TEST_READY', 'INVENTORY', 'ACTIVATION_READY', 'ACTIVATED', 'DEACTIVATED', 'RETIRED', 'PURGED', 'REPLACED', 'X'));
const bytesArb = maybe(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.nat().map(String), fc.constant('1e3')));
const dateArb = maybe(fc.oneof(fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())), fc.string()));
const ctdArb = maybe(fc.record({ ctdDataUsage: bytesArb, overageLimitReached: maybe(fc.boolean()) }, { requiredKeys: [] }));
const entryArb = maybe(fc.record({ field: maybe(fc.constant('status')), value: statusArb, effectiveDate: dateArb, status: maybe(fc.constant('Executed')), userName: maybe(fc.constantFrom('system', 'ops', '')) }, { requiredKeys: [] }));
const auditArb = maybe(fc.record({ lastPage: maybe(fc.boolean()), deviceAuditTrails: maybe(fc.array(entryArb, { maxLength: 4 })) }, { requiredKeys: [] }));

describe('Jasper mappers never throw anything but CarrierError', () => {
  it('mapDevice with its inference reads', () => {
    const dev = maybe(fc.record({ iccid: maybe(fc.string()), status: statusArb, msisdn: maybe(fc.string()), dateActivated: dateArb, dateShipped: dateArb, ratePlan: maybe(fc.string()) }, { requiredKeys: [] }));
    fc.assert(
      fc.property(dev, fc.option(ctdArb, { nil: undefined }), fc.option(fc.array(auditArb, { maxLength: 2 }), { nil: undefined }), fc.option(fc.double(), { nil: null }), (rd, rc, ra, planMb) => {
        const [d, ctd, audit] = [wire(w.deviceSchema, rd), rc === undefined ? undefined : wire(w.ctdUsageSchema, rc), pages(ra)];
        if (!d || (rc !== undefined && !ctd) || !audit) return;
        typedOrValid(() => mapDevice(d, { ctd, audit }, { planMb: planMb !== null && Number.isFinite(planMb) && planMb >= 0 ? planMb : null }, AT), validCard);
      }),
      RUNS,
    );
  });

  it('inferDeactivation', () => {
    fc.assert(
      fc.property(ctdArb, fc.array(auditArb, { maxLength: 3 }), (rc, ra) => {
        const [ctd, audit] = [wire(w.ctdUsageSchema, rc), pages(ra)];
        if (!ctd || !audit) return;
        typedOrValid(() => inferDeactivation({ ctd, audit }), (r) => expect(Object.values(SuspendReason)).toContain(r.reason));
      }),
      RUNS,
    );
  });

  it('mapCtdUsage and mapZoneUsage', () => {
    const zones = maybe(fc.record({ deviceCycleUsageInZones: maybe(fc.dictionary(fc.string({ maxLength: 5 }), maybe(fc.array(maybe(fc.record({ dataUsage: bytesArb })), { maxLength: 3 })), { maxKeys: 3 })) }, { requiredKeys: [] }));
    fc.assert(
      fc.property(ctdArb, zones, fc.oneof(fc.constant('2026-02'), fc.string({ maxLength: 8 })), (rc, rz, label) => {
        const [ctd, z] = [wire(w.ctdUsageSchema, rc), wire(w.usageInZoneSchema, rz)];
        if (ctd) typedOrValid(() => mapCtdUsage('x', ctd, 1000, jasperCycle(27), AT), validUsage);
        if (z) typedOrValid(() => mapZoneUsage('x', z, null, jasperCycle(27), label, AT), validUsage);
      }),
      RUNS,
    );
  });

  it('the wire schemas refuse payloads that are not objects (the client makes them Transient)', () => {
    fc.assert(
      fc.property(junk.filter((x) => typeof x !== 'object' || x === null), (x) => {
        for (const schema of [w.ctdUsageSchema, w.deviceSchema]) expect(schema.safeParse(x).success).toBe(false);
      }),
      RUNS,
    );
  });
});
