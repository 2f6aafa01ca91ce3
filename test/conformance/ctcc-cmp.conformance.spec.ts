/**
 * Conformance registration: ctcc-cmp (China Telecom CMP, m2m_ec) against its simulator over real HTTP.
 * Expectations come from the simulator's published card view (`card(i)`: productMainStatusCd, usage
 * threshold state) turned into the normalized view by carriers.md §3 and §5.
 */
import { CardStatus, OperationType, SuspendReason, type CardRef } from '@simgate/core';
import { describeConformance, type ExpectedCard, type OperationCase } from './kit';
import { createSimulator, type CtccSimulator } from '@simgate/mocks/ctcc-cmp';

const CARDS = 400;

function indices(): number[] {
  return Array.from({ length: CARDS }, (_, i) => i);
}

function expectation(sim: CtccSimulator, i: number): ExpectedCard {
  const v = sim.card(i);
  const ref: CardRef = { iccid: v.iccid, msisdn: v.msisdn };
  const base = { ref, rawStatus: v.status };
  switch (v.status) {
    case '2':
      return { ...base, status: CardStatus.TEST, suspendReason: null };
    case '1':
    case '3':
      return { ...base, status: CardStatus.INVENTORY, suspendReason: null };
    case '4':
      return sim.fleet.netBlocked(v, sim.clock.nowMs())
        ? { ...base, rawCase: '已断网', status: CardStatus.SUSPENDED, suspendReason: SuspendReason.USAGE_CAP }
        : { ...base, rawCase: '未断网', status: CardStatus.ACTIVE, suspendReason: null };
    case '5':
      // No hint: simgate did not stop these cards itself (carriers.md §5: MANUAL only after its own disabledNumber 19).
      return { ...base, status: CardStatus.SUSPENDED, suspendReason: SuspendReason.UNKNOWN };
    case '6':
      return { ...base, status: CardStatus.SUSPENDED, suspendReason: SuspendReason.CARRIER_CONTROL };
    case '7':
      return { ...base, status: CardStatus.CANCELLED, suspendReason: null };
  }
}

function operations(sim: CtccSimulator): OperationCase[] {
  const find = (pred: (e: ExpectedCard) => boolean, skip = 0): CardRef => {
    const found = indices().filter((k) => pred(expectation(sim, k)));
    if (found.length <= skip) throw new Error('no card for this operation in the fleet');
    return expectation(sim, found[skip]).ref;
  };
  const active = (e: ExpectedCard): boolean => e.status === CardStatus.ACTIVE;
  const stopped = find(active, 0);
  return [
    { type: OperationType.ACTIVATE, ref: find((e) => e.rawStatus === '1'), statusAfter: CardStatus.ACTIVE },
    { type: OperationType.SUSPEND, ref: stopped, statusAfter: CardStatus.SUSPENDED },
    // The card simgate itself just stopped: its hint says so, and resume is allowed.
    { type: OperationType.RESUME, ref: { ...stopped, hints: { stoppedBySimgate: true } }, statusAfter: CardStatus.ACTIVE },
    { type: OperationType.REBIND, ref: find(active, 1), params: { imei: '356938035643809' }, statusAfter: null },
    { type: OperationType.SET_USAGE_CAP, ref: find(active, 2), params: { capMb: 100 }, statusAfter: null },
  ];
}

describeConformance<CtccSimulator>('ctcc-cmp', {
  createSimulator,
  cards: CARDS,
  seed: 5,
  start: '2026-03-10T10:00:00+08:00',
  orderDelayMs: 10 * 60_000,
  cycle: { startDay: 1, zone: 'Asia/Shanghai' },
  expectedCards: (sim) => indices().map((i) => expectation(sim, i)),
  fleetIccids: (sim) => indices().map((i) => sim.fleet.iccidOf(i)),
  unknownIccids: (sim) => [sim.fleet.iccidOf(CARDS + 7), sim.fleet.iccidOf(CARDS + 1000)],
  expectedUsedBytes: (sim, iccid) => {
    const i = sim.fleet.indexOfIccid(iccid)!;
    // Two decimals of MB on the wire: ±0.005 MB.
    return { bytes: sim.fleet.monthToDate(sim.card(i), sim.clock.nowMs()).bytes, toleranceBytes: 5243 };
  },
  operations,
  auth: { kind: 'static', why: 'every call is signed with the account key (carriers.md §3): no token to expire' },
});
