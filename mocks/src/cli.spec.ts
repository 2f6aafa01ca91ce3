import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { hasValidLuhn } from '@simgate/core';
import { parseArgs, startMocks } from './cli';
import { PLATFORMS } from './index';
import { createTestTls, fetchWithCa, type TestTls } from './testing/tls';

/** The accounts file format fixed in ARCHITECTURE.md (Configuration). */
const loopback = (basePath: string) => z.string().regex(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${basePath.replace(/[.]/g, '\\.')}$`));
const AccountsSchema = z.object({
  accounts: z.tuple([
    z.object({ id: z.string(), platform: z.literal('cmcc-onelink'), baseUrl: loopback('/v5/ec/'), credentials: z.object({ appid: z.string().min(1), password: z.string().min(1) }).strict(), cards: z.string().regex(/\.csv$/), orderProcessingSeconds: z.number().int().positive().optional() }).strict(),
    z.object({ id: z.string(), platform: z.literal('cucc-jasper'), baseUrl: loopback('/rws/api/v1/'), credentials: z.object({ username: z.string().min(1), apiKey: z.string().min(1) }).strict(), orderProcessingSeconds: z.number().int().positive().optional() }).strict(),
    z.object({ id: z.string(), platform: z.literal('ctcc-cmp'), baseUrl: loopback('/m2m_ec/query.do'), credentials: z.object({ userId: z.string().min(1), password: z.string().min(1), key: z.string().length(9) }).strict(), orderProcessingSeconds: z.number().int().positive().optional() }).strict(),
    z.object({ id: z.string(), platform: z.literal('intl-1nce'), baseUrl: loopback('/management-api/'), credentials: z.object({ username: z.string().min(1), password: z.string().min(1) }).strict(), quotas: z.object({ requestsPerSecond: z.number().positive(), maxInFlight: z.number().int().positive().optional() }).strict().optional(), orderProcessingSeconds: z.number().int().positive().optional() }).strict(),
  ])
    // Platforms added after these four (each folder's own fixture checks its entry): an account on loopback.
    .rest(z.object({ id: z.string(), platform: z.string(), baseUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\//), credentials: z.record(z.string().min(1)) }).passthrough()),
});

describe('mocks CLI', () => {
  it('parses its arguments', () => {
    expect(parseArgs(['--cards', '1000000', '--seed', '42', '--out', '/tmp/a.json', '--port-base=8100'])).toEqual({ cards: 1_000_000, seed: 42, out: '/tmp/a.json', portBase: 8100 });
    expect(parseArgs([])).toMatchObject({ cards: 10_000, seed: 1, portBase: 7101 });
    expect(() => parseArgs(['--cards', 'many'])).toThrow(/--cards/);
    expect(() => parseArgs(['--what'])).toThrow(/unknown argument/);
  });

  it('serves every platform and writes the accounts file in the fixed format, with the OneLink order list beside it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-mocks-'));
    const out = path.join(dir, 'acc.json');
    const { served, accounts } = await startMocks({ cards: 300, seed: 4, out, portBase: 0 });
    try {
      const file = JSON.parse(fs.readFileSync(out, 'utf8')) as unknown;
      expect(file).toEqual(accounts);
      const parsed = AccountsSchema.parse(file);
      expect(parsed.accounts.map((a) => a.platform)).toEqual([...PLATFORMS]);
      const ports = parsed.accounts.map((a) => new URL(a.baseUrl).port);
      expect(new Set(ports).size).toBe(PLATFORMS.length);
      const csv = fs.readFileSync(path.join(dir, parsed.accounts[0].cards), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('iccid,msisdn');
      expect(csv).toHaveLength(301);
      const [iccid, msisdn] = csv[1].split(',');
      expect(hasValidLuhn(iccid)).toBe(true);
      expect(msisdn).toMatch(/^(1440|1064)\d{9}$/);
      // every server answers on its base URL and on the control API
      for (const a of parsed.accounts) {
        const origin = new URL(a.baseUrl).origin;
        const info = (await (await fetch(`${origin}/_sim/info`)).json()) as { platform: string };
        expect(info.platform).toBe(a.platform);
      }
      const onelink = parsed.accounts[0];
      const token = (await (await fetch(`${onelink.baseUrl}get/token?appid=${onelink.credentials.appid}&password=${onelink.credentials.password}&transid=${onelink.credentials.appid}2026031010000000000001`)).json()) as { status: string };
      expect(token.status).toBe('0');
      const counters = (await (await fetch(`${new URL(onelink.baseUrl).origin}/_sim/counters`)).json()) as { requests: Record<string, number> };
      expect(counters.requests['get/token']).toBe(1);
      // On the real clock every account states the simulator's order processing time (twice its delay + 5 s).
      for (const a of parsed.accounts) {
        const delayMs = (served.simulators.get(a.platform) as unknown as { orderDelayMs: number }).orderDelayMs;
        expect({ platform: a.platform, seconds: a.orderProcessingSeconds }).toEqual({ platform: a.platform, seconds: Math.ceil((2 * delayMs) / 1000) + 5 });
      }
    } finally {
      await served.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on a fixed business clock states no processing time (orders there complete only when the clock moves), unless orders take effect at once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-mocks-'));
    const out = path.join(dir, 'acc.json');
    const { served } = await startMocks({ cards: 20, seed: 4, out, portBase: 0, clock: '2026-11-20T10:00:00+08:00' });
    try {
      const parsed = AccountsSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8')));
      expect(parsed.accounts.map((a) => a.orderProcessingSeconds)).toEqual([undefined, undefined, undefined, undefined]);
    } finally {
      await served.close();
    }
    // Orders that take effect at once complete on a fixed clock too: 5 s (twice a zero delay, plus 5 s).
    const instant = await startMocks({ cards: 20, seed: 4, out, portBase: 0, clock: '2026-11-20T10:00:00+08:00', orderDelayMs: 0 });
    try {
      const parsed = AccountsSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8')));
      expect(parsed.accounts.map((a) => a.orderProcessingSeconds)).toEqual(PLATFORMS.map(() => 5));
    } finally {
      await instant.served.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('over HTTPS (--tls-cert, --tls-key, --tls-ca)', () => {
    let tls: TestTls;
    beforeAll(() => {
      tls = createTestTls();
    });
    afterAll(() => tls.remove());

    it('parses the TLS flags and refuses incomplete ones', () => {
      expect(parseArgs(['--tls-cert', 'c.pem', '--tls-key=k.pem', '--tls-ca', 'ca.pem'])).toMatchObject({ tlsCert: 'c.pem', tlsKey: 'k.pem', tlsCa: 'ca.pem' });
      expect(() => parseArgs(['--tls-cert', 'c.pem'])).toThrow(/go together/);
      expect(() => parseArgs(['--tls-ca', 'ca.pem'])).toThrow(/--tls-ca needs/);
      expect(() => parseArgs(['--tls-key'])).toThrow(/--tls-key needs a file/);
    });

    it('serves https (the control API too) and writes caFile into every account', async () => {
      const dir = path.join(tls.dir, 'out');
      const out = path.join(dir, 'acc.json');
      const { served, accounts } = await startMocks({ cards: 50, seed: 4, out, portBase: 0, tlsCert: tls.certFile, tlsKey: tls.keyFile, tlsCa: tls.caFile });
      try {
        const file = JSON.parse(fs.readFileSync(out, 'utf8')) as { accounts: { platform: string; baseUrl: string; caFile: string }[] };
        expect(file).toEqual(accounts);
        expect(file.accounts.map((a) => a.platform)).toEqual([...PLATFORMS]);
        const call = fetchWithCa(tls.ca);
        for (const a of file.accounts) {
          expect(a.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
          // The CA lies outside the accounts file's folder: an absolute path that resolves from anywhere.
          expect(a.caFile).toBe(tls.caFile);
          const info = (await (await call(`${new URL(a.baseUrl).origin}/_sim/info`)).json()) as { platform: string };
          expect(info.platform).toBe(a.platform);
        }
        // Nobody trusts the private CA by default.
        await expect(fetch(`${new URL(file.accounts[0].baseUrl).origin}/_sim/info`)).rejects.toThrow();
        const faults = await call(`${new URL(file.accounts[3].baseUrl).origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reset: true }) });
        expect(faults.ok).toBe(true);
      } finally {
        await served.close();
      }
    });

    it('writes caFile relative to the accounts file when the CA lies in its folder', async () => {
      const dir = path.join(tls.dir, 'rel');
      fs.mkdirSync(path.join(dir, 'certs'), { recursive: true });
      const ca = path.join(dir, 'certs', 'ca.pem');
      fs.copyFileSync(tls.caFile, ca);
      const { served, accounts } = await startMocks({ cards: 10, seed: 4, out: path.join(dir, 'acc.json'), portBase: 0, tlsCert: tls.certFile, tlsKey: tls.keyFile, tlsCa: ca });
      await served.close();
      expect(accounts.accounts.map((a) => a.caFile)).toEqual(Array(PLATFORMS.length).fill(path.join('certs', 'ca.pem')));
    });

    it('refuses a certificate file that is not PEM before serving anything', async () => {
      const out = path.join(tls.dir, 'bad', 'acc.json');
      await expect(startMocks({ cards: 10, seed: 4, out, portBase: 0, tlsCert: tls.keyFile, tlsKey: tls.keyFile })).rejects.toThrow(/--tls-cert .* is not a PEM file/);
      await expect(startMocks({ cards: 10, seed: 4, out, portBase: 0, tlsCert: path.join(tls.dir, 'nope.pem'), tlsKey: tls.keyFile })).rejects.toThrow(/--tls-cert .* cannot be read \(ENOENT\)/);
      expect(fs.existsSync(out)).toBe(false);
    });
  });
});
