import type { FixedZone } from './zone';

/**
 * The life of one simulated card, derived on demand from (seed, index, time) plus the few changes that
 * were ordered through the API. Nothing is stored for a card that nobody changed.
 *
 * Before `genesis` (the simulator's creation instant) a card follows its *base history*: opened, maybe
 * activated, maybe changed once more (stopped, retired, cancelled). From the start of the billing cycle
 * that contains genesis the engine replays the card's events in time order:
 *   - the base events still to come in that cycle,
 *   - changes ordered through the API (they apply when their order completes, if their precondition holds),
 *   - forced activation of a silent card (domain.md §1),
 *   - cycle boundaries (usage resets; cards stopped for over-quota or pool exhaustion resume),
 *   - the instant a capped card's usage reaches its plan (over quota → stopped),
 *   - the instant its forward pool runs out (every active member stopped).
 * Time-driven stops happen at or after genesis only; before it, usage simply accrues (overage).
 */

export type Life = 'TEST' | 'INVENTORY' | 'ACTIVE' | 'STOPPED' | 'RETIRED' | 'CANCELLED';

/** Why a card is stopped: bits, several at once. Each platform renders them in its own wire form. */
export const Why = {
  MANUAL: 1,
  OVER_QUOTA: 2,
  POOL: 4,
  CREDIT: 8,
  DEVICE_REBIND: 16,
  CARRIER: 32,
  FORCED: 64,
  REGION: 128,
  EXPIRED: 256,
} as const;

/** Stop reasons lifted by a new billing cycle. */
export const CYCLE_LIFTED = Why.OVER_QUOTA | Why.POOL;

export interface CardState {
  life: Life;
  /** Platform-specific sub-code (e.g. OneLink 待激活 vs 库存, Jasper INVENTORY vs ACTIVATION_READY). */
  variant: number;
  reasons: number;
  /** Last status change. */
  changedAt: number;
  /** `system`, or the user who made the last status change. */
  changedBy: string;
  activatedAt: number | null;
  /** Plan index (platform-defined). */
  plan: number;
  /** Last change of any field (status or plan). */
  updatedAt: number;
}

/** A change ordered through the API. It is due at `at` (when its order completes). */
export interface CardChange {
  at: number;
  submittedAt: number;
  by: string;
  life?: Life;
  variant?: number;
  reasons?: number;
  plan?: number;
  /** Computes the new status from the state at `at` (instead of life/variant/reasons), e.g. a resume. */
  transform?: (s: CardState) => Pick<CardState, 'life' | 'variant' | 'reasons'>;
  /** Precondition at `at`; a change whose precondition fails is skipped (its order fails). */
  applies?: (s: CardState) => boolean;
}

/** Adds a change ordered through the API to a card's list (`overrides`), kept sorted by `at`. */
export function addCardChange(overrides: Map<number, CardChange[]>, i: number, change: CardChange): void {
  const list = overrides.get(i) ?? [];
  list.push(change);
  list.sort((a, b) => a.at - b.at);
  overrides.set(i, list);
}

export interface BaseHistory {
  openedAt: number;
  /** State right after opening (TEST or INVENTORY). */
  initial: CardState;
  activatedAt: number | null;
  activatedBy: string;
  /** A last change after activation (or after opening when never activated). */
  final: { at: number; life: Life; variant: number; reasons: number; by: string } | null;
  /** When a silent card is force-activated (only for cards still silent at genesis). */
  forcedAt: number | null;
}

export interface HistoryEvent {
  at: number;
  field: 'status' | 'plan';
  from: CardState;
  to: CardState;
  by: string;
}

export interface CardModel {
  readonly genesis: number;
  readonly zone: FixedZone;
  readonly cycleStartDay: number;
  base(i: number): BaseHistory;
  planBytes(plan: number): number;
  /** Bytes per millisecond while active in the cycle starting at `cycleStart`. */
  rate(i: number, cycleStart: number): number;
  /** Whether the card stops when its cycle usage reaches its plan. */
  capped(i: number, s: CardState): boolean;
  /** Forward-pool id, or -1. */
  poolOf(i: number): number;
  /** When pool `pool` runs out in the cycle [cycleStart, cycleEnd), or null when it does not. */
  poolExhaustAt(pool: number, cycleStart: number, cycleEnd: number): number | null;
  /** Changes ordered for card i, sorted by `at`. */
  changes(i: number): readonly CardChange[] | undefined;
}

export interface Replay {
  state: CardState;
  /** Usage in the cycle containing `until`, in bytes (fractional). */
  usedInCycle: number;
  cycleStart: number;
  cycleEnd: number;
  /** The next instant (> until) at which something would happen to the card. */
  nextEventAt: number;
}

