import { SYNC_KINDS, type SyncKind } from '@simgate/store';
import { defineRoute } from '../common/openapi';
import { z } from '../common/zod';

/** The zod schemas of `GET /v1/sync` (docs/api.md, "Sync state"). */

const kindEnum = z.enum(SYNC_KINDS as [SyncKind, ...SyncKind[]]);

export const sweepProgress = z
  .object({
    startedAt: z.string().datetime().nullable().openapi({ description: 'When the sweep started (a resumed sweep keeps its first start)' }),
    done: z.number().int().openapi({ description: 'Cards done so far (failed cards are recorded on the card, not counted)' }),
    total: z.number().int().nullable().openapi({ description: 'Cards of the sweep; null when unknown (a first listing)' }),
    totalEstimated: z.boolean().openapi({ description: "The total is the account's cards in the store, not the carrier's count (listings)" }),
    etaSeconds: z.number().nullable().openapi({ description: "Seconds until the sweep ends: the cards ahead × requests per card ÷ the account's quota (shared by its card sweeps running)" }),
  })
  .openapi('SweepProgress');

export const intervalFit = z
  .object({
    intervalSeconds: z.number().int().openapi({ description: 'The configured interval of this kind (SIMGATE_SYNC_<KIND>_SECONDS)' }),
    requestsPerCard: z.number().openapi({ description: 'Carrier requests a card costs for this kind (1 / batch size for batch reads, 1 without)' }),
    sweepSeconds: z.number().openapi({ description: "A whole sweep's length at the account's full quota" }),
    shortestIntervalSeconds: z.number().int().nullable().openapi({ description: 'The shortest interval the quota allows, the other kinds at their intervals (null: none)' }),
    met: z.boolean().openapi({ description: 'The configured intervals fit the quota for this fleet' }),
  })
  .openapi('SyncIntervalFit');

export const syncKindState = z
  .object({
    kind: kindEnum,
    state: z.enum(['idle', 'queued', 'running', 'failed']),
    lastSuccessAt: z.string().datetime().nullable(),
    lastError: z.record(z.unknown()).nullable(),
    delaySeconds: z.number().int().nullable(),
    cards: z.number().int(),
    progress: sweepProgress.nullable().openapi({ description: 'A running sweep of a per-card kind (inventory, status, usage); null otherwise' }),
    interval: intervalFit.nullable().openapi({ description: 'Per-card kinds: whether the interval fits the quota' }),
  })
  .openapi('SyncKindState');

export const syncAccountState = z
  .object({
    accountId: z.string(),
    platform: z.string(),
    quota: z.object({
      requestsPerSecond: z.number().openapi({ description: "The account's quota now (override, factor, margins, adaptive slow-down applied)" }),
      load: z.number().openapi({ description: 'Share of the quota the configured intervals need for these cards; above 1 they cannot all be met' }),
      intervalsMet: z.boolean(),
      warnings: z.array(z.string()).openapi({ description: 'Each interval that cannot be met, and what interval could' }),
    }),
    kinds: z.array(syncKindState),
  })
  .openapi('SyncAccountState');

export const syncState = z.object({ accounts: z.array(syncAccountState) }).openapi('SyncState');

export type SyncStateView = z.infer<typeof syncState>;

export const getSyncState = defineRoute({
  summary: 'Sync state per account and kind: state, last success, last error, delay, cards; a running sweep\'s progress and ETA; whether the intervals fit the quota',
  responses: { 200: syncState },
});
