import { randomBytes } from 'node:crypto';
import Bull from 'bull';
import Redis from 'ioredis';
import { BullJobQueue } from './bull-queue';
import { PermanentJobError, type JobQueue, type QueuedJob } from './job-queue';
import { MemoryJobQueue } from './memory-queue';

interface Payload {
  n: number;
}
type OnError = (job: QueuedJob<Payload>, error: unknown, final: boolean) => void;

interface Harness {
  name: string;
  make(onError?: OnError): JobQueue<Payload>;
  cleanup(): Promise<void>;
  /** Bull removes finished jobs (removeOnComplete/removeOnFail): its completed/failed counts stay 0. */
  keepsFinishedCounts: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise the test resolves by hand. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

const memoryHarness = (): Harness => {
  const made: JobQueue<Payload>[] = [];
  return {
    name: 'MemoryJobQueue',
    keepsFinishedCounts: true,
    make(onError) {
      const q = new MemoryJobQueue<Payload>(`q-${randomBytes(4).toString('hex')}`, onError);
      made.push(q);
      return q;
    },
    async cleanup() {
      for (const q of made.splice(0)) await q.close();
    },
  };
};

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) {
  console.log('REDIS_URL is not set: BullJobQueue tests are skipped (they run in CI).');
}

const bullHarness = (): Harness => {
  const made: { q: JobQueue<Payload>; prefix: string }[] = [];
  return {
    name: 'BullJobQueue',
    keepsFinishedCounts: false,
    make(onError) {
      const prefix = `test-bull-${randomBytes(6).toString('hex')}`;
      const bull = new Bull<Payload>(`q-${randomBytes(4).toString('hex')}`, REDIS_URL!, { prefix });
      const q = new BullJobQueue<Payload>(bull, onError);
      made.push({ q, prefix });
      return q;
    },
    async cleanup() {
      const redis = new Redis(REDIS_URL!);
      try {
        for (const { q, prefix } of made.splice(0)) {
          await q.close();
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length) await redis.del(...keys);
        }
      } finally {
        await redis.quit();
      }
    },
  };
};

const harnesses: Harness[] = [memoryHarness(), ...(REDIS_URL ? [bullHarness()] : [])];

