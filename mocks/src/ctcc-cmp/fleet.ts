import { DerivedFleet } from '../sim/derived-fleet';
import { hash32, unit } from '../sim/random';
import { luhnCheckDigit } from '@simgate/core';
import { DAY_MS, MB, shDay, shDayStart, shMonthStart } from './shanghai-time';

/**
 * The CTCC CMP fleet: card i is derived from (seed, i) on demand; only what changed since (orders,
 * thresholds, rebinds) is kept, in Maps keyed by the card's index. Identifiers encode the index, so a
 * look-up from ICCID or MSISDN is arithmetic. Business time is Asia/Shanghai (UTC+8 all year: no DST
 * since 1991, so day and month boundaries are computed with a fixed offset).
 */

export type CtccStatus = '1' | '2' | '3' | '4' | '5' | '6' | '7';

export const STATUS_NAMES: Record<CtccStatus, string> = {
  '1': '可激活',
  '2': '测试激活',
  '3': '测试去激活',
  '4': '在用',
  '5': '停机',
  '6': '运营商管理状态',
  '7': '拆机',
};

/** What a card is at fleet creation (derived, never stored). */
export interface CtccBaseCard {
  index: number;
  iccid: string;
  msisdn: string;
  imsi: string;
  status: CtccStatus;
  openedAtMs: number;
  activatedAtMs: number | null;
  /** When a card of status 5/6/7 stopped using data. */
  stoppedAtMs: number | null;
  /** Inventory cards (1): the first day of the month after six silent months. */
  forceActivateAtMs: number | null;
  /** Mean data per day while in use. */
  dailyMeanBytes: number;
  /** A usage threshold (达量断网) already set by the customer, in MB. */
  thresholdMb: number | null;
}

/** A half-open interval [startMs, endMs) during which the card is in use; endMs null = still open. */
export type UsagePeriod = [number, number | null];

/** What changed for one card (only cards that changed have one). */
export interface CtccCardState {
  status: CtccStatus;
  activatedAtMs: number | null;
  periods: UsagePeriod[];
  threshold: { mb: number; setAtMs: number } | null;
  /** Stopped by the customer's own disabledNumber 19 (the MANUAL reason). */
  customerStop: boolean;
  imei: string | null;
  /** Successful rebinds per Asia/Shanghai month (`yyyy-MM` → count). */
  rebinds: Map<string, number>;
  /** Completed status changes, used to tell a duplicate order from a new one. */
  generation: number;
}

/** The card as the platform shows it at an instant. */
export interface CtccCardView
  extends Pick<CtccBaseCard, 'index' | 'iccid' | 'msisdn' | 'imsi' | 'status' | 'openedAtMs' | 'activatedAtMs' | 'forceActivateAtMs'>,
    Omit<CtccCardState, 'rebinds'> {}

export type CtccOrderKind = '19' | '20' | '21' | '22' | 'activate';

export interface CtccPendingOrder {
  kind: CtccOrderKind;
  receivedAtMs: number;
  dueAtMs: number;
  transactionId: string;
}

/** Card i's ICCID prefix: a mix of the two CTCC issuer prefixes. */
function iccidPrefix(seed: number, i: number): string {
  return unit(seed, i, 12) < 0.5 ? '898603' : '898611';
}
/** 10 % of cards (among the first 10 million) carry a `1349` 11-digit number; the rest `1410` 13-digit numbers. */
function uses1349(seed: number, i: number): boolean {
  return i < 9_000_000 && unit(seed, i, 9) < 0.1;
}

export class CtccFleet extends DerivedFleet<CtccCardState, CtccPendingOrder> {
  private readonly iccidBatch = String(hash32(this.seed, 11) % 1000).padStart(3, '0');
  private readonly msisdnBase = (hash32(this.seed, 7) % 500) * 1_000_000;
  private readonly msisdn1349Base = (hash32(this.seed, 8) % 9) * 100_000;
  private readonly imsiBase = (hash32(this.seed, 13) % 9000) * 1_000_000;

