import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CarrierError, Unavailable } from '@simgate/core';
import { createTestTls, type TestTls } from '@simgate/mocks/testing/tls';
import { CarrierHttp } from './carrier-http';

/** The shared HTTP layer against an HTTPS carrier behind a private CA (certificates made at test time). */
describe('CarrierHttp over HTTPS', () => {
  let tls: TestTls;
  let other: TestTls;
  let server: https.Server;
  let base: string;
  let handshakes = 0;
  let open = 0;
  let maxOpen = 0;

  beforeAll(async () => {
    tls = createTestTls();
    other = createTestTls({ commonName: 'someone else' });
    server = https.createServer(tls.server, (req, res) => {
      // A short hold so that concurrent requests overlap (the assertion on sockets is an upper bound only).
      setTimeout(() => res.end(JSON.stringify({ path: req.url })), 20);
    });
    server.on('secureConnection', (s) => {
      handshakes++;
      open++;
      maxOpen = Math.max(maxOpen, open);
      s.on('close', () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    tls.remove();
    other.remove();
  });

  const get = (http: CarrierHttp, p: string, query?: Record<string, string>) =>
    http.send({ method: 'GET', url: `${base}${p}`, endpoint: 'test', query });

  it('trusts the account CA, keeps connections alive and uses at most maxSockets of them', async () => {
    handshakes = 0;
    maxOpen = 0;
    const http = new CarrierHttp({ platform: 'test', ca: tls.ca, maxSockets: 2 });
    const first = await get(http, '/one');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ path: '/one' });
    for (const p of ['/two', '/three', '/four', '/five']) await get(http, p);
    // Keep-alive: five requests one after another over one connection. (A Jest worker where an earlier file left
    // nock's interception on opens one per request: every spec that loads nock restores it when done.)
    expect(handshakes).toBe(1);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, k) => get(http, `/c${k}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    // Never more than maxSockets at once, and 13 requests over at most that many connections.
    expect(maxOpen).toBeLessThanOrEqual(2);
    expect(handshakes).toBeLessThanOrEqual(2);
  });

  it('without the CA the certificate is refused: an account-wide carrier error (not a crash), with no secret in it', async () => {
    const secret = 'Pw-secret-12345';
    const http = new CarrierHttp({ platform: 'test', secrets: [secret] });
    const err = await get(http, '/token', { password: secret }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarrierError);
    // Unavailable, not Transient: every request of the account fails the same way until its caFile is set.
    expect(err).toBeInstanceOf(Unavailable);
    expect((err as Error).message).toMatch(/caFile/);
    const message = (err as Error).message;
    expect(message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|certificate/i);
    expect(message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
  });

  it('a CA that did not sign the certificate is refused too (verification is never off)', async () => {
    const err = await get(new CarrierHttp({ platform: 'test', ca: other.ca }), '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Unavailable);
    expect((err as Error).message).toMatch(/certificate|UNABLE_TO_VERIFY/i);
  });
});
