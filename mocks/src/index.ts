import * as fs from 'node:fs';
import * as path from 'node:path';
import { SimClock } from './sim/clock';
import { applyFaultRequest } from './sim/control';
import type { FaultConfig, FaultKind } from './sim/faults';
import { serve, type ServedSimulator, type SimTls } from './sim/http-face';
import { discoverSimulators, portOffsets, type SimulatorPlatform } from './sim/platform';
import type { ControlledSimulator, SimOptions } from './sim/types';

export { SimClock } from './sim/clock';
export { SimCounters } from './sim/counters';
export { FaultInjector, NO_FAULTS } from './sim/faults';
export type { FaultConfig, FaultKind } from './sim/faults';
export { serve } from './sim/http-face';
export type { ServedSimulator, SimTls } from './sim/http-face';
// The nock face (tests only: nock is a devDependency) is `@simgate/mocks/testing/nock`, not exported here,
// so that production code loading the simulators needs production dependencies only.
export { CONTROL_PREFIX, handleControl, applyFaultRequest } from './sim/control';
export { discoverSimulators, portOffsets } from './sim/platform';
export type { AccountSideFile, SimulatorPlatform } from './sim/platform';
export type { ControlledSimulator, SimOptions, SimRequest, SimResponse, Simulator } from './sim/types';

let discovered: SimulatorPlatform[] | undefined;
/** The platform folders of mocks/src (each exports `simulator`), in port order; discovered once. */
export function simulatorPlatforms(): readonly SimulatorPlatform[] {
  return (discovered ??= discoverSimulators());
}

/** Platform ids in the order of their ports (port base + each platform's offset). */
export const PLATFORMS: readonly string[] = simulatorPlatforms().map((p) => p.id);
export type PlatformId = string;

export interface SimulatorsOptions {
  cards: number;
  seed: number;
  /** Shared by all the simulators; default: the real clock. */
  clock?: SimClock;
  orderDelayMs?: number;
  quotaFactor?: number;
}

export interface SimulatorSet {
  clock: SimClock;
  /** One simulator per platform folder, in port order. */
  all: ControlledSimulator[];
  /** The simulator of a platform; `S` names its class for platform-specific controls. */
  get<S extends ControlledSimulator = ControlledSimulator>(platform: string): S;
  /** The platform (its folder's `simulator`) of each of `all`, same order. */
  platforms: readonly SimulatorPlatform[];
  /** The port offset of each of `all` (`serveAll` listens on port base + it). */
  portOffsets: readonly number[];
  /** Fault control for one platform (same body as `POST /_sim/faults`). */
  setFaults(platform: string, faults: Partial<FaultConfig> & { force?: Partial<Record<FaultKind, number>>; reset?: boolean }): void;
  /** Counters snapshot of every platform, keyed by platform id. */
  counters(): Record<string, Record<string, unknown>>;
}

/** Builds one simulator per platform folder on one shared clock (one state per platform, both faces can wrap it). */
export function createSimulators(options: SimulatorsOptions): SimulatorSet {
  const clock = options.clock ?? SimClock.real();
  const simOptions: SimOptions = { cards: options.cards, seed: options.seed, clock, orderDelayMs: options.orderDelayMs, quotaFactor: options.quotaFactor };
  const platforms = simulatorPlatforms();
  const all: ControlledSimulator[] = platforms.map((p) => p.create(simOptions));
  const get = <S extends ControlledSimulator = ControlledSimulator>(platform: string): S => {
    const sim = all.find((s) => s.platform === platform);
    if (!sim) throw new Error(`unknown platform '${platform}'`);
    return sim as S;
  };
  return {
    clock,
    all,
    get,
    platforms,
    portOffsets: portOffsets(platforms),
    setFaults: (platform, faults) => applyFaultRequest(get(platform), faults as Record<string, unknown>),
    counters: () => Object.fromEntries(all.map((s) => [s.platform, s.counters.snapshot()])),
  };
}

export interface AccountsFile {
  accounts: Array<Record<string, unknown>>;
}

export interface ServedSet {
  simulators: SimulatorSet;
  servers: ServedSimulator[];
  /** The carrier accounts file (ARCHITECTURE.md, Configuration), one account per platform. */
  accounts: AccountsFile;
  close(): Promise<void>;
}

