import { z } from 'zod';
import { Carrier, naturalMonth, OperationType, SHANGHAI } from '@simgate/core';
import { defineManifest, lifecycleOption, planMbOption } from '../toolkit';

/** China Telecom CMP (`m2m_ec/query.do`), carriers.md §3. Data, read by the console and the sync planner. */
export const manifest = defineManifest({
  id: 'ctcc-cmp', carrier: Carrier.CTCC, label: '中国电信 CMP (m2m_ec)', zone: SHANGHAI,
  capabilities: {
    inventory: 'LIST',
    // carriers.md is silent on how far back queryTrafficByDate goes; domain.md §4 keeps a 2-month daily trend.
    dailyUsageDays: 62,
    operations: [
      OperationType.ACTIVATE,
      OperationType.SUSPEND,
      OperationType.RESUME,
      OperationType.REBIND,
      OperationType.SET_USAGE_CAP,
    ],
    realTimeUsage: true,
  },
  // `getSIMList` serves a fixed 50 cards per page.
  batchSizes: { inventoryPage: 50, status: 1, usage: 1, operation: 1 },
  quotas: {
    // (convention) 20 requests/second per user_id, over every method.
    account: { points: 20, durationSeconds: 1 },
  },
  billingCycle: naturalMonth(SHANGHAI),
  cooldowns: { rebindsPerMonth: 2 },
  // domain.md §6: CTCC completes orders in 1–2 business days; the deadline allows a long weekend on top.
  orderProcessing: { typicalHours: 48, deadlineHours: 120 },
  // disabledNumber is an order (19 stop, 20 resume) and the platform has no order look-up: an in-doubt order is
  // resent only after the processing time. -7 (该号码有在途工单) refuses a second order while one is in progress.
  orderResend: { pendingCodes: ['-7'] },
  // The account entry (accounts file): its credentials, and its options (defaults applied here).
  credentials: [
    { name: 'userId', label: '用户 ID (user_id)', secret: false },
    { name: 'password', label: '密码 (password)', secret: true },
    {
      name: 'key',
      label: '密钥 (9 位 key)',
      secret: true,
      pattern: '^.{9}$',
      description: 'The 9-character key; characters 1–3, 4–6 and 7–9 are the three DES keys of strEnc.',
    },
  ],
  options: {
    /** Monthly plan volume in MB: CTCC serves none (carriers.md §5); null when not configured. */
    planMb: planMbOption(),
    /** How requests name a card: `iccid` (always known) or `msisdn` (`access_number`, when the card has one). */
    cardKey: z.enum(['iccid', 'msisdn']).default('iccid'),
    /** Test, silent and term months of the account's cards: CTCC states none. */
    lifecycle: lifecycleOption(),
  },
  // `servCreateDate` is the opening date; `3` 测试去激活 is a card whose test period ended before activation, so its
  // stock buffer before forced activation includes the test months (domain.md §1).
  lifecycle: { statesOpenedAt: true, testedRawStatuses: ['3'] },
});

/** `getSIMList`'s page: the manifest's inventory page. */
export const CTCC_PAGE_SIZE = manifest.batchSizes.inventoryPage;

/** The account's `options`, validated at start-up: the manifest's (defaults applied, unknown keys refused). */
export const optionsSchema = manifest.options;
export type Options = z.infer<typeof optionsSchema>;
