/**
 * Conformance registration: cucc-jasper (China Unicom CMP, Jasper Control Center REST) against its simulator
 * over real HTTP. Expectations come from the simulator's published facts (`state(i)`, `jasperStatus`, the
 * card's status history, `ctdBytes`) turned into the normalized view by carriers.md §2 and §5.
 */
import { CardStatus, OperationType, SuspendReason, type CardRef } from '@simgate/core';
import { describeConformance, type ExpectedCard, type OperationCase } from './kit';
import { createSimulator, jasperStatus, type JasperSimulator } from '@simgate/mocks/cucc-jasper';

const CARDS = 600;
const DAY_MS = 86_400_000;
/** The longest audit history the platform serves (`daysOfHistory` ≤ 365, carriers.md §2). */
const AUDIT_DAYS = 365;

function indices(): number[] {
  return Array.from({ length: CARDS }, (_, i) => i);
}

function expectation(sim: JasperSimulator, i: number): ExpectedCard {
  const f = sim.fleet;
  const raw = jasperStatus(sim.state(i));
  const ref: CardRef = { iccid: f.iccidOf(i), msisdn: f.msisdnOf(i) };
  const base = { ref, rawStatus: raw };
  switch (raw) {
    case 'TEST_READY':
      return { ...base, status: CardStatus.TEST, suspendReason: null };
    case 'INVENTORY':
    case 'ACTIVATION_READY':
      return { ...base, status: CardStatus.INVENTORY, suspendReason: null };
    case 'ACTIVATED':
      return { ...base, status: CardStatus.ACTIVE, suspendReason: null };
    case 'DEACTIVATED': {
      // carriers.md §5: overageLimitReached → OVER_QUOTA; else the latest audit change to DEACTIVATED made by a
      // named user (not `system`) → MANUAL; else UNKNOWN.
      const now = sim.clock.nowMs();
      const overage = sim.ctdBytes(i) >= f.planBytes(sim.state(i).plan);
      if (overage) return { ...base, rawCase: 'overage', status: CardStatus.SUSPENDED, suspendReason: SuspendReason.OVER_QUOTA };
      const toDeactivated = f.timeline
        .history(i, now)
        .filter((e) => e.field === 'status' && jasperStatus(e.to) === 'DEACTIVATED' && e.at >= now - AUDIT_DAYS * DAY_MS);
      const latest = toDeactivated[toDeactivated.length - 1];
      const byUser = latest !== undefined && latest.by !== 'system';
      return {
        ...base,
        rawCase: byUser ? 'by user' : latest ? 'by system' : 'no audit',
        status: CardStatus.SUSPENDED,
        suspendReason: byUser ? SuspendReason.MANUAL : SuspendReason.UNKNOWN,
      };
    }
    case 'RETIRED':
      return { ...base, status: CardStatus.DEACTIVATED, suspendReason: SuspendReason.PLAN_EXPIRED };
    case 'PURGED':
    case 'REPLACED':
      return { ...base, status: CardStatus.CANCELLED, suspendReason: null };
  }
}

function operations(sim: JasperSimulator): OperationCase[] {
  const find = (pred: (e: ExpectedCard) => boolean): CardRef => {
    const i = indices().find((k) => !sim.fleet.isHeavy(k) && pred(expectation(sim, k)));
    if (i === undefined) throw new Error('no card for this operation in the fleet');
    return expectation(sim, i).ref;
  };
  return [
    { type: OperationType.ACTIVATE, ref: find((e) => e.status === CardStatus.INVENTORY), statusAfter: CardStatus.ACTIVE },
    { type: OperationType.SUSPEND, ref: find((e) => e.status === CardStatus.ACTIVE), statusAfter: CardStatus.SUSPENDED },
    { type: OperationType.RESUME, ref: find((e) => e.suspendReason === SuspendReason.MANUAL), statusAfter: CardStatus.ACTIVE },
  ];
}

describeConformance<JasperSimulator>('cucc-jasper', {
  createSimulator,
  cards: CARDS,
  seed: 3,
  start: '2026-03-22T10:00:00+08:00',
  orderDelayMs: 10 * 60_000,
  cycle: { startDay: 27, zone: 'Asia/Shanghai' },
  expectedCards: (sim) => indices().map((i) => expectation(sim, i)),
  fleetIccids: (sim) => indices().map((i) => sim.fleet.iccidOf(i)),
  unknownIccids: (sim) => [sim.fleet.iccid.encode(CARDS + 7), sim.fleet.iccid.encode(CARDS + 1000)],
  expectedUsedBytes: (sim, iccid) => ({ bytes: sim.ctdBytes(sim.fleet.byIccid(iccid)), toleranceBytes: 0 }),
  operations,
  auth: { kind: 'static', why: 'HTTP Basic on every call (carriers.md §2): no token to expire; a 401 means wrong credentials' },
});
