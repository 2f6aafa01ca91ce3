import {
  isCarrierError,
  OperationState,
  type CardRef,
  type CarrierError,
  type CarrierReceipt,
  type OperationItemProgress,
  type OperationProgress,
} from '@simgate/core';
import { refFor } from './per-card';

export interface StatusConfirmation {
  /** The raw status that confirms the order. */
  target: string;
  /** Reads one card's raw status. */
  read: (ref: CardRef) => Promise<string>;
  /** Whether a refusal of the read concerns the card alone (that item FAILED); other errors fail the call. */
  refusalIsCards: (e: CarrierError) => boolean;
  /** The message of an item still waiting, from the raw status it shows. */
  waiting: (raw: string) => string;
}

/**
 * Progress of an order the carrier confirms by the card's status: each card is re-read, COMPLETED once it
 * shows the target status, SUBMITTED while it does not (the carrier's truth: the engine applies deadlines),
 * FAILED when the read is refused for that card.
 */
export async function progressByStatus(receipt: CarrierReceipt, refs: readonly CardRef[], c: StatusConfirmation): Promise<OperationProgress> {
  const items: OperationItemProgress[] = [];
  for (const iccid of receipt.iccids) {
    let raw: string;
    try {
      raw = (await c.read(refFor(refs, iccid))).trim();
    } catch (e) {
      if (isCarrierError(e) && e.kind === 'REJECTED' && c.refusalIsCards(e)) {
        items.push({ iccid, state: OperationState.FAILED, message: e.message });
        continue;
      }
      throw e;
    }
    if (raw === c.target) items.push({ iccid, state: OperationState.COMPLETED });
    else items.push({ iccid, state: OperationState.SUBMITTED, message: c.waiting(raw) });
  }
  return { state: overallState(items), items };
}

/** An order's state from its items': SUBMITTED while any is, COMPLETED when all are, else FAILED. */
export function overallState(items: readonly OperationItemProgress[]): OperationProgress['state'] {
  if (items.some((i) => i.state === OperationState.SUBMITTED)) return OperationState.SUBMITTED;
  return items.every((i) => i.state === OperationState.COMPLETED) ? OperationState.COMPLETED : OperationState.FAILED;
}

/** Progress of an order the carrier applies on acceptance and serves no read-back of: every item COMPLETED. */
export function completedOnAcceptance(receipt: CarrierReceipt, message: string): OperationProgress {
  return {
    state: OperationState.COMPLETED,
    items: receipt.iccids.map((iccid) => ({ iccid, state: OperationState.COMPLETED })),
    message,
  };
}
