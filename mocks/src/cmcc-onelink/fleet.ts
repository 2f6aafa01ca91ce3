import { IndexedId, seedDigits } from '../sim/ids';
import { hash3 as hash32, unit } from '../sim/random';
import { type BaseHistory, type CardChange, type CardModel, type CardState, Timeline, Why, addCardChange, baseStateAt } from '../sim/timeline';
import { DAY_MS, HOUR_MS, SHANGHAI_ZONE } from '../sim/zone';

/**
 * The OneLink fleet: card i is derived from (seed, i). Cards come in order blocks of 256 that share the
 * opening date, the platform (OneLink-CT or OneLink-PB), the MSISDN range and the plan; a quarter of the
 * blocks form a forward pool (a OneLink group). Nothing is stored per card until the API changes it.
 */

export const BLOCK = 256;
const CYCLE_NORM_MS = 31 * DAY_MS;
const KB = 1024;
const MB = 1024 * KB;

export interface Offering {
  offeringId: string;
  offeringName: string;
  bytes: number;
}

export const OFFERINGS: readonly Offering[] = [
  { offeringId: '390000010001', offeringName: '物联网卡通用流量30MB/月', bytes: 30 * MB },
  { offeringId: '390000010002', offeringName: '物联网卡通用流量100MB/月', bytes: 100 * MB },
  { offeringId: '390000010003', offeringName: '物联网卡流量500MB/月', bytes: 500 * MB },
  { offeringId: '390000010004', offeringName: '物联网卡流量1GB/月', bytes: 1024 * MB },
  { offeringId: '390000010005', offeringName: '物联网卡流量5GB/月', bytes: 5120 * MB },
];

export const POOL_OFFERING_PREFIX = '流量池共享套餐';

/** Salts for the per-block and per-card hashes. */
const S = {
  pb: 1,
  prefix: 2,
  plan: 3,
  pooled: 4,
  hungry: 5,
  openJitter: 6,
  status: 10,
  reason: 11,
  activation: 12,
  finalAt: 13,
  heavy: 14,
  share: 15,
  jitter: 16,
  variant: 17,
  testMonths: 18,
} as const;

export class OneLinkFleet implements CardModel {
  readonly zone = SHANGHAI_ZONE;
  readonly cycleStartDay = 1;
  readonly timeline: Timeline;
  readonly iccid: IndexedId;
  readonly msisdn1440: IndexedId;
  readonly msisdn1064: IndexedId;
  readonly imsi: IndexedId;
  /** Forward-pool group ids: prefix + block number. */
  readonly groupPrefix: string;
  /** Changes ordered through the API, per card, sorted by `at`. */
  readonly overrides = new Map<number, CardChange[]>();
  private readonly openFrom: number;
  private readonly openSpan: number;
  private readonly poolCache = new Map<string, number | null>();

