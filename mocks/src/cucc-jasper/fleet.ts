import { luhnCheckDigit } from '@simgate/core';
import { IndexedId, seedDigits } from '../sim/ids';
import { hash3 as hash32, unit } from '../sim/random';
import { type BaseHistory, type CardChange, type CardModel, type CardState, Timeline, Why, addCardChange } from '../sim/timeline';
import { DAY_MS, HOUR_MS, SHANGHAI_ZONE } from '../sim/zone';

/**
 * The Jasper (CUCC) fleet: card i is derived from (seed, i). The base history is laid out so that each
 * card's last change before genesis (`dateUpdated`) grows with its index: the `devices?modifiedSince`
 * list is then an index range plus the few cards that changed since genesis, sorted by change time.
 */

export const BLOCK = 256;
const CYCLE_NORM_MS = 31 * DAY_MS;
const MB = 1024 * 1024;

export interface RatePlan {
  name: string;
  bytes: number;
}

export const RATE_PLANS: readonly RatePlan[] = [
  { name: 'CUCC_IOT_30MB_M', bytes: 30 * MB },
  { name: 'CUCC_IOT_100MB_M', bytes: 100 * MB },
  { name: 'CUCC_IOT_500MB_M', bytes: 500 * MB },
  { name: 'CUCC_IOT_1GB_M', bytes: 1024 * MB },
  { name: 'CUCC_IOT_3GB_M', bytes: 3072 * MB },
];

export const COMMUNICATION_PLANS = ['CUCC_DATA_4G_CMNET', 'CUCC_DATA_3G4G_SCUIOT'] as const;
export const OVERAGE_OVERRIDES = ['DEFAULT', 'TEMPORARY_OVERRIDE'] as const;

const S = {
  plan: 1,
  comm: 2,
  status: 10,
  activation: 11,
  by: 12,
  heavy: 14,
  share: 15,
  variant: 17,
  testMonths: 18,
  override: 19,
  imei: 20,
  ship: 21,
} as const;

export class JasperFleet implements CardModel {
  readonly zone = SHANGHAI_ZONE;
  readonly timeline: Timeline;
  readonly iccid: IndexedId;
  readonly msisdn: IndexedId;
  readonly imsi: IndexedId;
  readonly overrides = new Map<number, CardChange[]>();
  /** Bumped on every change ordered through the API. */
  version = 0;
  /** Named users that made status changes before genesis (besides `system`). */
  readonly users: readonly string[];
  private readonly from: number;
  private readonly span: number;
  private readonly freshCut: number;
  private candidates: Uint32Array | null = null;

