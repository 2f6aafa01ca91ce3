import {
  Carrier,
  CardStatus,
  NotSupported,
  SuspendReason,
  UTC,
  naturalMonth,
  withLuhn,
  type AdapterManifest,
  type BatchResult,
  type CardRecord,
  type CardRef,
  type CarrierAdapter,
  type CarrierReceipt,
  type InventoryPage,
  type OperationProgress,
  type OperationType,
  type PoolMembersPage,
  type UsageSnapshot,
} from '@simgate/core';
import type { Store } from '@simgate/store';
import type { LoadedAccount } from '../config/accounts-file';
import type { SyncJob } from '../jobs';
import { MemoryCardLeases } from '../leases';
import { AccountLimiter } from '../limits/account-limiter';
import { MemoryInFlightLimiter } from '../limits/in-flight';
import { MemoryWindowLimiter } from '../limits/window-limiter';
import { SimgateMetrics } from '../metrics';
import { MemoryJobQueue } from '../queue/memory-queue';
import type { AccountRuntime, CarrierRuntime } from '../runtime';
import { SyncEngine, type SyncEngineDeps } from '../sync-engine';

/** The manifest of an in-memory test platform: no quota worth the name, batches of `batch`, CTCC's carrier. */
export function fakeManifest(
  id: string,
  batch: number,
  o: { inventory?: 'LIST' | 'IMPORTED'; operations?: OperationType[] } = {},
): AdapterManifest {
  return {
    id,
    carrier: Carrier.CTCC,
    label: 'fake',
    zone: UTC,
    credentials: [],
    capabilities: {
      inventory: o.inventory ?? 'LIST',
      statusBatch: true,
      usageBatch: true,
      dailyUsage: false,
      dailyUsageDays: 0,
      pools: false,
      operations: o.operations ?? [],
      realTimeUsage: true,
    },
    batchSizes: { inventoryPage: 10, status: batch, usage: batch, operation: 10 },
    quotas: { account: { points: 10_000, durationSeconds: 1 }, maxInFlight: null, endpoints: [] },
    billingCycle: naturalMonth(UTC),
    cooldowns: { sameCardChangeSeconds: null, rebindsPerMonth: null },
    orderProcessing: { typicalHours: 1, deadlineHours: 24 },
  };
}

/** A card as a test platform reads it: ACTIVE (raw `4`) or SUSPENDED by hand (raw `5`). */
export function fakeRecord(iccid: string, asOf: Date, status: CardStatus = CardStatus.ACTIVE): CardRecord {
  const suspended = status === CardStatus.SUSPENDED;
  return {
    iccid,
    msisdn: null,
    imsi: null,
    imei: null,
    status,
    suspendReason: suspended ? SuspendReason.MANUAL : null,
    suspendReasons: suspended ? [SuspendReason.MANUAL] : [],
    rawStatus: suspended ? '5' : '4',
    rawReason: null,
    activatedAt: null,
    openedAt: null,
    plan: null,
    poolId: null,
    asOf,
  };
}

/** `count` valid ICCIDs of test account number `n`, under `prefix` (4 digits), in ascending order. */
export function fakeIccids(prefix: string, n: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => withLuhn(prefix + String(n).padStart(6, '0') + String(i).padStart(9, '0')));
}

/**
 * A carrier in memory for engine specs: the cards it knows, and every call a spec does not script answered
 * "not in these tests" (reads, orders) or empty (daily usage, pools). Specs extend it with what they exercise.
 */
export abstract class FakeCarrierBase implements CarrierAdapter {
  readonly account: CarrierAdapter['account'];
  readonly cards = new Map<string, CardRecord>();

  constructor(
    readonly manifest: AdapterManifest,
    id: string,
  ) {
    this.account = { id, platform: manifest.id, baseUrl: 'http://fake/' };
  }

  abstract fetchCards(refs: CardRef[], at: Date): Promise<BatchResult<CardRecord>>;

  async listCards(_cursor?: string | null): Promise<InventoryPage> {
    throw new NotSupported('not in these tests');
  }
  async fetchUsage(_refs?: CardRef[]): Promise<BatchResult<UsageSnapshot>> {
    throw new NotSupported('not in these tests');
  }
  async fetchDailyUsage(): Promise<never[]> {
    return [];
  }
  async listPools(): Promise<never[]> {
    return [];
  }
  async listPoolMembers(): Promise<PoolMembersPage> {
    return { iccids: [], next: null, total: 0 };
  }
  async submit(..._args: unknown[]): Promise<CarrierReceipt> {
    throw new NotSupported('not in these tests');
  }
  async progress(..._args: unknown[]): Promise<OperationProgress> {
    throw new NotSupported('not in these tests');
  }
}

/** A logger that says nothing. */
export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The sum of a counter's values whose labels include `labels`. */
export async function counterValue(
  metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);
}

/**
 * A sync engine on `store` for one account `id` of a test platform served by `adapter`: the account stored, a
 * limiter without margin, a runtime of that one account, its own metrics and in-memory queue, no sleeping, three
 * quick attempts. `deps` adds or overrides engine settings, `accountSettings` the account's (e.g. its order deadline).
 */
export async function fakeEngine(
  store: Store,
  id: string,
  m: AdapterManifest,
  adapter: CarrierAdapter,
  deps: Partial<SyncEngineDeps> = {},
  accountSettings: Partial<Pick<LoadedAccount, 'orderDeadlineHours' | 'orderProcessingSeconds'>> = {},
) {
  const account: LoadedAccount = { id, platform: m.id, baseUrl: 'http://fake/', credentials: {}, cardsPath: null, ...accountSettings };
  await store.accounts.upsert([{ id, platform: m.id, carrier: m.carrier, baseUrl: account.baseUrl }]);
  const limiter = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), { marginMs: 0, marginShare: 0 });
  limiter.register(account, m);
  const rt: AccountRuntime = { account, manifest: m, adapter, labels: { platform: m.id, account: id } };
  const runtime = {
    get: (a: string) => {
      if (a !== id) throw new Error(`unknown account '${a}'`);
      return rt;
    },
    has: (a: string) => a === id,
    all: () => [rt],
  } as unknown as CarrierRuntime;
  const metrics = new SimgateMetrics({ defaultMetrics: false });
  const queue = new MemoryJobQueue<SyncJob>(`queue-${id}`);
  const engine = new SyncEngine({
    store,
    runtime,
    limiter,
    leases: new MemoryCardLeases(),
    queue,
    metrics,
    logger: silentLogger,
    sleep: async () => undefined,
    retry: { attempts: 3, baseMs: 1, maxMs: 2 },
    ...deps,
  });
  return { engine, metrics, queue };
}
