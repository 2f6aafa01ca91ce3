/** An injectable clock. `SimClock.real()` follows the wall clock with an optional offset; `fixed` stands still until advanced. */
export class SimClock {
  private constructor(
    private base: number,
    private readonly follow: boolean,
    private readonly startedAt: number,
  ) {}

  static fixed(at: Date | string): SimClock {
    return new SimClock(new Date(at).getTime(), false, 0);
  }

  static real(): SimClock {
    return new SimClock(Date.now(), true, Date.now());
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.follow ? this.base + (Date.now() - this.startedAt) : this.base;
  }

  advance(ms: number): void {
    this.base += ms;
  }

  set(at: Date | string): void {
    this.base = new Date(at).getTime() - (this.follow ? Date.now() - this.startedAt : 0);
  }
}
