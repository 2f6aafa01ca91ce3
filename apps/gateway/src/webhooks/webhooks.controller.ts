import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EVENT_TYPES, isEventType } from '@simgate/core';
import { TooManyWebhooks, type DeliveryRecord, type WebhookRecord } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import type { Response } from 'express';
import { knownAccount } from '../common/filters';
import { ApiRoute } from '../common/openapi';
import { Problem, found } from '../common/problem';
import { parse, parseNoQuery } from '../common/validation';
import { SIMGATE } from '../tokens';
import { createWebhook, deleteWebhook, enableWebhook, getWebhook, listWebhooks, testWebhook, webhookDeliveries } from './webhooks.schemas';

/** Webhooks (docs/webhooks.md): register endpoints that get the feed's events pushed, signed per Standard Webhooks. */

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

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(SIMGATE) private readonly sg: Simgate) {}

  @Post()
  @HttpCode(201)
  @ApiRoute(createWebhook)
  async create(@Body() body: unknown, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    parseNoQuery(query);
    const req = parse(createWebhook.body, body);
    const url = this.checkUrl(req.url);
    const unknownType = req.types.find((t) => t !== '*' && !isEventType(t));
    if (unknownType !== undefined) {
      throw new Problem(400, 'UNKNOWN_EVENT_TYPE', `'${unknownType.slice(0, 64)}' is not an event type (${EVENT_TYPES.join(', ')}, or * for all)`, { field: 'body.types' });
    }
    const types = req.types.includes('*') ? ['*'] : [...new Set(req.types)].sort();
    const accounts = req.accounts ? [...new Set(req.accounts)].sort() : null;
    const unknownAccount = accounts?.find((a) => !this.sg.accounts.some((x) => x.id === a));
    knownAccount(this.sg, unknownAccount, 'body.accounts');
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
  @ApiRoute(listWebhooks)
  async list(@Query() query: unknown) {
    parseNoQuery(query);
    return { items: (await this.sg.store.webhooks.list()).map(webhookView) };
  }

  @Get(':id')
  @ApiRoute(getWebhook)
  async get(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(getWebhook.params, params, 'params');
    parseNoQuery(query);
    return webhookView(await found('webhook', id, this.sg.store.webhooks.get(id)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiRoute(deleteWebhook)
  async delete(@Param() params: unknown, @Query() query: unknown): Promise<void> {
    const { id } = parse(getWebhook.params, params, 'params');
    parseNoQuery(query);
    if (!(await this.sg.store.webhooks.delete(id))) throw new Problem(404, 'WEBHOOK_NOT_FOUND', `webhook '${id}' not found`);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiRoute(testWebhook)
  async test(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(getWebhook.params, params, 'params');
    parseNoQuery(query);
    const eventId = await this.sg.store.webhooks.sendTest(id);
    if (!eventId) throw new Problem(404, 'WEBHOOK_NOT_FOUND', `webhook '${id}' not found`);
    return { eventId };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiRoute(enableWebhook)
  async enable(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(getWebhook.params, params, 'params');
    parseNoQuery(query);
    return webhookView(await found('webhook', id, this.sg.store.webhooks.enable(id)));
  }

  @Get(':id/deliveries')
  @ApiRoute(webhookDeliveries)
  async deliveries(@Param() params: unknown, @Query() query: unknown) {
    const { id } = parse(getWebhook.params, params, 'params');
    const q = parse(webhookDeliveries.query, query, 'query');
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
