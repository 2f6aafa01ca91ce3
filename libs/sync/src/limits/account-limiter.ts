import type { AdapterManifest, CarrierAccountConfig, EndpointQuota, HttpRequest } from '@simgate/core';
import { sendContext, type CallPriority } from '@simgate/carriers';
import type { InFlightLimiter } from './in-flight';
import { DEFAULT_CLAIM_TTL_MS, DEFAULT_MAX_IN_FLIGHT_MS, newRequestId, type WindowLimiter, type WindowQuota } from './window-limiter';

/** How a quota applies to one account after overrides and the global factor. */
export type EffectiveQuota = WindowQuota;

/** In-flight cap of accounts whose carrier states none. */
export const DEFAULT_MAX_IN_FLIGHT = 16;

/** Default window margin (ms): the carrier's clock granularity and boundary convention, not jitter. */
export const DEFAULT_MARGIN_MS = 2;

export interface AcquireOptions {
  /** Default: the send context's priority (`withSendContext`), else `sweep`. */
  priority?: CallPriority;
}

export interface LimiterOptions {
  /** Scales every quota (benchmarks run the simulators at real quotas × factor). */
  quotaFactor?: number;
  /**
   * Extra length added to every window (ms, plus a share of the window). Slots are dated at settle time, so no
   * jitter needs covering: this covers the carrier's clock granularity and window-boundary convention.
   */
  marginMs?: number;
  marginShare?: number;
  /**
   * Bound of a request in flight (ms): a window entry never settled (dead worker) counts as settled this long
   * after its slot was taken. At least the longest request timeout; a request's own `timeoutMs` + 5 s wins when
   * longer.
   */
  maxInFlightMs?: number;
  /** A waiting operation's claim on a window lapses this long after it last looked (its worker died). */
  claimTtlMs?: number;
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
      marginMs: options.marginMs ?? DEFAULT_MARGIN_MS,
      marginShare: options.marginShare ?? 0,
      maxInFlightMs: options.maxInFlightMs ?? DEFAULT_MAX_IN_FLIGHT_MS,
      claimTtlMs: options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
      backoffShare: options.backoffShare ?? 0.5,
      recoverEveryMs: options.recoverEveryMs ?? 5000,
      recoverStep: options.recoverStep ?? 0.1,
      minFactor: options.minFactor ?? 0.05,
      now: options.now ?? (() => Date.now()),
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      onWait: options.onWait,
    };
    this.customSleep = options.sleep !== undefined;
  }

  private readonly customSleep: boolean;

  /** Sleeps `ms` or until `wake`, whichever comes first; the timer does not outlive the wait. */
  private sleepOrWake(ms: number, wake: Promise<void>): Promise<void> {
    if (this.customSleep) return Promise.race([this.o.sleep(ms), wake]);
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void wake.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
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

  /**
   * Requests per second the account's quota sustains now: the account-wide window (the account's override and the
   * global factor applied) lengthened by the margins, times the adaptive factor. Sweep ETAs rest on it.
   */
  requestsPerSecond(accountId: string): number {
    const [q] = this.quotasFor(accountId, '');
    const windowMs = (q.windowMs * (1 + this.o.marginShare) + this.o.marginMs) / this.factor(accountId);
    return (q.points * 1000) / windowMs;
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

  /**
   * Waits for an in-flight slot, then for every window slot; returns the release function, to be called once
   * the request has settled (response, timeout or network error): it dates the window entries at that moment
   * and frees the in-flight slot. Operations are served ahead of sweep requests at both stages.
   */
  async acquire(accountId: string, req: Pick<HttpRequest, 'endpoint'> & Partial<Pick<HttpRequest, 'timeoutMs'>>, o: AcquireOptions = {}): Promise<() => void> {
    const started = this.o.now();
    const priority = o.priority ?? sendContext()?.priority ?? 'sweep';
    const releaseSlot = await this.inFlight.acquire(accountId, this.maxInFlight(accountId), priority);
    const id = newRequestId();
    const maxInFlightMs = Math.max(this.o.maxInFlightMs, (req.timeoutMs ?? 0) + 5_000);
    let stretched: WindowQuota[] = [];
    let handle;
    try {
      const quotas = this.quotasFor(accountId, req.endpoint);
      for (;;) {
        const f = this.factor(accountId);
        stretched = quotas.map((q) => ({ ...q, windowMs: (q.windowMs * (1 + this.o.marginShare) + this.o.marginMs) / f }));
        const r = await this.windows.tryTakeAll(stretched, { id, priority, maxInFlightMs, claimTtlMs: this.o.claimTtlMs });
        if (r.handle) {
          handle = r.handle;
          break;
        }
        await (r.wake ? this.sleepOrWake(r.waitMs, r.wake) : this.o.sleep(r.waitMs));
      }
    } catch (e) {
      if (priority === 'operation') await this.windows.withdraw(stretched, id).catch(() => undefined);
      await releaseSlot();
      throw e;
    }
    const waited = this.o.now() - started;
    this.o.onWait?.(accountId, waited);
    const taken = handle;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // Settle first (an entry still in flight counts anyway, so the order is about throughput, not safety);
      // a settle that fails leaves the entry dated at its bound, which only errs on the slow side.
      void this.windows
        .settle(taken)
        .catch(() => undefined)
        .then(() => releaseSlot())
        .catch(() => undefined);
    };
  }
}
