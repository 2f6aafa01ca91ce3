import { discoverPlatforms } from '@simgate/carriers';
import { SimClock } from '@simgate/mocks';
import { startStack, waitForFullSync, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * Scale-out on real servers: two worker processes share one Redis and one PostgreSQL. Both take work; a
 * worker killed in the middle of a sweep loses its job lock and the other worker runs the job to the end
 * (resuming from the sweep's checkpoint). Runs when REDIS_URL and DATABASE_URL are set (.ci/run sets them).
 */
const REDIS_URL = process.env.REDIS_URL;
const DATABASE_URL = process.env.DATABASE_URL;
const run = REDIS_URL && DATABASE_URL ? describe : describe.skip;
if (!REDIS_URL || !DATABASE_URL) {
   
  console.warn('REDIS_URL / DATABASE_URL not set: the two-worker suite is skipped (it runs in .ci/run).');
}

type Worker = WorkerProcess;

const startWorker = (name: string, stack: Stack): Worker => startWorkerProcess(name, stack, DATABASE_URL!, REDIS_URL!);

const started = (w: Worker, account: string, kind: string) =>
  w.lines.filter((l) => l.includes('"msg":"sync sweep started"') && l.includes(`"account":"${account}"`) && l.includes(`"kind":"${kind}"`)).length;

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

run('two worker processes on Redis and PostgreSQL', () => {
  let stack: Stack;
  let a: Worker;
  let b: Worker;

  beforeAll(async () => {
    stack = await startStack({
      cards: 300,
      clock: SimClock.fixed('2026-11-20T10:00:00+08:00'),
      quotaFactor: 4,
      external: true,
      databaseUrl: DATABASE_URL,
      redisUrl: REDIS_URL,
      worker: false,
    });
    a = startWorker('a', stack);
    b = startWorker('b', stack);
    await waitForFullSync(stack.simgate, 240_000);
  }, 300_000);

  afterAll(async () => {
    for (const w of [a, b]) if (w && w.child.exitCode === null) w.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await stack?.close();
  });

  it('both workers took part in the first full sync, and every card was read', async () => {
    const sweeps = (w: Worker) => w.lines.filter((l) => l.includes('"msg":"sync sweep started"')).length;
    expect(sweeps(a)).toBeGreaterThan(0);
    expect(sweeps(b)).toBeGreaterThan(0);
    const unresolved = await stack.simgate.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cards WHERE raw_status = ''`);
    expect(unresolved.rows[0].n).toBe(0);
    // The bundled simulators serve one account of every platform the registry discovers, 300 cards each.
    expect(await stack.simgate.store.cards.count()).toBe(discoverPlatforms().length * 300);
  });

  it('a worker killed in the middle of a sweep: the other one completes the job', async () => {
    // Jasper's usage sweep: one card per request, one request in flight, a checkpoint every batch.
    const account = 'cucc-main';
    const kind = 'usage';
    const before = (await stack.simgate.store.checkpoints.get(account, kind))!.lastSuccessAt!.getTime();
    const [startedA, startedB] = [started(a, account, kind), started(b, account, kind)];
    const expected = (await stack.simgate.store.checkpoints.get(account, kind))!.cards;
    await stack.simgate.engine.requestSweep(account, kind, 'manual');
    // Whoever takes the job is killed as soon as the sweep has saved its first checkpoint.
    await until('a worker to start the sweep', () => started(a, account, kind) > startedA || started(b, account, kind) > startedB);
    const victim = started(a, account, kind) > startedA ? a : b;
    const survivor = victim === a ? b : a;
    const survivorBefore = started(survivor, account, kind);
    await until('the sweep to save a checkpoint', async () => {
      const cp = await stack.simgate.store.checkpoints.get(account, kind);
      return cp?.state === 'running' && cp.cursor !== null;
    });
    victim.child.kill('SIGKILL');
    await victim.exited;
    await until(
      'the surviving worker to finish the sweep',
      async () => {
        const cp = await stack.simgate.store.checkpoints.get(account, kind);
        return cp?.state === 'idle' && (cp.lastSuccessAt?.getTime() ?? 0) > before;
      },
      120_000,
    );
    expect(started(survivor, account, kind)).toBeGreaterThan(survivorBefore);
    const resumed = survivor.lines.find((l) => l.includes('"msg":"sync sweep started"') && l.includes(`"account":"${account}"`) && l.includes('"resumeFrom":"'));
    expect(resumed).toBeDefined();
    const cp = (await stack.simgate.store.checkpoints.get(account, kind))!;
    expect(cp.cards).toBe(expected);
  }, 180_000);
});
