import { mulberry32 } from './random';

/**
 * Fault injection per simulator. Rates are probabilities per request (0..1); `force*` counters make the
 * next N requests fail that way (deterministic tests). Each simulator turns a fault into its platform's
 * own wire form (OneLink answers HTTP 200 with an error status, Jasper a JSON error, CTCC plain text…).
 */
export interface FaultConfig {
  latencyMs: number;
  timeoutRate: number;
  serverErrorRate: number;
  malformedRate: number;
  truncatedRate: number;
  rateLimitRate: number;
  /** Tokens expire after this many seconds instead of the platform's default (token expiry injection). */
  tokenTtlSeconds: number | null;
  /**
   * Token revocation injection: every this many seconds of real elapsed time (counted from when the value was
   * set), every token issued before stops working and gets the platform's expired-token answer. Null: off.
   * Real time, not the simulator clock: the revocation exercises the client's token handling under real
   * request rates, and the simulators usually run on a fixed or real clock in end-to-end suites alike.
   */
  tokenRevokeEverySeconds: number | null;
}

export type FaultKind = 'timeout' | 'serverError' | 'malformed' | 'truncated' | 'rateLimit' | 'expireTokens';

export const NO_FAULTS: FaultConfig = {
  latencyMs: 0,
  timeoutRate: 0,
  serverErrorRate: 0,
  malformedRate: 0,
  truncatedRate: 0,
  rateLimitRate: 0,
  tokenTtlSeconds: null,
  tokenRevokeEverySeconds: null,
};

export class FaultInjector {
  config: FaultConfig = { ...NO_FAULTS };
  private readonly forced: Partial<Record<FaultKind, number>> = {};
  private rnd: () => number;
  /** Revocation schedule: period (ms), start (real ms) and the last revocation instant handled. */
  private revocation: { periodMs: number; since: number; epoch: number } | null = null;

  constructor(seed = 1) {
    this.rnd = mulberry32(seed);
  }

  configure(config: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...config };
  }

  reset(): void {
    this.config = { ...NO_FAULTS };
    this.revocation = null;
    for (const k of Object.keys(this.forced)) delete this.forced[k as FaultKind];
  }

  /**
   * Whether a scheduled revocation instant (`tokenRevokeEverySeconds`) passed since the last call: the
   * simulator then drops every token it issued before `realNowMs`. Several instants passed without a call
   * count as one revocation (no token was issued in between). The schedule starts at the first call after
   * the setting changed.
   */
  revocationDue(realNowMs: number): boolean {
    const every = this.config.tokenRevokeEverySeconds;
    if (every === null || !(every > 0)) {
      this.revocation = null;
      return false;
    }
    const periodMs = every * 1000;
    if (!this.revocation || this.revocation.periodMs !== periodMs) {
      this.revocation = { periodMs, since: realNowMs, epoch: 0 };
      return false;
    }
    const epoch = Math.floor((realNowMs - this.revocation.since) / periodMs);
    if (epoch <= this.revocation.epoch) return false;
    this.revocation.epoch = epoch;
    return true;
  }

  /** Make the next `count` requests fail with `kind`. */
  force(kind: FaultKind, count = 1): void {
    this.forced[kind] = (this.forced[kind] ?? 0) + count;
  }

  /** Consumes one forced fault of `kind` if any is pending. */
  takeForced(kind: FaultKind): boolean {
    const n = this.forced[kind] ?? 0;
    if (n <= 0) return false;
    this.forced[kind] = n - 1;
    return true;
  }

  /** Draws the fault for one request (forced ones first), or null. Token expiry is handled by the simulators. */
  draw(): Exclude<FaultKind, 'expireTokens'> | null {
    for (const k of ['timeout', 'serverError', 'malformed', 'truncated', 'rateLimit'] as const) {
      if (this.takeForced(k)) return k;
    }
    const c = this.config;
    const r = this.rnd();
    let acc = 0;
    for (const [k, rate] of [
      ['timeout', c.timeoutRate],
      ['serverError', c.serverErrorRate],
      ['malformed', c.malformedRate],
      ['truncated', c.truncatedRate],
      ['rateLimit', c.rateLimitRate],
    ] as const) {
      acc += rate;
      if (r < acc) return k;
    }
    return null;
  }
}
