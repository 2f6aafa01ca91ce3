/**
 * A parser for PostgreSQL's text form of `timestamptz` (`2026-11-22 05:10:48.123456+00`, DateStyle ISO), giving
 * the same Date as `pg`'s default (postgres-date) without its regular expressions: a page of 100 cards carries
 * ~700 of them, and postgres-date was the largest single cost of reading a page. Anything but the plain form —
 * 5-digit or BC years, years below 100, offsets with seconds, `infinity` — goes to postgres-date unchanged.
 */
import { types } from 'pg';

/** pg's own timestamptz parser (postgres-date), taken before postgres.ts replaces it with `parseTimestamptz`. */
export const pgDefaultTimestamptz = types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;
const postgresDate = pgDefaultTimestamptz;

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
};
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

export function parseTimestamptz(text: string): Date | number | null {
  const n = text.length;
  if (n < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return postgresDate(text);
  }
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return postgresDate(text);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    let j = i + 1;
    while (j < n && digit(text, j) >= 0) j++;
    if (j === i + 1) return postgresDate(text);
    // The same expression as postgres-date, so that fractions round identically.
    ms = 1000 * parseFloat(text.slice(i, j));
    i = j;
  }
  const sign = text.charCodeAt(i);
  if ((sign !== 43 && sign !== 45) || (n !== i + 3 && n !== i + 6)) return postgresDate(text);
  const oh = two(text, i + 1);
  let om = 0;
  if (n === i + 6) {
    if (text.charCodeAt(i + 3) !== 58) return postgresDate(text);
    om = two(text, i + 4);
  }
  if (oh < 0 || om < 0) return postgresDate(text);
  const offsetMs = (oh * 3600 + om * 60) * 1000 * (sign === 45 ? -1 : 1);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
}
