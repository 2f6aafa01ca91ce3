/**
 * Conformance registration: intl-1nce (1NCE Management API) against its simulator over real HTTP.
 * Expectations come from the simulator's published card view (`card(i)`: status, activation, expiry) and its
 * quota state as the SIM resource shows it, turned into the normalized view by carriers.md §4 and §5.
 */
import { CardStatus, OperationType, SuspendReason, type CardRef } from '@simgate/core';
import { describeConformance, type ExpectedCard, type OperationCase } from './kit';
import { createSimulator, type IntlSimulator } from '@simgate/mocks/intl-1nce';

const CARDS = 500;
const DAY_MS = 86_400_000;

function indices(): number[] {
  return Array.from({ length: CARDS }, (_, i) => i);
}

function expectation(sim: IntlSimulator, i: number): ExpectedCard {
  const now = sim.clock.nowMs();
  const v = sim.card(i);
  const quotaId = (sim.simJson(v, now).quota_status as { id: number }).id;
  const expired = v.expiryMs !== null && v.expiryMs <= now;
  const ref: CardRef = { iccid: v.base.iccidWithLuhn, msisdn: v.base.msisdn };
  const base = { ref, rawStatus: v.status, rawCase: `quota ${quotaId}${expired ? ', expired' : ''}${v.activatedAtMs === null ? ', not activated' : ''}` };
  // carriers.md §5: rows lower in the block win.
  if (expired) return { ...base, status: CardStatus.DEACTIVATED, suspendReason: SuspendReason.PLAN_EXPIRED };
  if (v.status === 'Disabled') return { ...base, status: CardStatus.SUSPENDED, suspendReason: SuspendReason.MANUAL };
  if (quotaId === 2) return { ...base, status: CardStatus.SUSPENDED, suspendReason: SuspendReason.OVER_QUOTA };
  if (v.activatedAtMs === null) return { ...base, status: CardStatus.INVENTORY, suspendReason: null };
  return { ...base, status: CardStatus.ACTIVE, suspendReason: null };
}

function operations(sim: IntlSimulator): OperationCase[] {
  const i = indices().find((k) => {
    const e = expectation(sim, k);
    return e.status === CardStatus.ACTIVE && e.rawCase === 'quota 0';
  });
  if (i === undefined) throw new Error('no active card with quota left in the fleet');
  const ref = expectation(sim, i).ref;
  return [
    { type: OperationType.SUSPEND, ref, statusAfter: CardStatus.SUSPENDED },
    // The card just disabled: resume enables it again.
    { type: OperationType.RESUME, ref, statusAfter: CardStatus.ACTIVE },
  ];
}

describeConformance<IntlSimulator>('intl-1nce', {
  createSimulator,
  cards: CARDS,
  seed: 4,
  start: '2026-03-10T10:00:00Z',
  orderDelayMs: 10 * 60_000,
  cycle: { startDay: 1, zone: 'UTC' },
  expectedCards: (sim) => indices().map((i) => expectation(sim, i)),
  fleetIccids: (sim) => indices().map((i) => sim.fleet.iccidWithLuhnOf(i)),
  unknownIccids: (sim) => [sim.fleet.iccidWithLuhnOf(CARDS + 7), sim.fleet.iccidWithLuhnOf(CARDS + 1000)],
  expectedUsedBytes: (sim, iccid) => {
    // carriers.md §5: cycle usage = the sum of the daily stats inside the natural month (UTC).
    const now = sim.clock.nowMs();
    const v = sim.card(sim.fleet.indexOf(iccid)!);
    const d = new Date(now);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const days = Math.ceil((now - monthStart) / DAY_MS);
    // Daily volumes are MB strings with six decimals: ±0.5 byte a day.
    return { bytes: Math.round(sim.fleet.used(v, now) - sim.fleet.used(v, monthStart)), toleranceBytes: days + 1 };
  },
  operations,
  auth: { kind: 'token' },
});
