/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here and asserted field by field */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Webhook } from 'standardwebhooks';
import { startGateway, startStack, type Stack } from '../support/stack';

/**
 * The webhooks API (docs/webhooks.md) end to end: bad input answers 4xx problem+json with its code; a webhook
 * registered through the API gets a signed `webhook.test` from the worker's dispatcher (started by
 * `Simgate.startWorker`), its deliveries list shows the attempts, and the secret appears in no answer but the
 * creation's.
 */
const KEY = 'sg_webhooks_key_0123456789';

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

function caller(base: () => string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: text ? JSON.parse(text) : null };
  };
}

const expectProblem = (a: Answer, status: number, code: string) => {
  expect({ status: a.status, code: a.json?.code }).toEqual({ status, code });
  expect(a.contentType).toMatch(/^application\/problem\+json/);
};

describe('webhooks API: bad input (https only, at most 2)', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let base = '';
  const call = caller(() => base);

  beforeAll(async () => {
    stack = await startStack({ cards: 4, worker: false, env: { SIMGATE_WEBHOOKS_MAX: '2' } });
    ({ app, url: base } = await startGateway(stack, [KEY]));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  it('refuses an unparsable URL, a non-https URL, an unknown event type or account, a missing type list', async () => {
    expectProblem(await call('POST', '/v1/webhooks', { url: 'not a url', types: ['*'] }), 400, 'INVALID_URL');
    expectProblem(await call('POST', '/v1/webhooks', { url: 'ftp://example.test/x', types: ['*'] }), 400, 'INVALID_URL');
    expectProblem(await call('POST', '/v1/webhooks', { url: 'http://example.test/hook', types: ['*'] }), 400, 'WEBHOOK_URL_NOT_HTTPS');
    const t = await call('POST', '/v1/webhooks', { url: 'https://example.test/hook', types: ['card.added', 'card.exploded'] });
    expectProblem(t, 400, 'UNKNOWN_EVENT_TYPE');
    expect(t.json.detail).toContain("'card.exploded'");
    expectProblem(await call('POST', '/v1/webhooks', { url: 'https://example.test/hook', types: ['*'], accounts: ['no-such-account'] }), 400, 'UNKNOWN_ACCOUNT');
    expectProblem(await call('POST', '/v1/webhooks', { url: 'https://example.test/hook', types: [] }), 400, 'VALIDATION_FAILED');
    expectProblem(await call('POST', '/v1/webhooks', { url: 'https://example.test/hook' }), 400, 'VALIDATION_FAILED');
    expectProblem(await call('POST', '/v1/webhooks', { url: 'https://example.test/hook', types: ['*'], extra: 1 }), 400, 'VALIDATION_FAILED');
    expect((await call('GET', '/v1/webhooks')).json).toEqual({ items: [] });
  });

  it('registers up to the maximum, then 409 TOO_MANY_WEBHOOKS; unknown ids 404 WEBHOOK_NOT_FOUND', async () => {
    const account = stack.simgate.accounts[0].id;
    const a = await call('POST', '/v1/webhooks', { url: 'https://example.test/a', types: ['webhook.test', 'webhook.disabled', 'card.added'], accounts: [account] });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ url: 'https://example.test/a', types: ['card.added', 'webhook.disabled', 'webhook.test'], accounts: [account], enabled: true });
    const b = await call('POST', '/v1/webhooks', { url: 'https://example.test/b', types: ['*', 'card.added'], description: 'all' });
    expect(b.json).toMatchObject({ types: ['*'], accounts: null, description: 'all' });
    expectProblem(await call('POST', '/v1/webhooks', { url: 'https://example.test/c', types: ['*'] }), 409, 'TOO_MANY_WEBHOOKS');
    for (const [method, path] of [
      ['GET', '/v1/webhooks/wh_nope'],
      ['DELETE', '/v1/webhooks/wh_nope'],
      ['POST', '/v1/webhooks/wh_nope/test'],
      ['POST', '/v1/webhooks/wh_nope/enable'],
      ['GET', '/v1/webhooks/wh_nope/deliveries'],
    ]) {
      expectProblem(await call(method, path), 404, 'WEBHOOK_NOT_FOUND');
    }
    // Deleting one frees a place.
    expect((await call('DELETE', `/v1/webhooks/${a.json.id}`)).status).toBe(204);
    expect((await call('POST', '/v1/webhooks', { url: 'https://example.test/c', types: ['*'] })).status).toBe(201);
  });

  it('the OpenAPI document lists the routes with their response schemas', async () => {
    const doc = (await call('GET', '/docs/openapi.json')).json;
    const p = doc.paths;
    expect(p['/v1/webhooks'].post.responses['201'].content['application/json'].schema.properties.secret).toBeDefined();
    expect(p['/v1/webhooks'].get.responses['200'].content['application/json'].schema.properties.items.items.properties.secret).toBeUndefined();
    expect(p['/v1/webhooks/{id}'].get.responses['200'].content['application/json'].schema.properties.failingSince).toBeDefined();
    expect(p['/v1/webhooks/{id}'].delete.responses['204']).toBeDefined();
    expect(p['/v1/webhooks/{id}/test'].post.responses['202']).toBeDefined();
    expect(p['/v1/webhooks/{id}/enable'].post.responses['200']).toBeDefined();
    expect(p['/v1/webhooks/{id}/deliveries'].get.responses['200'].content['application/json'].schema.properties.items.items.properties.attemptLog).toBeDefined();
  });
});

