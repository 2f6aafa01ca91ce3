import type { AdapterManifest, CarrierAccountConfig, EndpointQuota, HttpRequest } from '@simgate/core';
import type { InFlightLimiter } from './in-flight';
import type { WindowLimiter, WindowQuota } from './window-limiter';

/** How a quota applies to one account after overrides and the global factor. */
export type EffectiveQuota = WindowQuota;

/** In-flight cap of accounts whose carrier states none. */
export const DEFAULT_MAX_IN_FLIGHT = 16;

export interface LimiterOptions {
  /** Scales every quota (benchmarks run the simulators at real quotas × factor). */
  quotaFactor?: number;
  /**
   * Extra length added to every window: requests reach the carrier with jitter, so a window enforced at send
   * time is kept slightly longer than the carrier's (ms, plus a share of the window).
   */
  marginMs?: number;
  marginShare?: number;
  /** Adaptive slow-down: share kept after each carrier rate-limit answer, and recovery per quiet interval. */
  backoffShare?: number;
  recoverEveryMs?: number;
  recoverStep?: number;
  minFactor?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onWait?: (accountId: string, waitedMs: number) => void;
}

export function matches(rule: EndpointQuota, endpoint: string): boolean {
  return rule.match.endsWith('*') ? endpoint.startsWith(rule.match.slice(0, -1)) : endpoint === rule.match;
}

interface AccountState {
  account: Pick<CarrierAccountConfig, 'id' | 'quotas'>;
  manifest: AdapterManifest;
  factor: number;
  lastPenaltyAt: number;
  /** When the factor was last cut (answers arriving together cut it once). */
  lastCutAt: number;
  lastRecoveryAt: number;
}

/**
 * The rate limiter of every carrier account: the manifest's quotas (account-wide and per endpoint class),
 * the account's overrides (per-path limits scale by the same factor), in-flight caps, and an adaptive factor
 * that the carrier's own rate-limit answers lower and quiet time restores. A request waits for its slot.
 */
export class AccountLimiter {
  private readonly accounts = new Map<string, AccountState>();
  private readonly o: Required<Omit<LimiterOptions, 'onWait'>> & Pick<LimiterOptions, 'onWait'>;

  constructor(
    private readonly windows: WindowLimiter,
    private readonly inFlight: InFlightLimiter,
    options: LimiterOptions = {},
  ) {
    this.o = {
      quotaFactor: options.quotaFactor ?? 1,
      marginMs: options.marginMs ?? 50,
      marginShare: options.marginShare ?? 0.02,
      backoffShare: options.backoffShare ?? 0.5,
      recoverEveryMs: options.recoverEveryMs ?? 5000,
      recoverStep: options.recoverStep ?? 0.1,
      minFactor: options.minFactor ?? 0.05,
      now: options.now ?? (() => Date.now()),
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      onWait: options.onWait,
    };
  }

  register(account: Pick<CarrierAccountConfig, 'id' | 'quotas'>, manifest: AdapterManifest): void {
    const now = this.o.now();
    this.accounts.set(account.id, { account, manifest, factor: 1, lastPenaltyAt: 0, lastCutAt: -Infinity, lastRecoveryAt: now });
  }

  private state(accountId: string): AccountState {
    const s = this.accounts.get(accountId);
    if (!s) throw new Error(`account '${accountId}' is not registered with the limiter`);
    return s;
  }

  /** The quotas that apply to a request of `endpoint` for the account (before the adaptive factor). */
  quotasFor(accountId: string, endpoint: string): EffectiveQuota[] {
    const { account, manifest } = this.state(accountId);
    const q = manifest.quotas;
    const accountRps = q.account.points / q.account.durationSeconds;
    const override = account.quotas?.requestsPerSecond;
    const scale = (override ? override / accountRps : 1) * this.o.quotaFactor;
    const out: EffectiveQuota[] = [];
    const pts = (p: number) => Math.max(1, Math.floor(p * scale + 1e-9));
    out.push({ key: `${account.id}`, points: pts(q.account.points), windowMs: q.account.durationSeconds * 1000 });
    for (const rule of q.endpoints) {
      if (!matches(rule, endpoint)) continue;
      out.push({
        key: `${account.id}|${rule.perEndpoint ? endpoint : rule.match}`,
        points: pts(rule.points),
        windowMs: rule.durationSeconds * 1000,
      });
    }
    return out;
  }

  /**
   * Requests in flight at once: the carrier's cap, else a default. Always capped, because a window slot must
   * be taken only when the request can really leave: requests queued behind busy sockets after taking their
   * slots would reach the carrier later than recorded, bunched together, and break its quota.
   */
  maxInFlight(accountId: string): number {
    const { account, manifest } = this.state(accountId);
    return account.quotas?.maxInFlight ?? manifest.quotas.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  factor(accountId: string): number {
    const s = this.state(accountId);
    const now = this.o.now();
    if (s.factor < 1 && now - s.lastPenaltyAt >= this.o.recoverEveryMs && now - s.lastRecoveryAt >= this.o.recoverEveryMs) {
      s.factor = Math.min(1, s.factor + this.o.recoverStep);
      s.lastRecoveryAt = now;
    }
    return s.factor;
  }

  /** The carrier answered with its rate-limit code: slow this account down. */
  penalize(accountId: string): number {
    const s = this.state(accountId);
    const now = this.o.now();
    // Answers to requests already in flight arrive together: one cut per quiet interval's tenth (counted from
    // the last cut, not the last answer, so that answers that keep coming keep slowing the account down).
    if (now - s.lastCutAt > this.o.recoverEveryMs / 10) {
      s.factor = Math.max(this.o.minFactor, s.factor * this.o.backoffShare);
      s.lastCutAt = now;
    }
    s.lastPenaltyAt = now;
    s.lastRecoveryAt = now;
    return s.factor;
  }

  /** Waits for an in-flight slot, then for every window slot; returns the release function. */
  async acquire(accountId: string, req: Pick<HttpRequest, 'endpoint'>): Promise<() => void> {
    const started = this.o.now();
    const release = await this.inFlight.acquire(accountId, this.maxInFlight(accountId));
    try {
      const quotas = this.quotasFor(accountId, req.endpoint);
      for (;;) {
        const f = this.factor(accountId);
        const stretched = quotas.map((q) => ({ ...q, windowMs: (q.windowMs * (1 + this.o.marginShare) + this.o.marginMs) / f }));
        const wait = await this.windows.tryTakeAll(stretched);
        if (wait === 0) break;
        await this.o.sleep(wait);
      }
    } catch (e) {
      await release();
      throw e;
    }
    const waited = this.o.now() - started;
    this.o.onWait?.(accountId, waited);
    return () => void release();
  }
}
