import { Carrier, CardStatus, OperationType, SuspendReason, type AdapterManifest } from '@simgate/core';
import type { CardView } from './card-view';
import { lifetime, op, recoveryAction, supports, violationAction, violationKind } from './diagnosis-actions';

export type CheckResult = 'PASS' | 'FAIL' | 'WARN' | 'INFO';

export interface DiagnosisCheck {
  /** The step of domain.md §8's checklist the check belongs to (1–8); several checks can share a step. */
  step: number;
  check: string;
  result: CheckResult;
  detail: string;
  action: string | null;
}

const NETWORK: Record<Carrier, string> = {
  [Carrier.CMCC]: '4G only',
  [Carrier.CUCC]: '3G/4G',
  [Carrier.CTCC]: '4G only',
  [Carrier.OVERSEAS]: '4G only',
};
const APN: Record<Carrier, string> = {
  [Carrier.CMCC]: 'cmiot',
  [Carrier.CUCC]: 'scuiot',
  [Carrier.CTCC]: 'ctnet',
  [Carrier.OVERSEAS]: "the carrier's APN",
};

/**
 * domain.md §8 evaluated for one card, each check numbered with its step of the checklist: the checks simgate
 * can decide from its data (status, reasons, usage, freshness) get PASS/FAIL/WARN; the device-side ones
 * (network mode, APN, roaming, whitelist, region) are INFO with the value to check. Actions come from the
 * platform's manifest (`manifest`): an operation only where the platform supports it, else the carrier's own
 * path; carrier-limited rules (90-day cancellation, rebind limits) only where they apply.
 */
export function diagnose(
  card: CardView,
  now: Date,
  staleAfterSeconds: number,
  manifest?: AdapterManifest,
): { verdict: CheckResult; checks: DiagnosisCheck[] } {
  const c = card.carrier as Carrier;
  const overseas = c === Carrier.OVERSEAS;
  const reasons = card.suspendReasons as SuspendReason[];
  const checks: DiagnosisCheck[] = [];
  const add = (step: number, check: string, result: CheckResult, detail: string, action: string | null = null) =>
    checks.push({ step, check, result, detail, action });

  // 1–3: the device's settings.
  add(1, 'network mode', 'INFO', `${c} cards work on ${NETWORK[c]}`, `set the device's network mode to ${NETWORK[c]}`);
  add(2, 'APN', 'INFO', `APN must be ${APN[c]}`, `set the APN to ${APN[c]} and restart the device`);
  if (overseas) add(3, 'data roaming', 'INFO', 'overseas cards need data roaming on', 'turn data roaming on in the device');

  // 4: the card's status, and how recently the carrier confirmed it.
  const status = card.status as CardStatus;
  const primary = (card.suspendReason as SuspendReason | null) ?? reasons[0] ?? SuspendReason.UNKNOWN;
  const violation = reasons.includes(SuspendReason.VIOLATION);
  const kind = violation ? violationKind(card, manifest) : null;
  const actionOf = (r: SuspendReason) => (r === SuspendReason.VIOLATION ? violationAction(kind, card, manifest) : recoveryAction(r, card, manifest));
  if (status === CardStatus.ACTIVE) add(4, 'card status', 'PASS', 'the card is ACTIVE (在用)');
  else if (status === CardStatus.TEST || status === CardStatus.INVENTORY) notActivated(card, manifest, add);
  else if (status === CardStatus.SUSPENDED) {
    add(4, 'card status', 'FAIL', `the card is SUSPENDED for ${reasons.join(', ') || 'an unknown reason'}`, actionOf(primary));
  } else if (status === CardStatus.DEACTIVATED) {
    add(4, 'card status', 'FAIL', `the plan term has ended (已停机)${card.forecast.expiresAt ? ` on ${card.forecast.expiresAt}` : ''}`, recoveryAction(SuspendReason.PLAN_EXPIRED, card, manifest));
  } else if (status === CardStatus.CANCELLED) add(4, 'card status', 'FAIL', 'the card is cancelled (已销户) and can never be used again', 'replace the card');
  else add(4, 'card status', 'WARN', `the carrier's status '${card.rawStatus ?? ''}' is not known to simgate`, 'check the raw status with the carrier');
  const synced = card.statusSyncedAt ? new Date(card.statusSyncedAt) : null;
  if (!synced) add(4, 'data freshness', 'WARN', 'simgate has not read this card from the carrier yet', 'POST /v1/sync with this card');
  else if ((now.getTime() - synced.getTime()) / 1000 > staleAfterSeconds) {
    add(4, 'data freshness', 'WARN', `status last confirmed at ${card.statusSyncedAt}`, 'POST /v1/sync with this card to refresh it');
  } else add(4, 'data freshness', 'PASS', `status confirmed at ${card.statusSyncedAt}`);

  // 5–7: how the card is used. A violation the carrier names is placed at its own step.
  if (violation && (kind === 'PHONE' || kind === null)) {
    const detail =
      kind === 'PHONE'
        ? 'the carrier stopped the card for use in a phone: it cannot be recovered'
        : 'the carrier stopped the card for a violation (phone use, high-risk region or separation from its device)';
    add(5, 'not used in a phone', 'FAIL', detail, actionOf(SuspendReason.VIOLATION));
  } else add(5, 'not used in a phone', 'INFO', 'IoT cards must not be used in phones or person-facing devices');
  add(6, 'directed traffic whitelist', 'INFO', 'directed (定向) traffic reaches only whitelisted IPs and domains', 'check that every address the device calls is whitelisted and 已生效');
  if (kind === 'HIGH_RISK_REGION') {
    add(7, 'high-risk region', 'FAIL', `the carrier stopped the card for use in a high-risk region (raw reason ${card.rawReason})`, actionOf(SuspendReason.VIOLATION));
  } else add(7, 'high-risk region', 'INFO', 'in high-risk regions (e.g. Tibet, Xinjiang, Inner Mongolia) only local cards are accepted', 'use a local carrier card there');

  // 8: it worked before and stopped: the suspend reasons, a move to another device, the data allowance, a restart.
  if (reasons.includes(SuspendReason.DEVICE_REBIND) || kind === 'DEVICE_SEPARATION') {
    add(8, 'moved to another device', 'FAIL', 'the card is bound to another device (机卡绑定)', recoveryAction(SuspendReason.DEVICE_REBIND, card, manifest));
  }
  for (const r of reasons) {
    if (r === SuspendReason.DEVICE_REBIND || r === SuspendReason.VIOLATION) continue;
    add(8, 'suspend reason', 'FAIL', `${r}${card.rawReason ? ` (raw reason ${card.rawReason})` : ''}`, actionOf(r));
  }
  allowance(card, add);
  add(8, 'restart', 'INFO', 'if it worked before and nothing above explains it', 'restart the device');

  const verdict: CheckResult = checks.some((x) => x.result === 'FAIL') ? 'FAIL' : checks.some((x) => x.result === 'WARN') ? 'WARN' : 'PASS';
  return { verdict, checks };
}

