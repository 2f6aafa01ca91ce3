import { luhnCheckDigit } from '@simgate/core';
import { DerivedFleet } from '../sim/derived-fleet';
import { hash32, unit } from '../sim/random';

/**
 * The 1NCE fleet: card i is derived from (seed, i); only cards that changed (queued status changes that
 * completed, labels, IMEI locks) have state. Identifiers encode the index. Time is UTC. 1NCE sells a
 * lifetime volume (500 MB for 10 years, some with a top-up): usage accumulates from activation until the
 * volume is used up (the card then stops) or the plan expires.
 */

export const DAY_MS = 86_400_000;
export const MB = 1_048_576;
export const PLAN_YEARS = 10;

export type IntlStatus = 'Enabled' | 'Disabled';

export interface IntlBaseCard {
  index: number;
  /** 19 digits, without the Luhn check digit (1NCE's `iccid`). */
  iccid: string;
  /** The full 20-digit ICCID. */
  iccidWithLuhn: string;
  imsi: string;
  msisdn: string;
  /** The device's IMEI (shown once the card is activated). */
  imei: string;
  ipAddress: string;
  status: IntlStatus;
  shippedAtMs: number;
  activatedAtMs: number | null;
  /** Cards not yet used: activated automatically six months after shipping (the end of the test period). */
  forceActivateAtMs: number | null;
  disabledAtMs: number | null;
  /** Explicit expiry for cards whose plan already ran out; otherwise activation + 10 years. */
  expiredAtMs: number | null;
  totalVolumeMb: number;
  lastVolumeAddedMb: number;
  dailyMeanBytes: number;
  label: string | null;
  imeiLock: boolean;
}

export type UsagePeriod = [number, number | null];

export interface IntlCardState {
  status: IntlStatus;
  activatedAtMs: number | null;
  periods: UsagePeriod[];
  lastStatusChangeMs: number;
  label: string | null;
  imeiLock: boolean;
}

export interface IntlCardView extends IntlCardState {
  index: number;
  base: IntlBaseCard;
  expiryMs: number | null;
}

export interface IntlPendingChange {
  dueAtMs: number;
  status?: IntlStatus;
  label?: string | null;
  imeiLock?: boolean;
}

/** Calendar months added in UTC (clamped to the month's end). */
export function addUtcMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

export class IntlFleet extends DerivedFleet<IntlCardState, IntlPendingChange[]> {
  private readonly batch = String(hash32(this.seed, 21) % 1000).padStart(3, '0');
  private readonly msisdnBase = (hash32(this.seed, 22) % 90) * 100_000_000;
  private readonly imsiBase = (hash32(this.seed, 23) % 90) * 100_000_000;

  iccidOf(i: number): string {
    return '8988228' + this.batch + String(i).padStart(9, '0');
  }
  iccidWithLuhnOf(i: number): string {
    const body = this.iccidOf(i);
    return body + String(luhnCheckDigit(body));
  }

  /** The 19-digit or the 20-digit ICCID → index, or null. */
  indexOf(iccid: string): number | null {
    if (!/^\d{19,20}$/.test(iccid) || !iccid.startsWith('8988228' + this.batch)) return null;
    const i = Number(iccid.slice(10, 19));
    if (i >= this.size) return null;
    if (iccid.length === 20 && this.iccidWithLuhnOf(i) !== iccid) return null;
    return i;
  }

