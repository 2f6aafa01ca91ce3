import { Carrier, naturalMonth, OperationType, SHANGHAI, type AdapterManifest } from '@simgate/core';

/** China Mobile OneLink, API v5 ("ec"): carriers.md §1. Data, for the console and the sync engine. */
export const ONELINK_MANIFEST: AdapterManifest = {
  id: 'cmcc-onelink',
  carrier: Carrier.CMCC,
  label: '中国移动 OneLink (API v5)',
  zone: SHANGHAI,
  credentials: [
    { name: 'appid', label: 'AppID', secret: false, description: 'OneLink application id; also the prefix of every transid' },
    { name: 'password', label: '密码 Password', secret: true, description: 'OneLink application password (get/token)' },
  ],
  capabilities: {
    // No "list all my cards" call: cards come from imported order lists and are resolved in batches of 100.
    inventory: 'IMPORTED',
    statusBatch: true,
    // Month-to-date usage and the in-plan margin are single-card calls (past months are batched).
    usageBatch: false,
    dailyUsage: true,
    // sim-data-usage-daily/batch serves the last 7 days up to yesterday.
    dailyUsageDays: 7,
    pools: true,
    operations: [OperationType.ACTIVATE, OperationType.SUSPEND, OperationType.RESUME],
    // Real-time for OneLink-CT cards, as of yesterday 24:00 for OneLink-PB cards: the weaker claim.
    realTimeUsage: false,
  },
  batchSizes: {
    inventoryPage: 100,
    status: 100,
    // Cards per fetchUsage call: one status batch (only for cards without a rawStatus hint) + 2 calls per card.
    usage: 100,
    operation: 100,
  },
  quotas: {
    account: { points: 10, durationSeconds: 1 },
    maxInFlight: null,
    endpoints: [{ match: 'change/*', points: 1, durationSeconds: 1, perEndpoint: true }],
  },
  billingCycle: naturalMonth(SHANGHAI),
  cooldowns: { sameCardChangeSeconds: 30 * 60, rebindsPerMonth: null },
  // CMCC: 1–2 business days, up to about a week (domain.md §6).
  orderProcessing: { typicalHours: 48, deadlineHours: 7 * 24 },
  // operType is a transition (stop, resume), not a target state, and no order list shows an order without its
  // orderNum: an in-doubt order is resent only after the processing time. 12034 refuses a change within 30 minutes.
  orderResend: { idempotent: false, pendingCodes: ['12034'] },
};
