import { DerivedFleet } from '../sim/derived-fleet';
import { IndexedId, seedDigits } from '../sim/ids';
import { hash32, unit } from '../sim/random';

/**
 * The Super SIM fleet (carriers.md §6): SIM i is derived from (seed, i); only SIMs an order changed keep state.
 * Time is UTC. A SIM leaves `new` at one instant (its first billing period starts there; the n-th starts n
 * calendar months later, the day clamped), `ready` SIMs move to `active` by themselves after 250,000 bytes,
 * 5 SMS commands or 3 months, and data counted against the fleet's `data_limit` stops at the limit until the
 * next period (the status stays `active`). Orders (`POST /Sims/{Sid}`) show `scheduled` until they apply.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const READY_DATA_BYTES = 250_000;
export const READY_SMS = 5;
export const READY_MONTHS = 3;

export type SimStatus = 'new' | 'ready' | 'active' | 'inactive';

export interface FleetDef {
  index: number;
  sid: string;
  uniqueName: string;
  /** Megabytes per billing period per SIM (decimal MB). */
  dataLimitMb: number;
}

/** Base fleets the seeded SIMs are spread over, then the cap fleets (`options.capFleets`). */
export const FLEET_LIMITS_MB = [2, 50, 500, 2000, 10, 100] as const;
export const BASE_FLEETS = 4;
export const CAP_FLEETS: Record<string, number> = { '10': 4, '100': 5 };

export interface Segment {
  fromMs: number;
  status: SimStatus;
}

export interface SimChange {
  receivedMs: number;
  dueMs: number;
  status?: SimStatus;
  fleet?: number;
}

export interface SimState {
  /** Status changes applied by orders (sorted by time). */
  applied: Segment[];
  /** Fleet changes applied by orders. */
  fleets: Array<{ fromMs: number; fleet: number }>;
  updatedMs: number;
}

export interface SimBase {
  index: number;
  sid: string;
  iccid: string;
  uniqueName: string | null;
  createdMs: number;
  /** The instant the SIM left `new` (its first billing period's start); null: still `new`. */
  leftNewMs: number | null;
  /** The base timeline: left new (ready or active), the automatic move to active, a suspension. */
  segments: Segment[];
  /** Data in bytes per second while the SIM can connect (ready or active). */
  rate: number;
  fleet: number;
}

