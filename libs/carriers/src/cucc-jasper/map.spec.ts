import { CardStatus, SuspendReason as R } from '@simgate/core';
import { DEVICE_STATUS, cycleStartParam, inferDeactivation, jasperCycle, mapCtdUsage, mapDevice, mapZoneUsage, parseJasperDate } from './map';
import { classify } from '../toolkit';
import { errorTable } from './errors';
import { auditTrailsSchema, ctdUsageSchema, deviceSchema, usageInZoneSchema } from './wire';

const AT = new Date('2026-03-26T16:30:00Z'); // 2026-03-27 00:30 in Shanghai: the April cycle has begun
// The payloads as the client hands them to the mappers: parsed by the wire schemas.
const device = (status: string, extra: Record<string, unknown> = {}) => deviceSchema.parse({ iccid: '89860100000000000011', status, ...extra });
const audit = (entries: Record<string, unknown>[], lastPage = true) => auditTrailsSchema.parse({ iccid: 'x', pageNumber: 1, lastPage, deviceAuditTrails: entries });
const ctd = (x: Record<string, unknown>) => ctdUsageSchema.parse(x);
const change = (value: string, userName: string, effectiveDate: string, priorValue = 'ACTIVATED') => ({ field: 'status', priorValue, value, effectiveDate, status: 'Executed', userName });

describe('Jasper status → status (§5)', () => {
  const rows: [string, CardStatus, R | null][] = [
    ['TEST_READY', CardStatus.TEST, null],
    ['INVENTORY', CardStatus.INVENTORY, null],
    ['ACTIVATION_READY', CardStatus.INVENTORY, null],
    ['ACTIVATED', CardStatus.ACTIVE, null],
    ['DEACTIVATED', CardStatus.SUSPENDED, R.UNKNOWN],
    ['RETIRED', CardStatus.DEACTIVATED, R.PLAN_EXPIRED],
    ['PURGED', CardStatus.CANCELLED, null],
    ['REPLACED', CardStatus.CANCELLED, null],
    ['activated', CardStatus.UNKNOWN, null],
    ['SUSPENDED', CardStatus.UNKNOWN, null],
    ['toString', CardStatus.UNKNOWN, null],
  ];
  it.each(rows)('%s → %s / %s', (status, expected, reason) => {
    const c = mapDevice(device(status), {}, { planMb: null }, AT);
    expect(c).toMatchObject({ status: expected, suspendReason: reason, rawStatus: status, rawReason: null });
  });

  it('the table covers every documented status', () => {
    expect(Object.keys(DEVICE_STATUS).sort()).toEqual(['ACTIVATED', 'ACTIVATION_READY', 'DEACTIVATED', 'INVENTORY', 'PURGED', 'REPLACED', 'RETIRED', 'TEST_READY']);
  });
});

describe('DEACTIVATED reason inference (§2, §5)', () => {
  it('overageLimitReached → OVER_QUOTA (the audit trail is not needed)', () => {
    expect(inferDeactivation({ ctd: ctd({ ctdDataUsage: 5, overageLimitReached: true }) }).reason).toBe(R.OVER_QUOTA);
    const c = mapDevice(device('DEACTIVATED'), { ctd: ctd({ ctdDataUsage: 5, overageLimitReached: true }), audit: [audit([change('DEACTIVATED', 'ops-user', '2026-03-01T00:00:00Z')])] }, { planMb: null }, AT);
    expect(c).toMatchObject({ status: CardStatus.SUSPENDED, suspendReason: R.OVER_QUOTA, raw: expect.objectContaining({ overageLimitReached: true }) });
  });

  it.each([
    ['a named user → MANUAL', [change('DEACTIVATED', 'simgate-api', '2026-03-01T00:00:00Z')], R.MANUAL],
    ['system → UNKNOWN', [change('DEACTIVATED', 'system', '2026-03-01T00:00:00Z')], R.UNKNOWN],
    ['SYSTEM (any case) → UNKNOWN', [change('DEACTIVATED', 'SYSTEM', '2026-03-01T00:00:00Z')], R.UNKNOWN],
    ['no user name → UNKNOWN', [change('DEACTIVATED', '', '2026-03-01T00:00:00Z')], R.UNKNOWN],
    ['no entry → UNKNOWN', [], R.UNKNOWN],
    ['the latest change decides: user then system → UNKNOWN', [change('DEACTIVATED', 'ops', '2026-01-01T00:00:00Z'), change('ACTIVATED', 'ops', '2026-02-01T00:00:00Z', 'DEACTIVATED'), change('DEACTIVATED', 'system', '2026-03-01T00:00:00Z')], R.UNKNOWN],
    ['the latest change decides: system then user → MANUAL', [change('DEACTIVATED', 'system', '2026-03-01T00:00:00Z'), change('DEACTIVATED', 'ops', '2026-03-02T00:00:00Z')], R.MANUAL],
    ['order in the list does not matter', [change('DEACTIVATED', 'ops', '2026-03-02T00:00:00Z'), change('DEACTIVATED', 'system', '2026-03-01T00:00:00Z')], R.MANUAL],
    ['other fields are ignored', [{ field: 'ratePlan', priorValue: 'a', value: 'DEACTIVATED', effectiveDate: '2026-03-05T00:00:00Z', status: 'Executed', userName: 'ops' }], R.UNKNOWN],
    ['a change not yet executed is ignored', [{ ...change('DEACTIVATED', 'ops', '2026-03-05T00:00:00Z'), status: 'Pending' }], R.UNKNOWN],
  ])('%s', (_what, entries, reason) => {
    expect(inferDeactivation({ ctd: ctd({ ctdDataUsage: 0, overageLimitReached: false }), audit: [audit(entries)] }).reason).toBe(reason);
  });

  it('reads every audit page given', () => {
    const pages = [audit([change('DEACTIVATED', 'system', '2026-03-01T00:00:00Z')], false), audit([change('DEACTIVATED', 'ops', '2026-03-03T00:00:00Z')])];
    expect(inferDeactivation({ audit: pages })).toMatchObject({ reason: R.MANUAL, deactivatedBy: 'ops', overageLimitReached: null });
  });
});