type Add = (step: number, check: string, result: CheckResult, detail: string, action?: string | null) => void;

/** Step 4 for a card never activated: the platform's activation, or how the carrier activates it. */
function notActivated(card: CardView, m: AdapterManifest | undefined, add: Add): void {
  const forced = card.forecast.forcedActivationAt
    ? `; it is force-activated on ${card.forecast.forcedActivationAt}${card.forecast.basis.forcedActivationAt === 'ESTIMATED' ? ' (estimated)' : ''}`
    : '';
  if (supports(m, OperationType.ACTIVATE)) {
    add(4, 'card status', 'FAIL', `the card is ${card.status}, not activated${forced}`, `activate the card: ${op(OperationType.ACTIVATE, m)}`);
  } else {
    // No activation call (1NCE): the first data session activates the card (domain.md §1, enterprise cards).
    add(4, 'card status', 'WARN', `the card is ${card.status}, not activated yet; the platform has no activation call, the first data session activates it${forced}`, 'power the device on with data (roaming on overseas): the first data session activates the card');
  }
}

/** Step 8: the data allowance, per cycle (monthly plans) or for the whole term (lifetime volumes). */
function allowance(card: CardView, add: Add): void {
  const u = card.usage;
  if (!u) return;
  if (u.remainingBytes === null) {
    add(8, 'data allowance', 'INFO', `${u.usedBytes} bytes used this cycle; the plan's volume is not known (the platform serves none, and the account declares none)`);
  } else if (lifetime(card)) {
    if (u.remainingBytes <= 0) {
      add(8, 'data allowance', 'FAIL', `the lifetime volume (${u.quotaBytes ?? '?'} bytes) is used up`, "add volume (top up) with the carrier: a lifetime volume does not reset at a new cycle");
    } else add(8, 'data allowance', 'PASS', `${u.remainingBytes} bytes left of the lifetime volume`);
  } else if (u.remainingBytes < 0) {
    add(8, 'data allowance', 'WARN', `the card is ${-u.remainingBytes} bytes over this cycle's allowance`, `buy an add-on pack or wait for the next cycle (${u.cycleEnd})`);
  } else if (u.remainingBytes === 0) {
    add(8, 'data allowance', 'WARN', "this cycle's allowance is used up", `buy an add-on pack or wait for the next cycle (${u.cycleEnd})`);
  } else add(8, 'data allowance', 'PASS', `${u.usedBytes} bytes used this cycle, ${u.remainingBytes} left`);
}
