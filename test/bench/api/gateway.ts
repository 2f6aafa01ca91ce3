/**
 * The gateway under test of the console API benchmarks: simgate on a seeded schema with the bench accounts
 * (dummy carrier URLs: no worker, no carrier call), and the gateway listening on a free loopback port.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type pino from 'pino';
import type { Store } from '@simgate/store';
import { Simgate, createLogger, loadConfig } from '@simgate/sync';
import { createGateway } from '../../../apps/gateway/src/bootstrap';
import { BENCH_ACCOUNTS } from './seed';

/**
 * Inbound protection stays on (as in production), with budgets no benchmark reaches: the limiter's work is in
 * every figure, its 429s in none. `env` overrides (protection.ts turns it off and on), `logger` receives the
 * access log (silent by default).
 */
const BENCH_BUDGETS = { SIMGATE_RATE_REQUESTS: '1000000', SIMGATE_RATE_CARDS: '100000000', SIMGATE_AUTH_FAILURES: '100000' };

export async function startBenchSimgate(
  store: Store,
  databaseUrl: string,
  env: Record<string, string> = {},
  logger: pino.Logger = createLogger('silent'),
): Promise<{ simgate: Simgate; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-bench-api-'));
  const accountsFile = path.join(dir, 'accounts.json');
  fs.writeFileSync(accountsFile, JSON.stringify({ accounts: BENCH_ACCOUNTS.map((x) => ({ id: x.id, platform: x.platform, baseUrl: x.baseUrl, credentials: x.credentials })) }, null, 2));
  const config = loadConfig({ SIMGATE_CARRIERS: accountsFile, SIMGATE_DATA_DIR: dir, SIMGATE_LOG_LEVEL: 'silent', SIMGATE_WORKER: 'false', DATABASE_URL: databaseUrl, ...BENCH_BUDGETS, ...env });
  const simgate = await Simgate.start(config, { store, logger });
  return {
    simgate,
    close: async () => {
      await simgate.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function listenBenchGateway(
  simgate: Simgate,
  apiKey: string,
): Promise<{ app: Awaited<ReturnType<typeof createGateway>>; url: string; close(): Promise<void> }> {
  const app = await createGateway(simgate, { apiKeys: [apiKey], metricsToken: null, worker: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  return { app, url, close: () => app.close() };
}
