import {
  CardStatus,
  RECOVERY,
  SuspendReason,
  defaultPlatformLifecycle,
  explainLifecycle,
  usageVisible,
  zoneOf,
  type AccountLifecycle,
  type AdapterManifest,
} from '@simgate/core';
import type { Checkpoint, StoredCard, StoredUsage } from '@simgate/store';
import { fastIsoInZone } from './zoned-iso';

const iso = (d: Date | null | undefined, zone: string) => (d ? fastIsoInZone(d instanceof Date ? d : new Date(d), zone) : null);

/** Confirmation time of a card's data: its last write, or the last complete sweep that read it without error. */
export function syncedAt(cardSyncedAt: Date | null, hasError: boolean, cp: Checkpoint | undefined): Date | null {
  const sweep = !hasError && cp?.lastSuccessAt ? cp.lastSuccessAt : null;
  if (!cardSyncedAt) return sweep;
  return sweep && sweep > cardSyncedAt ? sweep : cardSyncedAt;
}

export interface CardContext {
  manifest: AdapterManifest | undefined;
  /** What the card's account declares of its cards' lifecycle (accounts file `options.lifecycle`). */
  lifecycle?: AccountLifecycle;
  statusCheckpoint?: Checkpoint;
  usageCheckpoint?: Checkpoint;
  now: Date;
}

/** The `recovery` of a view per reason, built once (a page of cards shares them; views are only serialized). */
const RECOVERY_VIEWS = new Map(
  Object.values(RECOVERY).map((r) => [
    r.reason,
    Object.freeze({ actor: r.actor, action: r.action, resumeAllowed: r.resumeAllowed, liftsAtNextCycle: r.liftsAtNextCycle, recoverable: r.recoverable }),
  ]),
);
const recoveryView = (reason: SuspendReason) => RECOVERY_VIEWS.get(reason) ?? null;

/** Where domain.md's recovery of a reason does not hold for the card's platform or plan. */
const EXPIRED_NOT_CANCELLED = Object.freeze({
  ...RECOVERY_VIEWS.get(SuspendReason.PLAN_EXPIRED)!,
  action: 'Renew (extend) the plan with the carrier; this carrier does not cancel an expired card automatically.',
});
const LIFETIME_USED_UP = Object.freeze({
  ...RECOVERY_VIEWS.get(SuspendReason.OVER_QUOTA)!,
  action: "The plan's lifetime volume is used up and does not reset at a new cycle: add volume (top up) with the carrier.",
  liftsAtNextCycle: false,
});

/**
 * The recovery of a card's primary reason: domain.md §2's, except the 90-day cancellation on platforms without it
 * and "back next cycle" for a lifetime volume (1NCE).
 */
function recoveryOf(card: StoredCard, manifest: AdapterManifest | undefined) {
  const reason = card.suspendReason;
  if (!reason) return null;
  const cancels = (manifest?.lifecycle ?? defaultPlatformLifecycle(card.carrier)).cancellationDays !== null;
  if (reason === SuspendReason.PLAN_EXPIRED && !cancels) return EXPIRED_NOT_CANCELLED;
  if (reason === SuspendReason.OVER_QUOTA && card.plan?.kind === 'LIFETIME') return LIFETIME_USED_UP;
  return recoveryView(reason);
}

/** A card as the console sees it (the fixed shape of issue "Console REST API"). Times carry the platform's offset. */
export function cardView(card: StoredCard, usage: StoredUsage | null, ctx: CardContext) {
  const zone = zoneOf(card, ctx.manifest);
  const lc = lifecycleOf(card, usage, zone, ctx);
  const forecast = lc.dates;
  const syncErr = card.syncError !== null;
  const expiresAt = iso(forecast.expiresAt, zone);
  return {
    iccid: card.iccid,
    msisdn: card.msisdn,
    imsi: card.imsi,
    imei: card.imei,
    carrier: card.carrier,
    platform: card.platform,
    accountId: card.accountId,
    status: card.status,
    suspendReason: card.suspendReason,
    suspendReasons: card.suspendReasons,
    recovery: recoveryOf(card, ctx.manifest),
    rawStatus: card.rawStatus || null,
    rawReason: card.rawReason,
    plan: card.plan,
    poolId: card.poolId,
    activatedAt: iso(card.activatedAt, zone),
    /** The opening (开户) the forecast counts from: the carrier's date, or (platforms that give none) simgate's first sight of the card. */
    openedAt: iso(lc.openedAt, zone),
    expiresAt,
    usage:
      usage && usageVisible(card.status)
        ? {
            cycleStart: iso(usage.cycleStart, zone),
            cycleEnd: iso(usage.cycleEnd, zone),
            usedBytes: usage.usedBytes,
            quotaBytes: usage.quotaBytes,
            remainingBytes: usage.remainingBytes,
            asOf: iso(usage.asOf, zone),
          }
        : null,
    statusSyncedAt: iso(card.status === CardStatus.UNKNOWN && !card.rawStatus ? null : syncedAt(card.syncedAt, syncErr, ctx.statusCheckpoint), zone),
    usageSyncedAt: iso(usage ? syncedAt(usage.syncedAt, syncErr, ctx.usageCheckpoint) : null, zone),
    forecast: {
      testEndsAt: iso(forecast.testEndsAt, zone),
      forcedActivationAt: iso(forecast.forcedActivationAt, zone),
      expiresAt,
      cancellationAt: iso(forecast.cancellationAt, zone),
      testEndsBy: forecast.testEndsBy,
      /** Per date (and the opening): CARRIER (stated by the carrier), RULE (domain rule on stated and declared facts), ESTIMATED. */
      basis: { openedAt: lc.openedAtBasis, ...lc.basis },
    },
    syncError: card.syncError,
  };
}

export type CardView = ReturnType<typeof cardView>;

/**
 * A stored card's lifecycle forecast with the basis of each date: the platform's facts and defaults (manifest
 * `lifecycle`), the account's declarations, and the test data used so far (a TEST card's cycle usage is a lower
 * bound of it).
 */
export function lifecycleOf(card: StoredCard, usage: StoredUsage | null, zone: string, ctx: Pick<CardContext, 'manifest' | 'lifecycle' | 'now'>) {
  const stated = card.plan?.expiresAt ? new Date(card.plan.expiresAt) : null;
  return explainLifecycle(
    {
      carrier: card.carrier,
      status: card.status,
      rawStatus: card.rawStatus,
      openedAt: card.openedAt,
      activatedAt: card.activatedAt,
      plan: card.plan,
      expiresAt: stated && !Number.isNaN(stated.getTime()) ? stated : null,
      firstSeenAt: card.firstSeenAt ?? null,
    },
    zone,
    ctx.now,
    ctx.manifest?.lifecycle,
    ctx.lifecycle,
    card.status === CardStatus.TEST && usage ? usage.usedBytes : null,
  );
}

/** The `lifecycle` of an account's options (validated at start-up by the platform's option schema), if any. */
export function accountLifecycle(options: Record<string, unknown> | undefined): AccountLifecycle | undefined {
  const v = options?.lifecycle;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as AccountLifecycle) : undefined;
}
