import { Carrier, CardStatus, SuspendReason, forecastLifecycle, isoInZone, recoveryOf } from '@simgate/core';
import type { StoredCard } from '@simgate/store';
import { cardView } from './card-view';

const card = (over: Partial<StoredCard> = {}): StoredCard => ({
  iccid: '89860400000000000049',
  accountId: 'acc',
  platform: 'cmcc-onelink',
  carrier: Carrier.CMCC,
  msisdn: null,
  imsi: null,
  imei: null,
  status: CardStatus.ACTIVE,
  suspendReason: null,
  suspendReasons: [],
  rawStatus: '2',
  rawReason: null,
  plan: { kind: 'MONTHLY', name: '100MB', monthlyBytes: 100, termMonths: 12 } as StoredCard['plan'],
  poolId: null,
  activatedAt: new Date('2025-01-31T03:04:05.678Z'),
  openedAt: new Date('2024-12-01T00:00:00Z'),
  asOf: new Date('2026-11-22T00:00:00Z'),
  syncedAt: new Date('2026-11-22T00:00:00Z'),
  syncError: null,
  ...over,
});
const now = new Date('2026-11-22T05:00:00Z');

describe('cardView', () => {
  it('recovery: the guidance of the primary reason (the five console fields), null without a reason', () => {
    for (const reason of Object.values(SuspendReason)) {
      const v = cardView(card({ status: CardStatus.SUSPENDED, suspendReason: reason, suspendReasons: [reason] }), null, { manifest: undefined, now });
      const r = recoveryOf(reason);
      expect(v.recovery).toEqual({ actor: r.actor, action: r.action, resumeAllowed: r.resumeAllowed, liftsAtNextCycle: r.liftsAtNextCycle, recoverable: r.recoverable });
    }
    expect(cardView(card(), null, { manifest: undefined, now }).recovery).toBeNull();
  });

  it('dates: the lifecycle forecast in the platform zone, expiry the same in both places', () => {
    for (const [carrier, zone] of [
      [Carrier.CMCC, 'Asia/Shanghai'],
      [Carrier.OVERSEAS, 'UTC'],
    ] as const) {
      for (const status of [CardStatus.ACTIVE, CardStatus.TEST, CardStatus.INVENTORY, CardStatus.CANCELLED]) {
        const c = card({ carrier, status });
        const v = cardView(c, null, { manifest: undefined, now });
        const f = forecastLifecycle(
          { carrier, zone, status, openedAt: c.openedAt, testMonths: null, testUsedBytes: null, activatedAt: c.activatedAt, termMonths: 12 },
          now,
        );
        const iso = (d: Date | null) => (d ? isoInZone(d, zone) : null);
        expect(v.forecast).toEqual({
          testEndsAt: iso(f.testEndsAt),
          forcedActivationAt: iso(f.forcedActivationAt),
          expiresAt: iso(f.expiresAt),
          cancellationAt: iso(f.cancellationAt),
        });
        expect(v.expiresAt).toBe(v.forecast.expiresAt);
        expect(v.activatedAt).toBe(isoInZone(c.activatedAt!, zone));
      }
    }
  });
});
