import { recoveryOf, type CardStatus, type EventDraft, type SuspendReason } from '@simgate/core';
import type { CardRow } from './card-columns';

/** The card events (docs/events.md) built from stored rows: `card.added` and `card.status_changed`. */

/** A card's normalized status as events carry it. */
function statusOf(r: CardRow) {
  const reasons = r.suspend_reasons as SuspendReason[];
  return {
    status: r.status as CardStatus,
    suspendReason: r.suspend_reason as SuspendReason | null,
    suspendReasons: reasons,
    rawStatus: r.raw_status,
    rawReason: r.raw_reason,
  };
}

export function cardAddedEvent(row: CardRow, at: Date): EventDraft {
  return {
    type: 'card.added',
    accountId: row.account_id,
    subject: row.iccid,
    occurredAt: at,
    data: { iccid: row.iccid, msisdn: row.msisdn, accountId: row.account_id, platform: row.platform, ...statusOf(row), imported: false },
  };
}

export function statusChangeEvent(old: CardRow, row: CardRow, at: Date): EventDraft {
  const after = statusOf(row);
  const reason = after.suspendReason;
  return {
    type: 'card.status_changed',
    accountId: row.account_id,
    subject: row.iccid,
    occurredAt: at,
    data: {
      iccid: row.iccid,
      accountId: row.account_id,
      platform: row.platform,
      before: statusOf(old),
      after,
      asOf: row.as_of,
      // What it takes to bring the card back, for its primary reason (null when it is not suspended).
      recovery: reason
        ? (({ actor, action, resumeAllowed, liftsAtNextCycle, recoverable }) => ({ actor, action, resumeAllowed, liftsAtNextCycle, recoverable }))(
            recoveryOf(reason),
          )
        : null,
    },
  };
}
