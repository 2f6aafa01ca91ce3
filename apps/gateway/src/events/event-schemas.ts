import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CardStatus, EVENT_TYPES, OperationState, PoolState, PoolType, SuspendReason, type EventType } from '@simgate/core';

/** OpenAPI schemas of the events (docs/events.md): the envelope and each type's `data`. */

const str: SchemaObject = { type: 'string' };
const nstr: SchemaObject = { type: 'string', nullable: true };
const time: SchemaObject = { type: 'string', format: 'date-time' };
const bytes: SchemaObject = { type: 'integer', format: 'int64' };
const nbytes: SchemaObject = { type: 'integer', format: 'int64', nullable: true };
const obj = (properties: Record<string, SchemaObject>, description?: string): SchemaObject => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
});

const status = obj({
  status: { type: 'string', enum: Object.values(CardStatus) },
  suspendReason: { type: 'string', enum: Object.values(SuspendReason), nullable: true },
  suspendReasons: { type: 'array', items: { type: 'string', enum: Object.values(SuspendReason) } },
  rawStatus: { type: 'string', description: "The carrier's status code as it sent it" },
  rawReason: nstr,
});

const pool = {
  accountId: str,
  platform: str,
  poolId: str,
  name: nstr,
  type: { type: 'string', enum: Object.values(PoolType) } as SchemaObject,
  state: { type: 'string', enum: Object.values(PoolState) } as SchemaObject,
  totalBytes: nbytes,
  usedBytes: bytes,
  remainingBytes: nbytes,
  memberCount: { type: 'integer', nullable: true } as SchemaObject,
  asOf: time,
};

const item = obj({
  iccid: str,
  accountId: nstr,
  state: { type: 'string', enum: Object.values(OperationState) },
  receipt: { type: 'object', nullable: true, description: "The carrier's receipt (order number, submitted time)" },
  error: { type: 'object', nullable: true },
  completedAt: { ...time, nullable: true },
});

const operation = (description: string) =>
  obj(
    {
      operationId: str,
      type: str,
      state: { type: 'string', enum: Object.values(OperationState) },
      idempotencyKey: str,
      params: { type: 'object' },
      counts: obj({ completed: { type: 'integer' }, failed: { type: 'integer' }, rejected: { type: 'integer' } }),
      items: { type: 'array', items: item },
    },
    description,
  );

const sync = (extra: Record<string, SchemaObject>, description: string) =>
  obj({ accountId: str, platform: str, kind: { type: 'string', enum: ['inventory', 'status', 'usage', 'pools', 'orders'] }, ...extra }, description);

/** Each type's `data`. */
export const EVENT_DATA_SCHEMAS: Record<EventType, SchemaObject> = {
  'account.snapshot_completed': obj(
    { accountId: str, cards: { type: 'integer' }, sweeps: { type: 'array', items: str } },
    "The account's first sweeps are done: per-card events start now (backfill with GET /v1/cards or the export).",
  ),
  'card.added': obj(
    { iccid: str, msisdn: nstr, accountId: str, platform: str, ...status.properties, imported: { type: 'boolean' } },
    'A card new to simgate after its account\'s snapshot (imported: from an order list, status not read yet).',
  ),
  'card.status_changed': obj(
    {
      iccid: str,
      accountId: str,
      platform: str,
      before: status,
      after: status,
      asOf: time,
      recovery: {
        ...obj({ actor: str, action: str, resumeAllowed: { type: 'boolean' }, liftsAtNextCycle: { type: 'boolean' }, recoverable: { type: 'boolean' } }),
        nullable: true,
        description: 'What brings the card back, for its primary suspend reason (null when not suspended)',
      },
    },
    'Normalized status or suspend reasons changed.',
  ),
  'card.usage_threshold_crossed': obj(
    {
      iccid: str,
      accountId: str,
      platform: str,
      threshold: { type: 'number', description: 'Percent of the cycle quota' },
      usedBytes: bytes,
      quotaBytes: bytes,
      percent: { type: 'number' },
      cycleStart: time,
      cycleEnd: time,
      asOf: time,
    },
    'Once per card, threshold and billing cycle.',
  ),
  'pool.threshold_crossed': obj({ ...pool, threshold: { type: 'number' }, percent: { type: 'number' } }, 'Used reached a percentage of the effective total.'),
  'pool.exhausted': obj(pool, 'The pool ran dry (state EXHAUSTED, or nothing remaining).'),
  'operation.completed': operation('Every item is final and at least one completed.'),
  'operation.failed': operation('Every item is final and none completed.'),
  'operation.in_doubt': obj(
    {
      operationId: str,
      type: str,
      idempotencyKey: str,
      reason: { type: 'object' },
      items: { type: 'array', items: obj({ iccid: str, accountId: nstr, attempts: { type: 'integer' }, submittedAt: { ...time, nullable: true } }) },
    },
    'Items whose submission outcome is unknown: simgate re-reads the cards before it ever sends again.',
  ),
  'sync.late': sync({ delaySeconds: { type: 'number' }, budgetSeconds: { type: 'number' }, lastSuccessAt: { ...time, nullable: true } }, 'Sync delay over its budget.'),
  'sync.recovered': sync({ delaySeconds: { type: 'number' }, budgetSeconds: { type: 'number' }, lateSeconds: { type: 'number' } }, 'Back under budget.'),
  'webhook.disabled': obj({ webhookId: str, url: str, reason: str, failingSince: { ...time, nullable: true } }, 'A webhook failed through its whole retry schedule.'),
  'webhook.test': obj({ webhookId: str }, 'Sent by POST /v1/webhooks/{id}/test to that webhook only.'),
};

/** The envelope of an event, with `data` by type. */
export const EVENT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['id', 'type', 'position', 'timestamp', 'accountId', 'subject', 'data'],
  properties: {
    id: { type: 'string', example: 'evt_1042', description: 'Unique; the webhook-id of every delivery of it' },
    type: { type: 'string', enum: [...EVENT_TYPES] },
    position: { type: 'string', description: 'Opaque: GET /v1/events?after=<position> resumes after this event' },
    timestamp: { ...time, description: 'When the change was observed' },
    accountId: nstr,
    subject: { type: 'string', nullable: true, description: 'ICCID, <account>/<pool>, operation id, <account>/<kind> or webhook id' },
    data: { oneOf: EVENT_TYPES.map((t) => ({ ...EVENT_DATA_SCHEMAS[t], title: t })) },
  },
};

export const EVENT_PAGE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: EVENT_SCHEMA },
    next: { type: 'string', description: 'Pass as `after` to read on (the last event, or the read horizon when the page was not full)' },
  },
};
