/**
 * The adapter contract and manifest type. Most of the contract is checked by the compiler: the fake
 * platform below must type-check against CarrierPlatform. At run time: the package entry exports the
 * model, a manifest is plain data, carrier zones and cycles match domain.md §3 and §7, and an operation a
 * manifest does not list fails with NotSupported.
 */
import * as core from './index';
import {
  AdapterManifest,
  CarrierAdapter,
  CarrierPlatform,
  Carrier,
  CardStatus,
  defaultZoneOf,
  monthDayCycle,
  naturalMonth,
  NotSupported,
  OperationType,
  SHANGHAI,
  UTC,
} from './index';

const manifest: AdapterManifest = {
  id: 'cucc-test',
  carrier: Carrier.CUCC,
  label: '中国联通 (test)',
  zone: SHANGHAI,
  credentials: [
    { name: 'username', label: 'User', secret: false },
    { name: 'apiKey', label: 'API key', secret: true, pattern: '^[0-9a-f-]{36}$' },
  ],
  capabilities: {
    inventory: 'MODIFIED_SINCE',
    statusBatch: false,
    usageBatch: false,
    dailyUsage: true,
    dailyUsageDays: 60,
    pools: false,
    operations: [OperationType.ACTIVATE, OperationType.SUSPEND, OperationType.RESUME],
    realTimeUsage: false,
  },
  batchSizes: { inventoryPage: 50, status: 1, usage: 1, operation: 1 },
  quotas: { account: { points: 5, durationSeconds: 1 }, maxInFlight: 4, endpoints: [{ match: 'devices/*', points: 1, durationSeconds: 1, perEndpoint: true }] },
  billingCycle: monthDayCycle(27, SHANGHAI),
  cooldowns: { sameCardChangeSeconds: null, rebindsPerMonth: null },
  orderProcessing: { typicalHours: 24, deadlineHours: 72 },
};

const platform: CarrierPlatform = {
  manifest,
  connect(account, deps): CarrierAdapter {
    const notSupported = (what: string) => Promise.reject(new NotSupported(`${manifest.id} does not offer ${what}`, { platform: manifest.id }));
    return {
      manifest,
      account: { id: account.id, platform: account.platform, baseUrl: account.baseUrl },
      listCards: async () => ({ cards: [], next: null, highWaterMark: deps.now().toISOString() }),
      fetchCards: async () => ({ items: [], failures: [] }),
      fetchUsage: async () => ({ items: [], failures: [] }),
      fetchDailyUsage: async () => [],
      listPools: () => notSupported('pools'),
      listPoolMembers: () => notSupported('pools'),
      submit: async (order, _refs, at) => {
        if (!manifest.capabilities.operations.includes(order.type)) return notSupported(order.type);
        return {
          type: order.type,
          iccids: order.iccids,
          confirmBy: 'STATUS',
          carrierRef: null,
          expectedStatus: CardStatus.ACTIVE,
          submittedAt: at,
        };
      },
      progress: async (receipt) => ({ state: core.OperationState.SUBMITTED, items: receipt.iccids.map((iccid) => ({ iccid, state: core.OperationState.SUBMITTED })) }),
    };
  },
};

describe('adapter contract', () => {
  it('the package entry exports the model', () => {
    for (const name of ['cycleContaining', 'forecastLifecycle', 'parseIccid', 'checkOperation', 'forwardPoolTotals', 'RECOVERY', 'Rejected', 'usageSnapshot']) {
      expect(core).toHaveProperty(name);
    }
  });

  it('a manifest is plain data: it survives JSON unchanged (a console can render it)', () => {
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('Chinese platforms speak Asia/Shanghai, overseas UTC by default', () => {
    expect(defaultZoneOf(Carrier.CMCC)).toBe(SHANGHAI);
    expect(defaultZoneOf(Carrier.CUCC)).toBe(SHANGHAI);
    expect(defaultZoneOf(Carrier.CTCC)).toBe(SHANGHAI);
    expect(defaultZoneOf(Carrier.OVERSEAS)).toBe(UTC);
  });

  it('billing-cycle rules per carrier (domain.md §7): natural month, CUCC 27th–26th', () => {
    expect(monthDayCycle(27, defaultZoneOf(Carrier.CUCC))).toEqual({ kind: 'MONTH_DAY', startDay: 27, zone: SHANGHAI });
    expect(naturalMonth(defaultZoneOf(Carrier.OVERSEAS))).toEqual({ kind: 'NATURAL_MONTH', zone: UTC });
  });

  it('an operation the manifest does not list fails with NotSupported, which is not retried', async () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const adapter = platform.connect(
      { id: 'a', platform: manifest.id, baseUrl: 'http://127.0.0.1:1/', credentials: {} },
      { http: { send: () => Promise.reject(new Error('no network in unit tests')) }, now: () => at },
    );
    const order = { type: OperationType.REBIND, iccids: ['x'], params: { imei: '490154203237518' }, idempotencyKey: 'k' };
    await expect(adapter.submit(order, [{ iccid: 'x' }], at)).rejects.toMatchObject({ kind: 'NOT_SUPPORTED', retryable: false });
    const ok = await adapter.submit({ ...order, type: OperationType.SUSPEND }, [{ iccid: 'x' }], at);
    expect(ok).toEqual({ type: OperationType.SUSPEND, iccids: ['x'], confirmBy: 'STATUS', carrierRef: null, expectedStatus: CardStatus.ACTIVE, submittedAt: at });
  });
});
