/**
 * A sliding-window quota as carriers.md defines it: at most `limit` accepted requests in any window of
 * `windowMs`; a rejected request does not count.
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Accepts (and records) a request at `nowMs`, or returns false when the window is full. */
  tryAccept(nowMs: number): boolean {
    if (!this.canAccept(nowMs)) return false;
    this.record(nowMs);
    return true;
  }

  /** Whether a request at `nowMs` would be accepted (records nothing): check several windows, then record. */
  canAccept(nowMs: number): boolean {
    while (this.head < this.times.length && this.times[this.head] <= nowMs - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head < this.limit;
  }

  /** Records an accepted request at `nowMs`. */
  record(nowMs: number): void {
    this.times.push(nowMs);
  }
}

/** One sliding window per key (a user, a client IP, an endpoint), each made on first use. */
export class KeyedWindows {
  private readonly byKey = new Map<string, SlidingWindow>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  of(key: string): SlidingWindow {
    let window = this.byKey.get(key);
    if (!window) {
      window = new SlidingWindow(this.limit, this.windowMs);
      this.byKey.set(key, window);
    }
    return window;
  }
}
