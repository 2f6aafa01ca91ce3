import { thresholdsReached, type DailyUsage, type EventDraft, type UsageSnapshot } from '@simgate/core';
import { canonicalJson, chunks, sameInstant } from './canonical';
import { READ_STAMP, col, columnList, fromRow, recordsetOf, toRow, updateSet, type RowOf } from './columns';
import type { Db } from './db';
import type { EventsRepository } from './events.repository';

export interface StoredUsage extends UsageSnapshot {
  syncedAt: Date;
}

/** The columns of `usage_cycles`, in table order. */
export const USAGE_COLUMNS = {
  iccid: col<string>('text', 'iccid'),
  cycle_start: col<Date>('timestamptz', 'cycleStart'),
  cycle_end: col<Date>('timestamptz', 'cycleEnd'),
  used_bytes: col<number>('bigint', 'usedBytes'),
  quota_bytes: col<number | null>('bigint', 'quotaBytes'),
  remaining_bytes: col<number | null>('bigint', 'remainingBytes'),
  ...READ_STAMP,
};
const COLS = columnList(USAGE_COLUMNS);
/** The same with the thresholds already announced in the row's cycle (written when a feed is given). */
const FIRED_COLUMNS = { ...USAGE_COLUMNS, thresholds_fired: col<number[]>('numeric[]', 'thresholdsFired') };

export type UsageRow = RowOf<typeof USAGE_COLUMNS>;

export function toUsage(r: UsageRow): StoredUsage {
  return fromRow<StoredUsage>(USAGE_COLUMNS, r);
}

/** Whose cards a usage write is for, and the thresholds (percent of the cycle's quota) announced as events. */
export interface UsageFeed {
  accountId: string;
  platform: string;
  thresholds: readonly number[];
}

