import 'reflect-metadata';
import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'express';
import { ConfigError, SYNC_SIMGATE, Simgate, SyncWorkerModule, createLogger, loadConfig, openSyncQueue } from '@simgate/sync';

/** A standalone worker's /metrics (and /health), on SIMGATE_WORKER_METRICS_PORT. */
@Controller()
class WorkerMetricsController {
  constructor(@Inject(SYNC_SIMGATE) private readonly sg: Simgate) {}

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('content-type', this.sg.metrics.contentType);
    res.send(await this.sg.metrics.render());
  }

  @Get('health')
  health() {
    return { status: 'ok', role: 'worker', accounts: this.sg.accounts.length };
  }
}

@Module({})
class WorkerModule {
  static forRoot(simgate: Simgate): DynamicModule {
    return {
      module: WorkerModule,
      imports: [SyncWorkerModule.forRoot(simgate)],
      controllers: [WorkerMetricsController],
      providers: [{ provide: SYNC_SIMGATE, useValue: simgate }],
    };
  }
}

/**
 * A worker process: queue processors and schedules, no console API. Run several on several machines
 * against one Redis (REDIS_URL) and one PostgreSQL (DATABASE_URL); they share the work safely.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.carriersFile) throw new ConfigError('a standalone worker needs SIMGATE_CARRIERS (the carrier accounts file)');
  if (!config.redisUrl || !config.databaseUrl) {
    logger.warn('a standalone worker without REDIS_URL and DATABASE_URL shares nothing with other processes');
  }
  // With REDIS_URL, the sync queue is made by @nestjs/bull (SyncQueueModule); without it, in-process.
  const syncQueue = await openSyncQueue(config);
  const simgate = await Simgate.start(config, { logger, bullQueue: syncQueue?.queue }).catch(async (e: unknown) => {
    await syncQueue?.close();
    throw e;
  });
  // No enableShutdownHooks(): Nest's signal handler would re-raise the signal (ending the process) before
  // `stop` below has closed Simgate and the queue; `stop` runs the Nest shutdown hooks itself (app.close()).
  const app = await NestFactory.create(WorkerModule.forRoot(simgate), { logger: false });
  await app.listen(config.workerMetricsPort, '0.0.0.0');
  logger.info({ metrics: `http://127.0.0.1:${config.workerMetricsPort}/metrics`, accounts: simgate.accounts.map((a) => a.id) }, 'simgate worker running');
  const stop = async () => {
    await app.close();
    await simgate.close();
    await syncQueue?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`simgate worker: ${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
