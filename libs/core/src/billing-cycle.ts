import { DateTime, FixedOffsetZone } from 'luxon';
import { DomainValidationError } from './errors';

/**
 * Billing cycles (账期), computed in the platform's zone whatever the process's zone.
 * NATURAL_MONTH: CMCC, CTCC, overseas. MONTH_DAY: CUCC's 27th–26th cycle (start day configurable).
 * A MONTH_DAY cycle is named after the month it ends in: the December-2026 CUCC cycle runs
 * 2026-11-27T00:00+08:00 to 2026-12-27T00:00+08:00 (exclusive).
 * Limitation: zones whose daylight-saving change happens at midnight (America/Havana, America/Santiago,
 * Asia/Beirut…) can leave a gap or overlap at a cycle boundary. Asia/Shanghai and UTC, the zones the
 * carriers use, have no such change; the specs check the tiling for Shanghai, UTC and common DST zones.
 */
export type BillingCycleRule =
  | { kind: 'NATURAL_MONTH'; zone: string }
  | { kind: 'MONTH_DAY'; startDay: number; zone: string };

export interface BillingCycle {
  /** First instant of the cycle. */
  start: Date;
  /** First instant of the next cycle (exclusive). */
  end: Date;
  /** `yyyy-MM` of the month the cycle is billed in (the month it ends in). */
  label: string;
  zone: string;
}

export function naturalMonth(zone: string): BillingCycleRule {
  return { kind: 'NATURAL_MONTH', zone };
}

export function monthDayCycle(startDay: number, zone: string): BillingCycleRule {
  if (!Number.isInteger(startDay) || startDay < 1 || startDay > 28) {
    throw new DomainValidationError('INVALID_CYCLE_START_DAY', `cycle start day must be 1..28, got ${startDay}`, 'startDay');
  }
  return startDay === 1 ? { kind: 'NATURAL_MONTH', zone } : { kind: 'MONTH_DAY', startDay, zone };
}

/**
 * Zones whose UTC offset has not changed since a date: from then on luxon's fixed-offset arithmetic gives the
 * same results as the IANA zone without an Intl lookup per operation (the hot path of every card view).
 * China has kept UTC+8 without daylight saving since 1991.
 */
const FIXED_SINCE: Readonly<Record<string, { zone: FixedOffsetZone; offsetMinutes: number; sinceMs: number }>> = {
  'Asia/Shanghai': { zone: FixedOffsetZone.instance(480), offsetMinutes: 480, sinceMs: Date.UTC(1992, 0, 1) },
  UTC: { zone: FixedOffsetZone.utcInstance, offsetMinutes: 0, sinceMs: -Infinity },
  'Etc/UTC': { zone: FixedOffsetZone.utcInstance, offsetMinutes: 0, sinceMs: -Infinity },
};

function zoned(instant: Date, zone: string): DateTime {
  const fixed = FIXED_SINCE[zone];
  const dt = DateTime.fromJSDate(instant, { zone: fixed && instant.getTime() >= fixed.sinceMs ? fixed.zone : zone });
  if (!dt.isValid) throw new DomainValidationError('INVALID_INSTANT', `invalid instant or zone '${zone}'`);
  return dt;
}

/** `zoned` with the IANA zone always: the fallback of the fast paths below, whose result may leave the fixed period. */
function zonedIana(instant: Date, zone: string): DateTime {
  const dt = DateTime.fromJSDate(instant, { zone });
  if (!dt.isValid) throw new DomainValidationError('INVALID_INSTANT', `invalid instant or zone '${zone}'`);
  return dt;
}

/**
 * The zone's UTC offset in minutes at `ms` when it is known without asking Intl (a zone of FIXED_SINCE, from
 * its date on), else null. Callers doing arithmetic with it must check that their result is also covered.
 */
export function fixedOffsetAt(zone: string, ms: number): number | null {
  const fixed = FIXED_SINCE[zone];
  return fixed !== undefined && ms >= fixed.sinceMs ? fixed.offsetMinutes : null;
}

// ---------- fixed-offset fast paths (no luxon, no Intl): exact, property-tested against luxon's IANA zones ----------
const DAY_MS = 86_400_000;
/** Wall-clock instants of years 1000–9999 (plain `Date.UTC` arithmetic and 4-digit ISO years hold there). */
const LOCAL_MIN = Date.UTC(1000, 0, 1);
const LOCAL_MAX = Date.UTC(10000, 0, 1);

/** The fixed offset (ms) covering both `ms` and `result` in `zone`, or null: the caller then takes luxon's path. */
function coveredOffset(zone: string, ms: number): number | null {
  const off = fixedOffsetAt(zone, ms);
  if (off === null) return null;
  const local = ms + off * 60_000;
  return local >= LOCAL_MIN && local < LOCAL_MAX ? off * 60_000 : null;
}

function covers(zone: string, offMs: number, result: number): boolean {
  const local = result + offMs;
  return fixedOffsetAt(zone, result) !== null && local >= LOCAL_MIN && local < LOCAL_MAX;
}

/** luxon `plus({ months, days })` on a fixed offset: month clamped to its length, then days, time of day kept. */
function addFixed(ms: number, offMs: number, months: number, days: number): number {
  const local = ms + offMs;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const d = new Date(dayStart);
  const m = d.getUTCMonth() + months;
  const y = d.getUTCFullYear() + Math.floor(m / 12);
  const mo = m - Math.floor(m / 12) * 12;
  const monthDays = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  return Date.UTC(y, mo, Math.min(d.getUTCDate(), monthDays) + days) + (local - dayStart) - offMs;
}

