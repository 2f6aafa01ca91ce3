import type { Job, Queue } from 'bull';
import { PermanentJobError, type JobCounts, type JobOptions, type JobQueue, type QueuedJob } from './job-queue';

/**
 * The queue port on Bull (Redis). Several workers on several machines share one queue: a job id is unique
 * while waiting or running, a worker that dies mid-job loses its lock and the job is moved back to waiting
 * by another worker's stalled-job check, and runs again (sweeps resume from their checkpoint).
 */
export class BullJobQueue<T> implements JobQueue<T> {
  constructor(
    /** The Bull queue itself (the gateway's queue dashboard reads it). */
    readonly queue: Queue<T>,
    private readonly onError: (job: QueuedJob<T>, error: unknown, final: boolean) => void = () => undefined,
  ) {}

  get name(): string {
    return this.queue.name;
  }

  async add(name: string, data: T, options: JobOptions = {}): Promise<{ id: string; added: boolean }> {
    if (options.jobId) {
      const existing = await this.queue.getJob(options.jobId);
      if (existing) {
        const state = await existing.getState();
        if (state === 'waiting' || state === 'delayed' || state === 'active' || state === 'paused') {
          if (state === 'delayed' && options.priority !== undefined && options.priority <= 1) await existing.promote().catch(() => undefined);
          return { id: String(existing.id), added: false };
        }
        // Finished jobs kept by Bull would block the id: remove and add anew.
        await existing.remove().catch(() => undefined);
      }
    }
    const job = await this.queue.add(name, data, {
      jobId: options.jobId,
      priority: options.priority ?? 10,
      delay: options.delayMs,
      attempts: options.attempts ?? 1,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
    return { id: String(job.id), added: true };
  }

  process(concurrency: number, handler: (job: QueuedJob<T>) => Promise<void>): void {
    void this.queue.process('*', concurrency, async (job: Job<T>) => {
      const q: QueuedJob<T> = { id: String(job.id), name: job.name, data: job.data, attemptsMade: job.attemptsMade + 1 };
      try {
        await handler(q);
      } catch (err) {
        const final = err instanceof PermanentJobError || q.attemptsMade >= (job.opts.attempts ?? 1);
        this.onError(q, err, final);
        if (err instanceof PermanentJobError) await job.discard();
        throw err;
      }
    });
  }

  async has(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state === 'waiting' || state === 'delayed' || state === 'active' || state === 'paused';
  }

  async counts(): Promise<JobCounts> {
    const c = await this.queue.getJobCounts();
    return { waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed, completed: c.completed };
  }

  async drained(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.counts();
      if (c.waiting + c.active + c.delayed === 0) return;
      if (Date.now() > until) throw new Error(`queue ${this.name} not drained after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