describe('webhooks API: delivery through the worker', () => {
  let stack: Stack;
  let app: NestExpressApplication;
  let base = '';
  const call = caller(() => base);
  let receiver: http.Server;
  let rxUrl = '';
  let secret = '';
  const received: { headers: http.IncomingHttpHeaders; body: string; verified: boolean }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
        received.push({ headers: req.headers, body, verified });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    rxUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/simgate`;
    stack = await startStack({ cards: 4, env: { SIMGATE_WEBHOOKS_ALLOW_HTTP: 'true' } });
    ({ app, url: base } = await startGateway(stack, [KEY]));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await stack?.close();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  it('sends a signed webhook.test; lists the delivery with its attempt; never shows the secret again', async () => {
    const created = await call('POST', '/v1/webhooks', { url: rxUrl, types: ['webhook.test'] });
    expect(created.status).toBe(201);
    secret = created.json.secret;
    expect(secret).toMatch(/^whsec_/);
    const id = created.json.id as string;
    expect(id).toMatch(/^wh_[0-9a-f]{24}$/);

    const test = await call('POST', `/v1/webhooks/${id}/test`);
    expect(test.status).toBe(202);
    const eventId = test.json.eventId as string;
    const until = Date.now() + 15_000;
    while (!received.length && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r.verified).toBe(true);
    expect(r.headers['webhook-id']).toBe(eventId);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toMatchObject({ id: eventId, type: 'webhook.test', accountId: null, subject: id, data: { webhookId: id } });

    let deliveries = await call('GET', `/v1/webhooks/${id}/deliveries`);
    for (let i = 0; i < 40 && deliveries.json.items[0]?.state !== 'delivered'; i++) {
      await new Promise((res) => setTimeout(res, 50));
      deliveries = await call('GET', `/v1/webhooks/${id}/deliveries`);
    }
    expect(deliveries.json.items).toEqual([
      expect.objectContaining({ eventId, eventType: 'webhook.test', state: 'delivered', attempts: 1, lastStatus: 204, attemptLog: [expect.objectContaining({ status: 204, error: null })] }),
    ]);
    // The test event is not in the feed.
    expect((await call('GET', '/v1/events?types=webhook.test')).json.items).toEqual([]);

    const answers = [
      await call('GET', '/v1/webhooks'),
      await call('GET', `/v1/webhooks/${id}`),
      deliveries,
      await call('POST', `/v1/webhooks/${id}/enable`),
      await call('GET', '/v1/events'),
    ];
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.text).not.toContain(secret);
      expect(a.text).not.toContain(secret.slice('whsec_'.length));
    }
    expect(answers[1].json).toMatchObject({ id, url: rxUrl, types: ['webhook.test'], enabled: true, failingSince: null });
    expect(answers[1].json).not.toHaveProperty('secret');
  });
});