export interface ReplaySink {
  /** An interval [from, to) during which the card was active at `rate` bytes/ms. */
  onActive?(from: number, to: number, rate: number): void;
  onEvent?(ev: HistoryEvent): void;
}

export function baseStateAt(b: BaseHistory, t: number): CardState {
  if (b.final && b.final.at <= t) {
    return {
      life: b.final.life,
      variant: b.final.variant,
      reasons: b.final.reasons,
      changedAt: b.final.at,
      changedBy: b.final.by,
      activatedAt: b.activatedAt !== null && b.activatedAt <= b.final.at ? b.activatedAt : null,
      plan: b.initial.plan,
      updatedAt: b.final.at,
    };
  }
  if (b.activatedAt !== null && b.activatedAt <= t) {
    return {
      life: 'ACTIVE',
      variant: 0,
      reasons: 0,
      changedAt: b.activatedAt,
      changedBy: b.activatedBy,
      activatedAt: b.activatedAt,
      plan: b.initial.plan,
      updatedAt: b.activatedAt,
    };
  }
  return b.initial;
}

/** Base status events (before genesis), oldest first. */
export function baseEvents(b: BaseHistory): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  if (b.activatedAt !== null) {
    out.push({ at: b.activatedAt, field: 'status', from: b.initial, to: baseStateAt(b, b.activatedAt), by: b.activatedBy });
  }
  if (b.final) {
    out.push({ at: b.final.at, field: 'status', from: baseStateAt(b, b.final.at - 1), to: baseStateAt(b, b.final.at), by: b.final.by });
  }
  return out;
}

export class Timeline {
  /** Start of the cycle containing genesis: replays start here. */
  readonly replayFrom: number;

  constructor(readonly model: CardModel) {
    this.replayFrom = model.zone.cycleStart(model.genesis, model.cycleStartDay);
  }

  cycleStart(t: number): number {
    return this.model.zone.cycleStart(t, this.model.cycleStartDay);
  }

  private readonly nextCycle = new Map<number, number>();

  nextCycleStart(cs: number): number {
    let n = this.nextCycle.get(cs);
    if (n === undefined) {
      n = this.model.zone.nextCycleStart(cs, this.model.cycleStartDay);
      if (this.nextCycle.size > 10_000) this.nextCycle.clear();
      this.nextCycle.set(cs, n);
    }
    return n;
  }

