import { Carrier, naturalMonth, OperationType, SHANGHAI } from '@simgate/core';
import { z } from 'zod';
import { cappedIntOption, defineManifest, lifecycleOption } from '../toolkit';

/** China Mobile OneLink, API v5 ("ec"): carriers.md §1. Data, for the console and the sync engine. */
export const manifest = defineManifest({
  id: 'cmcc-onelink', carrier: Carrier.CMCC, label: '中国移动 OneLink (API v5)', zone: SHANGHAI,
  capabilities: {
    // No "list all my cards" call: cards come from imported order lists and are resolved in batches of 100.
    inventory: 'IMPORTED',
    statusBatch: true,
    // Month-to-date usage and the in-plan margin are single-card calls (past months are batched): no usageBatch.
    // sim-data-usage-daily/batch serves the last 7 days up to yesterday.
    dailyUsageDays: 7,
    pools: true,
    operations: [OperationType.ACTIVATE, OperationType.SUSPEND, OperationType.RESUME],
    // No realTimeUsage: real-time for OneLink-CT cards, as of yesterday 24:00 for OneLink-PB cards (the weaker
    // claim).
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
    endpoints: [{ match: 'change/*', points: 1, durationSeconds: 1, perEndpoint: true }],
  },
  billingCycle: naturalMonth(SHANGHAI),
  cooldowns: { sameCardChangeSeconds: 30 * 60 },
  // CMCC: 1–2 business days, up to about a week (domain.md §6).
  orderProcessing: { typicalHours: 48, deadlineHours: 7 * 24 },
  // operType is a transition (stop, resume), not a target state, and no order list shows an order without its
  // orderNum: an in-doubt order is resent only after the processing time. 12034 refuses a change within 30 minutes.
  orderResend: { pendingCodes: ['12034'] },
  // The account entry (accounts file): its credentials, and its options (defaults applied here).
  credentials: [
    { name: 'appid', label: 'AppID', secret: false, description: 'OneLink application id; also the prefix of every transid' },
    { name: 'password', label: '密码 Password', secret: true, description: 'OneLink application password (get/token)' },
  ],
  options: {
    /** OneLink has no "list my pools" call: the group ids (流量池 groupId) of the account's pools. */
    groupIds: z.array(z.string().min(1)).default([]),
    /**
     * When `sim-basic-info` (one request per card, for the open and activation dates) is asked:
     * `auto` (default) only when the ref's hints do not already give the dates; `always`; `never`.
     */
    basicInfo: z.enum(['auto', 'always', 'never']).default('auto'),
    /** Single-card requests in flight at once within one adapter call (the rate limiter still applies); ≤ 10. */
    concurrency: cappedIntOption(1, 10, 4),
    /** Members per `group-member` page (≤ 50). */
    memberPageSize: cappedIntOption(1, 50, 50),
    /** Test, silent and term months of the account's cards: OneLink states only the open and activation dates. */
    lifecycle: lifecycleOption(),
  },
  // sim-basic-info gives openDate; no test period length, test usage or plan term.
  lifecycle: { statesOpenedAt: true },
  // stopReason bit 10 `000000000200` is the region lock (区域限制): a VIOLATION in a high-risk region (§8 step 7).
  violationRawReasons: [{ pattern: '^\\d{9}2', kind: 'HIGH_RISK_REGION' }],
});

/** The account's `options`, validated at start-up: the manifest's (defaults applied, unknown keys refused). */
export const optionsSchema = manifest.options;
export type Options = z.infer<typeof optionsSchema>;
