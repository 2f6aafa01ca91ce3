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
