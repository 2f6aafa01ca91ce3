/**
 * `ctcc-cmp`: China Telecom CMP (m2m_ec) simulator, carriers.md §3.
 *
 * Controls (all on the returned simulator):
 * - `clock` (SimClock): business time, Asia/Shanghai calendar; orders complete `orderDelayMs` after receipt
 *   (default 2 h), usage grows with it and resets on the 1st at 00:00 +08:00, silent cards are
 *   force-activated on the 1st of the month after six months.
 * - `faults` (FaultInjector): `force(kind, n)` or `configure({...Rate, latencyMs})`. serverError → HTTP 502
 *   gateway page; rateLimit → `101004：请求过于频繁，请稍后再试` (counted in `injectedRateLimits`);
 *   malformed → broken JSON/XML, not processed; truncated → the real answer cut in half (processed);
 *   timeout → processed, never answered. CTCC has no tokens: `expireTokens`/`tokenTtlSeconds` do nothing.
 * - `counters` (SimCounters): requests by `method`, `quotaViolations` (20/s per user_id, real time),
 *   `orders` for disabledNumber / requestServActive / offNetAction / IMEIReRecord with `duplicate` when
 *   the same change is asked again for a card with no other change asked in between.
 * - `fleet` (CtccFleet): `base(i)`, `find(pred)`, `iccidOf/msisdnOf/indexOf…`, `states`, `pending`; `card(i)`.
 */
import type { SimulatorPlatform } from '../sim/platform';
import type { ControlledSimulator, SimOptions } from '../sim/types';
import { CtccSimulator, type CtccSimOptions } from './simulator';

export { CtccSimulator, CTCC_BASE_PATH, CTCC_ERRORS, CTCC_PAGE_SIZE, CTCC_QUOTA_PER_SECOND, FULLWIDTH_COLON, mbText } from './simulator';
export type { CtccCredentials, CtccSimOptions } from './simulator';
export { CtccFleet, STATUS_NAMES as CTCC_STATUS_NAMES } from './fleet';
export type { CtccStatus, CtccCardView, CtccBaseCard } from './fleet';
export { strEnc, strDec, naturalOrdering, splitKey } from './des';

/** The `ctcc-cmp` simulator (China Telecom CMP m2m_ec). */
export function createSimulator(options: SimOptions | CtccSimOptions): CtccSimulator & ControlledSimulator {
  return new CtccSimulator(options);
}

export const simulator: SimulatorPlatform<CtccSimulator> = { id: 'ctcc-cmp', portOffset: 2, create: createSimulator };
