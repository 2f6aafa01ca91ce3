/**
 * The queue port. `BullJobQueue` runs it on Redis (@nestjs/bull's Bull) when REDIS_URL is set;
 * `MemoryJobQueue` runs it in process with the same semantics for the embedded default: a job id is unique
 * while the job waits or runs, lower priority numbers run first, failed jobs are retried with exponential
 * backoff up to `attempts`, and `process` runs handlers with a concurrency.
 */
export interface JobOptions {
  /** While a job with this id waits or runs, adding it again does nothing. */
  jobId?: string;
  /** 1 runs first (sync now); larger numbers later (scheduled). */
  priority?: number;
  delayMs?: number;
  attempts?: number;
  backoffMs?: number;
}

export interface QueuedJob<T> {
  id: string;
  name: string;
  data: T;
  attemptsMade: number;
}

export type JobCounts = Record<'waiting' | 'active' | 'delayed' | 'failed' | 'completed', number>;

export interface JobQueue<T> {
  readonly name: string;
  add(name: string, data: T, options?: JobOptions): Promise<{ id: string; added: boolean }>;
  process(concurrency: number, handler: (job: QueuedJob<T>) => Promise<void>): void;
  /** Whether a job with this id is waiting, delayed or running. */
  has(jobId: string): Promise<boolean>;
  counts(): Promise<JobCounts>;
  /** Resolves when nothing waits or runs (tests, graceful stop). */
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a handler for a job that must not be retried (it is recorded and dropped). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
