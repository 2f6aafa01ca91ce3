import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import type { AdapterManifest } from '@simgate/core';
import { fakeManifest } from '../testing/fake-platform';
import { ConfigError, loadAccountsFile, parseAccounts, secretsOf } from './accounts-file';
import { loadConfig } from './env';

function manifest(id: string, credentials: AdapterManifest['credentials']): AdapterManifest {
  return { ...fakeManifest(id, 10), label: id, credentials, quotas: { account: { points: 10, durationSeconds: 1 }, maxInFlight: null, endpoints: [] } };
}

const MANIFESTS = new Map<string, AdapterManifest>([
  [
    'ctcc-cmp',
    manifest('ctcc-cmp', [
      { name: 'userId', label: 'User id', secret: false },
      { name: 'password', label: 'Password', secret: true },
      { name: 'key', label: 'Key', secret: true, pattern: '^.{9}$' },
    ]),
  ],
  [
    'with-options',
    {
      ...manifest('with-options', [{ name: 'password', label: 'Password', secret: true }]),
      options: z.object({ planMb: z.number().nonnegative().nullable().default(null), cardKey: z.enum(['iccid', 'msisdn']).default('iccid') }).strict(),
    },
  ],
  ['intl-1nce', manifest('intl-1nce', [{ name: 'username', label: 'User', secret: false }, { name: 'password', label: 'Password', secret: true }])],
]);
const lookup = (id: string) => MANIFESTS.get(id);

const SECRET_KEY = 'S3cr3t-K3y-that-is-too-long';
const good = () => ({
  id: 'ctcc-main',
  platform: 'ctcc-cmp',
  baseUrl: 'http://127.0.0.1:7103/m2m_ec/query.do',
  credentials: { userId: 'u1', password: 'pw-secret-1', key: 'abcdefghi' },
});

