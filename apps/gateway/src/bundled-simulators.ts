import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSimulators, serveAll, writeAccountsFile, type ServedSet } from '@simgate/mocks';

/** Ports of the bundled simulators (ARCHITECTURE.md's example accounts file uses 7101–7104). */
export const SIMULATOR_PORT_BASE = 7101;

export interface BundledSimulators {
  served: ServedSet;
  accountsFile: string;
}

/**
 * Without SIMGATE_CARRIERS, `npm start` runs the four carrier simulators on loopback (one account per
 * platform) and points simgate at them: the demo needs no carrier contract and no servers to install.
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
  await writeAccountsFile(served, accountsFile, { orderProcessing: true });
  await addOneLinkPools(accountsFile, oneLinkGroupIds(sims.onelink.fleet));
  return { served, accountsFile };
}

/** The group ids (流量池) of the simulated OneLink fleet: every pool block. */
export function oneLinkGroupIds(fleet: { size: number; block(i: number): number; isPoolBlock(b: number): boolean; groupIdOf(b: number): string }): string[] {
  const out: string[] = [];
  if (!fleet.size) return out;
  for (let b = 0; b <= fleet.block(fleet.size - 1); b++) if (fleet.isPoolBlock(b)) out.push(fleet.groupIdOf(b));
  return out;
}

/**
 * OneLink has no call that lists an account's pools: the accounts file names them (`options.groupIds`), as a
 * customer's would. The simulators' file leaves them out, so without this the demo shows no pool at all.
 */
async function addOneLinkPools(file: string, groupIds: string[]): Promise<void> {
  if (!groupIds.length) return;
  const json = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { accounts: { platform: string; options?: Record<string, unknown> }[] };
  for (const a of json.accounts) if (a.platform === 'cmcc-onelink') a.options = { ...a.options, groupIds };
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.promises.writeFile(tmp, JSON.stringify(json, null, 2) + '\n');
  await fs.promises.rename(tmp, file);
}
