import { Carrier, naturalMonth, OperationType, UTC, type AdapterManifest } from '@simgate/core';
import { z } from 'zod';
import { cappedIntOption, defineManifest, intOption, lifecycleOption, planMbOption } from './manifest';

/** The fields without a default: what every manifest writes. */
const minimal = {
  id: 'test-platform',
  carrier: Carrier.OVERSEAS,
  label: 'Test platform',
  zone: UTC,
  credentials: [{ name: 'password', label: 'Password', secret: true }],
  capabilities: { inventory: 'LIST' as const, operations: [OperationType.SUSPEND] },
  batchSizes: { inventoryPage: 100, status: 1, usage: 1, operation: 1 },
  quotas: { account: { points: 10, durationSeconds: 1 } },
  billingCycle: naturalMonth(UTC),
  orderProcessing: { typicalHours: 1, deadlineHours: 24 },
};

describe('toolkit defineManifest', () => {
  it('fills every default: no batch reads, daily usage, pools, real-time usage, limits, cooldowns; resend not idempotent', () => {
    const m = defineManifest(minimal);
    const { options, ...rest } = m;
    expect(rest).toEqual({
      ...minimal,
      capabilities: {
        inventory: 'LIST',
        statusBatch: false,
        usageBatch: false,
        dailyUsage: false,
        dailyUsageDays: 0,
        pools: false,
        operations: [OperationType.SUSPEND],
        realTimeUsage: false,
      },
      quotas: { account: { points: 10, durationSeconds: 1 }, maxInFlight: null, endpoints: [] },
      cooldowns: { sameCardChangeSeconds: null, rebindsPerMonth: null },
      orderResend: { idempotent: false, pendingCodes: [] },
      // Overseas defaults (domain.md §1): no opening date stated, the 6-month test period, no silent period, no
      // automatic cancellation; a 12-month term assumed.
      lifecycle: { statesOpenedAt: false, statesExpiry: false, testMonths: 6, silentMonths: 0, termMonths: 12, cancellationDays: null, testedRawStatuses: [] },
      violationRawReasons: [],
    } satisfies Omit<AdapterManifest, 'options'>);
    // No options: an empty schema that refuses every key.
    expect(options.safeParse({}).success).toBe(true);
    expect(options.safeParse({ planMb: 1 }).success).toBe(false);
  });

  it('keeps every value given, in AdapterManifest order; dailyUsage follows dailyUsageDays unless given', () => {
    const given = {
      ...minimal,
      capabilities: {
        inventory: 'IMPORTED' as const,
        statusBatch: true,
        usageBatch: true,
        dailyUsageDays: 7,
        pools: true,
        operations: [OperationType.ACTIVATE],
        realTimeUsage: true,
      },
      quotas: {
        account: { points: 5, durationSeconds: 1 },
        maxInFlight: 1,
        endpoints: [{ match: 'change/*', points: 1, durationSeconds: 1, perEndpoint: true }],
      },
      cooldowns: { sameCardChangeSeconds: 1800, rebindsPerMonth: 2 },
      orderResend: { idempotent: true, pendingCodes: ['12034'] },
    };
    const m = defineManifest(given);
    expect(m.capabilities).toEqual({ ...given.capabilities, dailyUsage: true });
    expect(m.quotas).toEqual(given.quotas);
    expect(m.cooldowns).toEqual(given.cooldowns);
    expect(m.orderResend).toEqual(given.orderResend);
    expect(Object.keys(m)).toEqual([
      'id',
      'carrier',
      'label',
      'zone',
      'credentials',
      'capabilities',
      'batchSizes',
      'quotas',
      'billingCycle',
      'cooldowns',
      'orderProcessing',
      'orderResend',
      'options',
      'lifecycle',
      'violationRawReasons',
    ]);
    expect(defineManifest({ ...minimal, capabilities: { ...minimal.capabilities, dailyUsage: false, dailyUsageDays: 7 } }).capabilities.dailyUsage).toBe(false);
  });

  it('defaults each field of cooldowns and orderResend on its own', () => {
    const m = defineManifest({ ...minimal, cooldowns: { rebindsPerMonth: 2 }, orderResend: { pendingCodes: ['-7'] } });
    expect(m.cooldowns).toEqual({ sameCardChangeSeconds: null, rebindsPerMonth: 2 });
    expect(m.orderResend).toEqual({ idempotent: false, pendingCodes: ['-7'] });
    const n = defineManifest({ ...minimal, cooldowns: { sameCardChangeSeconds: 60 }, orderResend: { idempotent: true } });
    expect(n.cooldowns).toEqual({ sameCardChangeSeconds: 60, rebindsPerMonth: null });
    expect(n.orderResend).toEqual({ idempotent: true, pendingCodes: [] });
  });

  it('lifecycle: the carrier\'s defaults field by field, the values given kept', () => {
    // Chinese carriers (domain.md §1, §7): opening stated, 3 test months assumed, 6 silent months, 90-day cancellation.
    const cn = defineManifest({ ...minimal, carrier: Carrier.CTCC, lifecycle: { testedRawStatuses: ['3'], termMonths: 36 } });
    expect(cn.lifecycle).toEqual({ statesOpenedAt: true, statesExpiry: false, testMonths: 3, silentMonths: 6, termMonths: 36, cancellationDays: 90, testedRawStatuses: ['3'] });
    const intl = defineManifest({ ...minimal, lifecycle: { statesExpiry: true } });
    expect(intl.lifecycle).toMatchObject({ statesOpenedAt: false, statesExpiry: true, cancellationDays: null });
    const regions = [{ pattern: '^\\d{9}2', kind: 'HIGH_RISK_REGION' as const }];
    expect(defineManifest({ ...minimal, violationRawReasons: regions }).violationRawReasons).toEqual(regions);
  });

  it('lifecycleOption: every field optional, test months 0–9, unknown keys refused, per plan name', () => {
    const o = lifecycleOption();
    expect(o.parse(undefined)).toEqual({});
    expect(o.parse({ testMonths: 0, silentMonths: 6, termMonths: 36, plans: { 'IOT-36': { termMonths: 36 } } })).toEqual({
      testMonths: 0,
      silentMonths: 6,
      termMonths: 36,
      plans: { 'IOT-36': { termMonths: 36 } },
    });
    for (const bad of [{ testMonths: 10 }, { testMonths: -1 }, { termMonths: 0 }, { testMonths: 1.5 }, { tests: 3 }, { plans: { x: { silentMonths: 3 } } }]) {
      expect(o.safeParse(bad).success).toBe(false);
    }
  });

  it('gives every manifest its own default arrays', () => {
    const a = defineManifest(minimal);
    const b = defineManifest(minimal);
    expect(a.quotas.endpoints).not.toBe(b.quotas.endpoints);
    expect(a.orderResend!.pendingCodes).not.toBe(b.orderResend!.pendingCodes);
  });

  it('options: the strict schema of the options written, defaults applied, unknown keys refused', () => {
    const m = defineManifest({ ...minimal, options: { planMb: planMbOption(), mode: z.enum(['a', 'b']).default('a') } });
    expect(m.options.parse({})).toEqual({ planMb: null, mode: 'a' });
    expect(m.options.parse({ planMb: 512, mode: 'b' })).toEqual({ planMb: 512, mode: 'b' });
    const misspelt = m.options.safeParse({ planMB: 512 });
    expect(misspelt.success).toBe(false);
    expect(misspelt.error?.issues[0].code).toBe('unrecognized_keys');
  });
});

describe('toolkit option schemas', () => {
  it('intOption: a whole number in range, its default when absent', () => {
    const o = intOption(1, 28, 27);
    expect(o.parse(undefined)).toBe(27);
    expect(o.parse(1)).toBe(1);
    expect(o.parse(28)).toBe(28);
    for (const bad of [0, 29, 1.5, '3', null]) expect(o.safeParse(bad).success).toBe(false);
  });

  it('cappedIntOption: a whole number from min, a larger one capped, its default when absent', () => {
    const o = cappedIntOption(1, 10, 4);
    expect(o.parse(undefined)).toBe(4);
    expect(o.parse(10)).toBe(10);
    expect(o.parse(50)).toBe(10);
    for (const bad of [0, 2.5, '3']) expect(o.safeParse(bad).success).toBe(false);
  });

  it('planMbOption: a finite volume from 0, null (unknown) by default', () => {
    const o = planMbOption();
    expect(o.parse(undefined)).toBeNull();
    expect(o.parse(null)).toBeNull();
    expect(o.parse(0)).toBe(0);
    expect(o.parse(1.5)).toBe(1.5);
    for (const bad of [-1, Infinity, '5']) expect(o.safeParse(bad).success).toBe(false);
  });
});
