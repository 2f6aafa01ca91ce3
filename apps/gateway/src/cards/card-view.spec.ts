import { Carrier, CardStatus, SuspendReason, recoveryOf } from '@simgate/core';
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

  it('recovery where domain.md §2 does not hold: no 90-day cancellation overseas, a lifetime volume does not come back next cycle', () => {
    const overseas = { carrier: Carrier.OVERSEAS, platform: 'intl-1nce' };
    const expired = cardView(card({ ...overseas, status: CardStatus.DEACTIVATED, suspendReason: SuspendReason.PLAN_EXPIRED, suspendReasons: [SuspendReason.PLAN_EXPIRED] }), null, { manifest: undefined, now });
    expect(expired.recovery!.action).not.toMatch(/90/);
    expect(expired.recovery!.action).toMatch(/does not cancel an expired card automatically/);
    const lifetime = { kind: 'LIFETIME', name: null, totalBytes: 500, termMonths: null } as StoredCard['plan'];
    const used = cardView(card({ ...overseas, plan: lifetime, status: CardStatus.SUSPENDED, suspendReason: SuspendReason.OVER_QUOTA, suspendReasons: [SuspendReason.OVER_QUOTA] }), null, { manifest: undefined, now });
    expect(used.recovery).toMatchObject({ liftsAtNextCycle: false, action: expect.stringMatching(/does not reset/) });
    // A Chinese card keeps domain.md's rows: cancelled 90 days after expiry; over quota until the next cycle.
    const cn = cardView(card({ status: CardStatus.DEACTIVATED, suspendReason: SuspendReason.PLAN_EXPIRED, suspendReasons: [SuspendReason.PLAN_EXPIRED] }), null, { manifest: undefined, now });
    expect(cn.recovery!.action).toBe(recoveryOf(SuspendReason.PLAN_EXPIRED).action);
    const monthly = cardView(card({ status: CardStatus.SUSPENDED, suspendReason: SuspendReason.OVER_QUOTA, suspendReasons: [SuspendReason.OVER_QUOTA] }), null, { manifest: undefined, now });
    expect(monthly.recovery!.liftsAtNextCycle).toBe(true);
  });

  // Hand-written from domain.md §1 (no code under test): the fixture opened 2024-12-01 08:00 Shanghai (00:00 UTC),
  // activated 2025-01-31 11:04:05.678 Shanghai (03:04:05.678 UTC), a 12-month plan stated by the carrier.
  const DATES: [Carrier, CardStatus, Record<string, unknown>][] = [
    // Silent period 6 natural months from 2024-12-01: last silent day 2025-05-31, forced 2025-06-01.
    [Carrier.CMCC, CardStatus.INVENTORY, { openedAt: '2024-12-01T08:00:00.000+08:00', testEndsAt: null, forcedActivationAt: '2025-06-01T00:00:00.000+08:00', expiresAt: null, cancellationAt: null,
      basis: { openedAt: 'CARRIER', testEndsAt: null, forcedActivationAt: 'ESTIMATED', expiresAt: null, cancellationAt: null } }],
    // TEST: 3 test months assumed (no declaration) → test over 2025-03-01 08:00; buffer 3 + 6 → forced 2025-09-01.
    [Carrier.CMCC, CardStatus.TEST, { openedAt: '2024-12-01T08:00:00.000+08:00', testEndsAt: '2025-03-01T08:00:00.000+08:00', forcedActivationAt: '2025-09-01T00:00:00.000+08:00', expiresAt: null, cancellationAt: null,
      basis: { openedAt: 'CARRIER', testEndsAt: 'ESTIMATED', forcedActivationAt: 'ESTIMATED', expiresAt: null, cancellationAt: null } }],
    // Expiry 12 months after activation; cancellation 90 days later: Feb 28 + Mar 31 + Apr 30 + 1 → 2026-05-01.
    [Carrier.CMCC, CardStatus.ACTIVE, { openedAt: '2024-12-01T08:00:00.000+08:00', testEndsAt: null, forcedActivationAt: null, expiresAt: '2026-01-31T11:04:05.678+08:00', cancellationAt: '2026-05-01T11:04:05.678+08:00',
      basis: { openedAt: 'CARRIER', testEndsAt: null, forcedActivationAt: null, expiresAt: 'RULE', cancellationAt: 'RULE' } }],
    [Carrier.CMCC, CardStatus.CANCELLED, { openedAt: '2024-12-01T08:00:00.000+08:00', testEndsAt: null, forcedActivationAt: null, expiresAt: null, cancellationAt: null,
      basis: { openedAt: 'CARRIER', testEndsAt: null, forcedActivationAt: null, expiresAt: null, cancellationAt: null } }],
    // Overseas (UTC): the 6-month test period from opening ends with forced activation on 2025-06-01 00:00Z.
    [Carrier.OVERSEAS, CardStatus.INVENTORY, { openedAt: '2024-12-01T00:00:00.000Z', testEndsAt: '2025-06-01T00:00:00.000Z', forcedActivationAt: '2025-06-01T00:00:00.000Z', expiresAt: null, cancellationAt: null,
      basis: { openedAt: 'CARRIER', testEndsAt: 'RULE', forcedActivationAt: 'RULE', expiresAt: null, cancellationAt: null } }],
    // Overseas: no automatic cancellation.
    [Carrier.OVERSEAS, CardStatus.DEACTIVATED, { openedAt: '2024-12-01T00:00:00.000Z', testEndsAt: null, forcedActivationAt: null, expiresAt: '2026-01-31T03:04:05.678Z', cancellationAt: null,
      basis: { openedAt: 'CARRIER', testEndsAt: null, forcedActivationAt: null, expiresAt: 'RULE', cancellationAt: null } }],
  ];
  it.each(DATES)('dates: %s %s, hand-written from domain.md, in the platform zone', (carrier, status, want) => {
    const activated = status === CardStatus.TEST || status === CardStatus.INVENTORY ? null : card().activatedAt;
    const v = cardView(card({ carrier, status, activatedAt: activated }), null, { manifest: undefined, now });
    const { openedAt, ...forecast } = want;
    expect(v.openedAt).toBe(openedAt);
    expect(v.forecast).toEqual({ ...forecast, testEndsBy: forecast.testEndsAt ? 'TIME' : null, basis: { ...(forecast.basis as object), openedAt: 'CARRIER' } });
    expect(v.expiresAt).toBe(v.forecast.expiresAt);
  });
});
