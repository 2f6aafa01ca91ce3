import { CardStatus, OperationType, type CarrierReceipt, type OperationReceipt } from '@simgate/core';
import type { AccountRuntime } from '../runtime';

/** Rules of orders the engine applies whatever the platform: the status an order leads to, and its deadline. */

/** The status an operation leads to, for confirming orders by re-reading the card. */
export function targetStatus(type: OperationType): CardStatus | null {
  switch (type) {
    case OperationType.ACTIVATE:
    case OperationType.RESUME:
      return CardStatus.ACTIVE;
    case OperationType.SUSPEND:
      return CardStatus.SUSPENDED;
    default:
      return null;
  }
}

/**
 * Hours after submission at which an order item the carrier still holds is failed: the account's contract
 * (`orderDeadlineHours`) or else the platform's (`orderProcessing.deadlineHours`). Deadlines are the engine's alone.
 */
export function orderDeadlineMs(rt: Pick<AccountRuntime, 'account' | 'manifest'>): number {
  return (rt.account.orderDeadlineHours ?? rt.manifest.orderProcessing.deadlineHours) * 3600_000;
}

/** The receipt as stored: the carrier's, plus the deadline the engine sets at submission. */
export function withDeadline(rt: AccountRuntime, receipt: CarrierReceipt): OperationReceipt {
  return { ...receipt, deadline: new Date(receipt.submittedAt.getTime() + orderDeadlineMs(rt)) };
}