  iccidOf(i: number): string {
    const body = iccidPrefix(this.seed, i) + this.iccidBatch + String(i).padStart(10, '0');
    return body + String(luhnCheckDigit(body));
  }

  msisdnOf(i: number): string {
    if (uses1349(this.seed, i)) return '1349' + String(this.msisdn1349Base + i).padStart(7, '0');
    return '1410' + String(this.msisdnBase + i).padStart(9, '0');
  }

  imsiOf(i: number): string {
    return '46011' + String(this.imsiBase + i).padStart(10, '0');
  }

  /** ICCID → index, or null (arithmetic: the index is in the digits; the rest is checked). */
  indexOfIccid(iccid: string): number | null {
    if (!/^\d{20}$/.test(iccid)) return null;
    const i = Number(iccid.slice(9, 19));
    return i < this.size && this.iccidOf(i) === iccid ? i : null;
  }

  /** MSISDN → index, or null. */
  indexOfMsisdn(msisdn: string): number | null {
    let i: number;
    if (/^1410\d{9}$/.test(msisdn)) i = Number(msisdn.slice(4)) - this.msisdnBase;
    else if (/^1349\d{7}$/.test(msisdn)) i = Number(msisdn.slice(4)) - this.msisdn1349Base;
    else return null;
    return i >= 0 && i < this.size && this.msisdnOf(i) === msisdn ? i : null;
  }

  base(i: number): CtccBaseCard {
    const { seed, epochMs } = this;
    const u = unit(seed, i, 1);
    const status: CtccStatus =
      u < 0.08 ? '1' : u < 0.12 ? '2' : u < 0.14 ? '3' : u < 0.82 ? '4' : u < 0.92 ? '5' : u < 0.95 ? '6' : '7';
    let openedAtMs: number;
    let activatedAtMs: number | null = null;
    let stoppedAtMs: number | null = null;
    let forceActivateAtMs: number | null = null;
    const secondOfDay = Math.floor(unit(seed, i, 2) * 86_400) * 1000;
    if (status === '1') {
      // Silent period: opened in the last ~six months; forced activation on the 1st of the month after six months.
      openedAtMs = shDayStart(shDay(epochMs) - Math.floor(unit(seed, i, 3) * 180)) + secondOfDay;
      forceActivateAtMs = shMonthStart(shMonthStart(openedAtMs, 6), 1);
      if (forceActivateAtMs <= epochMs) forceActivateAtMs = shMonthStart(epochMs, 1);
    } else if (status === '2' || status === '3') {
      openedAtMs = shDayStart(shDay(epochMs) - 1 - Math.floor(unit(seed, i, 3) * 80)) + secondOfDay;
    } else {
      openedAtMs = shDayStart(shDay(epochMs) - 60 - Math.floor(unit(seed, i, 3) * 1000)) + secondOfDay;
      activatedAtMs = openedAtMs + Math.floor(unit(seed, i, 4) * 40) * DAY_MS + 3_600_000;
      if (status !== '4') {
        const stopDaysAgo = 1 + Math.floor(unit(seed, i, 5) * 90);
        stoppedAtMs = Math.max(activatedAtMs + DAY_MS, epochMs - stopDaysAgo * DAY_MS - secondOfDay);
        if (stoppedAtMs > epochMs) stoppedAtMs = epochMs - 60_000;
      }
    }
    const c = unit(seed, i, 6);
    const meanMb = c < 0.6 ? 0.2 + unit(seed, i, 7) * 3 : c < 0.9 ? 3 + unit(seed, i, 7) * 27 : 30 + unit(seed, i, 7) * 170;
    // Some in-use cards carry a customer's usage threshold; heavy users among them are over it (已断网).
    const thresholdMb = status === '4' && unit(seed, i, 10) < 0.06 ? [20, 50, 100, 500][hash32(seed, i, 14) % 4] : null;
    return {
      index: i,
      iccid: this.iccidOf(i),
      msisdn: this.msisdnOf(i),
      imsi: this.imsiOf(i),
      status,
      openedAtMs,
      activatedAtMs,
      stoppedAtMs,
      forceActivateAtMs,
      dailyMeanBytes: Math.round(meanMb * MB),
      thresholdMb,
    };
  }

