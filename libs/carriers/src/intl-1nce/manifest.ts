import { z } from 'zod';
import { Carrier, naturalMonth, OperationType, UTC } from '@simgate/core';
import { defineManifest } from '../toolkit';

/** 1NCE Management API (carriers.md §4). Data, read by the console and the sync planner. */
export const manifest = defineManifest({
  id: 'intl-1nce', carrier: Carrier.OVERSEAS, label: '1NCE Management API', zone: UTC,
  capabilities: {
    inventory: 'LIST',
    // `/usage` serves the last 6 months.
    dailyUsageDays: 183,
    // 1NCE changes only Enabled ⇄ Disabled; activation happens on first use, and there is no cap or rebind call.
    operations: [OperationType.SUSPEND, OperationType.RESUME],
    realTimeUsage: true,
  },
  // `GET /v1/sims` serves at most 100 SIMs per page. (convention) bulk changes: 100 SIMs per POST /v1/sims, like
  // a list page; carriers.md sets no limit.
  batchSizes: { inventoryPage: 100, status: 1, usage: 1, operation: 100 },
  quotas: {
    // Published: /v1/sims* 10 requests/second per customer; /oauth/token 600 per minute per IP.
    account: { points: 10, durationSeconds: 1 },
    endpoints: [
      { match: 'v1/sims*', points: 10, durationSeconds: 1, perEndpoint: false },
      { match: 'oauth/token', points: 600, durationSeconds: 60, perEndpoint: false },
    ],
  },
  billingCycle: naturalMonth(UTC),
  // (convention) 1NCE queues changes and applies them within minutes; a day without the change fails the order.
  orderProcessing: { typicalHours: 1, deadlineHours: 24 },
  // PUT /v1/sims/{iccid} {status} sets the target state, but the platform shows no queued change and queues a
  // second one: an in-doubt order is resent only after the processing time, never while one may be queued.
  orderResend: { idempotent: true },
  // The account entry (accounts file): its credentials; 1NCE takes no options (an account's order deadline is
  // `orderDeadlineHours`).
  // `expiry_date` (quota/data) is the plan's expiry; no opening or shipping date: the 6-month test period of a card
  // never activated is counted from simgate's first sight of it, an estimate (docs/architecture.md).
  // Without a stated expiry (quota not read), the term is 1NCE's product: 10 years from activation (carriers.md §4).
  lifecycle: { statesOpenedAt: false, statesExpiry: true, termMonths: 120 },
  credentials: [
    { name: 'username', label: 'API user name', secret: false },
    { name: 'password', label: 'API user password', secret: true },
  ],
});

/** `GET /v1/sims`'s page: the manifest's inventory page. */
export const ONENCE_PAGE_SIZE = manifest.batchSizes.inventoryPage;

/** The account's `options`, validated at start-up: none (an empty schema refusing every key). */
export const optionsSchema = manifest.options;
export type Options = z.infer<typeof optionsSchema>;
