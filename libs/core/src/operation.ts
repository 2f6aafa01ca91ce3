import { CardStatus } from './card';
import { DomainValidationError } from './errors';
import { iccidProblem, luhnCheckDigit } from './identifiers';
import { canResume, SuspendReason } from './suspend-reason';

/** Operations on cards (业务受理), domain.md §6. */
export enum OperationType {
  ACTIVATE = 'ACTIVATE',
  SUSPEND = 'SUSPEND',
  RESUME = 'RESUME',
  REBIND = 'REBIND',
  SET_USAGE_CAP = 'SET_USAGE_CAP',
}

export enum OperationState {
  /** Accepted by simgate, not yet sent to the carrier. */
  PENDING = 'PENDING',
  /** The carrier accepted the order; its status change is not visible yet. */
  SUBMITTED = 'SUBMITTED',
  /** The carrier explicitly said it succeeded. */
  COMPLETED = 'COMPLETED',
  /** The carrier explicitly said it failed, or the confirmation deadline passed. */
  FAILED = 'FAILED',
  /** Refused before or at submission (validation, carrier rejection); never retried. */
  REJECTED = 'REJECTED',
}

export function isFinalState(state: OperationState): boolean {
  return state === OperationState.COMPLETED || state === OperationState.FAILED || state === OperationState.REJECTED;
}

export interface OperationParams {
  /** REBIND: the new device's IMEI. */
  imei?: string;
  /** SET_USAGE_CAP: the threshold in MB; null removes it. */
  capMb?: number | null;
  /** Free-text reason some carriers take with a status change. */
  reason?: string;
}

/** An order as the adapter receives it. */
export interface OperationOrder {
  type: OperationType;
  iccids: string[];
  params: OperationParams;
  /** simgate's idempotency key: the same key is never submitted twice. */
  idempotencyKey: string;
}

/** What the carrier gave back on submission (what an adapter's `submit` returns); enough to look up progress later. */
export interface CarrierReceipt {
  type: OperationType;
  iccids: string[];
  /**
   * How progress is confirmed: by the carrier's order or job id, or by re-reading the card's status
   * until `expectedStatus` shows (platforms without an order look-up).
   */
  confirmBy: 'ORDER' | 'JOB' | 'STATUS';
  /** The carrier's order number or job id; null when it gives none. */
  carrierRef: string | null;
  /** The status the card(s) should reach. */
  expectedStatus: CardStatus | null;
  submittedAt: Date;
  raw?: Record<string, unknown>;
}

/**
 * A receipt as simgate stores it: the carrier's receipt plus the deadline the sync engine set at submission
 * (`submittedAt` + the account's or platform's `orderDeadlineHours`). Deadlines are the engine's alone: an
 * adapter reports what the carrier says, and the engine fails items still pending after the deadline.
 */
export interface OperationReceipt extends CarrierReceipt {
  /** After this instant an item still pending is marked FAILED. */
  deadline: Date;
}

export interface OperationItemProgress {
  iccid: string;
  state: OperationState.PENDING | OperationState.SUBMITTED | OperationState.COMPLETED | OperationState.FAILED;
  message?: string;
}

/** Progress of a receipt. Pending until the carrier explicitly says otherwise. */
export interface OperationProgress {
  state: OperationState.SUBMITTED | OperationState.COMPLETED | OperationState.FAILED;
  items: OperationItemProgress[];
  message?: string;
  raw?: Record<string, unknown>;
}

/** "Reset network": suspend, wait 15 minutes, resume. */
export const RESET_NETWORK_WAIT_SECONDS = 15 * 60;

/** The card facts an operation check needs. */
export interface OperationTarget {
  iccid: string;
  status: CardStatus;
  suspendReasons: readonly SuspendReason[];
}

export interface OperationCheck {
  ok: boolean;
  /** Stable code for the console when not ok. */
  code?: string;
  message?: string;
}

const ok: OperationCheck = { ok: true };
function refuse(code: string, message: string): OperationCheck {
  return { ok: false, code, message };
}

