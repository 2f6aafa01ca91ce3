import { luhnCheckDigit } from '@simgate/core';
import { SimClock } from '@simgate/mocks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startGateway, startStack, type Stack } from '../support/stack';

/**
 * Inbound protection of the console API (docs/operations.md, "Protecting the API"), embedded (in-process
 * limiters): the failed-authentication block per client address, the requests budget per API key with its 429
 * and RateLimit header fields, and the cards budget that keeps a "sync now" loop from starving the scheduled
 * sweep of the carrier's quota (measured on the simulators' request counters). The shared budget of two
 * gateway processes on one Redis: protection-shared.e2e-spec.ts.
 */
const NOW = '2026-11-20T10:00:00+08:00';
const KEY = 'protection-key-a';
const OTHER = 'protection-key-b';

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function call(url: string, path: string, o: { key?: string | null; method?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (o.key !== null) headers.authorization = `Bearer ${o.key ?? KEY}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, { method: o.method ?? 'GET', headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `"name";r=…;t=…` items of a RateLimit field, by name. */
function rateLimitItems(field: string | null): Record<string, { r: number; t: number }> {
  const out: Record<string, { r: number; t: number }> = {};
  for (const m of (field ?? '').matchAll(/"([a-z_]+)";r=(\d+);t=(\d+)/g)) out[m[1]] = { r: Number(m[2]), t: Number(m[3]) };
  return out;
}

describe('inbound protection (embedded)', () => {
  describe('failed authentications per client address', () => {
    let stack: Stack;
    let app: NestExpressApplication;
    let url: string;
    beforeAll(async () => {
      stack = await startStack({
        cards: 4,
        worker: false,
        env: { SIMGATE_AUTH_FAILURES: '5', SIMGATE_AUTH_FAILURES_WINDOW_SECONDS: '600', SIMGATE_AUTH_BLOCK_SECONDS: '2' },
      });
      ({ app, url } = await startGateway(stack, [KEY, OTHER]));
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await stack?.close();
    });

    it('a wrong-key loop is blocked (429 whatever key), and a good key works once the block ends', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await call(url, '/v1/platforms', { key: `wrong-${i}` })).status);
      // Five failures answer 401; from then on the address is blocked.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      const blocked = await call(url, '/v1/platforms', { key: KEY });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(blocked.json).toMatchObject({ code: 'RATE_LIMITED', budget: 'auth_block', requestId: blocked.headers.get('x-request-id') });
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      // Waiting what Retry-After says is enough (whole seconds, rounded up).
      await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
      expect((await call(url, '/v1/platforms', { key: KEY })).status).toBe(200);
      const text = await stack.simgate.metrics.render();
      expect(text).toMatch(/simgate_http_auth_failures_total 5\b/);
      expect(text).toMatch(/simgate_http_rate_limited_total\{budget="auth_block"\} 4\b/);
    }, 30_000);

    it('a good key clears the failures counted so far', async () => {
      for (let i = 0; i < 4; i++) expect((await call(url, '/v1/platforms', { key: 'wrong' })).status).toBe(401);
      expect((await call(url, '/v1/platforms', { key: OTHER })).status).toBe(200);
      // Without the clearing, the fifth failure in the window would block: four more are still plain 401s.
      for (let i = 0; i < 4; i++) expect((await call(url, '/v1/platforms', { key: 'wrong' })).status).toBe(401);
      expect((await call(url, '/v1/platforms', { key: KEY })).status).toBe(200);
    });

    it('no key at all is not a failed authentication (a browser asking first)', async () => {
      for (let i = 0; i < 8; i++) expect((await call(url, '/v1/platforms', { key: null })).status).toBe(401);
      expect((await call(url, '/v1/platforms', { key: KEY })).status).toBe(200);
    });
  });

  describe('behind a trusted proxy (SIMGATE_TRUST_PROXY)', () => {
    let stack: Stack;
    let app: NestExpressApplication;
    let url: string;
    beforeAll(async () => {
      // The test's requests come from loopback: as if through a proxy on this machine.
      stack = await startStack({ cards: 4, worker: false, env: { SIMGATE_AUTH_FAILURES: '3', SIMGATE_AUTH_BLOCK_SECONDS: '600', SIMGATE_TRUST_PROXY: 'loopback' } });
      ({ app, url } = await startGateway(stack, [KEY]));
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await stack?.close();
    });

    const from = (address: string, key: string) => fetch(`${url}/v1/platforms`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': address } });

    it('counts failures per forwarded client address: one client blocked, another behind the same proxy served', async () => {
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.7', 'wrong')).status).toBe(401);
      expect((await from('203.0.113.7', KEY)).status).toBe(429);
      expect((await from('198.51.100.20', KEY)).status).toBe(200);
      // The proxy's own address (the TCP peer) is not what was blocked.
      expect((await call(url, '/v1/platforms')).status).toBe(200);
    });
  });

  describe('the requests budget per API key', () => {
    let stack: Stack;
    let app: NestExpressApplication;
    let url: string;
    beforeAll(async () => {
      stack = await startStack({ cards: 4, worker: false, env: { SIMGATE_RATE_REQUESTS: '5', SIMGATE_RATE_REQUESTS_WINDOW_SECONDS: '600' } });
      ({ app, url } = await startGateway(stack, [KEY, OTHER]));
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await stack?.close();
    });

    it('a flood from one key gets 429 with Retry-After and RateLimit fields; another key is served', async () => {
      const answers: Answer[] = [];
      for (let i = 0; i < 8; i++) answers.push(await call(url, '/v1/platforms'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      for (const a of answers) expect(a.headers.get('ratelimit-policy')).toBe('"requests";q=5;w=600');
      // Remaining counts down per answer; the reset is within the window.
      expect(answers.slice(0, 5).map((a) => rateLimitItems(a.headers.get('ratelimit')).requests.r)).toEqual([4, 3, 2, 1, 0]);
      const refused = answers[5];
      const rl = rateLimitItems(refused.headers.get('ratelimit')).requests;
      expect(rl.r).toBe(0);
      expect(rl.t).toBeGreaterThan(590);
      expect(rl.t).toBeLessThanOrEqual(600);
      expect(Number(refused.headers.get('retry-after'))).toBe(rl.t);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.json).toMatchObject({ status: 429, code: 'RATE_LIMITED', budget: 'requests', retryAfterSeconds: rl.t });
      expect(refused.json.requestId).toBe(refused.headers.get('x-request-id'));
      // The other key has its own budget.
      const other = await call(url, '/v1/platforms', { key: OTHER });
      expect(other.status).toBe(200);
      expect(rateLimitItems(other.headers.get('ratelimit')).requests.r).toBe(4);
      // Counted as 429s of the route, and by budget.
      const text = await stack.simgate.metrics.render();
      expect(text).toMatch(/simgate_http_requests_total\{method="GET",route="\/v1\/platforms",status_class="4xx"\} 3\b/);
      expect(text).toMatch(/simgate_http_requests_total\{method="GET",route="\/v1\/platforms",status_class="2xx"\} 6\b/);
      expect(text).toMatch(/simgate_http_rate_limited_total\{budget="requests"\} 3\b/);
    });

    it('open routes (/health) spend no budget', async () => {
      for (let i = 0; i < 8; i++) expect((await call(url, '/health', { key: null })).status).toBe(200);
    });
  });

  describe('request ids', () => {
    let stack: Stack;
    let app: NestExpressApplication;
    let url: string;
    beforeAll(async () => {
      stack = await startStack({ cards: 4, worker: false });
      ({ app, url } = await startGateway(stack, [KEY]));
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await stack?.close();
    });

    it("echoes the client's X-Request-Id, makes one when it is absent or not a sane token, and puts it in problems", async () => {
      const given = await fetch(`${url}/v1/platforms`, { headers: { authorization: `Bearer ${KEY}`, 'x-request-id': 'console-42.a' } });
      expect(given.headers.get('x-request-id')).toBe('console-42.a');
      const made = await fetch(`${url}/v1/platforms`, { headers: { authorization: `Bearer ${KEY}`, 'x-request-id': 'no spaces <allowed>' } });
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const problem = await call(url, '/v1/cards/not-an-iccid');
      expect(problem.status).toBe(400);
      expect(problem.json.requestId).toBe(problem.headers.get('x-request-id'));
      const missing = await call(url, '/v1/nothing-here');
      expect(missing.json).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: missing.headers.get('x-request-id') });
      // No route: one label value for every unknown path (no path explodes the series).
      expect(await stack.simgate.metrics.render()).toMatch(/simgate_http_requests_total\{method="GET",route="unmatched",status_class="4xx"\} 1\b/);
    });
  });

  describe('the cards budget: "sync now" and the scheduled sweep', () => {
    const CARDS = 60;
    const BUDGET = 30;

    /** A stack whose 1NCE account (one card per status request) is known, and the gateway over it. */
    async function loopStack(env: Record<string, string>) {
      const stack = await startStack({ cards: CARDS, clock: SimClock.fixed(NOW), quotaFactor: 10, env });
      const { app, url } = await startGateway(stack, [KEY, OTHER]);
      const accountId = stack.simgate.runtime.all().find((r) => r.manifest.id === 'intl-1nce')!.account.id;
      await stack.simgate.engine.runSweep(accountId, 'inventory');
      const iccids = (await stack.simgate.store.cards.refs(accountId, null, 1000)).map((r) => r.iccid);
      expect(iccids).toHaveLength(CARDS);
      const carrierRequests = async () => (await stack.sims.counters())['intl-1nce'].totalRequests as number;
      /** Until the account's status sweep is neither queued nor running and no job waits or runs. */
      const settled = async () => {
        for (;;) {
          const cp = await stack.simgate.store.checkpoints.get(accountId, 'status');
          const q = await stack.simgate.queue.counts();
          if (cp?.state !== 'queued' && cp?.state !== 'running' && q.active + q.waiting === 0) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      /** Queues the scheduled status sweep (as the scheduler does), runs `during`, waits for all; the carrier requests meanwhile. */
      const sweep = async (during: () => Promise<void> = async () => undefined) => {
        await settled();
        const before = await carrierRequests();
        expect(await stack.simgate.engine.requestSweep(accountId, 'status', 'schedule')).toBe(true);
        await during();
        await settled();
        return (await carrierRequests()) - before;
      };
      /** 40 calls naming 10 cards each (400 card reads asked), cycling through the account's cards. */
      const loop = async (answers: Answer[]) => {
        for (let i = 0; i < 40; i++) {
          const part = iccids.slice((i * 10) % CARDS, ((i * 10) % CARDS) + 10);
          answers.push(await call(url, '/v1/sync', { method: 'POST', body: { accountId, kind: 'status', iccids: part } }));
        }
      };
      return { stack, app, url, accountId, iccids, sweep, loop };
    }

    describe('with the budget', () => {
      let s: Awaited<ReturnType<typeof loopStack>>;
      beforeAll(async () => {
        s = await loopStack({ SIMGATE_RATE_REQUESTS: '600', SIMGATE_RATE_CARDS: String(BUDGET), SIMGATE_RATE_CARDS_WINDOW_SECONDS: '3600' });
      }, 180_000);
      afterAll(async () => {
        await s?.app.close();
        await s?.stack.close();
      });

      it("a POST /v1/sync loop delays the scheduled sweep by at most the key's cards budget of carrier requests", async () => {
        const alone = await s.sweep();
        // The carrier requests one card's status read costs (1NCE: the SIM and its data quota), measured on the sweep alone.
        const perCard = alone / CARDS;
        expect(perCard).toBeGreaterThanOrEqual(1);
        const answers: Answer[] = [];
        const withLoop = await s.sweep(() => s.loop(answers));
        const accepted = answers.filter((a) => a.status === 202);
        const refused = answers.filter((a) => a.status === 429);
        expect(accepted.length + refused.length).toBe(answers.length);
        expect(refused.length).toBeGreaterThan(0);
        for (const r of refused) {
          expect(r.json).toMatchObject({ code: 'RATE_LIMITED', budget: 'cards' });
          expect(r.headers.get('ratelimit-policy')).toBe(`"requests";q=600;w=60, "cards";q=${BUDGET};w=3600`);
          expect(rateLimitItems(r.headers.get('ratelimit')).cards.r).toBeLessThan(10);
        }
        // The carrier saw the sweep plus the reads of at most the budget's cards: the sweep shared the account's
        // quota with no more than that, of the 400 card reads asked (a call whose cards all still wait costs nothing
        // and may be accepted: it queues nothing). The control below shows the same loop without the budget.
        const extra = withLoop - alone;
        expect(extra).toBeGreaterThan(0);
        expect(extra).toBeLessThanOrEqual(BUDGET * perCard);
        expect(await s.stack.sims.counters().then((c) => c['intl-1nce'].quotaViolations)).toBe(0);
        // Another key has its own cards budget.
        const other = await call(s.url, '/v1/sync', { method: 'POST', key: OTHER, body: { accountId: s.accountId, kind: 'status', iccids: s.iccids.slice(0, 10) } });
        expect(other.status).toBe(202);
      }, 120_000);
    });

    describe('without it (SIMGATE_RATE_LIMITS=false: the control)', () => {
      let s: Awaited<ReturnType<typeof loopStack>>;
      beforeAll(async () => {
        s = await loopStack({ SIMGATE_RATE_LIMITS: 'false' });
      }, 180_000);
      afterAll(async () => {
        await s?.app.close();
        await s?.stack.close();
      });

      it('the same loop spends more of the quota than the budget allows: every card is read at least once more', async () => {
        const alone = await s.sweep();
        const perCard = alone / CARDS;
        const answers: Answer[] = [];
        const withLoop = await s.sweep(() => s.loop(answers));
        expect(answers.every((a) => a.status === 202)).toBe(true);
        // The loop names all 60 cards; even if every repeat found its card still waiting, each was read once more.
        expect(withLoop - alone).toBeGreaterThanOrEqual(CARDS * perCard);
        expect(withLoop - alone).toBeGreaterThan(BUDGET * perCard);
      }, 120_000);
    });
  });

  describe('the cards budget: a repeat of a card already queued', () => {
    const BUDGET = 100;
    let stack: Stack;
    let app: NestExpressApplication;
    let url: string;
    let accountId: string;
    let iccids: string[];
    beforeAll(async () => {
      // No worker: queued jobs stay queued, so "already queued" is a fact, not a race.
      stack = await startStack({ cards: 30, clock: SimClock.fixed(NOW), quotaFactor: 10, worker: false, env: { SIMGATE_RATE_REQUESTS: '600', SIMGATE_RATE_CARDS: String(BUDGET) } });
      accountId = stack.simgate.runtime.all().find((r) => r.manifest.id === 'intl-1nce')!.account.id;
      await stack.simgate.engine.runSweep(accountId, 'inventory');
      iccids = (await stack.simgate.store.cards.refs(accountId, null, 1000)).map((r) => r.iccid);
      ({ app, url } = await startGateway(stack, [KEY]));
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await stack?.close();
    });

    it('costs nothing and queues nothing; only the new cards of a call are charged and queued', async () => {
      const sync = (part: string[], kind = 'status') => call(url, '/v1/sync', { method: 'POST', body: { accountId, kind, iccids: part } });
      const waiting = async () => (await stack.simgate.queue.counts()).waiting;
      const jobs = await waiting();
      const first = await sync(iccids.slice(0, 10));
      expect(first.status).toBe(202);
      expect(first.json).toMatchObject({ cards: 10, queued: true });
      expect(rateLimitItems(first.headers.get('ratelimit')).cards.r).toBe(BUDGET - 10);
      for (let i = 0; i < 5; i++) {
        const again = await sync(iccids.slice(0, 10));
        expect(again.status).toBe(202);
        expect(again.json).toMatchObject({ cards: 10, queued: false });
        // Nothing charged: the answer names the requests budget only.
        expect(again.headers.get('ratelimit-policy')).toBe('"requests";q=600;w=60');
      }
      expect(await waiting()).toBe(jobs + 1);
      const mixed = await sync(iccids.slice(5, 15));
      expect(mixed.json).toMatchObject({ cards: 10, queued: true });
      expect(rateLimitItems(mixed.headers.get('ratelimit')).cards.r).toBe(BUDGET - 15);
      expect(await waiting()).toBe(jobs + 2);
      // Another kind is another read: charged and queued.
      const usage = await sync(iccids.slice(0, 10), 'usage');
      expect(usage.json).toMatchObject({ queued: true });
      expect(rateLimitItems(usage.headers.get('ratelimit')).cards.r).toBe(BUDGET - 25);
      expect(await waiting()).toBe(jobs + 3);
    });

    it('operations are charged their cards; a call naming more cards than the whole budget is refused (422), never told to retry', async () => {
      const left = BUDGET - 25;
      const op = await call(url, '/v1/operations', { method: 'POST', body: { type: 'SUSPEND', iccids: [...iccids.slice(20, 30), ...iccids.slice(20, 30)], idempotencyKey: 'p-1' } });
      expect(op.status).toBe(202);
      expect(rateLimitItems(op.headers.get('ratelimit')).cards.r).toBe(left - 10);
      // A range of 101 cards is more than the whole budget (100): it could never pass.
      const body = iccids[0].slice(0, -1);
      const end = (BigInt(body) + 100n).toString().padStart(body.length, '0');
      const range = { from: iccids[0], to: end + String(luhnCheckDigit(end)) };
      const big = await call(url, '/v1/operations', { method: 'POST', body: { type: 'SUSPEND', range, idempotencyKey: 'p-2' } });
      expect(big.status).toBe(422);
      expect(big.json).toMatchObject({ code: 'COST_OVER_BUDGET', cost: 101 });
      expect(big.headers.get('retry-after')).toBeNull();
    });
  });
});
