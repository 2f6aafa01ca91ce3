import type { SimCounters } from '../sim/counters';
import { type CardState, Why } from '../sim/timeline';
import { ANTI_REPEAT_MS, ONELINK_CODES, OneLinkError, type Code, type Row } from './codes';
import type { OneLinkCards } from './cards';

interface Order {
  orderNum: string;
  card: number;
  submittedAt: number;
  completeAt: number;
  applies: (s: CardState) => boolean;
}

interface Job {
  jobId: string;
  cards: number[];
  submittedAt: number;
  completeAt: number;
  applies: (s: CardState) => boolean;
}

interface SingleOp {
  from: (s: CardState) => boolean;
  to: Pick<CardState, 'life' | 'variant'> & { reasons?: number };
  needsReason: boolean;
}

const isStoppedManual = (s: CardState): boolean => s.life === 'STOPPED' && (s.reasons & Why.MANUAL) !== 0;
const STOP: SingleOp = { from: (s) => s.life === 'ACTIVE', to: { life: 'STOPPED', variant: 0, reasons: Why.MANUAL }, needsReason: true };
const RESUME: SingleOp = { from: isStoppedManual, to: { life: 'ACTIVE', variant: 0 }, needsReason: true };
const INVENTORY_TO_ACTIVE: SingleOp = { from: (s) => s.life === 'INVENTORY' && s.variant === 1, to: { life: 'ACTIVE', variant: 0 }, needsReason: false };
const AWAITING_TO_ACTIVE: SingleOp = { from: (s) => s.life === 'INVENTORY' && s.variant === 0, to: { life: 'ACTIVE', variant: 0 }, needsReason: false };

/** `change/sim-status` operType → transition. */
const SINGLE_OPS: Readonly<Record<string, SingleOp>> = {
  '0': STOP,
  '1': RESUME,
  '2': INVENTORY_TO_ACTIVE,
  '3': { from: (s) => s.life === 'TEST', to: { life: 'INVENTORY', variant: 1 }, needsReason: false },
  '5': { from: (s) => s.life === 'TEST', to: { life: 'ACTIVE', variant: 0 }, needsReason: false },
  '6': AWAITING_TO_ACTIVE,
};

/** `change/sim-status/batch` operType → transition (note: batch `5` is inventory→active, single `5` test→active). */
const BATCH_OPS: Readonly<Record<string, SingleOp>> = {
  '9': STOP,
  '11': RESUME,
  '5': INVENTORY_TO_ACTIVE,
  '7': AWAITING_TO_ACTIVE,
};

/** OneLink's status changes: single orders and batch jobs, their anti-repeat rule and their progress. */
export class OneLinkOrders {
  private readonly orders = new Map<string, Order>();
  private readonly jobs = new Map<string, Job>();
  private orderSeq = 0;
  private readonly lastChangeSubmitted = new Map<number, number>();

  constructor(
    private readonly cards: OneLinkCards,
    private readonly counters: SimCounters,
    private readonly orderDelayMs: number,
  ) {}

  private nextNumber(): string {
    return this.cards.fleet.zone.format(this.cards.now(), 'yyyyMMddHHmmss') + String(++this.orderSeq).padStart(6, '0');
  }

  /** Orders-received key: card + change + how many changes the card had completed (a resubmission repeats it). */
  private orderKey(i: number, target: string): string {
    const now = this.cards.now();
    const done = (this.cards.fleet.changes(i) ?? []).filter((c) => c.at <= now).length;
    return `${this.cards.fleet.iccidOf(i)}|${target}|${done}`;
  }

  private recentlyChanged(i: number, now: number): boolean {
    const last = this.lastChangeSubmitted.get(i);
    return last !== undefined && now - last < ANTI_REPEAT_MS;
  }

  changeStatus(p: Record<string, string>): Row {
    const op = SINGLE_OPS[p.operType ?? ''];
    if (!op || (op.needsReason && p.reason !== '01')) throw new OneLinkError('param');
    const i = this.cards.single(p);
    const now = this.cards.now();
    const key = this.orderKey(i, `${op.to.life}`);
    const reject = (code: Code): never => {
      this.counters.order(key, 'change/sim-status', new Date(now), false);
      throw new OneLinkError(code);
    };
    if (this.recentlyChanged(i, now)) reject('antiRepeat');
    if (!op.from(this.cards.state(i))) reject('badState');
    this.counters.order(key, 'change/sim-status', new Date(now), true);
    const orderNum = this.nextNumber();
    const completeAt = now + this.orderDelayMs;
    this.submit(i, op, now, completeAt);
    this.orders.set(orderNum, { orderNum, card: i, submittedAt: now, completeAt, applies: op.from });
    return { orderNum, msisdn: this.cards.fleet.msisdnOf(i) };
  }