/**
 * Whether an operation applies to a card in its current state. Resume only for MANUAL suspensions;
 * activation only for cards not yet active; nothing on cancelled cards.
 */
export function checkOperation(type: OperationType, card: OperationTarget, params: OperationParams = {}): OperationCheck {
  if (card.status === CardStatus.CANCELLED) return refuse('CARD_CANCELLED', `card ${card.iccid} is cancelled`);
  switch (type) {
    case OperationType.ACTIVATE:
      if (card.status === CardStatus.TEST || card.status === CardStatus.INVENTORY) return ok;
      return refuse('INVALID_STATE', `card ${card.iccid} is ${card.status}; only TEST or INVENTORY cards can be activated`);
    case OperationType.SUSPEND:
      if (card.status === CardStatus.ACTIVE) return ok;
      return refuse('INVALID_STATE', `card ${card.iccid} is ${card.status}; only ACTIVE cards can be suspended`);
    case OperationType.RESUME:
      if (card.status !== CardStatus.SUSPENDED) {
        return refuse('INVALID_STATE', `card ${card.iccid} is ${card.status}; only SUSPENDED cards can be resumed`);
      }
      if (!canResume(card.suspendReasons)) {
        return refuse(
          'RESUME_NOT_ALLOWED',
          `card ${card.iccid} is suspended for ${card.suspendReasons.join(', ') || 'an unknown reason'}; resume is allowed only for MANUAL suspensions`,
        );
      }
      return ok;
    case OperationType.REBIND:
      if (!params.imei || !/^\d{14,16}$/.test(params.imei)) {
        return refuse('INVALID_IMEI', 'REBIND needs params.imei, the new device IMEI (14–16 digits)');
      }
      return ok;
    case OperationType.SET_USAGE_CAP:
      if (params.capMb !== null && (params.capMb === undefined || !Number.isInteger(params.capMb) || params.capMb <= 0)) {
        return refuse('INVALID_CAP', 'SET_USAGE_CAP needs params.capMb, a positive whole number of MB, or null to remove it');
      }
      return ok;
  }
}

/** CTCC allows at most this many successful unbinds (rebinds) per natural month. */
export const CTCC_REBINDS_PER_MONTH = 2;

/** The rebind budget left this natural month given the rebinds already done in it. */
export function rebindsLeft(doneThisMonth: number, perMonth: number = CTCC_REBINDS_PER_MONTH): number {
  return Math.max(0, perMonth - doneThisMonth);
}

/**
 * Expands a number range of ICCIDs for batch activation: both ends valid ICCIDs of the same length and
 * prefix length, digits only, `from ≤ to`, at most `max` cards. The container IDs between them are
 * contiguous in their body (the ICCID without its Luhn digit); each expanded ICCID gets its own check digit.
 */
export function expandIccidRange(from: string, to: string, max: number): string[] {
  for (const [field, v] of [
    ['range.from', from],
    ['range.to', to],
  ] as const) {
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new DomainValidationError('INVALID_RANGE', `${field} must be digits only`, field);
    const p = iccidProblem(v);
    if (p) throw new DomainValidationError('INVALID_RANGE', `${field} is not a valid ICCID: ${p}`, field);
  }
  if (from.length !== to.length) throw new DomainValidationError('INVALID_RANGE', 'range.from and range.to must have the same length', 'range');
  const a = BigInt(from.slice(0, -1));
  const b = BigInt(to.slice(0, -1));
  if (a > b) throw new DomainValidationError('INVALID_RANGE', 'range.from must not be after range.to', 'range');
  const count = b - a + 1n;
  if (count > BigInt(max)) throw new DomainValidationError('RANGE_TOO_LARGE', `range holds ${count} cards; at most ${max} per operation`, 'range');
  const width = from.length - 1;
  const out: string[] = [];
  for (let n = a; n <= b; n++) {
    const body = n.toString().padStart(width, '0');
    out.push(body + String(luhnCheckDigit(body)));
  }
  return out;
}
