import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Throwaway TLS material for tests: a private CA and a server certificate for 127.0.0.1 / localhost / ::1
 * signed by it, generated at test time with the openssl CLI (Debian's openssl is on the dev machines and in
 * CI; no npm dependency, and the certificates are what a real private CA issues: X.509 v3, SAN, serverAuth).
 * Keys are P-256 (fast to generate on a busy machine). Nothing is trusted system-wide: a client trusts the CA
 * only when given `ca` / `caFile` (a carrier account's `caFile`, `fetchWithCa`, NODE_EXTRA_CA_CERTS for a child).
 */
export interface TestTls {
  /** The temp folder holding the files. */
  dir: string;
  /** PEM files. */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEM texts of the same files. */
  ca: string;
  cert: string;
  key: string;
  /** What `serve()` / `serveAll()` / the simulators' CLI (`--tls-cert/--tls-key`) take. */
  server: { key: string; cert: string };
  /** Deletes the folder (idempotent). */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

/**
 * Generates a CA and a server certificate into `dir` (default: a new temp folder). Synchronous, ~100 ms;
 * call it in `beforeAll` and `remove()` in `afterAll`.
 */
export function createTestTls(options: { dir?: string; commonName?: string; days?: number } = {}): TestTls {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-tls-'));
  fs.mkdirSync(dir, { recursive: true });
  const days = String(options.days ?? 30);
  const cn = options.commonName ?? 'simgate test carrier';
  const caKey = path.join(dir, 'ca.key');
  const caFile = path.join(dir, 'ca.pem');
  const keyFile = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const certFile = path.join(dir, 'server.pem');
  const ext = path.join(dir, 'server.ext');
  const ecKey = (out: string) =>
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out], dir);
  ecKey(caKey);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      caKey,
      '-sha256',
      '-days',
      days,
      '-subj',
      `/CN=${cn} CA`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      caFile,
    ],
    dir,
  );
  ecKey(keyFile);
  openssl(['req', '-new', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', csr], dir);
  fs.writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      caFile,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-sha256',
      '-days',
      days,
      '-extfile',
      ext,
      '-out',
      certFile,
    ],
    dir,
  );
  const ca = fs.readFileSync(caFile, 'utf8');
  const cert = fs.readFileSync(certFile, 'utf8');
  const key = fs.readFileSync(keyFile, 'utf8');
  return {
    dir,
    caFile,
    certFile,
    keyFile,
    ca,
    cert,
    key,
    server: { key, cert },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The subset of a fetch Response the test helpers read. */
export interface CaResponse {
  ok: boolean;
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/**
 * A `fetch`-like call that trusts `ca` (PEM) for https URLs (Node 20's global fetch cannot be given a CA
 * without the undici package); plain http URLs go to the global fetch. For the simulators' /_sim/ control
 * API and the like in tests: `const call = fetchWithCa(tls.ca); await call(url, { method: 'POST', body })`.
 */
export function fetchWithCa(
  ca: string | Buffer,
): (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<CaResponse> {
  return async (url, init = {}) => {
    if (!url.startsWith('https:')) {
      const res = await fetch(url, init);
      const text = await res.text();
      return wrap(res.status, text);
    }
    return new Promise<CaResponse>((resolve, reject) => {
      const req = https.request(
        url,
        { method: init.method ?? 'GET', headers: init.headers, ca, agent: false, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(wrap(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
      req.on('error', reject);
      req.end(init.body);
    });
  };
}

function wrap(status: number, text: string): CaResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}
