import {
  CardStatus,
  RECOVERY,
  forecastLifecycle,
  usageVisible,
  zoneOf,
  type AdapterManifest,
  type SuspendReason,
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

/** A card as the console sees it (the fixed shape of issue "Console REST API"). Times carry the platform's offset. */
export function cardView(card: StoredCard, usage: StoredUsage | null, ctx: CardContext) {
  const zone = zoneOf(card, ctx.manifest);
  const forecast = forecastLifecycle(
    {
      carrier: card.carrier,
      zone,
      status: card.status,
      openedAt: card.openedAt,
      testMonths: null,
      testUsedBytes: null,
      activatedAt: card.activatedAt,
      termMonths: card.plan?.termMonths ?? null,
    },
    ctx.now,
  );
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
    recovery: card.suspendReason ? recoveryView(card.suspendReason) : null,
    rawStatus: card.rawStatus || null,
    rawReason: card.rawReason,
    plan: card.plan,
    poolId: card.poolId,
    activatedAt: iso(card.activatedAt, zone),
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
    },
    syncError: card.syncError,
  };
}

export type CardView = ReturnType<typeof cardView>;
