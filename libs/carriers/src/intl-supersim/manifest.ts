import { z } from 'zod';
import { Carrier, naturalMonth, OperationType, UTC } from '@simgate/core';
import { defineManifest, intOption } from '../toolkit';

/**
 * Super SIM (Twilio's IoT platform, now run by KORE), carriers.md §6. Data, read by the console, the sync planner
 * and the accounts loader.
 */
export const manifest = defineManifest({
  id: 'intl-supersim', carrier: Carrier.OVERSEAS, label: 'Super SIM (Twilio / KORE)', zone: UTC,
  capabilities: {
    // `GET /Sims` pages every SIM of the account (no changed-since filter).
    inventory: 'LIST',
    // Status from the SIM list's pages; cycle usage from `/UsageRecords?Group=sim` across the account
    // (docs/carriers.md, intl-supersim).
    statusBatch: true,
    usageBatch: true,
    // Usage is reported up to the start of the current UTC hour (convention): `asOf` says so.
    realTimeUsage: true,
    // `Granularity=day` spans at most 3 months per request; the daily trend keeps 2 months (domain.md §4).
    dailyUsageDays: 62,
    // activate and resume → `Status=active`, suspend → `Status=inactive`, a cap → a move to the cap's fleet
    // (`options.capFleets`); rebind is not supported.
    operations: [OperationType.ACTIVATE, OperationType.SUSPEND, OperationType.RESUME, OperationType.SET_USAGE_CAP],
  },
  // `PageSize` ≤ 1000 on every list. A status or usage batch of at least `accountReadFrom` SIMs is read from the
  // account-wide pages (convention): status a list page's worth, usage 250 (its SIMs' first-period reads go SIM by
  // SIM, and four batches of 250 keep the engine's pool busy). `POST /Sims/{Sid}` changes one SIM.
  batchSizes: { inventoryPage: 1000, status: 1000, usage: 250, operation: 1 },
  // (convention) 20 requests/second per account and at most 10 in flight.
  quotas: { account: { points: 20, durationSeconds: 1 }, maxInFlight: 10 },
  // Each SIM has its own monthly billing periods from the instant it left `new`: usage snapshots carry the SIM's
  // own period. The account-level cycle is the natural month in UTC (overseas, domain.md §3).
  billingCycle: naturalMonth(UTC),
  // (convention) a change shows `scheduled` for minutes; one still not applied after 24 hours fails.
  orderProcessing: { typicalHours: 1, deadlineHours: 24 },
  // `POST /Sims/{Sid}` `Status=…` / `Fleet=…` sets the target state: sending it again asks nothing new.
  orderResend: { idempotent: true },
  // `date_created` is when the SIM joined the account; `ready` is the test period (3 months at most, then active).
  lifecycle: { statesOpenedAt: true, testMonths: 3 },
  // The account entry (accounts file): HTTP Basic with the account SID (or an API key SID) and its secret.
  credentials: [
    { name: 'accountSid', label: 'Account SID (AC…) or API key SID (SK…)', secret: false, pattern: '^(AC|SK)[0-9a-fA-F]{32}$' },
    { name: 'authToken', label: 'Auth token or API key secret', secret: true },
  ],
  options: {
    /** Usage caps: cap in MB → the SID (`HF…`) of the fleet whose `data_limit` is that cap. No entry: no cap. */
    capFleets: z.record(z.string().regex(/^\d+$/, 'a cap in whole MB'), z.string().regex(/^HF[0-9a-fA-F]{32}$/, 'a fleet SID (HF…)')).default({}),
    /** (convention) A read of at least this many SIMs uses the account-wide pages; fewer are read SIM by SIM. */
    accountReadFrom: intOption(1, 100_000, 50),
    /** (convention) How long a walk of the SIM list serves later status batches, in seconds. */
    listReuseSeconds: intOption(0, 86_400, 600),
  },
});

/** The account's `options`, validated at start-up: the manifest's (defaults applied, unknown keys refused). */
export const optionsSchema = manifest.options;
export type Options = z.infer<typeof optionsSchema>;