/** The ISO string of a fixed-offset instant, as luxon's `toISO()` writes it (`…+08:00`; `Z` for 0 in isoInZone). */
function isoFixed(ms: number, offMinutes: number): string {
  const d = new Date(ms + offMinutes * 60_000);
  let suffix = 'Z';
  if (offMinutes !== 0) {
    const abs = Math.abs(offMinutes);
    suffix = `${offMinutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
  }
  const msPart = d.getUTCMilliseconds();
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${msPart < 10 ? '00' : msPart < 100 ? '0' : ''}${msPart}${suffix}`;
}

const p2 = (n: number) => (n < 10 ? '0' + n : String(n));

function cycleStartingAt(start: DateTime, zone: string): BillingCycle {
  const end = start.plus({ months: 1 });
  const billed = start.day === 1 ? start : end;
  return { start: start.toJSDate(), end: end.toJSDate(), label: billed.toFormat('yyyy-MM'), zone };
}

/** The cycle that contains `instant`. */
export function cycleContaining(rule: BillingCycleRule, instant: Date): BillingCycle {
  const t = zoned(instant, rule.zone);
  if (rule.kind === 'NATURAL_MONTH') return cycleStartingAt(t.startOf('month'), rule.zone);
  const thisMonthStart = t.startOf('month').set({ day: rule.startDay });
  const start = t >= thisMonthStart ? thisMonthStart : thisMonthStart.minus({ months: 1 });
  return cycleStartingAt(start, rule.zone);
}

export function nextCycle(rule: BillingCycleRule, cycle: BillingCycle): BillingCycle {
  return cycleContaining(rule, cycle.end);
}

export function previousCycle(rule: BillingCycleRule, cycle: BillingCycle): BillingCycle {
  return cycleContaining(rule, new Date(cycle.start.getTime() - 1));
}

/** The cycle billed in month `label` (`yyyy-MM`). */
export function cycleForLabel(rule: BillingCycleRule, label: string): BillingCycle {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (!m) throw new DomainValidationError('INVALID_CYCLE_LABEL', `cycle label must be yyyy-MM, got '${label}'`);
  const month = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: rule.zone });
  if (!month.isValid) throw new DomainValidationError('INVALID_CYCLE_LABEL', `no such month '${label}'`);
  return rule.kind === 'NATURAL_MONTH'
    ? cycleStartingAt(month, rule.zone)
    : cycleStartingAt(month.minus({ months: 1 }).set({ day: rule.startDay }), rule.zone);
}

/** The last `count` cycles up to and including the one containing `instant`, oldest first. */
export function recentCycles(rule: BillingCycleRule, instant: Date, count: number): BillingCycle[] {
  const out: BillingCycle[] = [cycleContaining(rule, instant)];
  while (out.length < count) out.unshift(previousCycle(rule, out[0]));
  return out;
}

/** ISO 8601 with the zone's offset (`2026-11-27T00:00:00.000+08:00`, `…Z` for UTC). */
export function isoInZone(instant: Date, zone: string): string {
  const ms = instant.getTime();
  const offMs = coveredOffset(zone, ms);
  if (offMs !== null) return isoFixed(ms, offMs / 60_000);
  const dt = zoned(instant, zone);
  return dt.offset === 0 ? dt.toUTC().toISO()!.replace('+00:00', 'Z') : dt.toISO()!;
}

/** The calendar day (`yyyy-MM-dd`) of an instant in a zone. */
export function dayInZone(instant: Date, zone: string): string {
  return zoned(instant, zone).toFormat('yyyy-MM-dd');
}

/** The first instant of the day containing `instant`, in the zone. */
export function startOfDayInZone(instant: Date, zone: string): Date {
  const ms = instant.getTime();
  const offMs = coveredOffset(zone, ms);
  if (offMs !== null) {
    const out = Math.floor((ms + offMs) / DAY_MS) * DAY_MS - offMs;
    if (covers(zone, offMs, out)) return new Date(out);
  }
  return zonedIana(instant, zone).startOf('day').toJSDate();
}

/** The instant when wall-clock `yyyy-MM-dd[ HH:mm:ss]` happens in the zone; null if it does not parse. */
export function parseLocalDateTime(text: string, zone: string): Date | null {
  const s = text.trim();
  const formats = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd', 'yyyyMMddHHmmss', 'yyyyMMdd', "yyyy-MM-dd'T'HH:mm:ss"];
  for (const f of formats) {
    const dt = DateTime.fromFormat(s, f, { zone });
    if (dt.isValid) return dt.toJSDate();
  }
  return null;
}

/** Wall-clock formatting in a zone (luxon tokens, e.g. `yyyyMMddHHmmss`). */
export function formatInZone(instant: Date, zone: string, format: string): string {
  return zoned(instant, zone).toFormat(format);
}

/** Calendar arithmetic in a zone: `instant` plus whole months (clamped to the month's end) or days. */
export function addInZone(instant: Date, zone: string, amount: { months?: number; days?: number }): Date {
  const months = amount.months ?? 0;
  const days = amount.days ?? 0;
  const ms = instant.getTime();
  const offMs = Number.isInteger(months) && Number.isInteger(days) ? coveredOffset(zone, ms) : null;
  if (offMs !== null) {
    const out = addFixed(ms, offMs, months, days);
    if (covers(zone, offMs, out)) return new Date(out);
  }
  return zonedIana(instant, zone).plus(amount).toJSDate();
}

/** The first instant of the month following the month containing `instant`, in the zone. */
export function firstOfNextMonth(instant: Date, zone: string): Date {
  const ms = instant.getTime();
  const offMs = coveredOffset(zone, ms);
  if (offMs !== null) {
    const d = new Date(ms + offMs);
    const out = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - offMs;
    if (covers(zone, offMs, out)) return new Date(out);
  }
  return zonedIana(instant, zone).startOf('month').plus({ months: 1 }).toJSDate();
}