/** The ConfigError message parseAccounts throws for a file. */
function errorOf(json: unknown, baseDir = '/etc/simgate'): string {
  try {
    parseAccounts(json, baseDir, lookup);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseAccounts', () => {
  it('accepts a valid file and resolves `cards` against the file folder', () => {
    const accounts = parseAccounts(
      {
        accounts: [
          { ...good(), cards: 'cards/ctcc.csv', quotas: { requestsPerSecond: 50, maxInFlight: 4 } },
          { id: 'intl-main', platform: 'intl-1nce', baseUrl: 'https://api.1nce.com/management-api/', credentials: { username: 'u', password: 'p' } },
        ],
      },
      '/etc/simgate',
      lookup,
    );
    expect(accounts).toHaveLength(2);
    expect(accounts[0].cardsPath).toBe(path.resolve('/etc/simgate', 'cards/ctcc.csv'));
    expect(accounts[0].quotas).toEqual({ requestsPerSecond: 50, maxInFlight: 4 });
    expect(accounts[1].cardsPath).toBeNull();
  });

  it('keeps an absolute `cards` path as it is', () => {
    const [a] = parseAccounts({ accounts: [{ ...good(), cards: '/data/c.csv' }] }, '/etc/simgate', lookup);
    expect(a.cardsPath).toBe('/data/c.csv');
  });

  it('names the account and field for an unknown platform', () => {
    const m = errorOf({ accounts: [{ ...good(), platform: 'cmcc-nope' }] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain("field 'platform'");
    expect(m).toContain('cmcc-nope');
  });

  it('names the account and credential field when one is missing or empty', () => {
    const { key: _k, ...creds } = good().credentials;
    const m = errorOf({ accounts: [{ ...good(), credentials: creds }] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain("field 'credentials.key'");
    const empty = errorOf({ accounts: [{ ...good(), credentials: { ...good().credentials, password: '' } }] });
    expect(empty).toContain("field 'credentials.password'");
  });

  it('names the field on a pattern mismatch and never echoes the value', () => {
    const m = errorOf({ accounts: [{ ...good(), credentials: { ...good().credentials, key: SECRET_KEY } }] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain("field 'credentials.key'");
    expect(m).not.toContain(SECRET_KEY);
    expect(m).not.toContain('S3cr3t');
    // Nor any other credential of the account.
    expect(m).not.toContain('pw-secret-1');
  });

  it('never echoes a secret when a credential has the wrong type', () => {
    const m = errorOf({ accounts: [{ ...good(), credentials: { ...good().credentials, password: 123456789 } }] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain('credentials.password');
    expect(m).not.toContain('123456789');
  });

  it('names an unknown credential field', () => {
    const m = errorOf({ accounts: [{ ...good(), credentials: { ...good().credentials, token: 'zzz-secret' } }] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain("field 'credentials.token'");
    expect(m).not.toContain('zzz-secret');
  });

  it('names a duplicate account id', () => {
    const m = errorOf({ accounts: [good(), good()] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain("field 'id'");
    expect(m).toMatch(/duplicate/);
  });

  it('names a bad URL', () => {
    const m = errorOf({ accounts: [{ ...good(), baseUrl: 'not a url' }] });
    expect(m).toContain("account 'ctcc-main'");
    expect(m).toContain("field 'baseUrl'");
  });

  it('names an unknown key of an account and of the file', () => {
    const acc = errorOf({ accounts: [{ ...good(), colour: 'red' }] });
    expect(acc).toContain("account 'ctcc-main'");
    expect(acc).toContain('colour');
    const top = errorOf({ accounts: [good()], extra: true });
    expect(top).toContain('extra');
  });

  it('names an account without a usable id by its position', () => {
    const m = errorOf({ accounts: [good(), { ...good(), id: 7 }] });
    expect(m).toContain('account #2');
    expect(m).toContain("field 'id'");
  });

  it('refuses an empty account list and bad quota overrides', () => {
    expect(errorOf({ accounts: [] })).toMatch(/at least one account/);
    const q = errorOf({ accounts: [{ ...good(), quotas: { requestsPerSecond: -1 } }] });
    expect(q).toContain("field 'quotas.requestsPerSecond'");
    const k = errorOf({ accounts: [{ ...good(), quotas: { burst: 3 } }] });
    expect(k).toContain('burst');
  });

  it('takes an order processing time in seconds and refuses one that is not a positive number', () => {
    const [a] = parseAccounts({ accounts: [{ ...good(), orderProcessingSeconds: 90 }] }, '/etc/simgate', lookup);
    expect(a.orderProcessingSeconds).toBe(90);
    expect(errorOf({ accounts: [{ ...good(), orderProcessingSeconds: 0 }] })).toContain("field 'orderProcessingSeconds'");
    expect(errorOf({ accounts: [{ ...good(), orderProcessingSeconds: '1h' }] })).toContain("field 'orderProcessingSeconds'");
  });
});

describe('parseAccounts: options and the order deadline', () => {
  const withOptions = (extra: Record<string, unknown> = {}) => ({
    id: 'opt-main',
    platform: 'with-options',
    baseUrl: 'http://127.0.0.1:7109/',
    credentials: { password: 'pw-secret-1' },
    ...extra,
  });

  it("validates each account's options against its platform's schema at load, naming the account and the option", () => {
    const [a] = parseAccounts({ accounts: [withOptions({ options: { planMb: 100, cardKey: 'msisdn' } })] }, '/etc/simgate', lookup);
    expect(a.options).toEqual({ planMb: 100, cardKey: 'msisdn' });
    const wrongType = errorOf({ accounts: [withOptions({ options: { planMb: '100' } })] });
    expect(wrongType).toContain("account 'opt-main'");
    expect(wrongType).toContain("field 'options.planMb'");
    const wrongValue = errorOf({ accounts: [withOptions({ options: { cardKey: 'imsi' } })] });
    expect(wrongValue).toContain("account 'opt-main', field 'options.cardKey'");
    const unknown = errorOf({ accounts: [withOptions({ options: { planMB: 5 } })] });
    expect(unknown).toContain("account 'opt-main', field 'options'");
    expect(unknown).toContain('planMB');
  });

  it('accepts no options when the schema has defaults; a platform without a schema takes any options', () => {
    expect(parseAccounts({ accounts: [withOptions()] }, '/etc/simgate', lookup)[0].options).toBeUndefined();
    const [a] = parseAccounts({ accounts: [{ ...good(), options: { anything: true } }] }, '/etc/simgate', lookup);
    expect(a.options).toEqual({ anything: true });
  });

  it('takes orderDeadlineHours at the top level of an account, a positive number', () => {
    const [a] = parseAccounts({ accounts: [withOptions({ orderDeadlineHours: 48 })] }, '/etc/simgate', lookup);
    expect(a.orderDeadlineHours).toBe(48);
    expect(errorOf({ accounts: [withOptions({ orderDeadlineHours: 0 })] })).toContain("account 'opt-main', field 'orderDeadlineHours'");
    expect(errorOf({ accounts: [withOptions({ orderDeadlineHours: '2d' })] })).toContain("field 'orderDeadlineHours'");
  });

  it('lifts the old spelling options.orderDeadlineHours to the top level, out of the options the schema checks', () => {
    const [a] = parseAccounts({ accounts: [withOptions({ options: { planMb: 5, orderDeadlineHours: 72 } })] }, '/etc/simgate', lookup);
    expect(a.orderDeadlineHours).toBe(72);
    expect(a.options).toEqual({ planMb: 5 });
    expect(errorOf({ accounts: [withOptions({ options: { orderDeadlineHours: -1 } })] })).toContain("account 'opt-main', field 'options.orderDeadlineHours'");
    expect(errorOf({ accounts: [withOptions({ orderDeadlineHours: 24, options: { orderDeadlineHours: 72 } })] })).toContain(
      "account 'opt-main', field 'options.orderDeadlineHours'",
    );
  });
});

describe('loadAccountsFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves a relative `cards` path against the folder of the file, not the working directory', () => {
    const file = path.join(dir, 'carriers.json');
    fs.writeFileSync(file, JSON.stringify({ accounts: [{ ...good(), cards: 'ctcc.csv' }] }));
    const [a] = loadAccountsFile(file, lookup);
    expect(a.cardsPath).toBe(path.join(dir, 'ctcc.csv'));
  });

  it('says when the file cannot be read or is not JSON', () => {
    expect(() => loadAccountsFile(path.join(dir, 'missing.json'), lookup)).toThrow(/cannot be read/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"accounts": [');
    expect(() => loadAccountsFile(bad, lookup)).toThrow(/not valid JSON/);
  });

  it('never echoes the text around a JSON syntax error (it may be a secret)', () => {
    const file = path.join(dir, 'unquoted.json');
    const text = JSON.stringify({ accounts: [{ ...good(), credentials: { ...good().credentials, password: 'XX' } }] }, null, 2);
    fs.writeFileSync(file, text.replace('"XX"', 'TopSecretValue1'));
    expect(() => loadAccountsFile(file, lookup)).toThrow(/not valid JSON/);
    try {
      loadAccountsFile(file, lookup);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/TopSecret|Value1|pw-secret|abcdefghi/);
    }
    const comma = path.join(dir, 'comma.json');
    fs.writeFileSync(comma, text.replace('"XX"', '"TopSecretValue1" "x"'));
    expect(() => loadAccountsFile(comma, lookup)).toThrow(/not valid JSON at line 9/);
    try {
      loadAccountsFile(comma, lookup);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/TopSecret|Value1/);
    }
  });
});

describe('secretsOf', () => {
  it('lists secret and unknown credential values, not the public ones', () => {
    const m = MANIFESTS.get('ctcc-cmp')!;
    const s = secretsOf({ ...good(), credentials: { ...good().credentials, extra: 'unknown-field' } }, m);
    expect(s.sort()).toEqual(['abcdefghi', 'pw-secret-1', 'unknown-field']);
  });
});

describe('loadConfig', () => {
  it('has defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      carriersFile: null,
      databaseUrl: null,
      redisUrl: null,
      dataDir: path.resolve('./data'),
      port: 3000,
      apiKeys: [],
      metricsToken: null,
      intervals: { inventory: 21600, status: 3600, usage: 3600, pools: 3600, orders: 60 },
      budgetFactor: 3,
      quotaFactor: 1,
      quotaMarginMs: 2,
      runWorker: true,
      logLevel: 'info',
      queueLockMs: 30_000,
      workerConcurrency: 8,
      redisPrefix: 'simgate',
      workerMetricsPort: 9464,
    });
  });

  it('reads values from the environment', () => {
    const c = loadConfig({
      PORT: '8080',
      REDIS_URL: 'redis://x:6379',
      SIMGATE_API_KEYS: ' k1, ,k2 ',
      SIMGATE_SYNC_STATUS_SECONDS: '120',
      SIMGATE_QUOTA_FACTOR: '0.5',
      SIMGATE_WORKER: 'false',
    });
    expect(c.port).toBe(8080);
    expect(c.redisUrl).toBe('redis://x:6379');
    expect(c.apiKeys).toEqual(['k1', 'k2']);
    expect(c.intervals.status).toBe(120);
    expect(c.quotaFactor).toBe(0.5);
    expect(c.runWorker).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['SIMGATE_SYNC_USAGE_SECONDS', '0'],
    ['SIMGATE_QUOTA_FACTOR', '-2'],
    ['SIMGATE_WORKER', 'yes'],
    ['SIMGATE_LOG_LEVEL', 'loud'],
    ['SIMGATE_REDIS_PREFIX', 'has space'],
  ])('names the variable %s when its value %s is bad', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`environment variable ${name}\\b`));
  });
});

describe('loadConfig: inbound protection', () => {
  it('defaults: 6,000 requests a minute and 50,000 cards an hour per key, 20 failures in 15 minutes block for 15 minutes, no proxy trusted', () => {
    const p = loadConfig({}).protection;
    expect(p).toEqual({
      enabled: true,
      requests: { points: 6000, windowSeconds: 60 },
      cards: { points: 50_000, windowSeconds: 3600 },
      authFailures: { points: 20, windowSeconds: 900, blockSeconds: 900 },
      trustProxy: false,
      accessLog: true,
      queueDashboard: true,
    });
  });

  it('SIMGATE_TRUST_PROXY as Express takes it: booleans, hop counts, else addresses and subnets as written', () => {
    const trust = (v: string) => loadConfig({ SIMGATE_TRUST_PROXY: v }).protection.trustProxy;
    expect(trust('true')).toBe(true);
    expect(trust('false')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });

  it('refuses a budget that is no number or zero, naming the variable', () => {
    expect(() => loadConfig({ SIMGATE_RATE_REQUESTS: '0' })).toThrow(/SIMGATE_RATE_REQUESTS/);
    expect(() => loadConfig({ SIMGATE_AUTH_FAILURES: 'many' })).toThrow(/SIMGATE_AUTH_FAILURES/);
    expect(() => loadConfig({ SIMGATE_RATE_LIMITS: 'maybe' })).toThrow(/SIMGATE_RATE_LIMITS/);
  });
});