export function addUtcMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export class SupersimFleet extends DerivedFleet<SimState, SimChange[]> {
  private readonly tag = hex(hash32(this.seed, 0x5e), 8);
  readonly accountSid = `AC${this.tag}${hex(hash32(this.seed, 0xac), 8)}${'0'.repeat(16)}`;
  readonly iccids = new IndexedId(`8988307${seedDigits(this.seed, 0x55, 3)}`, 9, true);
  readonly fleets: FleetDef[] = FLEET_LIMITS_MB.map((mb, i) => ({
    index: i,
    sid: `HF${this.tag}${hex(i, 24)}`,
    uniqueName: i < BASE_FLEETS ? `fleet-${mb}mb` : `cap-${mb}mb`,
    dataLimitMb: mb,
  }));

  simSid(index: number): string {
    return `HS${this.tag}${hex(index, 24)}`;
  }

  /** The index of a SIM SID or unique name, or null. */
  indexOfSim(id: string): number | null {
    const m = /^HS([0-9a-f]{8})([0-9a-f]{24})$/.exec(id);
    if (m && m[1] === this.tag) {
      const i = parseInt(m[2], 16);
      return i < this.size ? i : null;
    }
    const u = /^sim-(\d+)$/.exec(id);
    if (u && Number(u[1]) < this.size && this.base(Number(u[1])).uniqueName === id) return Number(u[1]);
    return null;
  }

  indexOfIccid(iccid: string): number | null {
    const i = this.iccids.decode(iccid, this.size);
    return i < 0 ? null : i;
  }

  fleetOf(id: string): FleetDef | null {
    return this.fleets.find((f) => f.sid === id || f.uniqueName === id) ?? null;
  }

  base(i: number): SimBase {
    const s = this.seed;
    const epoch = this.epochMs;
    const kind = unit(s, i, 1);
    const second = Math.floor(unit(s, i, 2) * 86_400) * 1000;
    const createdMs = Math.floor(epoch / DAY_MS - 30 - unit(s, i, 3) * 500) * DAY_MS + second;
    const fleet = hash32(s, i, 4) % BASE_FLEETS;
    const segments: Segment[] = [];
    let leftNewMs: number | null = null;
    let rate = 0;
    if (kind < 0.08) {
      // never activated
    } else if (kind < 0.22) {
      // ready: left `new` up to 9 days ago, little data; moves to active by itself later
      leftNewMs = Math.max(createdMs, epoch - Math.floor(unit(s, i, 5) * 9 * DAY_MS));
      rate = 0.1 + unit(s, i, 6) * 0.9;
      segments.push({ fromMs: leftNewMs, status: 'ready' });
      const smsGapMs = (1 + Math.floor(unit(s, i, 7) * 10)) * DAY_MS;
      const auto = Math.min(leftNewMs + Math.ceil((READY_DATA_BYTES / rate) * 1000), leftNewMs + READY_SMS * smsGapMs, addUtcMonths(leftNewMs, READY_MONTHS));
      segments.push({ fromMs: auto, status: 'active' });
    } else {
      leftNewMs = Math.max(createdMs, epoch - Math.floor((35 + unit(s, i, 5) * 400) * DAY_MS) + second);
      const mbPerMonth = unit(s, i, 6) < 0.1 ? 0 : Math.floor(unit(s, i, 8) ** 2 * 300);
      rate = (mbPerMonth * 1_000_000) / (30 * 86_400);
      segments.push({ fromMs: leftNewMs, status: 'active' });
      if (kind >= 0.88) segments.push({ fromMs: epoch - Math.floor(unit(s, i, 9) * 20 * DAY_MS), status: 'inactive' });
    }
    // The wire gives times to the second: so does the fleet.
    if (leftNewMs !== null) leftNewMs = Math.floor(leftNewMs / 1000) * 1000;
    for (const x of segments) x.fromMs = Math.floor(x.fromMs / 1000) * 1000;
    return { index: i, sid: this.simSid(i), iccid: this.iccids.encode(i), uniqueName: unit(s, i, 10) < 0.3 ? `sim-${i}` : null, createdMs, leftNewMs, segments, rate, fleet };
  }

  /** Every status segment up to `t` (base timeline, then applied orders, which win from their instant on). */
  timeline(b: SimBase, t: number): Segment[] {
    const st = this.states.get(b.index);
    const out = b.segments.filter((x) => x.fromMs <= t);
    for (const a of st?.applied ?? []) {
      if (a.fromMs > t) break;
      // An order that left `ready` cancels the automatic move to active that had not happened yet.
      for (let k = out.length - 1; k >= 0 && out[k].fromMs > a.fromMs; k--) out.splice(k, 1);
      out.push(a);
    }
    return out;
  }

  /** The settled status at `t` (a pending order shows as `scheduled` in `rawStatus`). */
  statusAt(b: SimBase, t: number): SimStatus {
    const tl = this.timeline(b, t);
    return tl.length ? tl[tl.length - 1].status : 'new';
  }

  rawStatus(i: number, t: number): SimStatus | 'scheduled' {
    const p = this.pending.get(i);
    if (p?.some((c) => c.receivedMs <= t && t < c.dueMs)) return 'scheduled';
    return this.statusAt(this.base(i), t);
  }

  fleetAt(b: SimBase, t: number): number {
    let f = b.fleet;
    for (const x of this.states.get(b.index)?.fleets ?? []) if (x.fromMs <= t) f = x.fleet;
    return f;
  }

  /** Applies the orders due by `t` (their `scheduled` time is over). */
  settle(i: number, t: number): void {
    const list = this.pending.get(i);
    if (!list) return;
    const due = list.filter((c) => c.dueMs <= t);
    if (!due.length) return;
    const st = this.states.get(i) ?? { applied: [], fleets: [], updatedMs: 0 };
    for (const c of due) {
      if (c.status) st.applied.push({ fromMs: c.dueMs, status: c.status });
      if (c.fleet !== undefined) st.fleets.push({ fromMs: c.dueMs, fleet: c.fleet });
      st.updatedMs = c.dueMs;
    }
    this.states.set(i, st);
    const rest = list.filter((c) => c.dueMs > t);
    if (rest.length) this.pending.set(i, rest);
    else this.pending.delete(i);
  }

  /** The start of billing period k (0 = the first). */
  periodStart(b: SimBase, k: number): number {
    return addUtcMonths(b.leftNewMs!, k);
  }

  /** The index of the billing period containing `t` (−1 before the first). */
  periodIndex(b: SimBase, t: number): number {
    if (b.leftNewMs === null || t < b.leftNewMs) return -1;
    const a = new Date(b.leftNewMs);
    const z = new Date(t);
    let k = Math.max(0, (z.getUTCFullYear() - a.getUTCFullYear()) * 12 + z.getUTCMonth() - a.getUTCMonth() - 1);
    while (this.periodStart(b, k + 1) <= t) k++;
    return k;
  }

  /** Seconds the SIM could connect (ready or active) in [a, b). */
  private connectedSeconds(b: SimBase, from: number, to: number): number {
    const tl = this.timeline(b, to);
    let ms = 0;
    for (let k = 0; k < tl.length; k++) {
      const s = Math.max(from, tl[k].fromMs);
      const e = Math.min(to, k + 1 < tl.length ? tl[k + 1].fromMs : to);
      if (e > s && (tl[k].status === 'ready' || tl[k].status === 'active')) ms += e - s;
    }
    return ms / 1000;
  }

  /** Bytes counted in billing period k by `t` (within the period): the data stops at the fleet's limit. */
  usedInPeriod(b: SimBase, k: number, t: number): number {
    const ps = this.periodStart(b, k);
    if (t <= ps) return 0;
    const raw = Math.floor(b.rate * this.connectedSeconds(b, ps, t));
    return Math.min(raw, this.fleets[this.fleetAt(b, t)].dataLimitMb * 1_000_000);
  }

  /** Bytes used in [from, to): split at the period starts inside it. */
  usedBetween(b: SimBase, from: number, to: number): number {
    if (b.leftNewMs === null) return 0;
    from = Math.max(from, b.leftNewMs);
    if (to <= from) return 0;
    let total = 0;
    for (let k = this.periodIndex(b, from); k >= 0; k++) {
      const ps = this.periodStart(b, k);
      if (ps >= to) break;
      const pe = this.periodStart(b, k + 1);
      const s = Math.max(from, ps);
      const e = Math.min(to, pe);
      if (e > s) total += this.usedInPeriod(b, k, e) - this.usedInPeriod(b, k, s);
    }
    return total;
  }

  /** The current billing period at `t` and the bytes counted in it so far ([start, end), used); null for `new`. */
  period(i: number, t: number): { k: number; start: number; end: number; used: number } | null {
    const b = this.base(i);
    const k = this.periodIndex(b, t);
    if (k < 0) return null;
    return { k, start: this.periodStart(b, k), end: this.periodStart(b, k + 1), used: this.usedInPeriod(b, k, t) };
  }
}
