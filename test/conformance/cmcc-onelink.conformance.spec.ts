/**
 * Conformance registration: cmcc-onelink (China Mobile OneLink v5) against its simulator over real HTTP.
 * Expectations come from the simulator's published card facts (`state(i)`, `cardStatus(i, s)`) turned into
 * the normalized view by carriers.md §1 (stop-reason bitmap) and §5 (status and reason table) — never from
 * adapter code.
 */
import { CardStatus, OperationType, SuspendReason, type CardRef } from '@simgate/core';
import { describeConformance, type ExpectedCard, type OperationCase } from './kit';
import { createSimulator, type OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import { Why } from '@simgate/mocks/sim/timeline';

/** How the simulator renders its stop causes on the wire (mocks/README.md: over-quota and pool stops use the credit-control bit). */
const WIRE_BIT: ReadonlyArray<[number, string]> = [
  [Why.EXPIRED, '200000000000'],
  [Why.DEVICE_REBIND, '020000000000'],
  [Why.CARRIER, '000200000000'],
  [Why.CREDIT | Why.OVER_QUOTA | Why.POOL, '000020000000'],
  [Why.MANUAL, '000000002000'],
  [Why.REGION, '000000000200'],
  [Why.FORCED, '000000000020'],
];

/** carriers.md §5: OneLink stopReason bits → reason. */
const BIT_REASON: Readonly<Record<string, SuspendReason>> = {
  '020000000000': SuspendReason.DEVICE_REBIND,
  '000200000000': SuspendReason.CARRIER_CONTROL,
  '000000000020': SuspendReason.CARRIER_CONTROL,
  '000000000200': SuspendReason.VIOLATION,
  '000020000000': SuspendReason.CREDIT_CONTROL,
  '000000002000': SuspendReason.MANUAL,
  '200000000000': SuspendReason.PLAN_EXPIRED,
};
/** carriers.md §5: the primary reason is the hardest to recover, in this order. */
const PRIORITY = [
  SuspendReason.VIOLATION,
  SuspendReason.CARRIER_CONTROL,
  SuspendReason.DEVICE_REBIND,
  SuspendReason.PLAN_EXPIRED,
  SuspendReason.CREDIT_CONTROL,
  SuspendReason.OVER_QUOTA,
  SuspendReason.POOL_EXHAUSTED,
  SuspendReason.USAGE_CAP,
  SuspendReason.MANUAL,
];

function bitmap(reasons: number): string {
  const out = Array<string>(12).fill('0');
  for (const [mask, bit] of WIRE_BIT) if (reasons & mask) out[bit.indexOf('2')] = '2';
  return out.join('');
}

function reasonsOf(map: string): SuspendReason[] {
  const out = new Set<SuspendReason>();
  for (const [bit, reason] of Object.entries(BIT_REASON)) if (map[bit.indexOf('2')] === '2') out.add(reason);
  return PRIORITY.filter((r) => out.has(r));
}

function expectation(sim: OneLinkSimulator, i: number): ExpectedCard {
  const s = sim.state(i);
  const raw = sim.cardStatus(i, s);
  const ref: CardRef = { iccid: sim.fleet.iccidOf(i), msisdn: sim.fleet.msisdnOf(i) };
  const base = { ref, rawStatus: raw };
  switch (raw) {
    case '6':
      return { ...base, status: CardStatus.TEST, suspendReason: null, suspendReasons: [] };
    case '1':
    case '7':
    case '06':
    case '07':
      return { ...base, status: CardStatus.INVENTORY, suspendReason: null, suspendReasons: [] };
    case '2':
    case '00':
      return { ...base, status: CardStatus.ACTIVE, suspendReason: null, suspendReasons: [] };
    case '4':
    case '01':
    case '02': {
      const map = bitmap(s.reasons);
      const reasons = reasonsOf(map);
      if (raw === '4' && reasons.includes(SuspendReason.PLAN_EXPIRED)) {
        return { ...base, rawCase: map, status: CardStatus.DEACTIVATED, suspendReason: SuspendReason.PLAN_EXPIRED };
      }
      const list = reasons.length ? reasons : [SuspendReason.UNKNOWN];
      return { ...base, rawCase: map, status: CardStatus.SUSPENDED, suspendReason: list[0], suspendReasons: list };
    }
    case '8':
    case '03':
      return { ...base, status: CardStatus.DEACTIVATED, suspendReason: SuspendReason.PLAN_EXPIRED };
    case '9':
    case '04':
      return { ...base, status: CardStatus.CANCELLED, suspendReason: null, suspendReasons: [] };
    default:
      return { ...base, status: CardStatus.UNKNOWN, suspendReason: null, suspendReasons: [] };
  }
}

const CARDS = 1200;

function indices(): number[] {
  return Array.from({ length: CARDS }, (_, i) => i);
}

/** A plain card: not pooled, not a heavy user (its state will not move by itself during the test). */
function plain(sim: OneLinkSimulator, i: number): boolean {
  return !sim.fleet.isPoolBlock(sim.fleet.block(i)) && !sim.fleet.isHeavy(i);
}

function operations(sim: OneLinkSimulator): OperationCase[] {
  const calm = (k: number): boolean => !sim.fleet.isHeavy(k) && !(sim.fleet.isPoolBlock(sim.fleet.block(k)) && sim.fleet.isHungryPool(sim.fleet.block(k)));
  const find = (pred: (e: ExpectedCard) => boolean): CardRef => findIn((k) => plain(sim, k), pred);
  const findIn = (where: (k: number) => boolean, pred: (e: ExpectedCard) => boolean): CardRef => {
    const i = indices().find((k) => where(k) && pred(expectation(sim, k)));
    if (i === undefined) throw new Error('no card for this operation in the fleet');
    return expectation(sim, i).ref;
  };
  return [
    // Silent cards live in the newest blocks, which may be pools: any block but a hungry pool's will do.
    {
      type: OperationType.ACTIVATE,
      ref: findIn(calm, (e) => e.rawStatus === '1' || e.rawStatus === '7'),
      statusAfter: CardStatus.ACTIVE,
    },
    { type: OperationType.SUSPEND, ref: find((e) => e.rawStatus === '2'), statusAfter: CardStatus.SUSPENDED },
    {
      type: OperationType.RESUME,
      ref: find((e) => e.status === CardStatus.SUSPENDED && e.rawCase === '000000002000'),
      statusAfter: CardStatus.ACTIVE,
    },
  ];
}

describeConformance<OneLinkSimulator>('cmcc-onelink', {
  createSimulator: createSimulator,
  cards: CARDS,
  seed: 6,
  start: '2026-03-10T10:00:00+08:00',
  orderDelayMs: 10 * 60_000,
  cycle: { startDay: 1, zone: 'Asia/Shanghai' },
  accountOptions: (sim) => ({ groupIds: poolIds(sim) }),
  expectedCards: (sim) => indices().map((i) => expectation(sim, i)),
  fleetIccids: (sim) => indices().map((i) => sim.fleet.iccidOf(i)),
  importedRefs: (sim) =>
    [...sim.orderListLines()]
      .join('')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim())
      .map((l) => {
        const [iccid, msisdn] = l.split(',');
        return { iccid, msisdn };
      }),
  unknownIccids: (sim) => [sim.fleet.iccid.encode(CARDS + 7), sim.fleet.iccid.encode(CARDS + 1000)],
  expectedUsedBytes: (sim, iccid) => ({ bytes: Math.round(sim.usageBytes(sim.fleet.byIccid(iccid))), toleranceBytes: 8 }),
  poolIds,
  operations,
  auth: { kind: 'token' },
});

function poolIds(sim: OneLinkSimulator): string[] {
  const out: string[] = [];
  for (let b = 0; b * 256 < CARDS; b++) if (sim.fleet.isPoolBlock(b)) out.push(sim.fleet.groupIdOf(b));
  return out;
}
