import { AuthExpired, Transient, type CarrierError } from '@simgate/core';
import nock from 'nock';
import { CmccOnelinkClient } from '../cmcc-onelink/client';
import { changeStatusSchema, simStatusSchema } from '../cmcc-onelink/wire';
import { Intl1nceClient } from '../intl-1nce/client';
import { caught, useNock } from '../../../../test/support/carrier-specs';
import { CarrierHttp } from './carrier-http';
import { TokenCache } from './token-cache';

useNock(nock);

/**
 * Clients refresh a refused token themselves: a call answered "token expired/unknown" (OneLink 12021, 1NCE
 * HTTP 401) is sent once more at once with a freshly fetched token; only a second refusal with the fresh token
 * raises AuthExpired. Concurrent refusals share one token fetch. Answers are written by hand from the carriers'
 * wire contract (nock), not taken from the simulators.
 */

const now = (): Date => new Date('2026-03-15T02:00:00Z');

const refusal = async (p: Promise<unknown>): Promise<CarrierError> => (await caught(p)) as CarrierError;


describe('TokenCache.use', () => {
  it('retries once with a fresh token on a refusal, never on other errors', async () => {
    let issued = 0;
    const cache = new TokenCache(
      async () => ({ value: `t${++issued}`, expiresAt: Date.now() + 3_600_000 }),
      () => new Date(),
    );
    const refused = (e: unknown): boolean => e instanceof AuthExpired;
    const used: string[] = [];
    await expect(
      cache.use(async (t) => {
        used.push(t);
        if (t === 't1') throw new AuthExpired('refused');
        return 'ok';
      }, refused),
    ).resolves.toBe('ok');
    expect(used).toEqual(['t1', 't2']);
    expect(cache.refreshes).toBe(1);

    /** The tokens a call that always fails with `error` was sent with. */
    const sentWith = async (error: Error): Promise<string[]> => {
      const tokens: string[] = [];
      await expect(
        cache.use(async (t) => {
          tokens.push(t);
          throw error;
        }, refused),
      ).rejects.toBe(error);
      return tokens;
    };
    expect(await sentWith(new Transient('5xx'))).toEqual(['t2']); // not a refusal: no second send, token kept
    expect(await sentWith(new AuthExpired('refused'))).toEqual(['t2', 't3']);
    used.length = 0;
    // The second refusal dropped t3 as well: the next call fetches t4.
    await cache.use(async (t) => used.push(t), refused);
    expect(used).toEqual(['t4']);
  });
});

describe('OneLink client: 12021', () => {
  const HOST = 'http://onelink-token.test';
  const APPID = 'C5010000000001';
  const PASSWORD = 'pa55-w0rd-secret';
  const EXPIRED = { status: '12021', message: 'TOKEN不存在或已过期，请重新获取', result: [] };
  const STATUS = {
    status: '0',
    message: '正确',
    result: [{ cardStatus: '2', lastChangeDate: '2025-01-02 03:04:05' }],
  };

  const client = (): CmccOnelinkClient =>
    new CmccOnelinkClient({
      baseUrl: `${HOST}/v5/ec/`,
      appid: APPID,
      password: PASSWORD,
      http: new CarrierHttp({ platform: 'cmcc-onelink', timeoutMs: 2000 }),
      now,
    });

  /** Serves get/token with a new token on each call; records the tokens and transids the status calls carried. */
  function server(
    answer: (token: string, n: number) => unknown,
    path = 'query/sim-status',
    delayTokenMs = 0,
  ) {
    const state = { issued: 0, tokenCalls: 0, calls: [] as { token: string; transid: string }[] };
    nock(HOST)
      .persist()
      .get('/v5/ec/get/token')
      .query(true)
      .delay(delayTokenMs)
      .reply(200, () => {
        state.tokenCalls++;
        return { status: '0', message: '正确', result: [{ token: `tok-${++state.issued}`, ttl: '3600' }] };
      });
    nock(HOST)
      .persist()
      .get(`/v5/ec/${path}`)
      .query(true)
      .reply(200, (uri) => {
        const q = new URL(uri, HOST).searchParams;
        state.calls.push({ token: q.get('token') ?? '', transid: q.get('transid') ?? '' });
        return answer(q.get('token') ?? '', state.calls.length);
      });
    return state;
  }

  it('sends a refused call once more with a fresh token and a new transid', async () => {
    const s = server((token) => (token === 'tok-1' ? EXPIRED : STATUS));
    const c = client();
    await expect(
      c.call('query/sim-status', { msisdn: '1440000000001' }, simStatusSchema),
    ).resolves.toHaveLength(1);
    expect(s.calls.map((x) => x.token)).toEqual(['tok-1', 'tok-2']);
    expect(s.calls[0].transid).not.toBe(s.calls[1].transid);
    expect(s.tokenCalls).toBe(2);
    expect(c.tokenRefreshes).toBe(1);
  });

  it('raises AuthExpired only when the fresh token is refused too, and never shows the password or a token', async () => {
    const s = server(() => EXPIRED);
    const c = client();
    const err = await refusal(c.call('query/sim-status', { msisdn: '1440000000001' }, simStatusSchema));
    expect(err).toBeInstanceOf(AuthExpired);
    expect(err.details).toMatchObject({ carrierCode: '12021' });
    expect(s.calls.map((x) => x.token)).toEqual(['tok-1', 'tok-2']);
    const shown = JSON.stringify(err.toJSON()) + err.message;
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain('tok-1');
    expect(shown).not.toContain('tok-2');
  });

  it('resends a submission refused for its token (the platform did not act on it)', async () => {
    const s = server(
      (token) =>
        token === 'tok-1'
          ? EXPIRED
          : { status: '0', message: '正确', result: [{ orderNum: 'ORD1', msisdn: '1440000000001' }] },
      'change/sim-status',
    );
    const [receipt] = await client().call(
      'change/sim-status',
      { msisdn: '1440000000001', operType: '0', reason: '01' },
      changeStatusSchema,
    );
    expect(receipt.orderNum).toBe('ORD1');
    expect(s.calls).toHaveLength(2);
  });

  it('concurrent calls refused for the same token share one token fetch', async () => {
    const s = server((token) => (token === 'tok-1' ? EXPIRED : STATUS), 'query/sim-status', 50);
    const c = client();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        c.call('query/sim-status', { msisdn: '1440000000001' }, simStatusSchema),
      ),
    );
    expect(results.every((r) => r.length === 1)).toBe(true);
    // tok-1 for the first fetch (shared by the eight), tok-2 for every refusal (one shared refetch).
    expect(s.tokenCalls).toBe(2);
    expect(s.calls.filter((x) => x.token === 'tok-1')).toHaveLength(8);
    expect(s.calls.filter((x) => x.token === 'tok-2')).toHaveLength(8);
  });
});

