import { DAY_MS, HOUR_MS, type SupersimFleet } from './fleet';

/**
 * `GET /UsageRecords` of the Super SIM simulator (carriers.md §6): one record per SIM per bucket (a UTC hour, a
 * UTC day, or the whole window for `all`) clipped to [StartTime, EndTime) and to what is reported so far; records
 * without data are left out. A page walks SIMs in index order, then buckets; its `PageToken` is the position.
 */

export interface UsageQuery {
  /** One SIM (`Sim=`), or null: every SIM of the account (`Group=sim`). */
  sims: number[] | null;
  fleet: number | null;
  granularity: 'hour' | 'day' | 'all';
  start: number;
  /** Exclusive; already clipped to the start of the current UTC hour. */
  end: number;
  /** The page token (`PU<sim>x<bucket>`), or null for the first page. */
  from: string | null;
  size: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function buckets(q: UsageQuery): Array<[number, number]> {
  if (q.end <= q.start) return [];
  if (q.granularity === 'all') return [[q.start, q.end]];
  const unit = q.granularity === 'hour' ? HOUR_MS : DAY_MS;
  const out: Array<[number, number]> = [];
  for (let s = Math.floor(q.start / unit) * unit; s < q.end; s += unit) out.push([Math.max(s, q.start), Math.min(s + unit, q.end)]);
  return out;
}

export function usageRecords(fleet: SupersimFleet, q: UsageQuery): { records: unknown[]; next: string | null } {
  const bs = buckets(q);
  const m = q.from ? /^PU([0-9a-z]+)x([0-9a-z]+)$/.exec(q.from) : null;
  if (q.from && !m) return { records: [], next: null };
  let pos = m ? parseInt(m[1], 36) : 0;
  let bucket = m ? parseInt(m[2], 36) : 0;
  const list = q.sims;
  const count = list ? list.length : fleet.size;
  const records: unknown[] = [];
  for (; pos < count; pos++, bucket = 0) {
    const i = list ? list[pos] : pos;
    const b = fleet.base(i);
    if (b.leftNewMs === null || b.rate === 0 || b.leftNewMs >= q.end) continue;
    for (; bucket < bs.length; bucket++) {
      if (records.length >= q.size) return { records, next: `PU${pos.toString(36)}x${bucket.toString(36)}` };
      const [s, e] = bs[bucket];
      if (e <= b.leftNewMs) continue;
      const f = fleet.fleetAt(b, s);
      if (q.fleet !== null && f !== q.fleet) continue;
      const total = fleet.usedBetween(b, s, e);
      if (total <= 0) continue;
      const down = Math.round(total * 0.8);
      records.push({
        account_sid: fleet.accountSid,
        sim_sid: b.sid,
        fleet_sid: fleet.fleets[f].sid,
        network_sid: null,
        iso_country: null,
        period: { start_time: iso(s), end_time: iso(e) },
        data_upload: total - down,
        data_download: down,
        data_total: total,
        data_total_billed: Math.round(total * 0.0000001 * 100) / 100,
        billed_unit: 'USD',
      });
    }
  }
  return { records, next: null };
}
