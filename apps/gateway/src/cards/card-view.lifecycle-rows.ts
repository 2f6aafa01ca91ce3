/**
 * Inputs of the lifecycle table of card-view.lifecycle.spec.ts (the expected answers are written there, by hand,
 * from domain.md): one card per row, viewed with its platform's real manifest and the account's declarations.
 * A module of its own so that card-view.lifecycle.zone.spec.ts can run the same rows in processes running in
 * other zones.
 */
import { CardStatus, lifetimePlan, monthlyPlan, type AccountLifecycle, type Plan } from '@simgate/core';
import type { StoredCard, StoredUsage } from '@simgate/store';
import { manifest as cmcc } from '../../../../libs/carriers/src/cmcc-onelink/manifest';
import { manifest as ctcc } from '../../../../libs/carriers/src/ctcc-cmp/manifest';
import { manifest as cucc } from '../../../../libs/carriers/src/cucc-jasper/manifest';
import { manifest as intl } from '../../../../libs/carriers/src/intl-1nce/manifest';
import { cardView } from './card-view';

export const NOW = new Date('2026-11-22T05:00:00Z');
const MANIFESTS = { 'cmcc-onelink': cmcc, 'cucc-jasper': cucc, 'ctcc-cmp': ctcc, 'intl-1nce': intl } as const;
type PlatformId = keyof typeof MANIFESTS;

export interface Row {
  platform: PlatformId;
  status: CardStatus;
  raw: string;
  opened?: string;
  activated?: string;
  plan?: Plan | null;
  firstSeen?: string;
  /** Test data used this cycle (TEST cards). */
  usedBytes?: number;
  declared?: AccountLifecycle;
}

const MB = 1024 * 1024;
const P12 = monthlyPlan(100 * MB, 12, 'P100-12');
const PNONE = monthlyPlan(100 * MB, null, 'IOT-36');