describe('Jasper dates, plan and usage', () => {
  it.each([
    ['2026-03-01T08:00:00Z', '2026-03-01T08:00:00.000Z'],
    ['2026-03-01T08:00:00+08:00', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01 08:00:00.000+0000', '2026-03-01T08:00:00.000Z'],
    ['2026-03-01 08:00:00', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01', '2026-02-28T16:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseJasperDate(text)?.toISOString()).toBe(iso);
  });

  it('unparsable dates are null, not errors', () => {
    expect(parseJasperDate('soon')).toBeNull();
    expect(mapDevice(device('ACTIVATED', { dateActivated: 'soon' }), {}, { planMb: null }, AT).activatedAt).toBeNull();
  });

  it('device fields and plan from options', () => {
    const c = mapDevice(device('ACTIVATED', { msisdn: '1460000000001', imsi: '460010000000001', imei: '356938035643809', ratePlan: 'CU-100M', dateActivated: '2025-05-01T00:00:00Z', dateShipped: '2025-01-01T00:00:00Z' }), {}, { planMb: 100 }, AT);
    expect(c).toMatchObject({ msisdn: '1460000000001', imei: '356938035643809', plan: { kind: 'MONTHLY', monthlyBytes: 104857600, name: 'CU-100M' }, openedAt: new Date('2025-01-01T00:00:00Z'), raw: { ratePlan: 'CU-100M' } });
  });

  it('cycle-to-date usage: bytes as given, the 27th–26th cycle containing asOf in Shanghai', () => {
    const u = mapCtdUsage('x', ctd({ ctdDataUsage: 123456789, overageLimitReached: false }), 100 * 1048576, jasperCycle(27), AT);
    expect(u).toMatchObject({ usedBytes: 123456789, quotaBytes: 104857600, remainingBytes: 104857600 - 123456789, asOf: AT });
    expect(u.cycleStart).toEqual(new Date('2026-03-26T16:00:00Z'));
    expect(u.cycleEnd).toEqual(new Date('2026-04-26T16:00:00Z'));
    const before = mapCtdUsage('x', ctd({ ctdDataUsage: '1', overageLimitReached: false }), null, jasperCycle(27), new Date('2026-03-26T15:59:59Z'));
    expect(before.cycleStart).toEqual(new Date('2026-02-26T16:00:00Z'));
    expect(before.remainingBytes).toBeNull();
  });

  it('the start day is configurable', () => {
    const u = mapCtdUsage('x', ctd({ ctdDataUsage: 0 }), null, jasperCycle(1), AT);
    expect(u.cycleStart).toEqual(new Date('2026-02-28T16:00:00Z'));
  });

  it('past cycle: cycleStartDate yyyy-MM-ddZ and the sum over zones', () => {
    expect(cycleStartParam(jasperCycle(27), '2026-03')).toBe('2026-02-27Z');
    const u = mapZoneUsage('x', usageInZoneSchema.parse({ cycleStartDate: '2026-02-27Z', deviceCycleUsageInZones: { China: [{ zone: 'China', dataUsage: 100 }, { zone: 'China', dataUsage: 50 }], Roaming: [{ zone: 'Roaming', dataUsage: 7 }] } }), null, jasperCycle(27), '2026-03', AT);
    expect(u).toMatchObject({ usedBytes: 157, cycleStart: new Date('2026-02-26T16:00:00Z'), cycleEnd: new Date('2026-03-26T16:00:00Z'), asOf: new Date('2026-03-26T16:00:00Z') });
  });

  it.each([[-1], [1.5], ['12a'], [null]])('ctdDataUsage %p is malformed: the wire schema refuses it (the client makes it Transient)', (v) => {
    expect(ctdUsageSchema.safeParse({ ctdDataUsage: v }).success).toBe(false);
  });
});

describe('Jasper error table', () => {
  it.each(Object.entries(errorTable.codes))('%s: classified as its row says (retryable unless refused)', (code, rule) => {
    const err = classify(errorTable, { endpoint: 'x', secrets: [], httpStatus: 400 }, { code, message: 'm' });
    expect(err.kind).toBe(rule.kind);
    expect(err.retryable).toBe(rule.kind !== 'REJECTED');
  });
});
