import { Carrier, monthDayCycle, OperationType, SHANGHAI } from '@simgate/core';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { defineManifest, intOption, lifecycleOption, planMbOption } from '../toolkit';

/** China Unicom CMP (Jasper Control Center REST): carriers.md §2. Data, for the console and the sync engine. */
export const manifest = defineManifest({
  id: 'cucc-jasper', carrier: Carrier.CUCC, label: '中国联通 CMP (Jasper Control Center)', zone: SHANGHAI,
  capabilities: {
    // `devices?modifiedSince=…`: a list of devices changed since a high-water mark.
    inventory: 'MODIFIED_SINCE',
    // No batch reads, pools or daily usage endpoint in the contract of carriers.md §2.
    // PUT devices/{iccid} status: ACTIVATED (activate, resume) and DEACTIVATED (suspend). No rebind, no usage cap.
    operations: [OperationType.ACTIVATE, OperationType.SUSPEND, OperationType.RESUME],
    // ctdUsages is the platform's cycle-to-date figure; treated as current.
    realTimeUsage: true,
  },
  batchSizes: {
    inventoryPage: 50,
    // Cards per adapter call; every card is one request (plus the inference reads for DEACTIVATED cards).
    status: 50,
    usage: 50,
    // One PUT per card: one card per order keeps every receipt whole.
    operation: 1,
  },
  quotas: {
    account: { points: 5, durationSeconds: 1 },
    maxInFlight: 1,
  },
  billingCycle: monthDayCycle(27, SHANGHAI),
  // CUCC: 1–2 business days (domain.md §6); PUT changes apply after minutes to days.
  orderProcessing: { typicalHours: 24, deadlineHours: 72 },
  // PUT devices/{iccid} {status} sets the target state and the audit trail shows changes still pending
  // (adapter.pendingOrders): an in-doubt order is resent at once when nothing is pending.
  orderResend: { idempotent: true },
  // The account entry (accounts file): its credentials, and its options (defaults applied here).
  credentials: [
    { name: 'username', label: '用户名 API user', secret: false, description: 'Control Center API user name (HTTP Basic)' },
    { name: 'apiKey', label: 'API Key', secret: true, description: 'Control Center API key (HTTP Basic password)' },
  ],
  options: {
    /** Plan volume per cycle in MB: Jasper serves none (carriers.md §5). Null: quota and remaining unknown. */
    planMb: planMbOption(),
    /** First day of the billing cycle (Jasper lets each account choose; default 27). */
    cycleStartDay: intOption(1, 28, 27),
    /** `modifiedSince` of a first full sync (no stored high-water mark): an ISO 8601 instant. */
    initialModifiedSince: z
      .string()
      .refine((s) => DateTime.fromISO(s).isValid, 'an ISO 8601 date-time')
      .default('2000-01-01T00:00:00Z'),
    /** The next increment starts this long before the listing started (clock skew, equal timestamps). */
    modifiedSinceOverlapSeconds: intOption(0, 86_400, 300),
    /** Devices per list page (≤ 50). */
    pageSize: intOption(1, 50, 50),
    /** `daysOfHistory` of the audit trail read for DEACTIVATED cards (≤ 365). */
    auditDays: intOption(1, 365, 365),
    /** At most this many audit pages per card. */
    maxAuditPages: intOption(1, 100, 10),
    /** Test, silent and term months of the account's cards (per rate plan under `plans`): Jasper states none. */
    lifecycle: lifecycleOption(),
  },
  // `dateShipped` is the opening date; no test period length or plan term.
  lifecycle: { statesOpenedAt: true },
});

/** The account's `options`, validated at start-up: the manifest's (defaults applied, unknown keys refused). */
export const optionsSchema = manifest.options;
export type Options = z.infer<typeof optionsSchema>;
