import type { Names } from './names';

/**
 * Templates of the data files of libs/carriers/src/<id>/: wire types, manifest (with the options schema),
 * error table, mapping. Every value a human decides is a `TODO(<id>)`.
 */

export function wireTs(n: Names): string {
  return `import { z } from 'zod';

/**
 * ${n.id}: wire types (docs/adding-a-carrier.md, step 3). One zod schema per answer the adapter reads, written
 * from the platform's wire contract: lenient where the platform is (numbers as strings, absent optional
 * fields), strict where a wrong shape must become a Transient "malformed answer". map.ts decodes each answer
 * with them, once.
 */

/** ${n.todo}: the platform's answer about one card (replace these two fields). */
export const cardSchema = z.object({
  iccid: z.string(),
  status: z.string(),
});
export type WireCard = z.infer<typeof cardSchema>;

/** ${n.todo}: the platform's answer about one card's usage (replace these two fields). */
export const usageSchema = z.object({
  iccid: z.string(),
  usedKb: z.number(),
});
export type WireUsage = z.infer<typeof usageSchema>;
`;
}

export function manifestTs(n: Names): string {
  return `import { z } from 'zod';
import { Carrier, naturalMonth, UTC } from '@simgate/core';
import { defineManifest } from '../toolkit';

/**
 * ${n.id}: the manifest, as data (docs/adding-a-carrier.md, step 2), read by the console, the sync planner
 * and the accounts loader. A manifest says what the platform does; what it does not is the default
 * (\`defineManifest\`: no batch reads, daily usage, pools or real-time usage, no in-flight limit, per-path
 * quota or cooldown, an in-doubt order resent only after the processing time, no options). Every TODO below
 * is a placeholder: take the value from the platform's wire contract and say where it comes from, or mark it
 * (convention).
 */
export const manifest = defineManifest({
  // ${n.todo}: the carrier that runs the platform, its label, its zone (Asia/Shanghai for the Chinese carriers).
  id: '${n.id}', carrier: Carrier.OVERSEAS, label: '${n.todo}: the platform as the console names it', zone: UTC,
  capabilities: {
    // ${n.todo}: 'LIST' (a paged list of every card), 'MODIFIED_SINCE' (changed since a mark) or 'IMPORTED'.
    inventory: 'LIST',
    // ${n.todo}: what the platform does beyond one card per request: statusBatch, usageBatch, pools, and
    // dailyUsageDays (how many days back it serves daily usage); realTimeUsage false if usage is as of yesterday.
    realTimeUsage: true,
    // ${n.todo}: the operations the platform supports; the adapter refuses the others with NotSupported.
    operations: [],
  },
  // ${n.todo}: cards per list page and per status, usage and operation request.
  batchSizes: { inventoryPage: 100, status: 1, usage: 1, operation: 1 },
  quotas: {
    // ${n.todo}: the platform's published quota (a sliding window); maxInFlight and per-path \`endpoints\` if any.
    account: { points: 10, durationSeconds: 1 },
  },
  // ${n.todo}: the billing cycle (monthDayCycle(27, SHANGHAI) for a 27th–26th cycle); cooldowns if any.
  billingCycle: naturalMonth(UTC),
  // ${n.todo}: how long the carrier takes to complete an order; the engine fails it after deadlineHours.
  orderProcessing: { typicalHours: 24, deadlineHours: 72 },
  // The account entry (accounts file): its credentials, and its options (defaults applied here).
  // ${n.todo}: the credential fields of an account; secret ones are never logged or returned.
  credentials: [
    { name: 'username', label: 'API user', secret: false },
    { name: 'password', label: 'API password', secret: true },
  ],
  // Lifecycle facts the carrier states (\`lifecycle: { statesOpenedAt, statesExpiry, testMonths, … }\`) go here when
  // they differ from \`defaultPlatformLifecycle(carrier)\`; leave it out otherwise.
  // ${n.todo}: the options the platform needs (plan volume: planMbOption(), pool group ids, …), a zod schema
  // each with its default (intOption, cappedIntOption from the toolkit), or none.
  options: {},
});

/** The account's \`options\`, validated at start-up: the manifest's (defaults applied, unknown keys refused). */
export const optionsSchema = manifest.options;
export type Options = z.infer<typeof optionsSchema>;
`;
}

