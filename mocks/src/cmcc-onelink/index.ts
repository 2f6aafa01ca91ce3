import type { SimulatorPlatform } from '../sim/platform';
import type { ControlledSimulator, SimOptions } from '../sim/types';
import { OneLinkSimulator } from './simulator';

export { OneLinkSimulator, ONELINK_BASE_PATH, ONELINK_CODES, kbString } from './simulator';
export { OneLinkFleet } from './fleet';

/** China Mobile OneLink v5 ("ec") simulator (carriers.md §1). */
export function createSimulator(options: SimOptions): OneLinkSimulator & ControlledSimulator {
  return new OneLinkSimulator(options);
}

/** The group ids (流量池) of a simulated OneLink fleet: every pool block. */
export function oneLinkGroupIds(fleet: { size: number; block(i: number): number; isPoolBlock(b: number): boolean; groupIdOf(b: number): string }): string[] {
  const out: string[] = [];
  if (!fleet.size) return out;
  for (let b = 0; b <= fleet.block(fleet.size - 1); b++) if (fleet.isPoolBlock(b)) out.push(fleet.groupIdOf(b));
  return out;
}

export const simulator: SimulatorPlatform<OneLinkSimulator> = {
  id: 'cmcc-onelink',
  portOffset: 0,
  create: createSimulator,
  // OneLink reads its cards from an order list (`iccid,msisdn`) that the account's `cards` names.
  sideFiles: (sim, stem) => {
    const name = `${stem}.cmcc-cards.csv`;
    return [{ name, chunks: sim.orderListLines(), account: { cards: name } }];
  },
  // OneLink has no call that lists an account's pools: the accounts file names them, as a customer's would.
  accountOptions: (sim) => {
    const groupIds = oneLinkGroupIds(sim.fleet);
    return groupIds.length ? { groupIds } : undefined;
  },
};
