import * as path from 'node:path';
import { createSimulators, serveAll, writeAccountsFile, type ServedSet } from '@simgate/mocks';

/** Ports of the bundled simulators (ARCHITECTURE.md's example accounts file uses 7101–7104). */
export const SIMULATOR_PORT_BASE = 7101;

export interface BundledSimulators {
  served: ServedSet;
  accountsFile: string;
}

/**
 * Without SIMGATE_CARRIERS, `npm start` runs the carrier simulators on loopback (one account per platform)
 * and points simgate at them: the demo needs no carrier contract and no servers to install. The accounts
 * carry the options a customer would write for the simulated fleets (e.g. OneLink's pools), else the demo
 * would show no pool at all.
 */
export async function startBundledSimulators(dataDir: string, cards: number, seed: number, portBase = SIMULATOR_PORT_BASE): Promise<BundledSimulators> {
  const sims = createSimulators({ cards, seed, orderDelayMs: 60_000 });
  let served: ServedSet;
  try {
    served = await serveAll(sims, portBase);
  } catch {
    // A port is taken (another simgate?): fall back to free ports.
    served = await serveAll(sims, 0);
  }
  const accountsFile = path.join(dataDir, 'simulators', 'accounts.json');
  await writeAccountsFile(served, accountsFile, { orderProcessing: true, accountOptions: true });
  return { served, accountsFile };
}