  constructor(
    readonly size: number,
    readonly seed: number,
    readonly genesis: number,
    apiUser: string,
    readonly cycleStartDay = 27,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 99_999_999) throw new Error(`fleet size must be 1..99999999, got ${size}`);
    this.iccid = new IndexedId('898601' + seedDigits(seed, 31, 5), 8, true);
    this.msisdn = new IndexedId('1460' + seedDigits(seed, 32, 1), 8, false);
    this.imsi = new IndexedId('46006' + seedDigits(seed, 33, 2), 8, false);
    this.users = [apiUser, 'ops_li', 'ops_wang'];
    this.from = SHANGHAI_ZONE.addMonths(genesis, -36);
    this.span = genesis - HOUR_MS - this.from;
    this.freshCut = SHANGHAI_ZONE.addMonths(genesis, -6);
    this.timeline = new Timeline(this);
  }

  block(i: number): number {
    return Math.floor(i / BLOCK);
  }

  iccidOf(i: number): string {
    return this.iccid.encode(i);
  }

  msisdnOf(i: number): string {
    return this.msisdn.encode(i);
  }

  imsiOf(i: number): string {
    return this.imsi.encode(i);
  }

  imeiOf(i: number): string {
    const body = '86' + String(hash32(this.seed, i, S.imei)).padStart(10, '0') + String(i % 100).padStart(2, '0');
    return body + String(luhnCheckDigit(body));
  }

  byIccid(v: string): number {
    return this.iccid.decode(v, this.size);
  }

  plan(index: number): RatePlan {
    return RATE_PLANS[index % RATE_PLANS.length];
  }

  planIndex(name: string): number {
    return RATE_PLANS.findIndex((p) => p.name === name);
  }

  communicationPlan(i: number): string {
    return COMMUNICATION_PLANS[hash32(this.seed, this.block(i), S.comm) % COMMUNICATION_PLANS.length];
  }

  overageLimitOverride(i: number): (typeof OVERAGE_OVERRIDES)[number] {
    return this.isHeavy(i) && unit(this.seed, i, S.override) < 0.2 ? 'TEMPORARY_OVERRIDE' : 'DEFAULT';
  }

  /** The base `dateUpdated` of card i: strictly increasing with the index. */
  baseUpdatedAt(i: number): number {
    return this.from + Math.floor(((i + 1) / this.size) * this.span);
  }

  /** The first index whose base `dateUpdated` is ≥ `t` (size when none). */
  firstUpdatedFrom(t: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.baseUpdatedAt(mid) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private roll(i: number): { r: number; fresh: boolean } {
    return { r: unit(this.seed, i, S.status), fresh: this.baseUpdatedAt(i) > this.freshCut };
  }

  isHeavy(i: number): boolean {
    const { r, fresh } = this.roll(i);
    const activated = fresh ? r >= 0.65 : r < 0.78;
    return activated && unit(this.seed, i, S.heavy) < 0.05;
  }

  /** Cards whose life can change after genesis without an API call (silent cards, heavy users). */
  dynamicCandidates(): Uint32Array {
    if (this.candidates) return this.candidates;
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const { r, fresh } = this.roll(i);
      if ((fresh && r < 0.65) || this.isHeavy(i)) out.push(i);
    }
    this.candidates = Uint32Array.from(out);
    return this.candidates;
  }

  forcedActivationAt(openedAt: number, testMonths: number): number {
    const bufferEnd = this.zone.addMonths(openedAt, testMonths + 6);
    return this.zone.startOfMonth(bufferEnd - 1, 1);
  }

  base(i: number): BaseHistory {
    const seed = this.seed;
    const u = this.baseUpdatedAt(i);
    const { r, fresh } = this.roll(i);
    const plan = hash32(seed, this.block(i), S.plan) % RATE_PLANS.length;
    const by = this.users[hash32(seed, i, S.by) % this.users.length];
    const mk = (life: CardState['life'], variant: number, at: number): CardState => ({
      life,
      variant,
      reasons: 0,
      changedAt: at,
      changedBy: 'system',
      activatedAt: null,
      plan,
      updatedAt: at,
    });
    if (fresh && r < 0.65) {
      // Silent: shipped at u, nothing since; force-activated after the silent period.
      const isTest = r < 0.1;
      const testMonths = isTest ? 1 + (hash32(seed, i, S.testMonths) % 3) : 0;
      const initial = isTest ? mk('TEST', 0, u) : mk('INVENTORY', r < 0.35 ? 0 : 1, u);
      return { openedAt: u, initial, activatedAt: null, activatedBy: 'system', final: null, forcedAt: this.forcedActivationAt(u, testMonths) };
    }
    const shipGap = DAY_MS + Math.floor(unit(seed, i, S.ship) * 60 * DAY_MS);
    if (fresh || r < 0.78) {
      const openedAt = u - shipGap;
      return { openedAt, initial: mk('INVENTORY', 1, openedAt), activatedAt: u, activatedBy: hash32(seed, i, S.by) % 4 === 0 ? 'system' : by, final: null, forcedAt: null };
    }
    const activatedAt = u - HOUR_MS - Math.floor((10 + 390 * unit(seed, i, S.activation)) * DAY_MS);
    const openedAt = activatedAt - shipGap;
    const out: BaseHistory = { openedAt, initial: mk('INVENTORY', 1, openedAt), activatedAt, activatedBy: by, final: null, forcedAt: null };
    if (r < 0.91) out.final = { at: u, life: 'STOPPED', variant: 0, reasons: hash32(seed, i, S.variant) % 2 ? Why.MANUAL : Why.CARRIER, by: 'system' };
    else if (r < 0.95) out.final = { at: u, life: 'RETIRED', variant: 0, reasons: Why.EXPIRED, by: 'system' };
    else out.final = { at: u, life: 'CANCELLED', variant: r < 0.98 ? 0 : 1, reasons: 0, by: 'system' };
    if (out.final.life === 'STOPPED' && out.final.reasons === Why.MANUAL) out.final.by = by;
    return out;
  }

  planBytes(plan: number): number {
    return this.plan(plan).bytes;
  }

  rate(i: number, cycleStart: number): number {
    const u = unit(this.seed, i, S.share);
    const share = this.isHeavy(i) ? 1.5 + u : 0.05 + 0.65 * u;
    const jitter = 0.8 + 0.4 * unit(this.seed, i, (cycleStart / 1000) | 0);
    const plan = hash32(this.seed, this.block(i), S.plan) % RATE_PLANS.length;
    return (this.planBytes(plan) * share * jitter) / CYCLE_NORM_MS;
  }

  capped(i: number): boolean {
    return this.overageLimitOverride(i) === 'DEFAULT';
  }

  poolOf(): number {
    return -1;
  }

  poolExhaustAt(): number | null {
    return null;
  }

  changes(i: number): readonly CardChange[] | undefined {
    return this.overrides.get(i);
  }

  addChange(i: number, change: CardChange): void {
    addCardChange(this.overrides, i, change);
    this.version++;
  }
}
