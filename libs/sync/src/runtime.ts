import {
  type AdapterManifest,
  type CarrierAdapter,
  type HttpRequest,
} from '@simgate/core';
import { CarrierHttp, type CarrierRegistry, type RequestOutcome } from '@simgate/carriers';
import type { LoadedAccount } from './config/accounts-file';
import { secretsOf } from './config/accounts-file';
import type { AccountLimiter } from './limits/account-limiter';
import type { SimgateMetrics } from './metrics';
import { orderDeadlineMs } from './engine/order-rules';

/** One carrier account at run time: its config, manifest and adapter (on the shared HTTP layer). */
export interface AccountRuntime {
  account: LoadedAccount;
  manifest: AdapterManifest;
  adapter: CarrierAdapter;
  /** Labels for metrics. */
  labels: { platform: string; account: string };
}

function outcomeLabel(o: RequestOutcome): string {
  if (o.result !== 'ok' || o.status === null) return o.result;
  if (o.status === 429) return '429';
  return `${Math.floor(o.status / 100)}xx`;
}

/** Builds every account's adapter once: the limiter and metrics plug into the HTTP layer's hooks. */
export class CarrierRuntime {
  private readonly byId = new Map<string, AccountRuntime>();

  constructor(
    registry: CarrierRegistry,
    accounts: readonly LoadedAccount[],
    limiter: AccountLimiter,
    metrics: SimgateMetrics,
    now: () => Date = () => new Date(),
    options: { timeoutMs?: number } = {},
  ) {
    for (const account of accounts) {
      const platform = registry.get(account.platform);
      // The account's contract may state its own order processing time (when an in-doubt order may be resent).
      const manifest = account.orderProcessingSeconds
        ? { ...platform.manifest, orderProcessing: { ...platform.manifest.orderProcessing, typicalHours: account.orderProcessingSeconds / 3600 } }
        : platform.manifest;
      limiter.register(account, manifest);
      const labels = { platform: manifest.id, account: account.id };
      const http = new CarrierHttp({
        platform: manifest.id,
        secrets: secretsOf(account, manifest),
        timeoutMs: options.timeoutMs,
        // More sockets than the limiter lets requests fly: no request waits for a socket after its quota slot.
        maxSockets: limiter.maxInFlight(account.id) + 4,
        // The account's caFile (private CA), read and checked when the accounts file was loaded.
        ...(account.ca ? { ca: account.ca } : {}),
        hooks: {
          acquire: async (req: HttpRequest) => {
            const started = performance.now();
            const release = await limiter.acquire(account.id, req);
            metrics.rateLimitWait.observe(labels, (performance.now() - started) / 1000);
            return release;
          },
          observe: (req, outcome) => {
            metrics.carrierRequests.inc({ ...labels, endpoint: req.endpoint, outcome: outcomeLabel(outcome) });
            metrics.carrierLatency.observe({ ...labels, endpoint: req.endpoint }, outcome.durationMs / 1000);
          },
        },
      });
      const adapter = platform.connect(account, { http, now });
      const rt: AccountRuntime = { account, manifest, adapter, labels };
      this.byId.set(account.id, rt);
      metrics.operationDeadline.set(labels, orderDeadlineMs(rt) / 1000);
    }
  }

  get(accountId: string): AccountRuntime {
    const a = this.byId.get(accountId);
    if (!a) throw new Error(`unknown account '${accountId}'`);
    return a;
  }

  has(accountId: string): boolean {
    return this.byId.has(accountId);
  }

  all(): AccountRuntime[] {
    return [...this.byId.values()];
  }
}
