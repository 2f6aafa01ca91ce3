import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { Carrier, type AdapterManifest } from '@simgate/core';
import { createTestTls, type TestTls } from '@simgate/mocks/testing/tls';
import { fakeManifest } from '../testing/fake-platform';
import { ConfigError, loadAccountsFile } from './accounts-file';

/** An account's `caFile` (a carrier behind a private CA): resolved like `cards`, read and checked at load. */
const MANIFEST: AdapterManifest = {
  ...fakeManifest('intl-1nce', 10),
  carrier: Carrier.OVERSEAS,
  label: '1NCE',
  credentials: [
    { name: 'username', label: 'User', secret: false },
    { name: 'password', label: 'Password', secret: true },
  ],
  quotas: { account: { points: 10, durationSeconds: 1 }, maxInFlight: null, endpoints: [] },
};
const lookup = (id: string) => (id === MANIFEST.id ? MANIFEST : undefined);
const SECRET = 'pw-very-secret-1';
const account = (extra: Record<string, unknown> = {}) => ({
  id: 'intl-main',
  platform: 'intl-1nce',
  baseUrl: 'https://127.0.0.1:7104/management-api/',
  credentials: { username: 'u', password: SECRET },
  ...extra,
});

describe('accounts file: caFile', () => {
  let tls: TestTls;
  let dir: string;
  beforeAll(() => {
    tls = createTestTls();
    dir = path.join(tls.dir, 'conf');
    fs.mkdirSync(path.join(dir, 'certs'), { recursive: true });
    fs.copyFileSync(tls.caFile, path.join(dir, 'certs', 'carrier-ca.pem'));
  });
  afterAll(() => tls.remove());

  const write = (name: string, accounts: unknown[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ accounts }));
    return file;
  };
  const errorOf = (file: string): string => {
    try {
      loadAccountsFile(file, lookup);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads the CA relative to the accounts file folder (not the working directory) and keeps its certificates', () => {
    const [a] = loadAccountsFile(write('rel.json', [account({ caFile: 'certs/carrier-ca.pem' })]), lookup);
    expect(a.caFile).toBe('certs/carrier-ca.pem');
    expect(new X509Certificate(a.ca!).fingerprint256).toBe(new X509Certificate(tls.ca).fingerprint256);
  });

  it('takes an absolute path, and a bundle of several certificates', () => {
    const bundle = path.join(dir, 'bundle.pem');
    const other = createTestTls({ commonName: 'another carrier' });
    try {
      fs.writeFileSync(bundle, `# two CAs\n${tls.ca}\n${other.ca}`);
      const [a] = loadAccountsFile(write('abs.json', [account({ caFile: bundle })]), lookup);
      expect(a.ca!.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      expect(a.ca).not.toContain('# two CAs');
    } finally {
      other.remove();
    }
  });

  it('an account without caFile uses the default CA store', () => {
    const [a] = loadAccountsFile(write('none.json', [account()]), lookup);
    expect(a.ca).toBeUndefined();
  });

  it('a missing file stops loading with the account, the field and the path', () => {
    const msg = errorOf(write('missing.json', [account({ caFile: 'certs/nope.pem' })]));
    expect(msg).toContain("account 'intl-main', field 'caFile'");
    expect(msg).toContain(path.join(dir, 'certs/nope.pem'));
    expect(msg).toMatch(/cannot be read \(ENOENT\)/);
    expect(msg).not.toContain(SECRET);
  });

  it('a folder, a non-PEM file and a private key are refused', () => {
    expect(errorOf(write('folder.json', [account({ caFile: 'certs' })]))).toMatch(
      /field 'caFile'.*cannot be read \(EISDIR\)/,
    );
    fs.writeFileSync(path.join(dir, 'certs', 'der.bin'), new X509Certificate(tls.ca).raw);
    expect(errorOf(write('der.json', [account({ caFile: 'certs/der.bin' })]))).toMatch(
      /field 'caFile'.*holds no PEM certificate/,
    );
    fs.copyFileSync(tls.keyFile, path.join(dir, 'certs', 'key.pem'));
    const msg = errorOf(write('key.json', [account({ caFile: 'certs/key.pem' })]));
    expect(msg).toMatch(/holds no PEM certificate/);
    // Nothing of the key is echoed.
    expect(msg).not.toContain(tls.key.split('\n')[1]);
  });

  it('a PEM block that is not a certificate stops loading', () => {
    fs.writeFileSync(
      path.join(dir, 'certs', 'broken.pem'),
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    expect(errorOf(write('broken.json', [account({ caFile: 'certs/broken.pem' })]))).toMatch(
      /account 'intl-main', field 'caFile': .* certificate #1 does not parse as X\.509/,
    );
  });

  it('an empty caFile is a format error', () => {
    expect(errorOf(write('empty.json', [account({ caFile: '' })]))).toContain(
      "account 'intl-main', field 'caFile'",
    );
  });
});
