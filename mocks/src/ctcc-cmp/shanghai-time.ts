/**
 * Asia/Shanghai calendar arithmetic of the CTCC simulator: UTC+8 all year (no DST since 1991), so day and
 * month boundaries are computed with a fixed offset.
 */

export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const MB = 1_048_576;

/** Index of the Asia/Shanghai calendar day containing `ms`. */
export function shDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}
export function shDayStart(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}
/** First instant of the Asia/Shanghai month containing `ms` (shift = 0), or of a later/earlier month. */
export function shMonthStart(ms: number, shift = 0): number {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + shift, 1) - SHANGHAI_OFFSET_MS;
}
/** Asia/Shanghai wall-clock fields of an instant. */
function shFields(ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}
const p2 = (n: number): string => String(n).padStart(2, '0');
/** `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai. */
export function shDateTime(ms: number): string {
  const f = shFields(ms);
  return `${f.y}-${p2(f.mo)}-${p2(f.d)} ${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}`;
}
/** `yyyyMMddHHmmss` in Asia/Shanghai. */
export function shCompact(ms: number): string {
  const f = shFields(ms);
  return `${f.y}${p2(f.mo)}${p2(f.d)}${p2(f.h)}${p2(f.mi)}${p2(f.s)}`;
}
/** `yyyyMMdd` of an Asia/Shanghai day index. */
export function shDayLabel(day: number): string {
  return shCompact(shDayStart(day)).slice(0, 8);
}
/** The Asia/Shanghai day index of `yyyyMMdd`, or null when it is not a real date. */
export function parseShDay(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return utc / DAY_MS;
}
/** `yyyy-MM` of the Asia/Shanghai month containing `ms` (the rebind counter's key). */
export function shMonthKey(ms: number): string {
  const f = shFields(ms);
  return `${f.y}-${p2(f.mo)}`;
}
