import { CardStatus, monthlyPlan, type CardRecord } from '@simgate/core';

/** An ACTIVE card as an adapter would return it (100 MB plan), for store and engine specs; `over` replaces fields. */
export function cardRecord(iccid: string, asOf: Date, over: Partial<CardRecord> = {}): CardRecord {
  return {
    iccid,
    msisdn: '1440' + iccid.slice(-9),
    imsi: null,
    imei: null,
    status: CardStatus.ACTIVE,
    suspendReason: null,
    suspendReasons: [],
    rawStatus: '2',
    rawReason: null,
    activatedAt: new Date('2026-01-01T00:00:00Z'),
    openedAt: null,
    plan: monthlyPlan(100 * 1024 * 1024, 12),
    poolId: null,
    asOf,
    ...over,
  };
}