/**
 * Serves every simulator on 127.0.0.1, port `portBase +` its platform's offset (0 → random free ports);
 * over HTTPS when `tls` (PEM key and certificate) is given: the accounts' base URLs are then `https://`.
 */
export async function serveAll(simulators: SimulatorSet, portBase = 0, host = '127.0.0.1', tls?: SimTls): Promise<ServedSet> {
  const servers: ServedSimulator[] = [];
  try {
    for (let k = 0; k < simulators.all.length; k++) servers.push(await serve(simulators.all[k], portBase ? portBase + simulators.portOffsets[k] : 0, host, tls));
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  const accounts = { accounts: servers.map((s) => s.simulator.accountEntry(s.origin)) };
  return { simulators, servers, accounts, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

export interface WriteAccountsOptions {
  /**
   * A PEM CA file the accounts must trust (simulators served over HTTPS with a private CA): written as every
   * account's `caFile`, relative to the accounts file's folder when it lies inside it, else absolute.
   */
  caFile?: string;
  /**
   * Write every account's `orderProcessingSeconds` from its simulator's order delay (plus a margin): the
   * simulators complete orders far sooner than the real platforms, and an order in doubt is resent only after
   * the processing time. Only for simulators whose orders complete on their own: on the real clock, or at once
   * (order delay 0); on a fixed business clock an order with a delay completes only when the clock is moved.
   */
  orderProcessing?: boolean;
  /**
   * Add the account options a customer would write by hand for the simulated fleet (each platform's
   * `accountOptions`, e.g. OneLink's pool group ids), merged into the account's `options`.
   */
  accountOptions?: boolean;
}

/** The processing time to state for a simulator: its order delay, and as much again plus 5 s, whole seconds. */
function processingSecondsOf(sim: ControlledSimulator): number {
  return Math.ceil((2 * sim.orderDelayMs) / 1000) + 5;
}

/**
 * Writes the accounts file at `file` and the files its accounts name beside it (each platform's `sideFiles`,
 * e.g. the OneLink order list `iccid,msisdn`, named relative to the file's folder). Returns the accounts written.
 */
export async function writeAccountsFile(served: ServedSet, file: string, options: WriteAccountsOptions = {}): Promise<AccountsFile> {
  const dir = path.dirname(path.resolve(file));
  await fs.promises.mkdir(dir, { recursive: true });
  const stem = path.basename(file).replace(/\.json$/i, '');
  const { all, platforms } = served.simulators;
  const sideFields: Record<string, unknown>[] = [];
  for (let k = 0; k < all.length; k++) {
    const fields: Record<string, unknown> = {};
    for (const side of platforms[k].sideFiles?.(all[k], stem) ?? []) {
      await writeLines(path.join(dir, side.name), side.chunks);
      Object.assign(fields, side.account);
    }
    sideFields.push(fields);
  }
  let caFile: string | undefined;
  if (options.caFile) {
    const abs = path.resolve(options.caFile);
    const rel = path.relative(dir, abs);
    caFile = rel && rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel) ? rel : abs;
  }
  const accounts: AccountsFile = {
    accounts: served.accounts.accounts.map((a, k) => {
      const processing = options.orderProcessing ? processingSecondsOf(all[k]) : undefined;
      const extra = options.accountOptions ? platforms[k].accountOptions?.(all[k]) : undefined;
      return {
        ...a,
        ...sideFields[k],
        ...(caFile ? { caFile } : {}),
        ...(processing !== undefined ? { orderProcessingSeconds: processing } : {}),
        ...(extra ? { options: { ...(a.options as Record<string, unknown> | undefined), ...extra } } : {}),
      };
    }),
  };
  const tmp = `${path.resolve(file)}.tmp-${process.pid}`;
  await fs.promises.writeFile(tmp, JSON.stringify(accounts, null, 2) + '\n');
  await fs.promises.rename(tmp, path.resolve(file));
  return accounts;
}

async function writeLines(file: string, chunks: Iterable<string>): Promise<void> {
  const out = fs.createWriteStream(file);
  try {
    for (const chunk of chunks) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