  base(i: number): IntlBaseCard {
    const { seed, epochMs } = this;
    const u = unit(seed, i, 1);
    const secondOfDay = Math.floor(unit(seed, i, 2) * 86_400) * 1000;
    const today = Math.floor(epochMs / DAY_MS);
    let activatedAtMs: number | null = null;
    let forceActivateAtMs: number | null = null;
    let shippedAtMs: number;
    let status: IntlStatus = 'Enabled';
    let disabledAtMs: number | null = null;
    let expiredAtMs: number | null = null;
    if (u < 0.08) {
      shippedAtMs = (today - Math.floor(unit(seed, i, 3) * 175)) * DAY_MS + secondOfDay;
      forceActivateAtMs = addUtcMonths(shippedAtMs, 6);
    } else {
      shippedAtMs = (today - 30 - Math.floor(unit(seed, i, 3) * 1200)) * DAY_MS + secondOfDay;
      activatedAtMs = shippedAtMs + (1 + Math.floor(unit(seed, i, 4) * 25)) * DAY_MS;
      if (u < 0.15) {
        status = 'Disabled';
        disabledAtMs = Math.max(activatedAtMs + DAY_MS, epochMs - (1 + Math.floor(unit(seed, i, 5) * 200)) * DAY_MS);
      }
      if (unit(seed, i, 6) < 0.03) expiredAtMs = Math.max(activatedAtMs + DAY_MS, epochMs - (1 + Math.floor(unit(seed, i, 7) * 400)) * DAY_MS);
    }
    const c = unit(seed, i, 8);
    const meanMb = c < 0.6 ? 0.02 + unit(seed, i, 9) * 0.3 : c < 0.9 ? 0.3 + unit(seed, i, 9) * 1.2 : 2 + unit(seed, i, 9) * 8;
    const topUp = unit(seed, i, 10) < 0.1;
    const imeiBody = '35' + String(hash32(seed, i, 11) % 1_000_000).padStart(6, '0') + String(i % 1_000_000).padStart(6, '0');
    const ip = (0x0a000000 + ((hash32(seed, 24) & 0x3f) << 18) + i) >>> 0;
    return {
      index: i,
      iccid: this.iccidOf(i),
      iccidWithLuhn: this.iccidWithLuhnOf(i),
      imsi: '90140' + String(this.imsiBase + i).padStart(10, '0'),
      msisdn: '88228' + String(this.msisdnBase + i).padStart(10, '0'),
      imei: imeiBody + String(luhnCheckDigit(imeiBody)),
      ipAddress: `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`,
      status,
      shippedAtMs,
      activatedAtMs,
      forceActivateAtMs,
      disabledAtMs,
      expiredAtMs,
      totalVolumeMb: topUp ? 1000 : 500,
      lastVolumeAddedMb: 500,
      dailyMeanBytes: Math.round(meanMb * MB),
      label: unit(seed, i, 12) < 0.3 ? `tracker-${String(i).padStart(7, '0')}` : null,
      imeiLock: unit(seed, i, 13) < 0.2,
    };
  }

  private viewRaw(i: number, nowMs: number): IntlCardView {
    const b = this.base(i);
    const s = this.states.get(i);
    let view: IntlCardView;
    if (s) {
      view = { index: i, base: b, status: s.status, activatedAtMs: s.activatedAtMs, periods: s.periods, lastStatusChangeMs: s.lastStatusChangeMs, label: s.label, imeiLock: s.imeiLock, expiryMs: null };
    } else {
      view = {
        index: i,
        base: b,
        status: b.status,
        activatedAtMs: b.activatedAtMs,
        periods: b.activatedAtMs !== null ? [[b.activatedAtMs, b.disabledAtMs]] : [],
        lastStatusChangeMs: b.disabledAtMs ?? b.activatedAtMs ?? b.shippedAtMs,
        label: b.label,
        imeiLock: b.imeiLock,
        expiryMs: null,
      };
    }
    if (view.activatedAtMs === null && b.forceActivateAtMs !== null && nowMs >= b.forceActivateAtMs) {
      const at = b.forceActivateAtMs;
      view = { ...view, activatedAtMs: at, periods: view.status === 'Enabled' ? [...view.periods, [at, null]] : view.periods };
    }
    view.expiryMs = view.activatedAtMs === null ? null : b.expiredAtMs ?? addUtcMonths(view.activatedAtMs, 12 * PLAN_YEARS);
    return view;
  }

  mutable(i: number, nowMs: number): IntlCardState {
    let s = this.states.get(i);
    const v = this.viewRaw(i, nowMs);
    if (!s) {
      s = { status: v.status, activatedAtMs: v.activatedAtMs, periods: v.periods.map((p) => [p[0], p[1]] as UsagePeriod), lastStatusChangeMs: v.lastStatusChangeMs, label: v.label, imeiLock: v.imeiLock };
      this.states.set(i, s);
    } else if (s.activatedAtMs !== v.activatedAtMs) {
      // Materialize a forced activation that happened since.
      s.activatedAtMs = v.activatedAtMs;
      s.periods = v.periods.map((p) => [p[0], p[1]] as UsagePeriod);
    }
    return s;
  }