  constructor(
    readonly size: number,
    readonly seed: number,
    readonly genesis: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 99_999_999) throw new Error(`fleet size must be 1..99999999, got ${size}`);
    this.iccid = new IndexedId('898600' + seedDigits(seed, 1, 5), 8, true);
    this.msisdn1440 = new IndexedId('1440' + seedDigits(seed, 2, 1), 8, false);
    this.msisdn1064 = new IndexedId('1064' + seedDigits(seed, 3, 1), 8, false);
    this.imsi = new IndexedId('46004' + seedDigits(seed, 4, 2), 8, false);
    this.groupPrefix = '1' + seedDigits(seed, 5, 4);
    this.openFrom = SHANGHAI_ZONE.addMonths(genesis, -36);
    this.openSpan = genesis - 2 * DAY_MS - this.openFrom;
    this.timeline = new Timeline(this);
  }

  // ---- per-block facts ----------------------------------------------------------------------------

  block(i: number): number {
    return Math.floor(i / BLOCK);
  }

  isPB(i: number): boolean {
    return unit(this.seed, this.block(i), S.pb) < 0.3;
  }

  msisdnCodec(i: number): IndexedId {
    return unit(this.seed, this.block(i), S.prefix) < 0.7 ? this.msisdn1440 : this.msisdn1064;
  }

  offering(plan: number): Offering {
    return OFFERINGS[plan % OFFERINGS.length];
  }

  blockPlan(block: number): number {
    return hash32(this.seed, block, S.plan) % OFFERINGS.length;
  }

  isPoolBlock(block: number): boolean {
    return block * BLOCK < this.size && unit(this.seed, block, S.pooled) < 0.25;
  }

  isHungryPool(block: number): boolean {
    return unit(this.seed, block, S.hungry) < 0.35;
  }

  openedAt(i: number): number {
    const b = this.block(i);
    const jitter = Math.floor(unit(this.seed, b, S.openJitter) * 10 * HOUR_MS);
    return this.openFrom + Math.floor(((b * BLOCK) / this.size) * this.openSpan) + jitter;
  }

  // ---- identifiers ----------------------------------------------------------------------------------

  iccidOf(i: number): string {
    return this.iccid.encode(i);
  }

  msisdnOf(i: number): string {
    return this.msisdnCodec(i).encode(i);
  }

  imsiOf(i: number): string {
    return this.imsi.encode(i);
  }

  byIccid(v: string): number {
    return this.iccid.decode(v, this.size);
  }

  byMsisdn(v: string): number {
    for (const codec of [this.msisdn1440, this.msisdn1064]) {
      const i = codec.decode(v, this.size);
      if (i >= 0 && this.msisdnCodec(i) === codec) return i;
    }
    return -1;
  }

  byImsi(v: string): number {
    return this.imsi.decode(v, this.size);
  }

  groupIdOf(block: number): string {
    return this.groupPrefix + String(block).padStart(7, '0');
  }

  /** The pool block of a group id, or -1. */
  byGroupId(groupId: string): number {
    if (groupId.length !== this.groupPrefix.length + 7 || !groupId.startsWith(this.groupPrefix)) return -1;
    const block = Number(groupId.slice(this.groupPrefix.length));
    return Number.isInteger(block) && this.isPoolBlock(block) ? block : -1;
  }

  // ---- CardModel ------------------------------------------------------------------------------------

  base(i: number): BaseHistory {
    const seed = this.seed;
    const G = this.genesis;
    const openedAt = this.openedAt(i);
    const pb = this.isPB(i);
    const plan = this.blockPlan(this.block(i));
    const age = G - openedAt;
    const r = unit(seed, i, S.status);
    const variant = unit(seed, i, S.variant) < 0.5 ? 0 : 1;
    const fresh = age < 9 * 30 * DAY_MS;
    const testMonths = 1 + (hash32(seed, i, S.testMonths) % 3);
    const isTest = fresh && !pb && r < 0.12;
    const initial: CardState = {
      life: isTest ? 'TEST' : 'INVENTORY',
      variant: isTest ? 0 : variant,
      reasons: 0,
      changedAt: openedAt,
      changedBy: 'system',
      activatedAt: null,
      plan,
      updatedAt: openedAt,
    };
    const out: BaseHistory = { openedAt, initial, activatedAt: null, activatedBy: 'system', final: null, forcedAt: null };
    const forced = this.forcedActivationAt(openedAt, isTest ? testMonths : 0);
    if (fresh && r < 0.62) {
      // Silent (or test) card: still silent at genesis unless its forced activation has passed.
      if (forced > G) out.forcedAt = forced;
      else out.activatedAt = forced;
      return out;
    }
    const span = Math.max(DAY_MS, Math.min(age - HOUR_MS, 120 * DAY_MS));
    const activatedAt = Math.min(openedAt + DAY_MS + Math.floor(unit(seed, i, S.activation) * span), forced, G - HOUR_MS);
    out.activatedAt = activatedAt;
    out.activatedBy = 'user';
    if (fresh) return out;
    const finalAt = activatedAt + Math.floor((0.1 + 0.85 * unit(seed, i, S.finalAt)) * (G - HOUR_MS - activatedAt));
    if (r < 0.8) return out;
    if (r < 0.93) {
      const reasons = this.stopReasons(unit(seed, i, S.reason));
      out.final = { at: finalAt, life: 'STOPPED', variant: pb && variant === 1 ? 1 : 0, reasons, by: reasons === Why.MANUAL ? 'user' : 'system' };
    } else if (r < 0.965) {
      out.final = { at: finalAt, life: 'RETIRED', variant: 0, reasons: Why.EXPIRED, by: 'system' };
    } else {
      out.final = { at: finalAt, life: 'CANCELLED', variant: 0, reasons: 0, by: 'system' };
    }
    return out;
  }

  /** The mix of stop reasons (several bits in some cards; none in a few). */
  private stopReasons(u: number): number {
    if (u < 0.4) return Why.MANUAL;
    if (u < 0.52) return Why.CREDIT;
    if (u < 0.6) return Why.DEVICE_REBIND;
    if (u < 0.68) return Why.CARRIER;
    if (u < 0.73) return Why.FORCED;
    if (u < 0.78) return Why.REGION;
    if (u < 0.84) return Why.EXPIRED;
    if (u < 0.89) return Why.MANUAL | Why.CREDIT;
    if (u < 0.93) return Why.DEVICE_REBIND | Why.REGION;
    if (u < 0.96) return Why.CARRIER | Why.FORCED | Why.MANUAL;
    return 0;
  }

  /** domain.md §1: the 1st of the month after (test months +) 6 silent months from opening. */
  forcedActivationAt(openedAt: number, testMonths: number): number {
    const bufferEnd = this.zone.addMonths(openedAt, testMonths + 6);
    return this.zone.startOfMonth(bufferEnd - 1, 1);
  }

  planBytes(plan: number): number {
    return this.offering(plan).bytes;
  }

  /** Heavy users: non-pooled cards whose consumption outruns their plan every month (they stop, over quota). */
  isHeavy(i: number): boolean {
    return !this.isPoolBlock(this.block(i)) && unit(this.seed, i, S.heavy) < 0.05;
  }

  rate(i: number, cycleStart: number): number {
    const block = this.block(i);
    const u = unit(this.seed, i, S.share);
    let share: number;
    if (this.isPoolBlock(block)) share = this.isHungryPool(block) ? 1.3 + 0.6 * u : 0.1 + 0.5 * u;
    else share = this.isHeavy(i) ? 1.5 + u : 0.05 + 0.65 * u;
    const jitter = 0.8 + 0.4 * unit(this.seed, i, (cycleStart / 1000) | 0);
    return (this.planBytes(this.blockPlan(block)) * share * jitter) / CYCLE_NORM_MS;
  }

  capped(i: number): boolean {
    return this.poolOf(i) < 0;
  }

  poolOf(i: number): number {
    const block = this.block(i);
    if (!this.isPoolBlock(block)) return -1;
    return this.base(i).initial.life === 'TEST' ? -1 : block;
  }

  /** Members of a pool block (test cards cannot join). */
  poolMembers(block: number): number[] {
    const out: number[] = [];
    const end = Math.min(this.size, (block + 1) * BLOCK);
    for (let i = block * BLOCK; i < end; i++) if (this.poolOf(i) === block) out.push(i);
    return out;
  }

  poolExhaustAt(pool: number, cycleStart: number, cycleEnd: number): number | null {
    const key = `${pool}:${cycleStart}`;
    const cached = this.poolCache.get(key);
    if (cached !== undefined) return cached;
    const at = Math.min(cycleStart, this.genesis);
    let activated = 0;
    let sumRate = 0;
    for (const m of this.poolMembers(pool)) {
      const s = baseStateAt(this.base(m), at);
      if (s.life !== 'ACTIVE' && s.life !== 'STOPPED') continue;
      activated++;
      if (s.life === 'ACTIVE') sumRate += this.rate(m, cycleStart);
    }
    const total = activated * this.planBytes(this.blockPlan(pool));
    let out: number | null = null;
    if (sumRate > 0) {
      const t = cycleStart + Math.ceil(total / sumRate);
      out = t < cycleEnd ? t : null;
    }
    if (this.poolCache.size > 50_000) this.poolCache.clear();
    this.poolCache.set(key, out);
    return out;
  }

  changes(i: number): readonly CardChange[] | undefined {
    return this.overrides.get(i);
  }

  addChange(i: number, change: CardChange): void {
    addCardChange(this.overrides, i, change);
  }
}
