/**
 * `intl-1nce`: 1NCE Management API simulator, carriers.md §4.
 *
 * Controls (all on the returned simulator):
 * - `clock` (SimClock): business time in UTC; token lifetimes (3600 s) run on it; queued changes apply
 *   `orderDelayMs` after receipt (default 15 min); usage grows with it, lifetime volumes run out,
 *   unactivated SIMs are activated six months after shipping.
 * - `faults` (FaultInjector): serverError → 500 JSON; rateLimit → 429 (`injectedRateLimits`); malformed →
 *   broken JSON, not processed; truncated → the real answer cut in half (processed); timeout → processed,
 *   never answered; `force('expireTokens')` → every live token dies at the next authenticated call;
 *   `configure({ tokenTtlSeconds })` → new tokens die after that many seconds although `expires_in` says 3600;
 *   `configure({ tokenRevokeEverySeconds })` → every N s of real time (`realNow`) every token minted before dies
 *   (401), counted in `faults.tokenRevocations` / `faults.tokensRevoked`.
 * - `counters` (SimCounters): requests by `METHOD path-template`, `quotaViolations` (/v1/sims* 10/s per
 *   customer, /oauth/token 600/min per client IP, real time), `orders` for every SIM changed by PUT or POST,
 *   `duplicate` when the same change is asked again with no other change asked in between.
 * - `fleet` (IntlFleet): `base(i)`, `find(pred)`, `iccidOf/iccidWithLuhnOf/indexOf`, `states`, `pending`,
 *   `used/rawUsed/totalBytes`; `tokens`; `card(i)`.
 */
import type { SimulatorPlatform } from '../sim/platform';
import type { ControlledSimulator, SimOptions } from '../sim/types';
import { IntlSimulator, type IntlSimOptions } from './simulator';

export {
  IntlSimulator,
  INTL_BASE_PATH,
  TOKEN_TTL_SECONDS,
  MAX_PAGE_SIZE,
  SIMS_PER_SECOND,
  TOKENS_PER_MINUTE,
  EXPIRED_MESSAGE,
  QUOTA_DESCRIPTIONS,
} from './simulator';
export type { IntlCredentials, IntlSimOptions } from './simulator';
export { IntlFleet } from './fleet';
export type { IntlBaseCard, IntlCardView, IntlStatus } from './fleet';

/** The `intl-1nce` simulator (1NCE Management API). */
export function createSimulator(options: SimOptions | IntlSimOptions): IntlSimulator & ControlledSimulator {
  return new IntlSimulator(options);
}

export const simulator: SimulatorPlatform<IntlSimulator> = { id: 'intl-1nce', portOffset: 3, create: createSimulator };
