/**
 * Events for the console (docs/events.md): what changed, written in the same transaction as the change, read in
 * order from `GET /v1/events` and pushed to webhooks. An event's `data` is JSON; its shape is fixed per type.
 */

export const EVENT_TYPES = [
  'account.snapshot_completed',
  'card.added',
  'card.status_changed',
  'card.usage_threshold_crossed',
  'pool.threshold_crossed',
  'pool.exhausted',
  'operation.completed',
  'operation.failed',
  'operation.in_doubt',
  'sync.late',
  'sync.recovered',
  'webhook.disabled',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/** An event about to be written (the store adds its id, position and time). */
export interface EventDraft {
  type: EventType;
  /** The carrier account the event concerns (null for simgate's own, e.g. a disabled webhook). */
  accountId: string | null;
  /** What it is about: an ICCID, `<account>/<pool>`, an operation id, `<account>/<kind>`, a webhook id. */
  subject: string | null;
  /** When the change was observed (the sync's read time, the operation's transition time). */
  occurredAt: Date;
  data: Record<string, unknown>;
  /** Only this webhook gets it, and the feed does not show it (`webhook.test`). */
  webhookId?: string | null;
}

/** A stored event, as the feed and webhooks carry it. */
export interface SimgateEvent {
  /** `evt_<n>`: unique, the same on every delivery of the event (the `webhook-id` header). */
  id: string;
  type: EventType;
  /** Resume the feed after this event: `GET /v1/events?after=<position>` (opaque). */
  position: string;
  accountId: string | null;
  subject: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** Default usage thresholds, in percent of the cycle's quota (SIMGATE_USAGE_THRESHOLDS, or an account's `usageThresholds`). */
export const DEFAULT_USAGE_THRESHOLDS: readonly number[] = [80, 100];

/**
 * The thresholds crossed by a usage level, among those not fired yet: percentages `t` with `used ≥ t % of quota`.
 * `quota` null or ≤ 0 crosses nothing (no known quota, no percentage).
 */
export function thresholdsReached(usedBytes: number, quotaBytes: number | null, thresholds: readonly number[]): number[] {
  if (quotaBytes === null || !(quotaBytes > 0)) return [];
  // Integer arithmetic on bytes: used × 100 ≥ t × quota (no rounding at the boundary).
  return thresholds.filter((t) => usedBytes * 100 >= t * quotaBytes);
}

/** Parses a threshold list (`80,100`): whole or decimal percentages in (0, 1000], sorted, distinct. */
export function parseThresholds(text: string): number[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const out = parts.map((s) => {
    const n = Number(s);
    if (!/^\d+(\.\d+)?$/.test(s) || !(n > 0) || n > 1000) throw new Error(`'${s}' is not a percentage in (0, 1000]`);
    return n;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}
