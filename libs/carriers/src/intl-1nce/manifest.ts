import { z } from 'zod';
import { Carrier, naturalMonth, OperationType, UTC, type AdapterManifest } from '@simgate/core';

/** `GET /v1/sims` serves at most 100 SIMs per page. */
export const ONENCE_PAGE_SIZE = 100;

/** The account's `options` (accounts file): 1NCE takes none (an account's order deadline is `orderDeadlineHours`). */
export const optionsSchema = z.object({}).strict();

export type Options = z.infer<typeof optionsSchema>;

/** 1NCE Management API (carriers.md §4). Data, read by the console and the sync planner. */
export const manifest: AdapterManifest = {
  id: 'intl-1nce',
  carrier: Carrier.OVERSEAS,
  label: '1NCE Management API',
  zone: UTC,
  credentials: [
    { name: 'username', label: 'API user name', secret: false },
    { name: 'password', label: 'API user password', secret: true },
  ],
  capabilities: {
    inventory: 'LIST',
    statusBatch: false,
    usageBatch: false,
    dailyUsage: true,
    // `/usage` serves the last 6 months.
    dailyUsageDays: 183,
    pools: false,
    // 1NCE changes only Enabled ⇄ Disabled; activation happens on first use, and there is no cap or rebind call.
    operations: [OperationType.SUSPEND, OperationType.RESUME],
    realTimeUsage: true,
  },
  // (convention) bulk changes: 100 SIMs per POST /v1/sims, like a list page; carriers.md sets no limit.
  batchSizes: { inventoryPage: ONENCE_PAGE_SIZE, status: 1, usage: 1, operation: 100 },
  quotas: {
    // Published: /v1/sims* 10 requests/second per customer; /oauth/token 600 per minute per IP.
    account: { points: 10, durationSeconds: 1 },
    maxInFlight: null,
    endpoints: [
      { match: 'v1/sims*', points: 10, durationSeconds: 1, perEndpoint: false },
      { match: 'oauth/token', points: 600, durationSeconds: 60, perEndpoint: false },
    ],
  },
  billingCycle: naturalMonth(UTC),
  cooldowns: { sameCardChangeSeconds: null, rebindsPerMonth: null },
  // (convention) 1NCE queues changes and applies them within minutes; a day without the change fails the order.
  orderProcessing: { typicalHours: 1, deadlineHours: 24 },
  // PUT /v1/sims/{iccid} {status} sets the target state, but the platform shows no queued change and queues a
  // second one: an in-doubt order is resent only after the processing time, never while one may be queued.
  orderResend: { idempotent: true, pendingCodes: [] },
  options: optionsSchema,
};
