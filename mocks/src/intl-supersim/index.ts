import type { SimulatorPlatform } from '../sim/platform';
import { IntlSupersimSimulator } from './simulator';

export { IntlSupersimSimulator, BASE_PATH, REQUESTS_PER_SECOND, MAX_IN_FLIGHT, MAX_PAGE_SIZE, errorBody } from './simulator';
export { SupersimFleet, addUtcMonths, FLEET_LIMITS_MB, CAP_FLEETS, READY_DATA_BYTES } from './fleet';
export type { SimStatus } from './fleet';

/**
 * The `intl-supersim` simulator (Super SIM, carriers.md §6): the simulator set (mocks CLI, `npm start`'s bundled
 * simulators, the accounts file) discovers it through this export. Its server listens on port base + the next
 * free offset. `accountOptions` writes the account's `capFleets` (usage caps are moves to these fleets).
 *
 * Controls: `clock` (business time, UTC: usage, billing periods, the automatic ready → active move and the
 * order delay run on it); `faults` (serverError → 500 `20500`, rateLimit → 429 `20429`, malformed → broken JSON,
 * truncated → the answer cut in half, timeout → never answered, `force('expireTokens')` → the next request's
 * Basic credentials are refused once with 401 `20003`); `counters` (requests by `METHOD path-template`,
 * `quotaViolations` past 20/s or 10 in flight, `orders`, `maxInFlight`); `fleet` and the facts
 * `rawStatusOf`, `settledStatusOf`, `iccidOf`, `dataLimitBytesOf`, `reportedPeriodOf`, `capFleets`.
 */
export const simulator: SimulatorPlatform<IntlSupersimSimulator> = {
  id: 'intl-supersim',
  // Pinned (127.0.0.1:7105 by default): a platform added later, whatever its id, never moves this one's port.
  portOffset: 4,
  create: (options) => new IntlSupersimSimulator(options),
  accountOptions: (sim) => ({ capFleets: sim.capFleets() }),
};
