import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { EVENT_TYPES, isEventType } from '@simgate/core';
import { TooManyWebhooks, type DeliveryRecord, type WebhookRecord } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import type { Response } from 'express';
import { z } from 'zod';
import { Problem, found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { SIMGATE } from '../tokens';

/** Webhooks (docs/webhooks.md): register endpoints that get the feed's events pushed, signed per Standard Webhooks. */

const createBody = z
  .object({
    url: z.string().min(1).max(2048),
    types: z.array(z.string().min(1).max(64)).min(1, 'at least one event type (or "*" for all)').max(100),
    accounts: z.array(z.string().min(1).max(64)).min(1).max(1000).nullable().optional(),
    description: z.string().max(500).nullable().optional(),
  })
  .strict();

const idParam = z.object({ id: z.string().min(1).max(64) }).strict();
const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

export function webhookView(w: WebhookRecord) {
  return {
    id: w.id,
    url: w.url,
    types: w.types,
    accounts: w.accounts,
    description: w.description,
    enabled: w.disabledAt === null,
    createdAt: w.createdAt.toISOString(),
    disabledAt: w.disabledAt?.toISOString() ?? null,
    disabledReason: w.disabledReason,
    failingSince: w.failingSince?.toISOString() ?? null,
  };
}

export function deliveryView(d: DeliveryRecord) {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    attemptLog: d.attemptLog.map((a) => ({ at: a.at.toISOString(), status: a.status, error: a.error, durationMs: a.durationMs })),
  };
}

const str: SchemaObject = { type: 'string' };
const nstr: SchemaObject = { type: 'string', nullable: true };
const ntime: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const obj = (properties: Record<string, SchemaObject>, description?: string): SchemaObject => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
});

