import { CardStatus, EVENT_TYPES, OperationState, PoolState, PoolType, SuspendReason, type EventType } from '@simgate/core';
import { defineRoute } from '../common/openapi';
import { z, type ZodTypeAny } from '../common/zod';

/** The events (docs/events.md): the envelope and each type's `data`, and GET /v1/events. */

/** Longest long-poll (`waitSeconds`). */
export const MAX_WAIT_SECONDS = 30;

const str = z.string();
const nstr = z.string().nullable();
const time = z.string().openapi({ format: 'date-time' });
const bytes = z.number().int().openapi({ format: 'int64' });
const nbytes = bytes.nullable();

const status = z.object({
  status: z.nativeEnum(CardStatus),
  suspendReason: z.nativeEnum(SuspendReason).nullable(),
  suspendReasons: z.array(z.nativeEnum(SuspendReason)),
  rawStatus: z.string().openapi({ description: "The carrier's status code as it sent it" }),
  rawReason: nstr,
});

const pool = {
  accountId: str,
  platform: str,
  poolId: str,
  name: nstr,
  type: z.nativeEnum(PoolType),
  state: z.nativeEnum(PoolState),
  totalBytes: nbytes,
  usedBytes: bytes,
  remainingBytes: nbytes,
  memberCount: z.number().int().nullable(),
  asOf: time,
};

const operation = (description: string) =>
  z
    .object({
      operationId: str,
      type: str,
      state: z.nativeEnum(OperationState),
      idempotencyKey: str,
      params: z.record(z.unknown()),
      counts: z.object({ completed: z.number().int(), failed: z.number().int(), rejected: z.number().int() }),
      items: z.array(
        z.object({
          iccid: str,
          accountId: nstr,
          state: z.nativeEnum(OperationState),
          receipt: z.record(z.unknown()).nullable().openapi({ description: "The carrier's receipt (order number, submitted time)" }),
          error: z.record(z.unknown()).nullable(),
          completedAt: time.nullable(),
        }),
      ),
    })
    .openapi({ description });

const sync = <T extends Record<string, ZodTypeAny>>(extra: T, description: string) =>
  z.object({ accountId: str, platform: str, kind: z.enum(['inventory', 'status', 'usage', 'pools', 'orders']), ...extra }).openapi({ description });

/** Each type's `data`. */
export const EVENT_DATA_SCHEMAS: Record<EventType, ZodTypeAny> = {
  'account.snapshot_completed': z
    .object({ accountId: str, cards: z.number().int(), sweeps: z.array(str) })
    .openapi({ description: "The account's first sweeps are done: per-card events start now (backfill with GET /v1/cards or the export)." }),
  'card.added': status
    .extend({ iccid: str, msisdn: nstr, accountId: str, platform: str, imported: z.boolean() })
    .openapi({ description: "A card new to simgate after its account's snapshot (imported: from an order list, status not read yet)." }),
  'card.status_changed': z
    .object({
      iccid: str,
      accountId: str,
      platform: str,
      before: status,
      after: status,
      asOf: time,
      recovery: z
        .object({ actor: str, action: str, resumeAllowed: z.boolean(), liftsAtNextCycle: z.boolean(), recoverable: z.boolean() })
        .nullable()
        .openapi({ description: 'What brings the card back, for its primary suspend reason (null when not suspended)' }),
    })
    .openapi({ description: 'Normalized status or suspend reasons changed.' }),
  'card.usage_threshold_crossed': z
    .object({
      iccid: str,
      accountId: str,
      platform: str,
      threshold: z.number().openapi({ description: 'Percent of the cycle quota' }),
      usedBytes: bytes,
      quotaBytes: bytes,
      percent: z.number(),
      cycleStart: time,
      cycleEnd: time,
      asOf: time,
    })
    .openapi({ description: 'Once per card, threshold and billing cycle.' }),
  'pool.threshold_crossed': z.object({ ...pool, threshold: z.number(), percent: z.number() }).openapi({ description: 'Used reached a percentage of the effective total.' }),
  'pool.exhausted': z.object(pool).openapi({ description: 'The pool ran dry (state EXHAUSTED, or nothing remaining).' }),
  'operation.completed': operation('Every item is final and at least one completed.'),
  'operation.failed': operation('Every item is final and none completed.'),
  'operation.in_doubt': z
    .object({
      operationId: str,
      type: str,
      idempotencyKey: str,
      reason: z.record(z.unknown()),
      items: z.array(z.object({ iccid: str, accountId: nstr, attempts: z.number().int(), submittedAt: time.nullable() })),
    })
    .openapi({ description: 'Items whose submission outcome is unknown: simgate re-reads the cards before it ever sends again.' }),
  'sync.late': sync({ delaySeconds: z.number(), budgetSeconds: z.number(), lastSuccessAt: time.nullable() }, 'Sync delay over its budget.'),
  'sync.recovered': sync({ delaySeconds: z.number(), budgetSeconds: z.number(), lateSeconds: z.number() }, 'Back under budget.'),
  'webhook.disabled': z.object({ webhookId: str, url: str, reason: str, failingSince: time.nullable() }).openapi({ description: 'A webhook failed through its whole retry schedule.' }),
  'webhook.test': z.object({ webhookId: str }).openapi({ description: 'Sent by POST /v1/webhooks/{id}/test to that webhook only.' }),
};

