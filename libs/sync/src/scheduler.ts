import type { Store, SyncKind } from '@simgate/store';
import type { SyncIntervals } from './config/env';
import type { CarrierRuntime } from './runtime';
import type { Logger, SyncEngine } from './sync-engine';
import { SYNC_LATE_EVERY_MS } from './sync-late';

/** Ended imports (and their rejected rows) are kept this long. */
export const IMPORT_RETENTION_DAYS = 30;

/**
 * Schedules: every account gets a full sync at start (inventory, which chains status, usage and pools;
 * plus orders), then each kind again at its interval. Several workers may run the scheduler: a sweep
 * already queued is not queued twice, and a kind synced recently enough is skipped.
 */
export class SyncScheduler {
  constructor(
    private readonly engine: SyncEngine,
    private readonly runtime: CarrierRuntime,
    private readonly store: Store,
    private readonly intervals: SyncIntervals,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    /** Events older than this leave the feed (SIMGATE_EVENTS_RETENTION_HOURS); pruned hourly. */
    private readonly eventsRetentionHours = 7 * 24,
  ) {}

  private lateness: (() => Promise<void>) | null = null;

  /** `sync.late` / `sync.recovered` evaluation (sync-late.ts), run on a timer by `install` as well as on scrapes. */
  watchLateness(evaluate: () => Promise<void>): void {
    this.lateness = evaluate;
  }

  /** Deletes events past the retention (their write time, the database's clock); cursors before them expire. */
  async pruneEvents(): Promise<number> {
    const n = await this.store.events.prune(new Date(Date.now() - this.eventsRetentionHours * 3600_000));
    if (n) this.logger.info({ events: n, retentionHours: this.eventsRetentionHours }, 'events pruned');
    return n;
  }

  /** Deletes the imports that ended more than IMPORT_RETENTION_DAYS ago, with their rejected rows (docs/api.md, "Imports"). */
  async pruneImports(): Promise<number> {
    const n = await this.store.imports.prune(new Date(this.now().getTime() - IMPORT_RETENTION_DAYS * 86_400_000));
    if (n) this.logger.info({ imports: n, retentionDays: IMPORT_RETENTION_DAYS }, 'imports pruned');
    return n;
  }

  async kickOff(): Promise<void> {
    for (const rt of this.runtime.all()) {
      await this.engine.requestSweep(rt.account.id, 'inventory', 'start');
      await this.engine.requestSweep(rt.account.id, 'orders', 'start');
    }
  }

  /** One timer per kind: `add(name, ms, fn)` is @nestjs/schedule's SchedulerRegistry in the app. */
  install(add: (name: string, ms: number, fn: () => void) => void): void {
    add('events:prune', 3600_000, () => {
      this.pruneEvents().catch((e: unknown) => this.logger.error({ err: String(e) }, 'pruning events failed'));
    });
    add('imports:prune', 3600_000, () => {
      this.pruneImports().catch((e: unknown) => this.logger.error({ err: String(e) }, 'pruning imports failed'));
    });
    const late = this.lateness;
    if (late) {
      add('events:sync-late', SYNC_LATE_EVERY_MS, () => {
        late().catch((e: unknown) => this.logger.error({ err: String(e) }, 'evaluating sync lateness failed'));
      });
    }
    for (const kind of Object.keys(this.intervals) as SyncKind[]) {
      const ms = this.intervals[kind] * 1000;
      add(`sync:${kind}`, ms, () => {
        this.tick(kind).catch((e: unknown) => this.logger.error({ kind, err: String(e) }, 'scheduling failed'));
      });
    }
  }

  async tick(kind: SyncKind): Promise<void> {
    const due = this.intervals[kind] * 1000 * 0.9;
    for (const rt of this.runtime.all()) {
      const cp = await this.store.checkpoints.get(rt.account.id, kind);
      if (cp?.state === 'idle' && cp.lastSuccessAt && this.now().getTime() - cp.lastSuccessAt.getTime() < due) continue;
      await this.engine.requestSweep(rt.account.id, kind, 'schedule');
    }
  }
}
