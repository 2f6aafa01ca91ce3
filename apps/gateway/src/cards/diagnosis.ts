import { Carrier, CardStatus, SuspendReason, recoveryOf } from '@simgate/core';
import type { CardView } from './card-view';

export type CheckResult = 'PASS' | 'FAIL' | 'WARN' | 'INFO';

export interface DiagnosisCheck {
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
 * domain.md §8 evaluated for one card: the checks simgate can decide from its data (status, reasons, usage,
 * freshness) get PASS/FAIL/WARN; the device-side ones (network mode, APN, roaming, whitelist, region) are
 * INFO with the value to check.
 */
export function diagnose(card: CardView, now: Date, staleAfterSeconds: number): { verdict: CheckResult; checks: DiagnosisCheck[] } {
  const c = card.carrier as Carrier;
  const reasons = card.suspendReasons as SuspendReason[];
  const checks: DiagnosisCheck[] = [];
  const add = (check: string, result: CheckResult, detail: string, action: string | null = null) =>
    checks.push({ step: checks.length + 1, check, result, detail, action });

  add('network mode', 'INFO', `${c} cards work on ${NETWORK[c]}`, `set the device's network mode to ${NETWORK[c]}`);
  add('APN', 'INFO', `APN must be ${APN[c]}`, `set the APN to ${APN[c]} and restart the device`);
  if (c === Carrier.OVERSEAS) add('data roaming', 'INFO', 'overseas cards need data roaming on', 'turn data roaming on in the device');

  const status = card.status as CardStatus;
  if (status === CardStatus.ACTIVE) add('card status', 'PASS', 'the card is ACTIVE (在用)');
  else if (status === CardStatus.TEST || status === CardStatus.INVENTORY) add('card status', 'FAIL', `the card is ${status}, not activated`, 'activate the card (POST /v1/operations type ACTIVATE)');
  else if (status === CardStatus.SUSPENDED) add('card status', 'FAIL', `the card is SUSPENDED for ${reasons.join(', ') || 'an unknown reason'}`, card.recovery?.action ?? null);
  else if (status === CardStatus.DEACTIVATED) add('card status', 'FAIL', 'the plan term has ended (已停机)', recoveryOf(SuspendReason.PLAN_EXPIRED).action);
  else if (status === CardStatus.CANCELLED) add('card status', 'FAIL', 'the card is cancelled and can never be used again', 'replace the card');
  else add('card status', 'WARN', `the carrier's status '${card.rawStatus ?? ''}' is not known to simgate`, 'check the raw status with the carrier');

  if (reasons.includes(SuspendReason.VIOLATION)) {
    add('not used in a phone', 'FAIL', 'the carrier stopped the card for a violation (phone use, high-risk region or separation from its device)', recoveryOf(SuspendReason.VIOLATION).action);
  } else {
    add('not used in a phone', 'INFO', 'IoT cards must not be used in phones or person-facing devices');
  }
  add('directed traffic whitelist', 'INFO', 'directed (定向) traffic reaches only whitelisted IPs and domains', 'check that every address the device calls is whitelisted and 已生效');
  add('high-risk region', 'INFO', 'in high-risk regions (e.g. Tibet, Xinjiang, Inner Mongolia) only local cards are accepted', 'use a local carrier card there');

  if (reasons.includes(SuspendReason.DEVICE_REBIND)) {
    add('moved to another device', 'FAIL', 'the card is bound to another device (机卡绑定)', 'rebind the card to the new IMEI (POST /v1/operations type REBIND)');
  }
  if (card.usage && card.usage.remainingBytes !== null && card.usage.remainingBytes < 0) {
    add('data allowance', 'WARN', `the card is ${-card.usage.remainingBytes} bytes over its allowance`, 'buy an add-on pack or wait for the next cycle');
  } else if (card.usage) {
    add('data allowance', 'PASS', `${card.usage.usedBytes} bytes used this cycle`);
  }
  const synced = card.statusSyncedAt ? new Date(card.statusSyncedAt) : null;
  if (!synced) add('data freshness', 'WARN', 'simgate has not read this card from the carrier yet', 'POST /v1/sync with this card');
  else if ((now.getTime() - synced.getTime()) / 1000 > staleAfterSeconds) {
    add('data freshness', 'WARN', `status last confirmed at ${card.statusSyncedAt}`, 'POST /v1/sync with this card to refresh it');
  } else add('data freshness', 'PASS', `status confirmed at ${card.statusSyncedAt}`);
  add('restart', 'INFO', 'if it worked before and nothing above explains it', 'restart the device');

  const verdict: CheckResult = checks.some((x) => x.result === 'FAIL') ? 'FAIL' : checks.some((x) => x.result === 'WARN') ? 'WARN' : 'PASS';
  return { verdict, checks };
}