const envelope = {
  id: z.string().openapi({ example: 'evt_1042', description: 'Unique; the webhook-id of every delivery of it' }),
  position: z.string().openapi({ description: 'Opaque: GET /v1/events?after=<position> resumes after this event' }),
  timestamp: time.openapi({ description: 'When the change was observed' }),
  accountId: nstr,
  subject: z.string().nullable().openapi({ description: 'ICCID, <account>/<pool>, operation id, <account>/<kind> or webhook id' }),
};

/** An event: the envelope with `data` by type (one schema per type, told apart by `type`). */
export const Event = z
  .discriminatedUnion(
    'type',
    EVENT_TYPES.map((t) => z.object({ ...envelope, type: z.literal(t), data: EVENT_DATA_SCHEMAS[t] }).openapi(`Event_${t.replace(/\./g, '_')}`)) as unknown as [
      z.AnyZodObject,
      z.AnyZodObject,
      ...z.AnyZodObject[],
    ],
  )
  .openapi('Event');

export const eventsQuery = z
  .object({
    after: z.string().min(1).max(128).optional().openapi({ description: "A position (`next`, an event's `position`, a list's `feedPosition`); absent: the oldest event kept" }),
    types: z.string().min(1).max(1000).optional().openapi({ description: `Comma-separated event types: ${EVENT_TYPES.join(', ')}` }),
    account: z.string().min(1).max(64).optional().openapi({ description: 'A configured account id; another is a 400 UNKNOWN_ACCOUNT' }),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    waitSeconds: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0).openapi({ description: 'Wait this long for an event when there is none yet' }),
  })
  .strict();

export const listEvents = defineRoute({
  summary: 'The change feed: events in order after a position, resumable, long-polled up to 30 s',
  description:
    'Follow it with `after=<next>`. A position is opaque. A cursor older than the retention answers 410 CURSOR_EXPIRED: ' +
    'read the cards again (their list answers with its `feedPosition`) and follow from there.',
  query: eventsQuery,
  responses: {
    200: z
      .object({
        items: z.array(Event),
        next: z.string().openapi({ description: 'Pass as `after` to read on (the last event, or the read horizon when the page was not full)' }),
      })
      .openapi('EventPage'),
  },
  problems: { 400: ['INVALID_CURSOR', 'UNKNOWN_EVENT_TYPE', 'UNKNOWN_ACCOUNT'], 410: ['CURSOR_EXPIRED'] },
});
