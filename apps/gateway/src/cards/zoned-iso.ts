import { fixedOffsetAt, isoInZone } from '@simgate/core';
import { DateTime } from 'luxon';

/**
 * `isoInZone` for the hot paths of the card views (a page of 100 cards formats ~1,000 instants): the same
 * string, without asking Intl for the zone's offset of every instant. The offset is looked up once per zone and
 * UTC hour; when it is the same at both ends of the hour (every hour without a transition) the instant is
 * formatted by arithmetic, otherwise — and for invalid instants or years outside 1000–9999 — by `isoInZone`.
 * Zones with a fixed offset in libs/core (Asia/Shanghai since 1992, UTC) go straight to `isoInZone`'s own
 * arithmetic, without the per-hour cache.
 */
const offsets = new Map<string, Map<number, number | null>>();
const HOUR = 3_600_000;
const MAX_HOURS_PER_ZONE = 50_000;

function offsetOfHour(zone: string, hour: number): number | null {
  let byHour = offsets.get(zone);
  if (!byHour) offsets.set(zone, (byHour = new Map()));
  let off = byHour.get(hour);
  if (off === undefined) {
    const start = DateTime.fromMillis(hour * HOUR, { zone });
    const end = DateTime.fromMillis((hour + 1) * HOUR - 1, { zone });
    off = start.isValid && end.isValid && start.offset === end.offset && Number.isInteger(start.offset) ? start.offset : null;
    if (byHour.size >= MAX_HOURS_PER_ZONE) byHour.clear();
    byHour.set(hour, off);
  }
  return off;
}

const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
const p3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

export function fastIsoInZone(instant: Date, zone: string): string {
  const ms = instant.getTime();
  if (!Number.isFinite(ms) || fixedOffsetAt(zone, ms) !== null) return isoInZone(instant, zone);
  const off = offsetOfHour(zone, Math.floor(ms / HOUR));
  if (off === null) return isoInZone(instant, zone);
  const d = new Date(ms + off * 60_000);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 9999) return isoInZone(instant, zone);
  const abs = Math.abs(off);
  const suffix = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
  return `${y}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}${suffix}`;
}