  /** The card's state, created from its base the first time something changes. */
  mutable(i: number): CtccCardState {
    let s = this.states.get(i);
    if (!s) {
      const v = this.viewRaw(i, Number.NEGATIVE_INFINITY);
      s = {
        status: v.status,
        activatedAtMs: v.activatedAtMs,
        periods: v.periods.map((p) => [p[0], p[1]] as UsagePeriod),
        threshold: v.threshold,
        customerStop: v.customerStop,
        imei: v.imei,
        rebinds: new Map(),
        generation: 0,
      };
      this.states.set(i, s);
    }
    return s;
  }

  /** The card without pending-order settlement; forced activation applies when `nowMs` has passed its date. */
  private viewRaw(i: number, nowMs: number): CtccCardView {
    const b = this.base(i);
    const s = this.states.get(i);
    const view: CtccCardView = {
      index: b.index,
      iccid: b.iccid,
      msisdn: b.msisdn,
      imsi: b.imsi,
      openedAtMs: b.openedAtMs,
      status: s ? s.status : b.status,
      activatedAtMs: s ? s.activatedAtMs : b.activatedAtMs,
      periods: s ? s.periods : b.activatedAtMs !== null ? [[b.activatedAtMs, b.stoppedAtMs]] : [],
      threshold: s ? s.threshold : b.thresholdMb !== null ? { mb: b.thresholdMb, setAtMs: b.openedAtMs } : null,
      customerStop: s ? s.customerStop : false,
      imei: s ? s.imei : null,
      generation: s ? s.generation : 0,
      forceActivateAtMs: b.forceActivateAtMs,
    };
    // Silent cards are force-activated on schedule unless something activated them before.
    if (view.status === '1' && b.forceActivateAtMs !== null && nowMs >= b.forceActivateAtMs) {
      view.status = '4';
      view.activatedAtMs = b.forceActivateAtMs;
      view.periods = [...view.periods, [b.forceActivateAtMs, null]];
    }
    return view;
  }

  /** Completes the card's pending order when its time has come (lazy: on every access). */
  settle(i: number, nowMs: number): void {
    const order = this.pending.get(i);
    if (!order || order.dueAtMs > nowMs) return;
    this.pending.delete(i);
    const at = order.dueAtMs;
    const current = this.viewRaw(i, at);
    const s = this.mutable(i);
    if (current.status !== s.status) {
      // Forced activation happened before the order completed: make it real state now.
      s.status = current.status;
      s.activatedAtMs = current.activatedAtMs;
      s.periods = current.periods.map((p) => [p[0], p[1]] as UsagePeriod);
    }
    const to = orderTarget(order.kind, s.status);
    if (to === null) return; // not applicable: the order fails, nothing changes
    if (s.status === '4' && to !== '4') {
      const open = s.periods[s.periods.length - 1];
      if (open && open[1] === null) open[1] = at;
    }
    if (to === '4' && s.status !== '4') {
      s.periods.push([at, null]);
      if (s.activatedAtMs === null) s.activatedAtMs = at;
    }
    s.customerStop = order.kind === '19';
    s.status = to;
    s.generation++;
  }

  view(i: number, nowMs: number): CtccCardView {
    this.settle(i, nowMs);
    return this.viewRaw(i, nowMs);
  }

  // ---- usage ------------------------------------------------------------------------------------------