export function errorsTs(n: Names): string {
  return `import { errorRows, statusRows, type ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * ${n.id}: the error table (docs/adding-a-carrier.md, step 6): the platform's own codes → core error class,
 * as data. The toolkit's \`classify(errorTable, …)\` looks an answer up — its code's row first, then the status
 * rows, then the fallback every platform shares (429 RateLimited, 408 and 5xx Transient, other 4xx Rejected)
 * — and \`malformed(errorTable, …)\` makes an unreadable answer Transient. Rows are tables, one a line:
 * \`<code> <KIND> <SCOPE> [retry=<seconds>] <meaning…>\`, KIND one of RATE_LIMITED, AUTH_EXPIRED, TRANSIENT,
 * REJECTED, SCOPE one of ACCOUNT, REQUEST, CARD (the refusal concerns the one card asked for: a per-card or
 * batch read records it as that card's failure and goes on); \`#\` starts a comment, and a malformed row throws
 * when the module loads.
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: errorRows\`
    # ${n.todo}: every error code the platform's wire contract lists, e.g.
    # 1001 REJECTED CARD unknown ICCID
  \`,
  statuses: statusRows\`
    # ${n.todo}: status rows where the platform differs from the fallback, e.g.
    # 401  AUTH_EXPIRED ACCOUNT token expired
  \`,
  describe: (f) =>
    \`\${manifest.id} \${f.endpoint}: \${f.httpStatus !== undefined ? \`HTTP \${f.httpStatus}\` : 'error'}\${f.code ? \` \${f.code}\` : ''}\${f.carrierMessage ? \`: \${f.carrierMessage}\` : ''} (\${f.rule.meaning})\`,
};
`;
}

export function mapTs(n: Names): string {
  return `import { CardStatus, type CardRecord, type SuspendReason, type UsageSnapshot } from '@simgate/core';
import { parseJson, parseWith, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import { cardSchema, usageSchema } from './wire';

/**
 * ${n.id}: answers → the core model (docs/adding-a-carrier.md, step 5). Pure: no I/O, no clock (\`at\` is passed
 * in), the platform's zone whatever the process zone. Each answer is decoded once with the schemas of
 * wire.ts (\`parseJson\`, \`parseWith\`: an unreadable answer is the table's malformed error, Transient); every
 * function returns a valid core value or throws a CarrierError.
 */
export interface StatusRule {
  status: CardStatus;
  reason: SuspendReason | null;
}

/**
 * Raw status → normalized status and reason, the platform's rows of the wire contract's mapping.
 * Unknown raw values map to UNKNOWN (never a guess); reasons only for SUSPENDED or DEACTIVATED.
 */
export const statusTable: Readonly<Record<string, StatusRule>> = {
  // ${n.todo}: one row per raw status, e.g.
  // '2': { status: CardStatus.ACTIVE, reason: null },
};

export function statusOf(raw: string): StatusRule {
  const rule = Object.hasOwn(statusTable, raw) ? statusTable[raw] : undefined;
  return rule ?? { status: CardStatus.UNKNOWN, reason: null };
}

/** One card's answer → its record at \`at\` (rawStatus kept; status and reason by statusOf). */
export function mapCard(body: string, at: Date, ctx: AnswerContext): CardRecord {
  const card = parseWith(errorTable, cardSchema, parseJson(errorTable, body, ctx), ctx);
  throw new Error(
    \`${n.todo}: map.ts mapCard — the CardRecord of \${card.iccid} (\${statusOf(card.status).status})\`,
  );
}

/** One card's usage answer → its snapshot in the cycle containing \`at\` (cycleContaining(manifest.billingCycle, at)), integer bytes. */
export function mapUsage(body: string, at: Date, ctx: AnswerContext): UsageSnapshot {
  const usage = parseWith(errorTable, usageSchema, parseJson(errorTable, body, ctx), ctx);
  throw new Error(
    \`${n.todo}: map.ts mapUsage — the UsageSnapshot of \${usage.iccid} at \${at.toISOString()}\`,
  );
}
`;
}
