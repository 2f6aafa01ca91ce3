import { OperationState, OperationType } from '@simgate/core';
import { defineRoute, page } from '../common/openapi';
import { z } from '../common/zod';
import { createOperation } from './operations.service';

/** Operations (docs/operations.md): submit, one, the list. */

const time = z.string().openapi({ format: 'date-time' });
const ntime = time.nullable();

export const idParam = z.object({ id: z.string().uuid('an operation id is a UUID') }).strict();

export const operationsQuery = z
  .object({
    state: z
      .enum([...(Object.values(OperationState) as [string, ...string[]]), 'IN_DOUBT'])
      .optional()
      .openapi({ description: 'The operation state, or IN_DOUBT: operations with an item whose submission outcome is not known (re-read before any resend)' }),
    type: z.nativeEnum(OperationType).optional(),
    account: z.string().min(1).max(64).optional().openapi({ description: 'Operations with an item of this configured account; another is a 400 UNKNOWN_ACCOUNT' }),
    since: z.string().datetime({ offset: true }).optional().openapi({ description: 'Created at or after this instant (ISO 8601 with offset)', example: '2026-12-01T00:00:00+08:00' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(400).optional().openapi({ description: 'The `nextCursor` of the previous page' }),
  })
  .strict();

const OperationItem = z.object({
  iccid: z.string(),
  accountId: z.string().nullable(),
  state: z.nativeEnum(OperationState),
  inDoubt: z.boolean().openapi({ description: 'SUBMITTED, and whether the carrier took it is not known: simgate re-reads the card before any resend' }),
  error: z.record(z.unknown()).nullable(),
  submittedAt: ntime,
  completedAt: ntime,
  resends: z.array(z.object({ at: time, reason: z.string(), outcome: z.string() })),
});

export const Operation = z
  .object({
    id: z.string().uuid(),
    type: z.nativeEnum(OperationType),
    state: z.nativeEnum(OperationState),
    params: z.record(z.unknown()),
    idempotencyKey: z.string().openapi({ example: 'suspend-2026-12-05-001' }),
    createdAt: time,
    updatedAt: time,
    items: z.array(OperationItem),
  })
  .openapi('Operation');

export const OperationSummary = z
  .object({
    id: z.string().uuid(),
    type: z.nativeEnum(OperationType),
    state: z.nativeEnum(OperationState),
    params: z.record(z.unknown()),
    idempotencyKey: z.string(),
    createdAt: time,
    updatedAt: time,
    itemCount: z.number().int(),
    itemsByState: z.record(z.number().int()).openapi({ description: 'Items per state', example: { COMPLETED: 3, SUBMITTED: 1 } }),
    inDoubtItems: z.number().int().openapi({ description: 'Items whose submission outcome is not known' }),
    accounts: z.array(z.string()),
  })
  .openapi('OperationSummary');

export const listOperations = defineRoute({
  summary: 'Operations, newest first, by state (IN_DOUBT among them), type, account and creation time; keyset paging by cursor',
  query: operationsQuery,
  responses: { 200: page(OperationSummary).openapi('OperationPage') },
  problems: { 400: ['INVALID_CURSOR', 'UNKNOWN_ACCOUNT'] },
});

export const createOperationRoute = defineRoute({
  summary: 'Submit activate / suspend / resume / rebind / usage-cap orders; the same idempotencyKey is never submitted twice',
  body: createOperation,
  responses: {
    202: {
      schema: Operation,
      description: 'Accepted (or replayed: header idempotent-replayed)',
      headers: { location: 'The operation: /v1/operations/{id}', 'idempotent-replayed': 'true when the idempotency key was seen before' },
    },
  },
  problems: {
    400: ['INVALID_RANGE', 'RANGE_TOO_LARGE', 'RANGE_NOT_CONTIGUOUS'],
    404: ['POOL_NOT_FOUND'],
    409: ['IDEMPOTENCY_CONFLICT'],
    422: ['COST_OVER_BUDGET', 'NO_CARDS', 'TOO_MANY_CARDS', 'CARDS_UNKNOWN', 'CARD_CANCELLED', 'INVALID_STATE', 'RESUME_NOT_ALLOWED', 'INVALID_IMEI', 'INVALID_CAP', 'ACCOUNT_UNAVAILABLE', 'OPERATION_NOT_SUPPORTED', 'ALREADY_ACTIVATED', 'CARD_COOLDOWN', 'REBIND_LIMIT'],
  },
});

export const getOperation = defineRoute({
  summary: 'An operation and the state of each card in it',
  params: idParam,
  responses: { 200: Operation },
  problems: { 404: ['OPERATION_NOT_FOUND'] },
});