  /** Bytes the card would use on Asia/Shanghai day `day` if in use all day. */
  dayBytes(i: number, day: number, meanBytes: number): number {
    return Math.round(meanBytes * (0.4 + 1.2 * unit(this.seed, i, 1_000_000 + day)));
  }

  /** Uncapped bytes used in [fromMs, toMs). */
  rawUsage(view: CtccCardView, fromMs: number, toMs: number): number {
    const mean = this.base(view.index).dailyMeanBytes;
    let total = 0;
    for (const [p0, p1] of view.periods) {
      const a = Math.max(fromMs, p0);
      const b = Math.min(toMs, p1 ?? Number.POSITIVE_INFINITY);
      if (b <= a) continue;
      for (let day = shDay(a); day <= shDay(b - 1); day++) {
        const ds = shDayStart(day);
        const overlap = Math.min(b, ds + DAY_MS) - Math.max(a, ds);
        total += (this.dayBytes(view.index, day, mean) * overlap) / DAY_MS;
      }
    }
    return total;
  }

  /** The cap (bytes) applying to the month starting at `monthStartMs`, or null. */
  capFor(view: CtccCardView, monthStartMs: number): number | null {
    const t = view.threshold;
    if (!t) return null;
    return shMonthStart(monthStartMs, 1) > t.setAtMs ? t.mb * MB : null;
  }

  /** Bytes used from `monthStartMs` (a month's first instant) until `atMs`, capped by a usage threshold. */
  usageInMonth(view: CtccCardView, monthStartMs: number, atMs: number): { bytes: number; capped: boolean } {
    const raw = this.rawUsage(view, monthStartMs, atMs);
    const cap = this.capFor(view, monthStartMs);
    if (cap !== null && raw >= cap) return { bytes: cap, capped: true };
    return { bytes: Math.round(raw), capped: false };
  }

  /** Month-to-date bytes at `atMs` (the Asia/Shanghai natural month): resets at each month boundary. */
  monthToDate(view: CtccCardView, atMs: number): { bytes: number; capped: boolean } {
    return this.usageInMonth(view, shMonthStart(atMs), atMs);
  }

  /** Per-day bytes for Asia/Shanghai days [fromDay, toDay], not counting time after `nowMs`. */
  daily(view: CtccCardView, fromDay: number, toDay: number, nowMs: number): Array<{ day: number; bytes: number }> {
    const out: Array<{ day: number; bytes: number }> = [];
    for (let day = fromDay; day <= toDay; day++) {
      const ds = shDayStart(day);
      if (ds >= nowMs) {
        out.push({ day, bytes: 0 });
        continue;
      }
      const ms = shMonthStart(ds);
      const end = Math.min(ds + DAY_MS, nowMs);
      out.push({ day, bytes: this.usageInMonth(view, ms, end).bytes - this.usageInMonth(view, ms, ds).bytes });
    }
    return out;
  }

  /** A card is cut off (已断网) when it is in use and its month's usage reached its threshold. */
  netBlocked(view: CtccCardView, nowMs: number): boolean {
    return view.status === '4' && this.monthToDate(view, nowMs).capped;
  }

  /** Finds the first card index ≥ `from` matching a predicate on its base (for tests and demos). */
  find(predicate: (b: CtccBaseCard) => boolean, from = 0): number {
    for (let i = from; i < this.size; i++) if (predicate(this.base(i))) return i;
    throw new Error('ctcc fleet: no card matches');
  }
}

/** The status an order moves a card to from `from`, or null when it does not apply. */
export function orderTarget(kind: CtccOrderKind, from: CtccStatus): CtccStatus | null {
  switch (kind) {
    case '19':
      return from === '4' ? '5' : null;
    case '20':
      return from === '5' ? '4' : null;
    case '21':
      return from === '2' ? '3' : null;
    case '22':
      return from === '3' ? '2' : null;
    case 'activate':
      return from === '1' || from === '2' || from === '3' ? '4' : null;
  }
}
