import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { LoadJob, LoadResult } from './load';

/** Runs one load job in a process of its own (load.ts over IPC), so the generator shares no event loop or http module. */
export function loadInChild(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | null = null;
    child.once('message', (m) => (result = m as LoadResult));
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))));
    child.send(job);
  });
}
