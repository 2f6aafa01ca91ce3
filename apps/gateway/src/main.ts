import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ConfigError, Simgate, createLogger, loadConfig, openSyncQueue } from '@simgate/sync';
import { createGateway } from './bootstrap';
import type { BundledSimulators } from './bundled-simulators';

/**
 * `npm start`: the gateway and, unless SIMGATE_WORKER=false, the sync worker in one process. With no
 * SIMGATE_CARRIERS the bundled simulators run too; with no DATABASE_URL / REDIS_URL the embedded PGlite and
 * the in-process queue are used.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let sims: BundledSimulators | null = null;
  if (!config.carriersFile) {
    // Loaded only here: a gateway with carrier accounts never loads the simulators' code.
    const { startBundledSimulators } = await import('./bundled-simulators');
    const cards = Number(process.env.SIMGATE_DEMO_CARDS ?? 500);
    sims = await startBundledSimulators(config.dataDir, cards, Number(process.env.SIMGATE_DEMO_SEED ?? 42));
    config.carriersFile = sims.accountsFile;
    logger.info(
      { accountsFile: sims.accountsFile, simulators: sims.served.servers.map((s) => s.baseUrl), cardsPerPlatform: cards },
      'SIMGATE_CARRIERS not set: bundled carrier simulators started',
    );
  }
  // With REDIS_URL, the sync queue is made by @nestjs/bull (SyncQueueModule); without it, in-process.
  const syncQueue = await openSyncQueue(config);
  const simgate = await Simgate.start(config, { logger, bullQueue: syncQueue?.queue }).catch(async (e: unknown) => {
    await syncQueue?.close();
    throw e;
  });
  let apiKeys = config.apiKeys;
  if (!apiKeys.length) {
    const key = await simgate.store.settings.getOrCreate('embedded-api-key', `sg_${randomBytes(24).toString('base64url')}`);
    apiKeys = [key];
    // Printed once per start so the console user can copy it; stored, so it survives restarts.
    process.stdout.write(`\nsimgate API key (embedded default; set SIMGATE_API_KEYS to choose your own):\n  ${key}\n\n`);
  }
  const app = await createGateway(simgate, { apiKeys, metricsToken: config.metricsToken, worker: config.runWorker });
  await app.listen(config.port, '0.0.0.0');
  const url = `http://127.0.0.1:${config.port}`;
  logger.info(
    {
      url,
      docs: `${url}/docs`,
      metrics: `${url}/metrics`,
      database: config.databaseUrl ? 'postgresql' : `pglite (${config.dataDir})`,
      queue: config.redisUrl ? 'redis' : 'in-process',
      accounts: simgate.accounts.map((a) => a.id),
      worker: config.runWorker,
    },
    'simgate is running',
  );
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await app.close();
    await simgate.close();
    await syncQueue?.close();
    if (sims) await sims.served.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  // Configuration errors name the variable, account and field; nothing else is printed (no secrets).
  process.stderr.write(`simgate: ${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
