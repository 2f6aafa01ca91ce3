import { SYNC_KINDS } from '@simgate/store';
import { cardCounts, quotaFit, sweepProgress, sweepRate, type AccountCardCounts, type Simgate } from '@simgate/sync';
import type { SyncStateView } from './sync.schemas';

/** The account card counts behind the quota fit: a GROUP BY over every card, so read at most every 15 s. */
const COUNTS_TTL_MS = 15_000;

/** `GET /v1/sync`: each account's kinds with their state, a running sweep's progress and ETA, and the quota fit. */
export class SyncStateReader {
  private counts: { at: number; value: Map<string, AccountCardCounts> } | null = null;

  constructor(private readonly sg: Simgate) {}

  private async cardCounts(): Promise<Map<string, AccountCardCounts>> {
    const t = Date.now();
    if (!this.counts || t - this.counts.at > COUNTS_TTL_MS) this.counts = { at: t, value: await cardCounts(this.sg.store) };
    return this.counts.value;
  }

  async read(now: number): Promise<SyncStateView> {
    const sg = this.sg;
    const [cps, counts] = await Promise.all([sg.store.checkpoints.list(), this.cardCounts()]);
    const accounts: SyncStateView['accounts'] = [];
    for (const rt of sg.runtime.all()) {
      const id = rt.account.id;
      const fit = quotaFit(rt, counts.get(id), sg.config.intervals, sg.limiter.requestsPerSecond(id));
      const rate = sweepRate(sg.limiter, id, cps);
      const kinds: SyncStateView['accounts'][number]['kinds'] = [];
      for (const kind of SYNC_KINDS.filter((k) => sg.engine.supports(rt, k))) {
        const cp = cps.find((c) => c.accountId === id && c.kind === kind);
        const f = fit.kinds.find((k) => k.kind === kind);
        kinds.push({
          kind,
          state: cp?.state ?? 'idle',
          lastSuccessAt: cp?.lastSuccessAt?.toISOString() ?? null,
          lastError: cp?.lastError ?? null,
          delaySeconds: cp?.lastSuccessAt ? Math.round((now - cp.lastSuccessAt.getTime()) / 1000) : null,
          cards: cp?.cards ?? 0,
          progress: cp ? await sweepProgress(sg.store, rt, cp, counts.get(id), rate) : null,
          interval: f
            ? { intervalSeconds: f.intervalSeconds, requestsPerCard: f.requestsPerCard, sweepSeconds: f.sweepSeconds, shortestIntervalSeconds: f.shortestIntervalSeconds, met: f.intervalMet }
            : null,
        });
      }
      const warnings =
        fit.load > 1
          ? fit.kinds.filter((k) => k.sweepSeconds > 0).map(
              (k) =>
                `${k.kind} every ${k.intervalSeconds} s cannot be met at ${fit.requestsPerSecond} requests/s for these cards (a sweep takes ${Math.ceil(k.sweepSeconds)} s; the intervals need ${fit.load}× the quota): every ${Math.ceil(k.intervalSeconds * fit.load)} s could` +
                (k.shortestIntervalSeconds !== null ? `, or every ${k.shortestIntervalSeconds} s with the other kinds unchanged` : ''),
            )
          : [];
      accounts.push({ accountId: id, platform: rt.manifest.id, quota: { requestsPerSecond: fit.requestsPerSecond, load: fit.load, intervalsMet: fit.load <= 1, warnings }, kinds });
    }
    return { accounts };
  }
}