  /** Applies queued changes whose time has come (lazily, when the card is read). */
  settle(i: number, nowMs: number): void {
    const queue = this.pending.get(i);
    if (!queue) return;
    while (queue.length && queue[0].dueAtMs <= nowMs) {
      const ch = queue.shift() as IntlPendingChange;
      const s = this.mutable(i, ch.dueAtMs);
      if (ch.status && ch.status !== s.status) {
        if (ch.status === 'Disabled') {
          const open = s.periods[s.periods.length - 1];
          if (open && open[1] === null) open[1] = ch.dueAtMs;
        } else if (s.activatedAtMs !== null) {
          s.periods.push([ch.dueAtMs, null]);
        }
        s.status = ch.status;
        s.lastStatusChangeMs = ch.dueAtMs;
      }
      if (ch.label !== undefined) s.label = ch.label;
      if (ch.imeiLock !== undefined) s.imeiLock = ch.imeiLock;
    }
    if (!queue.length) this.pending.delete(i);
  }

  view(i: number, nowMs: number): IntlCardView {
    this.settle(i, nowMs);
    return this.viewRaw(i, nowMs);
  }

  // ---- usage: a closed-form cumulative curve, so lifetime totals cost O(periods) -------------------------

  /** Uncapped cumulative bytes of an always-on card at the start of UTC day `day` (monotone in the day). */
  private cum(i: number, mean: number, day: number): number {
    return mean * (day + 0.45 * unit(this.seed, i, 2_000_000 + day));
  }

  /** The same curve at instant `t`, linear within each day (daily use 0.55–1.45 × mean). */
  private curve(i: number, mean: number, t: number): number {
    const d = Math.floor(t / DAY_MS);
    const c0 = this.cum(i, mean, d);
    return c0 + ((this.cum(i, mean, d + 1) - c0) * (t - d * DAY_MS)) / DAY_MS;
  }

  /** Bytes used since activation until `t`, before the volume cap. Usage stops at plan expiry. */
  rawUsed(view: IntlCardView, t: number): number {
    const mean = view.base.dailyMeanBytes;
    const stop = Math.min(t, view.expiryMs ?? Number.POSITIVE_INFINITY);
    let total = 0;
    for (const [p0, p1] of view.periods) {
      const end = Math.min(stop, p1 ?? Number.POSITIVE_INFINITY);
      if (end > p0) total += this.curve(view.index, mean, end) - this.curve(view.index, mean, p0);
    }
    return total;
  }

  totalBytes(view: IntlCardView): number {
    return view.base.totalVolumeMb * MB;
  }

  /** Bytes used until `t`, capped at the lifetime volume: an exhausted card stops. */
  used(view: IntlCardView, t: number): number {
    return Math.min(this.rawUsed(view, t), this.totalBytes(view));
  }

  /** The first instant (whole second) at which raw usage reaches `bytes`, or null if not by `nowMs`. */
  reachedAt(view: IntlCardView, bytes: number, nowMs: number): number | null {
    if (view.activatedAtMs === null) return null;
    const i = view.index;
    const mean = view.base.dailyMeanBytes;
    const stop = Math.min(nowMs, view.expiryMs ?? Number.POSITIVE_INFINITY);
    let acc = 0;
    for (const [p0, p1] of view.periods) {
      const end = Math.min(stop, p1 ?? Number.POSITIVE_INFINITY);
      if (end <= p0) continue;
      const c0 = this.curve(i, mean, p0);
      const seg = this.curve(i, mean, end) - c0;
      if (acc + seg < bytes) {
        acc += seg;
        continue;
      }
      const target = c0 + (bytes - acc);
      // The first day boundary at or above the target; the crossing is in the day before it.
      let lo = Math.floor(p0 / DAY_MS) + 1;
      let hi = Math.floor(end / DAY_MS) + 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cum(i, mean, mid) >= target) hi = mid;
        else lo = mid + 1;
      }
      const d = lo - 1;
      const a = this.cum(i, mean, d);
      const t = d * DAY_MS + ((target - a) / (this.cum(i, mean, d + 1) - a)) * DAY_MS;
      return Math.min(end, Math.max(p0, Math.ceil(t / 1000) * 1000));
    }
    return null;
  }

  find(predicate: (b: IntlBaseCard) => boolean, from = 0): number {
    for (let i = from; i < this.size; i++) if (predicate(this.base(i))) return i;
    throw new Error('1nce fleet: no card matches');
  }
}
