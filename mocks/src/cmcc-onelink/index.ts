import type { ControlledSimulator, SimOptions } from '../sim/types';
import { OneLinkSimulator } from './simulator';

export { OneLinkSimulator, ONELINK_BASE_PATH, ONELINK_CODES, kbString } from './simulator';
export { OneLinkFleet } from './fleet';

/** China Mobile OneLink v5 ("ec") simulator (carriers.md §1). */
export function createSimulator(options: SimOptions): OneLinkSimulator & ControlledSimulator {
  return new OneLinkSimulator(options);
}
