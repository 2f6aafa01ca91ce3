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
