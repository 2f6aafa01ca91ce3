import { EVENT_TYPES } from '@simgate/core';
import { defineRoute } from '../common/openapi';
import { z } from '../common/zod';

/** Webhooks (docs/webhooks.md). Shapes are inline (not components): a client sees the secret only where it is sent. */

const time = z.string().openapi({ format: 'date-time' });
const ntime = time.nullable();

export const createBody = z
  .object({
    url: z.string().min(1).max(2048).openapi({ example: 'https://console.example.com/hooks/simgate' }),
    types: z.array(z.string().min(1).max(64)).min(1, 'at least one event type (or "*" for all)').max(100).openapi({ description: `Event types (${EVENT_TYPES.join(', ')}) or "*" for all`, example: ['card.status_changed'] }),
    accounts: z.array(z.string().min(1).max(64)).min(1).max(1000).nullable().optional().openapi({ description: 'Configured accounts whose events it gets; absent or null: all' }),
    description: z.string().max(500).nullable().optional(),
  })
  .strict();

export const idParam = z.object({ id: z.string().min(1).max(64).openapi({ example: 'wh_3f9c0a7e5b1d2c4e6f8a0b1c' }) }).strict();
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

const webhookShape = {
  id: z.string().openapi({ example: 'wh_3f9c0a7e5b1d2c4e6f8a0b1c' }),
  url: z.string().openapi({ format: 'uri' }),
  types: z.array(z.enum(['*', ...EVENT_TYPES])),
  accounts: z.array(z.string()).nullable().openapi({ description: 'Accounts whose events it gets; null: all' }),
  description: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: time,
  disabledAt: ntime,
  disabledReason: z.string().nullable(),
  failingSince: ntime.openapi({ description: 'The first failed attempt since the last success; null when the last attempt succeeded' }),
};
export const Webhook = z.object(webhookShape).openapi({ description: 'A webhook (its secret is shown once, at creation)' });
const CreatedWebhook = z
  .object({ ...webhookShape, secret: z.string().openapi({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret (Standard Webhooks): shown only in this response' }) })
  .openapi({ description: 'The webhook created, with its signing secret' });
const Delivery = z.object({
  id: z.string(),
  eventId: z.string().openapi({ description: 'The event id: the `webhook-id` header of every attempt' }),
  eventType: z.string().nullable(),
  state: z.enum(['pending', 'delivered', 'failed', 'expired']),
  attempts: z.number().int(),
  nextAttemptAt: ntime,
  createdAt: time,
  deliveredAt: ntime,
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  attemptLog: z.array(z.object({ at: time, status: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() })),
});

const notFound = { 404: ['WEBHOOK_NOT_FOUND'] } as const;

export const createWebhook = defineRoute({
  summary: 'Register a webhook: its URL, event types ("*" for all), optional accounts; answers its signing secret, once',
  description: 'Deliveries start from now (no backlog). http:// only with SIMGATE_WEBHOOKS_ALLOW_HTTP; at most SIMGATE_WEBHOOKS_MAX webhooks.',
  body: createBody,
  responses: { 201: { schema: CreatedWebhook, description: 'Created', headers: { location: 'The webhook: /v1/webhooks/{id}' } } },
  problems: { 400: ['INVALID_URL', 'WEBHOOK_URL_NOT_HTTPS', 'UNKNOWN_EVENT_TYPE', 'UNKNOWN_ACCOUNT'], 409: ['TOO_MANY_WEBHOOKS'] },
});
export const listWebhooks = defineRoute({ summary: 'The webhooks registered (without their secrets)', responses: { 200: z.object({ items: z.array(Webhook) }) } });
export const getWebhook = defineRoute({ summary: 'One webhook (without its secret)', params: idParam, responses: { 200: Webhook }, problems: notFound });
export const deleteWebhook = defineRoute({
  summary: 'Delete a webhook and its deliveries not made yet',
  params: idParam,
  responses: { 204: { description: 'Deleted (no body)' } },
  problems: notFound,
});
export const testWebhook = defineRoute({
  summary: 'Send a webhook.test event to this webhook only (it is not in the feed)',
  params: idParam,
  responses: { 202: z.object({ eventId: z.string().openapi({ description: 'The webhook-id of the test delivery' }) }) },
  problems: notFound,
});
export const enableWebhook = defineRoute({
  summary: 'Re-enable a webhook disabled after failing through the retry schedule',
  description: 'It gets the events written from now on; those written while it was disabled are not delivered (read them from GET /v1/events).',
  params: idParam,
  responses: { 200: Webhook },
  problems: notFound,
});
export const webhookDeliveries = defineRoute({
  summary: "A webhook's recent deliveries, newest first, with their attempts",
  params: idParam,
  query: deliveriesQuery,
  responses: { 200: z.object({ items: z.array(Delivery) }) },
  problems: notFound,
});