  /** Replays card i up to `until` (inclusive of events at `until`). */
  replay(i: number, until: number, sink?: ReplaySink): Replay {
    const m = this.model;
    const b = m.base(i);
    const G = m.genesis;
    let t = this.replayFrom;
    if (until < t) {
      // Before the replay window: the base history alone.
      const cs = this.cycleStart(until);
      const state = baseStateAt(b, until);
      return { state, usedInCycle: this.baseUsage(i, b, cs, until), cycleStart: cs, cycleEnd: this.nextCycleStart(cs), nextEventAt: t };
    }
    let state = baseStateAt(b, t);
    let cs = t;
    let ce = this.nextCycleStart(cs);
    let rate = m.rate(i, cs);
    let used = 0;
    const baseTimes: number[] = [];
    if (b.activatedAt !== null && b.activatedAt > t) baseTimes.push(b.activatedAt);
    if (b.final && b.final.at > t) baseTimes.push(b.final.at);
    let bk = 0;
    const changes = m.changes(i) ?? [];
    let ck = 0;
    let forcedPending = b.forcedAt !== null;
    const pool = m.poolOf(i);

    const set = (next: CardState, at: number, by: string): void => {
      const field: 'status' | 'plan' = next.life === state.life && next.variant === state.variant && next.reasons === state.reasons ? 'plan' : 'status';
      if (field === 'plan' && next.plan === state.plan) return; // nothing changed
      if (field === 'status') {
        next.changedAt = at;
        next.changedBy = by;
      }
      next.updatedAt = at;
      sink?.onEvent?.({ at, field, from: state, to: next, by });
      state = next;
    };

    for (let guard = 0; guard < 100_000; guard++) {
      let next = ce;
      let kind = 0; // 0 cycle, 1 base, 2 change, 3 forced, 4 pool, 5 quota
      if (bk < baseTimes.length && baseTimes[bk] < next) {
        next = baseTimes[bk];
        kind = 1;
      }
      if (ck < changes.length && changes[ck].at < next) {
        next = Math.max(changes[ck].at, t);
        kind = 2;
      }
      if (forcedPending && b.forcedAt! < next) {
        next = Math.max(b.forcedAt!, t);
        kind = 3;
      }
      if (state.life === 'ACTIVE') {
        if (pool >= 0) {
          const pe = m.poolExhaustAt(pool, cs, ce);
          if (pe !== null) {
            const at = Math.max(pe, t, G);
            if (at < next) {
              next = at;
              kind = 4;
            }
          }
        } else if (rate > 0 && m.capped(i, state)) {
          const plan = m.planBytes(state.plan);
          const at = Math.max(G, t, used >= plan ? t : t + Math.ceil((plan - used) / rate));
          if (at < next) {
            next = at;
            kind = 5;
          }
        }
      }
      if (next > until) {
        if (state.life === 'ACTIVE' && until > t) {
          used += rate * (until - t);
          sink?.onActive?.(t, until, rate);
        }
        return { state, usedInCycle: used, cycleStart: cs, cycleEnd: ce, nextEventAt: next };
      }
      if (state.life === 'ACTIVE' && next > t) {
        used += rate * (next - t);
        sink?.onActive?.(t, next, rate);
      }
      t = next;
      switch (kind) {
        case 0: {
          cs = ce;
          ce = this.nextCycleStart(cs);
          rate = m.rate(i, cs);
          used = 0;
          if (state.life === 'STOPPED' && state.reasons & CYCLE_LIFTED) {
            const reasons = state.reasons & ~CYCLE_LIFTED;
            set({ ...state, reasons, life: reasons === 0 ? 'ACTIVE' : 'STOPPED' }, t, 'system');
          }
          break;
        }
        case 1: {
          bk++;
          const s = baseStateAt(b, t);
          set({ ...s, plan: state.plan }, t, s.changedBy);
          break;
        }
        case 2: {
          const c = changes[ck++];
          if (c.applies && !c.applies(state)) break;
          const life = c.life ?? state.life;
          const s: CardState = c.transform
            ? { ...state, ...c.transform(state), plan: c.plan ?? state.plan }
            : {
                ...state,
                life,
                variant: c.variant ?? (c.life !== undefined ? 0 : state.variant),
                reasons: c.reasons ?? (life === 'STOPPED' ? state.reasons : 0),
                plan: c.plan ?? state.plan,
              };
          const life2 = s.life;
          if (life2 === 'ACTIVE' && s.activatedAt === null) s.activatedAt = t;
          set(s, t, c.by);
          break;
        }
        case 3: {
          forcedPending = false;
          if (state.life === 'INVENTORY' || state.life === 'TEST') {
            set({ ...state, life: 'ACTIVE', variant: 0, reasons: 0, activatedAt: t }, t, 'system');
          }
          break;
        }
        case 4:
          set({ ...state, life: 'STOPPED', reasons: Why.POOL }, t, 'system');
          break;
        case 5:
          set({ ...state, life: 'STOPPED', reasons: Why.OVER_QUOTA }, t, 'system');
          break;
      }
    }
    throw new Error(`timeline of card ${i} did not converge`);
  }

  /** Usage of card i in [from, to) (to is capped at `now`), in bytes (fractional). */
  usageBetween(i: number, from: number, to: number, now: number): number {
    const end = Math.min(to, now);
    if (end <= from) return 0;
    let total = 0;
    const R = this.replayFrom;
    if (from < R) total += this.baseUsage(i, this.model.base(i), from, Math.min(end, R));
    if (end > R) {
      const a = Math.max(from, R);
      this.replay(i, end, {
        onActive: (x, y, rate) => {
          const lo = Math.max(x, a);
          const hi = Math.min(y, end);
          if (hi > lo) total += rate * (hi - lo);
        },
      });
    }
    return total;
  }

  /** Usage by the base history alone over [from, to), cycle by cycle (no stops: overage accrues). */
  baseUsage(i: number, b: BaseHistory, from: number, to: number): number {
    if (b.activatedAt === null) return 0;
    const activeFrom = Math.max(from, b.activatedAt);
    const activeTo = Math.min(to, b.final ? b.final.at : Infinity);
    if (activeTo <= activeFrom) return 0;
    let total = 0;
    for (let cs = this.cycleStart(activeFrom); cs < activeTo; ) {
      const ce = this.nextCycleStart(cs);
      const lo = Math.max(cs, activeFrom);
      const hi = Math.min(ce, activeTo);
      if (hi > lo) total += this.model.rate(i, cs) * (hi - lo);
      cs = ce;
    }
    return total;
  }

  /** Every status/plan event of card i up to `until`, oldest first (base history, then the replay). */
  history(i: number, until: number): HistoryEvent[] {
    const b = this.model.base(i);
    const out = baseEvents(b).filter((e) => e.at < this.replayFrom && e.at <= until);
    if (until >= this.replayFrom) this.replay(i, until, { onEvent: (e) => out.push(e) });
    return out;
  }
}