describe('1NCE client: 401', () => {
  const HOST = 'http://1nce-token.test';
  const BASE = '/management-api';
  const CREDS = { username: 'api@example.com', password: 'S3cret-pass' };
  const UNAUTHORIZED = { statusCode: 401, message: 'Unauthorized' };

  const client = (): Intl1nceClient =>
    new Intl1nceClient(
      new CarrierHttp({ platform: 'intl-1nce', timeoutMs: 2000 }),
      `${HOST}${BASE}/`,
      CREDS,
      now,
    );

  function server(answer: (bearer: string) => [number, unknown], delayTokenMs = 0) {
    const state = { issued: 0, sent: [] as { method: string; bearer: string }[] };
    nock(HOST)
      .persist()
      .post(`${BASE}/oauth/token`)
      .basicAuth({ user: CREDS.username, pass: CREDS.password })
      .delay(delayTokenMs)
      .reply(200, () => ({
        status_code: 200,
        access_token: `tok-${++state.issued}`,
        token_type: 'bearer',
        expires_in: 3600,
        userId: 'u',
        scope: 'all',
      }));
    const record = function (this: nock.ReplyFnContext, method: string): [number, string] {
      const bearer = String(this.req.headers.authorization ?? '').replace(/^Bearer /, '');
      state.sent.push({ method, bearer });
      const [status, body] = answer(bearer);
      return [status, JSON.stringify(body)];
    };
    nock(HOST)
      .persist()
      .get(/\/management-api\/v1\/sims.*/)
      .reply(function () {
        return record.call(this, 'GET');
      });
    nock(HOST)
      .persist()
      .put(/\/management-api\/v1\/sims\/.*/)
      .reply(function () {
        return record.call(this, 'PUT');
      });
    return state;
  }

  it('sends a refused call once more with a fresh bearer', async () => {
    const s = server((b) => (b === 'tok-1' ? [401, UNAUTHORIZED] : [200, []]));
    const c = client();
    const { res } = await c.call({ method: 'GET', path: 'v1/sims', endpoint: 'v1/sims' });
    expect(res.status).toBe(200);
    expect(s.sent.map((x) => x.bearer)).toEqual(['tok-1', 'tok-2']);
    expect(s.issued).toBe(2);
    expect(c.tokenRefreshes).toBe(1);
  });

  it('raises AuthExpired when the fresh bearer is refused too; secrets stay out of the error', async () => {
    const s = server(() => [401, UNAUTHORIZED]);
    const err = await refusal(client().call({ method: 'GET', path: 'v1/sims', endpoint: 'v1/sims' }));
    expect(err).toBeInstanceOf(AuthExpired);
    expect(s.sent.map((x) => x.bearer)).toEqual(['tok-1', 'tok-2']);
    const shown = JSON.stringify(err.toJSON()) + err.message;
    for (const secret of [CREDS.password, 'tok-1', 'tok-2']) expect(shown).not.toContain(secret);
  });

  it('resends a PUT refused for its bearer once', async () => {
    const s = server((b) => (b === 'tok-1' ? [401, UNAUTHORIZED] : [200, {}]));
    const { res } = await client().call({
      method: 'PUT',
      path: 'v1/sims/8988228066600000001',
      endpoint: 'v1/sims/{iccid}',
      body: { status: 'Disabled' },
    });
    expect(res.status).toBe(200);
    expect(s.sent).toEqual([
      { method: 'PUT', bearer: 'tok-1' },
      { method: 'PUT', bearer: 'tok-2' },
    ]);
  });

  it('concurrent calls refused for the same bearer share one token fetch', async () => {
    const s = server((b) => (b === 'tok-1' ? [401, UNAUTHORIZED] : [200, []]), 50);
    const c = client();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => c.call({ method: 'GET', path: 'v1/sims', endpoint: 'v1/sims' })),
    );
    expect(results.every((r) => r.res.status === 200)).toBe(true);
    // tok-1 for the first fetch (shared by the eight), tok-2 for every refusal (one shared refetch).
    expect(s.issued).toBe(2);
    expect(s.sent.filter((x) => x.bearer === 'tok-1')).toHaveLength(8);
    expect(s.sent.filter((x) => x.bearer === 'tok-2')).toHaveLength(8);
  });
});
