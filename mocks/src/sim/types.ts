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
