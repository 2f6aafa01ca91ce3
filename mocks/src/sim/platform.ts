import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ControlledSimulator, SimOptions } from './types';

/** A file the accounts file needs beside it (e.g. OneLink's order list) and what its account says about it. */
export interface AccountSideFile {
  /** File name, in the accounts file's folder. */
  name: string;
  /** The file's content, in chunks (a million-card list is streamed). */
  chunks: Iterable<string>;
  /** Fields of the platform's account that name the file (they replace the simulator's own). */
  account: Record<string, unknown>;
}

/**
 * What every platform folder under mocks/src exports from its index as `simulator`: the simulator set
 * (`createSimulators`, `serveAll`, `writeAccountsFile`, the mocks CLI, `npm start`'s bundled simulators)
 * discovers the folders, so adding a platform edits no central list, and whatever is particular to one
 * platform is a hook here.
 */
export interface SimulatorPlatform<S extends ControlledSimulator = ControlledSimulator> {
  /** The platform id (its folder's name), e.g. `cmcc-onelink`. */
  readonly id: string;
  /**
   * Its server listens on port base + this (the example accounts files name 7101–7104); unique. Without one
   * a platform takes the next free offset after the declared ones, in id order.
   */
  readonly portOffset?: number;
  create(options: SimOptions): S;
  /** Files the accounts file needs beside it; `stem` is the accounts file's name without `.json`. */
  sideFiles?(sim: S, stem: string): AccountSideFile[];
  /**
   * Account options a customer would write by hand for this simulator's fleet (OneLink has no call listing an
   * account's pools: its `groupIds`); written when asked (`npm start`'s demo). Undefined: none.
   */
  accountOptions?(sim: S): Record<string, unknown> | undefined;
}

function isSimulatorPlatform(x: unknown): x is SimulatorPlatform {
  const p = x as SimulatorPlatform | null;
  return typeof p === 'object' && p !== null && typeof p.id === 'string' && typeof p.create === 'function' && (p.portOffset === undefined || Number.isInteger(p.portOffset));
}

/**
 * Every folder of `dir` (default mocks/src) whose index exports `simulator`, in port order (declared offsets
 * first, then the platforms without one by id). Folders without one (sim, testing) are skipped.
 */
export function discoverSimulators(dir: string = path.join(__dirname, '..')): SimulatorPlatform[] {
  const out: SimulatorPlatform[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    const folder = path.join(dir, entry.name);
    if (!['index.ts', 'index.js'].some((f) => fs.existsSync(path.join(folder, f)))) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(folder) as { simulator?: unknown };
    if (isSimulatorPlatform(mod.simulator)) out.push(mod.simulator);
  }
  out.sort((a, b) => (a.portOffset ?? Infinity) - (b.portOffset ?? Infinity) || a.id.localeCompare(b.id));
  for (let k = 1; k < out.length; k++) {
    if (out[k].portOffset !== undefined && out[k].portOffset === out[k - 1].portOffset) {
      throw new Error(`simulators '${out[k - 1].id}' and '${out[k].id}' take the same port offset ${out[k].portOffset}`);
    }
  }
  return out;
}

/** The port offset of each platform (in `discoverSimulators` order): its own, or the next free one. */
export function portOffsets(platforms: readonly SimulatorPlatform[]): number[] {
  let next = Math.max(-1, ...platforms.map((p) => p.portOffset ?? -1)) + 1;
  return platforms.map((p) => p.portOffset ?? next++);
}