export class UsageRepository {
  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
  ) {}

  /**
   * Batched, change-only upsert of cycle usage (one row per card and cycle), one transaction per batch. With a
   * `feed`, a card whose usage reaches a threshold not yet fired in this cycle gets it marked on its cycle row
   * and, once the account's snapshot is done, one `card.usage_threshold_crossed` event per threshold (during the
   * snapshot it is marked silently: a console backfills the level from the cards). A new cycle re-arms them all.
   */
  async upsertCycles(snapshots: readonly UsageSnapshot[], syncedAt: Date, feed?: UsageFeed): Promise<{ written: number; unchanged: number; crossed: number }> {
    let written = 0;
    let crossed = 0;
    for (const batch of chunks(snapshots, 1000)) {
      const out = await this.db.transaction(async (tx) => {
        const keys = batch.map((s) => `${s.iccid}|${s.cycleStart.toISOString()}`);
        const prev = await tx.query<UsageRow & { thresholds_fired: (number | string)[] }>(
          `SELECT ${COLS}, thresholds_fired FROM usage_cycles WHERE (iccid, cycle_start) IN (
             SELECT iccid, cycle_start FROM jsonb_to_recordset($1::jsonb) AS k(iccid text, cycle_start timestamptz))
           ORDER BY iccid, cycle_start FOR UPDATE`,
          [canonicalJson(batch.map((s) => ({ iccid: s.iccid, cycle_start: s.cycleStart })))],
        );
        const old = new Map(prev.rows.map((r) => [`${r.iccid}|${new Date(r.cycle_start).toISOString()}`, r]));
        const changed = batch.filter((s, i) => {
          const o = old.get(keys[i]);
          return (
            !o ||
            o.used_bytes !== s.usedBytes ||
            o.quota_bytes !== s.quotaBytes ||
            o.remaining_bytes !== s.remainingBytes ||
            !sameInstant(o.as_of, s.asOf) ||
            !sameInstant(o.cycle_end, s.cycleEnd)
          );
        });
        // Thresholds reached are marked in the same row write (no second update of the row).
        const crossing = feed ? this.crossings(feed, changed, old, syncedAt) : null;
        if (changed.length) {
          const cols = crossing ? FIRED_COLUMNS : USAGE_COLUMNS;
          await tx.query(
            `INSERT INTO usage_cycles (${columnList(cols)}) SELECT ${columnList(cols)} FROM ${recordsetOf(cols)}
             ON CONFLICT (iccid, cycle_start) DO UPDATE SET ${updateSet(cols, ['iccid', 'cycle_start'])}`,
            [canonicalJson(changed.map((s, i) => toRow(cols, { ...s, syncedAt, raw: s.raw ?? null, thresholdsFired: crossing?.fired[i] })))],
          );
        }
        const events = crossing?.drafts.length && (await this.events.snapshotDone(tx, feed!.accountId)) ? crossing.drafts : [];
        await this.events.append(tx, events);
        return { written: changed.length, events };
      });
      this.events.committed(out.events);
      written += out.written;
      crossed += out.events.length;
    }
    return { written, unchanged: snapshots.length - written, crossed };
  }

  /** Per changed snapshot, its fired thresholds after this read, and the events of the ones fired now. */
  private crossings(
    feed: UsageFeed,
    changed: readonly UsageSnapshot[],
    old: ReadonlyMap<string, { thresholds_fired: (number | string)[] }>,
    at: Date,
  ): { fired: number[][]; drafts: EventDraft[] } {
    const drafts: EventDraft[] = [];
    const fired = changed.map((s) => {
      const before = (old.get(`${s.iccid}|${s.cycleStart.toISOString()}`)?.thresholds_fired ?? []).map(Number);
      const fresh = thresholdsReached(s.usedBytes, s.quotaBytes, feed.thresholds).filter((t) => !before.includes(t));
      for (const threshold of fresh) {
        drafts.push({
          type: 'card.usage_threshold_crossed',
          accountId: feed.accountId,
          subject: s.iccid,
          occurredAt: at,
          data: {
            iccid: s.iccid,
            accountId: feed.accountId,
            platform: feed.platform,
            threshold,
            usedBytes: s.usedBytes,
            quotaBytes: s.quotaBytes,
            percent: Math.round((s.usedBytes * 10000) / (s.quotaBytes as number)) / 100,
            cycleStart: s.cycleStart,
            cycleEnd: s.cycleEnd,
            asOf: s.asOf,
          },
        });
      }
      return fresh.length ? [...before, ...fresh].sort((a, b) => a - b) : before;
    });
    return { fired, drafts };
  }

  /** Batched, change-only upsert of daily usage. */
  async upsertDaily(days: readonly DailyUsage[], syncedAt: Date): Promise<{ written: number }> {
    let written = 0;
    for (const batch of chunks(days, 2000)) {
      const r = await this.db.query(
        `INSERT INTO usage_daily (iccid, day, used_bytes, synced_at)
         SELECT iccid, day, used_bytes, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS t(iccid text, day date, used_bytes bigint)
         ON CONFLICT (iccid, day) DO UPDATE SET used_bytes = EXCLUDED.used_bytes, synced_at = EXCLUDED.synced_at
         WHERE usage_daily.used_bytes IS DISTINCT FROM EXCLUDED.used_bytes`,
        [canonicalJson(batch.map((d) => ({ iccid: d.iccid, day: d.day, used_bytes: d.usedBytes }))), syncedAt],
      );
      written += r.affectedRows;
    }
    return { written };
  }

  /** The latest cycle stored for each card. */
  async current(iccids: readonly string[]): Promise<Map<string, StoredUsage>> {
    if (!iccids.length) return new Map();
    const r = await this.db.query<UsageRow>(
      `SELECT DISTINCT ON (iccid) ${COLS} FROM usage_cycles WHERE iccid = ANY($1::text[]) ORDER BY iccid, cycle_start DESC`,
      [iccids],
      { prepare: true },
    );
    return new Map(r.rows.map((x) => [x.iccid, toUsage(x)]));
  }

  async cycles(iccid: string, from: Date | null, to: Date | null): Promise<StoredUsage[]> {
    const r = await this.db.query<UsageRow>(
      `SELECT ${COLS} FROM usage_cycles
       WHERE iccid = $1 AND ($2::timestamptz IS NULL OR cycle_end > $2) AND ($3::timestamptz IS NULL OR cycle_start < $3)
       ORDER BY cycle_start`,
      [iccid, from, to],
    );
    return r.rows.map(toUsage);
  }

  /** Daily usage between two `yyyy-MM-dd` days, inclusive. */
  async daily(iccid: string, fromDay: string | null, toDay: string | null): Promise<DailyUsage[]> {
    const r = await this.db.query<{ iccid: string; day: string; used_bytes: number }>(
      `SELECT iccid, to_char(day, 'YYYY-MM-DD') AS day, used_bytes FROM usage_daily
       WHERE iccid = $1 AND ($2::date IS NULL OR day >= $2::date) AND ($3::date IS NULL OR day <= $3::date) ORDER BY day`,
      [iccid, fromDay, toDay],
    );
    return r.rows.map((x) => ({ iccid: x.iccid, day: x.day, usedBytes: x.used_bytes }));
  }
}
