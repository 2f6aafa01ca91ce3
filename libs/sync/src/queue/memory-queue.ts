import { randomUUID } from 'node:crypto';
import { PermanentJobError, type JobCounts, type JobOptions, type JobQueue, type QueuedJob } from './job-queue';

interface Entry<T> {
  job: QueuedJob<T>;
  priority: number;
  seq: number;
  readyAt: number;
  attempts: number;
  backoffMs: number;
}

/** The in-process queue: the same semantics as the Bull queue, without Redis. Jobs do not survive a restart. */
export class MemoryJobQueue<T> implements JobQueue<T> {
  private readonly waiting: Entry<T>[] = [];
  private readonly ids = new Set<string>();
  private active = 0;
  private completed = 0;
  private failed = 0;
  private seq = 0;
  private handler: ((job: QueuedJob<T>) => Promise<void>) | null = null;
  private concurrency = 1;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly onError: (job: QueuedJob<T>, error: unknown, final: boolean) => void = () => undefined,
  ) {}

  async add(name: string, data: T, options: JobOptions = {}): Promise<{ id: string; added: boolean }> {
    const id = options.jobId ?? randomUUID();
    if (this.ids.has(id)) {
      // Sync now for a job already waiting: move it up.
      const e = this.waiting.find((w) => w.job.id === id);
      if (e && options.priority !== undefined && options.priority < e.priority) {
        e.priority = options.priority;
        e.readyAt = Math.min(e.readyAt, Date.now());
        // A delayed job moved up must not wait for the timer set for its old delay.
        this.pump();
      }
      return { id, added: false };
    }
    this.ids.add(id);
    this.waiting.push({
      job: { id, name, data, attemptsMade: 0 },
      priority: options.priority ?? 10,
      seq: this.seq++,
      readyAt: Date.now() + (options.delayMs ?? 0),
      attempts: options.attempts ?? 1,
      backoffMs: options.backoffMs ?? 1000,
    });
    this.pump();
    return { id, added: true };
  }

  process(concurrency: number, handler: (job: QueuedJob<T>) => Promise<void>): void {
    this.handler = handler;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  async has(jobId: string): Promise<boolean> {
    return this.ids.has(jobId);
  }

  async counts(): Promise<JobCounts> {
    const now = Date.now();
    const delayed = this.waiting.filter((w) => w.readyAt > now).length;
    return { waiting: this.waiting.length - delayed, delayed, active: this.active, completed: this.completed, failed: this.failed };
  }

  private next(now: number): Entry<T> | null {
    let best = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i];
      if (w.readyAt > now) continue;
      const b = this.waiting[best];
      if (best < 0 || w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
    }
    return best < 0 ? null : this.waiting.splice(best, 1)[0];
  }

  private pump(): void {
    if (!this.handler || this.closed) return;
    const now = Date.now();
    while (this.active < this.concurrency) {
      const e = this.next(now);
      if (!e) break;
      this.run(e);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const soonest = this.waiting.reduce((m, w) => Math.min(m, w.readyAt), Infinity);
    if (soonest !== Infinity && this.active < this.concurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, soonest - now));
      this.timer.unref?.();
    }
    this.checkIdle();
  }

  private run(e: Entry<T>): void {
    this.active++;
    e.job.attemptsMade++;
    this.handler!(e.job)
      .then(
        () => {
          this.completed++;
          this.ids.delete(e.job.id);
        },
        (err: unknown) => {
          const final = err instanceof PermanentJobError || e.job.attemptsMade >= e.attempts || this.closed;
          this.onError(e.job, err, final);
          if (final) {
            this.failed++;
            this.ids.delete(e.job.id);
          } else {
            e.readyAt = Date.now() + e.backoffMs * 2 ** (e.job.attemptsMade - 1);
            this.waiting.push(e);
          }
        },
      )
      .finally(() => {
        this.active--;
        this.pump();
      });
  }

  private checkIdle(): void {
    if (this.active === 0 && this.waiting.length === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  drained(timeoutMs = 60_000): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`queue ${this.name} not drained after ${timeoutMs} ms`)), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
