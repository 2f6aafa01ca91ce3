/**
 * The simulator framework: every platform simulator is a `Simulator` that turns a request into a response
 * against its own state. The two faces (a real HTTP server on loopback, and nock interceptors) wrap the
 * same instance, so tests, the demo and the benchmarks see one state.
 */

export interface SimRequest {
  method: string;
  /** Path below the simulator's base path, without a leading slash (`query/sim-status`, `v1/sims/89…`). */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** Hold the answer back this long (latency injection). */
  delayMs?: number;
  /** Never answer (timeout injection): the HTTP face leaves the socket open until the client gives up. */
  hang?: boolean;
}

export interface Simulator {
  /** Platform id, e.g. `cmcc-onelink`. */
  readonly platform: string;
  /** Base path the platform is served under, e.g. `/v5/ec/`. */
  readonly basePath: string;
  handle(req: SimRequest): Promise<SimResponse>;
  /** The account entry (ARCHITECTURE.md, Configuration) for a simulator served at `origin`. */
  accountEntry(origin: string): Record<string, unknown>;
}

export interface SimOptions {
  /** Fleet size: cards are derived from (seed, index), state is kept only for what changed. */
  cards: number;
  seed: number;
  /** The simulator's clock (shared by every simulator of a set). */
  clock: import('./clock').SimClock;
  /** Delay after which an accepted order completes, in milliseconds of the simulator clock. */
  orderDelayMs?: number;
  /** Scales every quota of the platform (benchmarks run at real quotas × factor). Default 1. */
  quotaFactor?: number;
}

/**
 * A simulator with its controls for tests and benchmarks: what a platform folder's `simulator.create(options)`
 * (`SimulatorPlatform`, sim/platform.ts) and its `createSimulator(options)` return. `BaseSimulator`
 * (sim/base.ts) holds what every one has.
 */
export interface ControlledSimulator extends Simulator {
  readonly faults: import('./faults').FaultInjector;
  readonly counters: import('./counters').SimCounters;
  readonly clock: import('./clock').SimClock;
  /** The credentials the simulator accepts (as in the accounts file). */
  readonly credentials: Record<string, string>;
  /** Business time from an order's acceptance to its completion (0: at once). */
  readonly orderDelayMs: number;
}