const WEBHOOK_PROPS: Record<string, SchemaObject> = {
  id: { type: 'string', example: 'wh_3f9c0a7e5b1d2c4e6f8a0b1c' },
  url: { type: 'string', format: 'uri' },
  types: { type: 'array', items: { type: 'string', enum: ['*', ...EVENT_TYPES] } },
  accounts: { type: 'array', items: str, nullable: true, description: 'Accounts whose events it gets; null: all' },
  description: nstr,
  enabled: { type: 'boolean' },
  createdAt: { type: 'string', format: 'date-time' },
  disabledAt: ntime,
  disabledReason: nstr,
  failingSince: { ...ntime, description: 'The first failed attempt since the last success; null when the last attempt succeeded' },
};
export const WEBHOOK_SCHEMA = obj(WEBHOOK_PROPS, 'A webhook (its secret is shown once, at creation)');
export const CREATED_WEBHOOK_SCHEMA = obj(
  { ...WEBHOOK_PROPS, secret: { type: 'string', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret (Standard Webhooks): shown only in this response' } },
  'The webhook created, with its signing secret',
);
const DELIVERY_SCHEMA = obj({
  id: str,
  eventId: { type: 'string', description: 'The event id: the `webhook-id` header of every attempt' },
  eventType: nstr,
  state: { type: 'string', enum: ['pending', 'delivered', 'failed', 'expired'] },
  attempts: { type: 'integer' },
  nextAttemptAt: ntime,
  createdAt: { type: 'string', format: 'date-time' },
  deliveredAt: ntime,
  lastStatus: { type: 'integer', nullable: true },
  lastError: nstr,
  attemptLog: {
    type: 'array',
    items: obj({ at: { type: 'string', format: 'date-time' }, status: { type: 'integer', nullable: true }, error: nstr, durationMs: { type: 'integer' } }),
  },
});

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a webhook: its URL, event types ("*" for all), optional accounts; answers its signing secret, once',
    description:
      'Deliveries start from now (no backlog). Errors: INVALID_URL, WEBHOOK_URL_NOT_HTTPS (http:// only with SIMGATE_WEBHOOKS_ALLOW_HTTP), ' +
      'UNKNOWN_EVENT_TYPE, UNKNOWN_ACCOUNT (400); TOO_MANY_WEBHOOKS (409, SIMGATE_WEBHOOKS_MAX).',
  })
  @ApiCreatedResponse({ schema: CREATED_WEBHOOK_SCHEMA })
  async create(@Body() body: unknown, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    parseNoQuery(query);
    const req = parse(createBody, body);
    const url = this.checkUrl(req.url);
    const unknownType = req.types.find((t) => t !== '*' && !isEventType(t));
    if (unknownType !== undefined) {
      throw new Problem(400, 'UNKNOWN_EVENT_TYPE', `'${unknownType.slice(0, 64)}' is not an event type (${EVENT_TYPES.join(', ')}, or * for all)`, { field: 'body.types' });
    }
    const types = req.types.includes('*') ? ['*'] : [...new Set(req.types)].sort();
    const accounts = req.accounts ? [...new Set(req.accounts)].sort() : null;
    const unknownAccount = accounts?.find((a) => !this.sg.accounts.some((x) => x.id === a));
    if (unknownAccount !== undefined) {
      throw new Problem(400, 'UNKNOWN_ACCOUNT', `account '${unknownAccount}' is not configured`, { field: 'body.accounts' });
    }
    try {
      const w = await this.sg.store.webhooks.create({ url, types, accounts, description: req.description ?? null }, this.sg.config.events.webhooks.max);
      res.setHeader('location', `/v1/webhooks/${w.id}`);
      return { ...webhookView(w), secret: w.secret };
    } catch (e) {
      if (e instanceof TooManyWebhooks) throw new Problem(409, 'TOO_MANY_WEBHOOKS', e.message);
      throw e;
    }
  }

  @Get()
  @ApiOperation({ summary: 'The webhooks registered (without their secrets)' })
  @ApiOkResponse({ schema: obj({ items: { type: 'array', items: WEBHOOK_SCHEMA } }) })
  async list(@Query() query: unknown) {
    parseNoQuery(query);
    return { items: (await this.sg.store.webhooks.list()).map(webhookView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook (without its secret)' })
  @ApiOkResponse({ schema: WEBHOOK_SCHEMA })
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(idParam, params, 'params');
    parseNoQuery(query);
    return webhookView(await found('webhook', id, this.sg.store.webhooks.get(id)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its deliveries not made yet' })
  @ApiNoContentResponse()
  async delete(@Param() params: unknown, @Query() query: unknown): Promise<void> {
    const { id } = parse(idParam, params, 'params');
    parseNoQuery(query);
    if (!(await this.sg.store.webhooks.delete(id))) throw new Problem(404, 'WEBHOOK_NOT_FOUND', `webhook '${id}' not found`);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a webhook.test event to this webhook only (it is not in the feed)' })
  @ApiAcceptedResponse({ schema: obj({ eventId: { type: 'string', description: 'The webhook-id of the test delivery' } }) })
  async test(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(idParam, params, 'params');
    parseNoQuery(query);
    const eventId = await this.sg.store.webhooks.sendTest(id);
    if (!eventId) throw new Problem(404, 'WEBHOOK_NOT_FOUND', `webhook '${id}' not found`);
    return { eventId };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-enable a webhook disabled after failing through the retry schedule',
    description: 'It gets the events written from now on; those written while it was disabled are not delivered (read them from GET /v1/events).',
  })
  @ApiOkResponse({ schema: WEBHOOK_SCHEMA })
  async enable(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(idParam, params, 'params');
    parseNoQuery(query);
    return webhookView(await found('webhook', id, this.sg.store.webhooks.enable(id)));
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "A webhook's recent deliveries, newest first, with their attempts" })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiOkResponse({ schema: obj({ items: { type: 'array', items: DELIVERY_SCHEMA } }) })
  async deliveries(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(idParam, params, 'params');
    const q = parse(deliveriesQuery, query, 'query');
    await found('webhook', id, this.sg.store.webhooks.get(id));
    return { items: (await this.sg.store.webhooks.deliveries(id, q.limit)).map(deliveryView) };
  }

  /** An absolute http(s) URL; http:// only when SIMGATE_WEBHOOKS_ALLOW_HTTP is set. */
  private checkUrl(text: string): string {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Problem(400, 'INVALID_URL', 'url is not an absolute URL', { field: 'body.url' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Problem(400, 'INVALID_URL', `url must be https:// (not ${url.protocol})`, { field: 'body.url' });
    }
    if (!url.hostname) throw new Problem(400, 'INVALID_URL', 'url has no host', { field: 'body.url' });
    if (url.protocol === 'http:' && !this.sg.config.events.webhooks.allowHttp) {
      throw new Problem(400, 'WEBHOOK_URL_NOT_HTTPS', 'url must be https:// (http:// needs SIMGATE_WEBHOOKS_ALLOW_HTTP=true)', { field: 'body.url' });
    }
    return url.toString();
  }
}
