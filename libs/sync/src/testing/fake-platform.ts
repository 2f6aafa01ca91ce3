import {
  Carrier,
  CardStatus,
  SuspendReason,
  UTC,
  naturalMonth,
  type AdapterManifest,
  type CardRecord,
  type OperationType,
} from '@simgate/core';

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