describe.each(harnesses.map((h) => [h.name, h] as const))('%s', (_name, h) => {
  afterEach(() => h.cleanup());

  it('runs jobs and drains', async () => {
    const q = h.make();
    const seen: number[] = [];
    q.process(2, async (job) => {
      seen.push(job.data.n);
    });
    for (let n = 0; n < 5; n++) await q.add('job', { n });
    await q.drained(5000);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    const c = await q.counts();
    expect(c.waiting + c.active + c.delayed).toBe(0);
    if (h.keepsFinishedCounts) expect(c.completed).toBe(5);
  });

  it('dedupes by jobId while the job waits, then while it runs; re-adds after completion', async () => {
    const q = h.make();
    expect(await q.add('job', { n: 1 }, { jobId: 'x' })).toEqual({ id: 'x', added: true });
    expect(await q.add('job', { n: 2 }, { jobId: 'x' })).toEqual({ id: 'x', added: false });
    expect(await q.has('x')).toBe(true);
    const g = gate();
    const runs: number[] = [];
    q.process(1, async (job) => {
      runs.push(job.data.n);
      await g.p;
    });
    await until(() => runs.length === 1);
    // Running: still unique.
    expect((await q.add('job', { n: 3 }, { jobId: 'x' })).added).toBe(false);
    expect(await q.has('x')).toBe(true);
    expect((await q.counts()).active).toBe(1);
    g.open();
    await q.drained(5000);
    expect(await q.has('x')).toBe(false);
    expect((await q.add('job', { n: 4 }, { jobId: 'x' })).added).toBe(true);
    await q.drained(5000);
    expect(runs).toEqual([1, 4]);
  });

  it('runs lower priority numbers first', async () => {
    const q = h.make();
    await q.add('job', { n: 10 }, { priority: 10 });
    await q.add('job', { n: 5 }, { priority: 5 });
    await q.add('job', { n: 1 }, { priority: 1 });
    await q.add('job', { n: 11 }, { priority: 10 });
    const order: number[] = [];
    q.process(1, async (job) => {
      order.push(job.data.n);
    });
    await q.drained(5000);
    expect(order).toEqual([1, 5, 10, 11]);
  });

  it('holds delayed jobs back until their delay passes', async () => {
    const q = h.make();
    const started = Date.now();
    let ranAt = 0;
    q.process(1, async () => {
      ranAt = Date.now() - started;
    });
    // Long enough that a loaded CI machine cannot stall past it between the add and the checks.
    await q.add('job', { n: 1 }, { delayMs: 1500 });
    const c = await q.counts();
    expect(c.delayed).toBe(1);
    expect(ranAt).toBe(0);
    await q.drained(10_000);
    expect(ranAt).toBeGreaterThanOrEqual(1490);
  });

  it('a delayed job added again for "sync now" (priority 1) runs at once', async () => {
    const q = h.make();
    let ran = false;
    q.process(1, async () => {
      ran = true;
    });
    await q.add('job', { n: 1 }, { jobId: 'd', delayMs: 60_000, priority: 10 });
    expect((await q.add('job', { n: 1 }, { jobId: 'd', priority: 1 })).added).toBe(false);
    await until(() => ran, 3000);
  });

  it('retries a failing job with exponential backoff, then reports the final failure', async () => {
    const errors: [number, boolean][] = [];
    const q = h.make((job, _e, final) => errors.push([job.attemptsMade, final]));
    const times: number[] = [];
    q.process(1, async () => {
      times.push(Date.now());
      throw new Error('nope');
    });
    await q.add('job', { n: 1 }, { attempts: 3, backoffMs: 40 });
    await until(() => errors.length === 3);
    await q.drained(5000);
    expect(times).toHaveLength(3);
    expect(errors).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    // 40 ms, then 80 ms (timers may fire a little early or late: allow a few ms).
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(35);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(75);
    if (h.keepsFinishedCounts) expect((await q.counts()).failed).toBe(1);
  });

  it('a job that fails then passes completes', async () => {
    const q = h.make();
    let calls = 0;
    q.process(1, async () => {
      if (++calls < 2) throw new Error('once');
    });
    await q.add('job', { n: 1 }, { attempts: 3, backoffMs: 10, jobId: 'j' });
    await until(async () => calls === 2 && !(await q.has('j')));
    await q.drained(5000);
    expect(calls).toBe(2);
  });

  it('drops a job that throws PermanentJobError without retrying it', async () => {
    const errors: boolean[] = [];
    const q = h.make((_j, e, final) => {
      expect(e).toBeInstanceOf(PermanentJobError);
      errors.push(final);
    });
    let calls = 0;
    q.process(1, async () => {
      calls++;
      throw new PermanentJobError('not configured');
    });
    await q.add('job', { n: 1 }, { attempts: 5, backoffMs: 10, jobId: 'p' });
    await until(() => errors.length === 1);
    await q.drained(5000);
    await sleep(60);
    expect(calls).toBe(1);
    expect(errors).toEqual([true]);
    expect(await q.has('p')).toBe(false);
  });

  it('drained() waits for running jobs', async () => {
    const q = h.make();
    const g = gate();
    let done = false;
    q.process(1, async () => {
      await g.p;
      done = true;
    });
    await q.add('job', { n: 1 });
    await until(async () => (await q.counts()).active === 1);
    let drained = false;
    const d = q.drained(5000).then(() => (drained = true));
    await sleep(80);
    expect(drained).toBe(false);
    g.open();
    await d;
    expect(done).toBe(true);
  });
});

describe('MemoryJobQueue specifics', () => {
  it('runs up to `concurrency` jobs at once', async () => {
    const q = new MemoryJobQueue<Payload>('c');
    let active = 0;
    let peak = 0;
    q.process(3, async () => {
      active++;
      peak = Math.max(peak, active);
      await sleep(10);
      active--;
    });
    for (let n = 0; n < 10; n++) await q.add('job', { n });
    await q.drained(5000);
    expect(peak).toBe(3);
    await q.close();
  });

  it('drained() rejects after its timeout', async () => {
    const q = new MemoryJobQueue<Payload>('t');
    await q.add('job', { n: 1 });
    await expect(q.drained(30)).rejects.toThrow(/not drained/);
    await q.close();
  });
});