export const ROWS: Record<string, Row> = {
  cmccInventoryMidMonth: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2026-01-15T14:00:00+08:00' },
  cmccInventoryDeclaredNoTest: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '7', opened: '2026-01-15T14:00:00+08:00', declared: { testMonths: 0 } },
  cmccInventoryFirstOfMonth: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2026-01-01T09:00:00+08:00' },
  cmccInventoryFirstMidnight: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2026-01-01T00:00:00+08:00' },
  cmccInventoryMonthEnd: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2026-01-31T23:30:00+08:00' },
  cmccInventoryAug31: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2025-08-31T12:00:00+08:00' },
  cmccInventoryToLeapFeb: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2027-08-31T08:00:00+08:00' },
  cmccInventoryLeapDay: { platform: 'cmcc-onelink', status: CardStatus.INVENTORY, raw: '1', opened: '2028-02-29T08:00:00+08:00' },
  cmccTest: { platform: 'cmcc-onelink', status: CardStatus.TEST, raw: '6', opened: '2026-11-25T10:00:00+08:00' },
  cmccTestDeclaredSilent: { platform: 'cmcc-onelink', status: CardStatus.TEST, raw: '6', opened: '2026-08-31T10:00:00+08:00', declared: { testMonths: 3, silentMonths: 6 } },
  cmccActiveLeap: { platform: 'cmcc-onelink', status: CardStatus.ACTIVE, raw: '2', opened: '2027-12-01T10:00:00+08:00', activated: '2028-02-29T10:00:00+08:00', plan: P12 },
  cmccSuspendedOneMonth: { platform: 'cmcc-onelink', status: CardStatus.SUSPENDED, raw: '4', activated: '2026-03-31T12:00:00+08:00', plan: PNONE, declared: { termMonths: 1 } },
  cmccDeactivated: { platform: 'cmcc-onelink', status: CardStatus.DEACTIVATED, raw: '8', activated: '2025-08-30T10:00:00+08:00', plan: P12 },
  cmccDeactivatedNoPlan: { platform: 'cmcc-onelink', status: CardStatus.DEACTIVATED, raw: '8', activated: '2025-08-30T10:00:00+08:00', plan: null },
  cmccCancelled: { platform: 'cmcc-onelink', status: CardStatus.CANCELLED, raw: '9', opened: '2020-05-05T10:00:00+08:00', activated: '2020-06-01T10:00:00+08:00', plan: P12 },
  cuccTestOn27th: { platform: 'cucc-jasper', status: CardStatus.TEST, raw: 'TEST_READY', opened: '2026-05-27T00:00:00+08:00' },
  cuccInventoryOn26th: { platform: 'cucc-jasper', status: CardStatus.INVENTORY, raw: 'ACTIVATION_READY', opened: '2026-05-26T23:59:00+08:00' },
  cuccActiveDefaultTerm: { platform: 'cucc-jasper', status: CardStatus.ACTIVE, raw: 'ACTIVATED', activated: '2026-01-27T00:00:00+08:00', plan: PNONE },
  cuccActivePlanTerm: { platform: 'cucc-jasper', status: CardStatus.ACTIVE, raw: 'ACTIVATED', activated: '2026-01-27T00:00:00+08:00', plan: PNONE, declared: { termMonths: 24, plans: { 'IOT-36': { termMonths: 36 } } } },
  cuccRetired: { platform: 'cucc-jasper', status: CardStatus.DEACTIVATED, raw: 'RETIRED', activated: '2025-11-26T23:00:00+08:00', plan: P12 },
  ctccTestDeactivated: { platform: 'ctcc-cmp', status: CardStatus.INVENTORY, raw: '3', opened: '2026-11-25T10:00:00+08:00' },
  ctccActivatable: { platform: 'ctcc-cmp', status: CardStatus.INVENTORY, raw: '1', opened: '2026-11-25T10:00:00+08:00' },
  ctccTest6MbExactly: { platform: 'ctcc-cmp', status: CardStatus.TEST, raw: '2', opened: '2026-10-05T09:00:00+08:00', usedBytes: 6 * MB, declared: { testMonths: 2 } },
  ctccTestJustUnder6Mb: { platform: 'ctcc-cmp', status: CardStatus.TEST, raw: '2', opened: '2026-10-05T09:00:00+08:00', usedBytes: 6 * MB - 1, declared: { testMonths: 2 } },
  ctccStoppedRaw5: { platform: 'ctcc-cmp', status: CardStatus.SUSPENDED, raw: '5', activated: '2026-02-28T23:59:59+08:00', plan: P12 },
  intlInventoryFirstSeen: { platform: 'intl-1nce', status: CardStatus.INVENTORY, raw: 'Enabled', firstSeen: '2026-11-20T10:00:00Z' },
  intlInventoryMonthEnd: { platform: 'intl-1nce', status: CardStatus.INVENTORY, raw: 'Enabled', firstSeen: '2026-08-31T23:00:00Z' },
  intlActiveStatedExpiry: {
    platform: 'intl-1nce', status: CardStatus.ACTIVE, raw: 'Enabled', activated: '2025-12-13T01:36:07Z', firstSeen: '2026-01-02T00:00:00Z',
    plan: { ...lifetimePlan(500 * MB), expiresAt: '2035-12-13T01:36:07.000Z' },
  },
  intlDeactivated: { platform: 'intl-1nce', status: CardStatus.DEACTIVATED, raw: 'Enabled', activated: '2016-01-01T00:00:00Z', plan: { ...lifetimePlan(500 * MB), expiresAt: '2026-01-01T00:00:00.000Z' } },
  intlSuspendedNoQuotaLeap: { platform: 'intl-1nce', status: CardStatus.SUSPENDED, raw: 'Disabled', activated: '2028-02-29T08:00:00Z', plan: null },
};

const at = (s: string | undefined) => (s ? new Date(s) : null);

/** The card JSON of a row: its platform's manifest, the account's declarations, the test usage. */
export function viewOf(row: Row) {
  const card: StoredCard = {
    iccid: '89860400000000000049',
    accountId: 'acc',
    platform: row.platform,
    carrier: MANIFESTS[row.platform].carrier,
    msisdn: null,
    imsi: null,
    imei: null,
    status: row.status,
    suspendReason: null,
    suspendReasons: [],
    rawStatus: row.raw,
    rawReason: null,
    plan: row.plan ?? null,
    poolId: null,
    activatedAt: at(row.activated),
    openedAt: at(row.opened),
    asOf: NOW,
    syncedAt: NOW,
    syncError: null,
    ...(row.firstSeen ? { firstSeenAt: new Date(row.firstSeen) } : {}),
  };
  const usage =
    row.usedBytes === undefined
      ? null
      : ({ iccid: card.iccid, cycleStart: NOW, cycleEnd: NOW, usedBytes: row.usedBytes, quotaBytes: null, remainingBytes: null, asOf: NOW, syncedAt: NOW } as StoredUsage);
  return cardView(card, usage, { manifest: MANIFESTS[row.platform], lifecycle: row.declared, now: NOW });
}

/** The lifecycle part of every row's card JSON. */
export function lifecycleOfRows(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(ROWS).map(([id, row]) => {
    const v = viewOf(row);
    return [id, { openedAt: v.openedAt, ...v.forecast }];
  }));
}