  private submit(i: number, op: SingleOp, now: number, completeAt: number): void {
    this.lastChangeSubmitted.set(i, now);
    this.cards.fleet.addChange(i, {
      at: completeAt,
      submittedAt: now,
      by: 'user',
      applies: op.from,
      // A resume lifts the customer's stop only; other stop bits keep the card stopped.
      transform:
        op === RESUME
          ? (s) => {
              const reasons = s.reasons & ~Why.MANUAL;
              return { life: reasons ? 'STOPPED' : 'ACTIVE', variant: reasons ? s.variant : 0, reasons };
            }
          : () => ({ life: op.to.life, variant: op.to.variant, reasons: op.to.reasons ?? 0 }),
    });
  }

  /** Whether an order's change applied when it came due (the card's state just before allowed it). */
  private applied(card: number, completeAt: number, applies: (s: CardState) => boolean): boolean {
    const before = this.cards.fleet.timeline.replay(card, completeAt - 1).state;
    return applies(before);
  }

  orderInfo(p: Record<string, string>): Row {
    const o = p.orderNum ? this.orders.get(p.orderNum) : undefined;
    if (!p.orderNum) throw new OneLinkError('param');
    if (!o) throw new OneLinkError('unknownOrder');
    const now = this.cards.now();
    const ackUntil = o.submittedAt + Math.floor((o.completeAt - o.submittedAt) / 3);
    let status: string;
    let statusDate: number;
    if (now < ackUntil) [status, statusDate] = ['acknowledged', o.submittedAt];
    else if (now < o.completeAt) [status, statusDate] = ['inProgress', ackUntil];
    else [status, statusDate] = [this.applied(o.card, o.completeAt, o.applies) ? 'completed' : 'failed', o.completeAt];
    return { orderNum: o.orderNum, status, statusDate: this.cards.fmt(statusDate), createDate: this.cards.fmt(o.submittedAt) };
  }

  changeStatusBatch(p: Record<string, string>): Row {
    const op = BATCH_OPS[p.operType ?? ''];
    if (!op || (op.needsReason && p.reason !== '01')) throw new OneLinkError('param');
    const cards = this.cards.batch(p, ['msisdns']);
    const now = this.cards.now();
    const keys = cards.map((i) => this.orderKey(i, `${op.to.life}`));
    const reject = (code: Code): never => {
      for (const key of keys) this.counters.order(key, 'change/sim-status/batch', new Date(now), false);
      throw new OneLinkError(code);
    };
    if (new Set(cards).size !== cards.length) reject('param');
    if (cards.some((i) => this.recentlyChanged(i, now))) reject('antiRepeat');
    if (cards.some((i) => !op.from(this.cards.state(i)))) reject('badState');
    for (const key of keys) this.counters.order(key, 'change/sim-status/batch', new Date(now), true);
    const completeAt = now + this.orderDelayMs;
    for (const i of cards) this.submit(i, op, now, completeAt);
    const jobId = this.nextNumber();
    this.jobs.set(jobId, { jobId, cards, submittedAt: now, completeAt, applies: op.from });
    return { jobId };
  }

  batchResult(p: Record<string, string>): Row {
    if (!p.jobId) throw new OneLinkError('param');
    const job = this.jobs.get(p.jobId);
    if (!job) throw new OneLinkError('unknownOrder');
    const now = this.cards.now();
    if (now < job.submittedAt + Math.floor((job.completeAt - job.submittedAt) / 3)) return { jobStatus: '0' };
    if (now < job.completeAt) return { jobStatus: '1' };
    const results = job.cards.map((i) => {
      const ok = this.applied(i, job.completeAt, job.applies);
      const [status, message] = ok ? ONELINK_CODES.ok : ONELINK_CODES.badState;
      return { status, message, resultId: this.cards.fleet.msisdnOf(i), resultType: '1' };
    });
    const failures = results.filter((r) => r.status !== '0').length;
    if (failures === results.length) return { jobStatus: '4' };
    return { jobStatus: failures ? '3' : '2', resultList: results };
  }
}
