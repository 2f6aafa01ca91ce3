import { Carrier, OperationType, SuspendReason, recoveryOf, type AdapterManifest, type ViolationKind } from '@simgate/core';
import type { CardView } from './card-view';

/**
 * What a platform lets the customer do about a card (domain.md §2, §6, §7), for the diagnosis: an operation is
 * suggested only where the platform's manifest lists it; otherwise the carrier's own path with its time frame.
 */

/** The carrier's own rebind path when the platform offers no rebind call (domain.md §2, §7). */
const REBIND_BY_CARRIER: Record<Carrier, string> = {
  [Carrier.CMCC]: 'Ask China Mobile to rebind the card to its new device (IMEI); the rebind completes within 3 business days.',
  [Carrier.CUCC]: 'Ask China Unicom to rebind the card to its new device (IMEI); the carrier handles it in 1–3 business days.',
  [Carrier.CTCC]: "Rebind the card to the new IMEI in the carrier's console, then restart the device after 5 minutes; at most 2 successful unbinds per natural month.",
  [Carrier.OVERSEAS]: "Ask the carrier to release the card's device (IMEI) lock.",
};

/** How long the platform's carrier takes to complete an order, for an action's time frame. */
function orderTime(m: AdapterManifest | undefined): string {
  if (!m) return '';
  const span = (h: number) => (h >= 24 && h % 24 === 0 ? `${h / 24} day(s)` : `${h} hour(s)`);
  return ` The carrier completes the order typically within ${span(m.orderProcessing.typicalHours)}, at most ${span(m.orderProcessing.deadlineHours)}.`;
}

export function supports(m: AdapterManifest | undefined, op: OperationType): boolean {
  return m?.capabilities.operations.includes(op) ?? false;
}

/** An operation to submit, with the platform's processing time. */
export const op = (type: OperationType, m: AdapterManifest | undefined) => `POST /v1/operations type ${type}.${orderTime(m)}`;

/** Whether the card's plan is a lifetime volume (1NCE) rather than a monthly allowance. */
export const lifetime = (card: CardView) => card.plan?.kind === 'LIFETIME';

/** The platform's recovery path for one reason, with the card's own dates (next cycle, cancellation). */
export function recoveryAction(reason: SuspendReason, card: CardView, m: AdapterManifest | undefined): string {
  const c = card.carrier as Carrier;
  const nextCycle = card.usage?.cycleEnd ? ` (${card.usage.cycleEnd})` : '';
  switch (reason) {
    case SuspendReason.MANUAL:
      return supports(m, OperationType.RESUME) ? `Resume (复机) the card: ${op(OperationType.RESUME, m)}` : "Resume (复机) the card in the carrier's console.";
    case SuspendReason.DEVICE_REBIND:
      if (!supports(m, OperationType.REBIND)) return REBIND_BY_CARRIER[c];
      return `Rebind the card to the new IMEI: ${op(OperationType.REBIND, m)} Restart the device 5 minutes after the rebind${
        m?.cooldowns.rebindsPerMonth ? `; at most ${m.cooldowns.rebindsPerMonth} successful unbinds per natural month` : ''
      }.`;
    case SuspendReason.USAGE_CAP:
      return supports(m, OperationType.SET_USAGE_CAP)
        ? `Raise or remove the usage threshold: ${op(OperationType.SET_USAGE_CAP, m)} Or wait: the card returns to 在用 at the next cycle${nextCycle}.`
        : `Raise or remove the usage threshold in the carrier's console, or wait: the card returns to 在用 at the next cycle${nextCycle}.`;
    case SuspendReason.OVER_QUOTA:
      return lifetime(card)
        ? "The plan's lifetime volume is used up and does not reset at a new cycle: add volume (top up) with the carrier."
        : `Buy an add-on pack (叠加包) for this cycle, or wait: the card returns to 在用 at the next cycle${nextCycle}.`;
    case SuspendReason.POOL_EXHAUSTED:
      return supports(m, OperationType.ACTIVATE)
        ? `Activate inactive cards of the pool (${op(OperationType.ACTIVATE, m)}), add same-plan cards, buy a pool add-on pack, or wait for the next cycle${nextCycle}.`
        : `Activate inactive cards of the pool in the carrier's console, add same-plan cards, buy a pool add-on pack, or wait for the next cycle${nextCycle}.`;
    case SuspendReason.PLAN_EXPIRED: {
      const days = m?.lifecycle?.cancellationDays ?? (c === Carrier.OVERSEAS ? null : 90);
      if (days === null) return 'Renew (extend) the plan with the carrier; this carrier does not cancel an expired card automatically.';
      const at = card.forecast.cancellationAt;
      return `Renew the plan; without renewal the card is cancelled ${days} natural days after expiry${at ? `, on ${at}` : ''}. Keeping the number while stopped costs 5 CNY/month; renewing within 3 months restores service in the same month.`;
    }
    default:
      return recoveryOf(reason).action;
  }
}

/** The recovery of a violation of a known kind (domain.md §2): a card used in a phone is lost for good. */
export function violationAction(kind: ViolationKind | null, card: CardView, m: AdapterManifest | undefined): string {
  if (kind === 'PHONE') return 'The card was used in a phone: it cannot be recovered. Replace it and use the new card only in its IoT device.';
  if (kind === 'HIGH_RISK_REGION') return "Use a local carrier's card in that region, and contact carrier support to lift the stop.";
  if (kind === 'DEVICE_SEPARATION') return recoveryAction(SuspendReason.DEVICE_REBIND, card, m);
  return recoveryOf(SuspendReason.VIOLATION).action;
}

/** Which violation the carrier reported, from the platform's raw reason codes or the labels of domain.md §2. */
export function violationKind(card: CardView, m: AdapterManifest | undefined): ViolationKind | null {
  const raw = card.rawReason ?? '';
  for (const v of m?.violationRawReasons ?? []) if (new RegExp(v.pattern).test(raw)) return v.kind;
  if (raw.includes('在手机内使用')) return 'PHONE';
  if (raw.includes('高危地区')) return 'HIGH_RISK_REGION';
  if (raw.includes('机卡分离')) return 'DEVICE_SEPARATION';
  return null;
}
