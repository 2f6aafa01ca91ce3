/**
 * Fast calendar arithmetic in a zone with a fixed UTC offset (Asia/Shanghai has had no DST since 1991,
 * UTC has none). The simulators derive millions of dates, so they avoid luxon on hot paths; the
 * process's own zone (TZ) never matters.
 */
export class FixedZone {
  readonly offsetMs: number;

  constructor(
    readonly name: string,
    offsetMinutes: number,
  ) {
    this.offsetMs = offsetMinutes * 60_000;
  }

  /** Wall-clock parts of an instant in this zone (month 1–12). */
  parts(ms: number): { y: number; M: number; d: number; h: number; m: number; s: number } {
    const t = new Date(ms + this.offsetMs);
    return {
      y: t.getUTCFullYear(),
      M: t.getUTCMonth() + 1,
      d: t.getUTCDate(),
      h: t.getUTCHours(),
      m: t.getUTCMinutes(),
      s: t.getUTCSeconds(),
    };
  }

  /** The instant of a wall-clock time in this zone (month 1–12; out-of-range values roll over like Date.UTC). */
  local(y: number, M: number, d = 1, h = 0, m = 0, s = 0): number {
    return Date.UTC(y, M - 1, d, h, m, s) - this.offsetMs;
  }

  startOfDay(ms: number, addDays = 0): number {
    const p = this.parts(ms);
    return this.local(p.y, p.M, p.d + addDays);
  }

  startOfMonth(ms: number, addMonths = 0): number {
    const p = this.parts(ms);
    return this.local(p.y, p.M + addMonths, 1);
  }

  /** Calendar months added, the day clamped to the target month's end (like luxon's plus({months})). */
  addMonths(ms: number, months: number): number {
    const p = this.parts(ms);
    const lastDay = new Date(Date.UTC(p.y, p.M - 1 + months + 1, 0)).getUTCDate();
    return this.local(p.y, p.M + months, Math.min(p.d, lastDay), p.h, p.m, p.s) + (ms % 1000 + 1000) % 1000;
  }

  /** Start of the billing cycle containing `ms` for a cycle that starts on `startDay` (1 = natural month). */
  cycleStart(ms: number, startDay: number): number {
    const p = this.parts(ms);
    return p.d >= startDay ? this.local(p.y, p.M, startDay) : this.local(p.y, p.M - 1, startDay);
  }

  /** Start of the cycle after the one starting at `cycleStart`. */
  nextCycleStart(cycleStart: number, startDay: number): number {
    const p = this.parts(cycleStart);
    return this.local(p.y, p.M + 1, startDay);
  }

  previousCycleStart(cycleStart: number, startDay: number): number {
    const p = this.parts(cycleStart);
    return this.local(p.y, p.M - 1, startDay);
  }

  /**
   * Formats with the tokens yyyy, MM, dd, HH, mm, ss (every other character is copied), e.g.
   * `yyyy-MM-dd HH:mm:ss`, `yyyyMMdd`, `yyyyMM`.
   */
  format(ms: number, pattern: string): string {
    const p = this.parts(ms);
    const two = (n: number): string => (n < 10 ? '0' : '') + n;
    return pattern
      .replace('yyyy', String(p.y).padStart(4, '0'))
      .replace('MM', two(p.M))
      .replace('dd', two(p.d))
      .replace('HH', two(p.h))
      .replace('mm', two(p.m))
      .replace('ss', two(p.s));
  }

  /** ISO 8601 with this zone's offset, seconds precision (`2026-11-27T00:00:00+08:00`, `…Z` for UTC). */
  iso(ms: number): string {
    const base = this.format(ms, 'yyyy-MM-ddTHH:mm:ss');
    if (this.offsetMs === 0) return base + 'Z';
    const off = Math.abs(this.offsetMs) / 60_000;
    const sign = this.offsetMs > 0 ? '+' : '-';
    return `${base}${sign}${String(Math.floor(off / 60)).padStart(2, '0')}:${String(off % 60).padStart(2, '0')}`;
  }
}

export const SHANGHAI_ZONE = new FixedZone('Asia/Shanghai', 8 * 60);
export const UTC_ZONE = new FixedZone('UTC', 0);

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
