import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Stack } from './stack';

/** A standalone worker (apps/worker, from the sources) in its own process, with its log lines kept. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/**
 * Starts a worker on the stack's PostgreSQL schema and Redis prefix, with the stack's quota settings and a short
 * queue lock (a killed worker's job is taken over within seconds).
 */
export function startWorkerProcess(name: string, stack: Stack, databaseUrl: string, redisUrl: string, lockMs = 2000): WorkerProcess {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${stack.schema}`);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, '../../apps/worker/src/main.ts')], {
    cwd: path.join(__dirname, '../..'),
    env: {
      ...process.env,
      SIMGATE_CARRIERS: stack.accountsFile,
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl,
      SIMGATE_REDIS_PREFIX: stack.config.redisPrefix,
      SIMGATE_QUOTA_FACTOR: String(stack.config.quotaFactor),
      SIMGATE_QUOTA_MARGIN_MS: String(stack.config.quotaMarginMs),
      SIMGATE_WORKER_METRICS_PORT: '0',
      SIMGATE_QUEUE_LOCK_MS: String(lockMs),
      SIMGATE_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) readline.createInterface({ input: s }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, lines, exited };
}
