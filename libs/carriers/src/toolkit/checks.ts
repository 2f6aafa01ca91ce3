import type { ZodType, ZodTypeDef } from 'zod';
import { cycleForLabel, NotSupported, Rejected, type BillingCycleRule, type Cursor } from '@simgate/core';
import { malformed, type AnswerContext, type ErrorTable } from './errors';

/**
 * Checks every adapter makes the same way: credentials present, page cursors, day ranges, cycle labels, the
 * JSON of an answer; the messages name the platform and the field, never a secret's value.
 */

/** The named credentials, each a non-empty string, or `Rejected` naming the first missing one. */
export function requireCredentials<K extends string>(
  platform: string,
  credentials: Record<string, string | undefined>,
  names: readonly K[],
): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const v = credentials[name];
    if (typeof v !== 'string' || v === '') throw new Rejected(`${platform}: credentials.${name} is missing`, { platform });
    out[name] = v;
  }
  return out;
}

/** A page-number cursor (null: page 1), or `Rejected`. */
export function pageOfCursor(platform: string, endpoint: string, cursor: Cursor | null): number {
  const page = cursor === null ? 1 : Number(cursor);
  if (!Number.isSafeInteger(page) || page < 1) throw new Rejected(`${platform}: bad inventory cursor '${cursor}'`, { platform, endpoint });
  return page;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `from ≤ to`, both `yyyy-MM-dd`, or `Rejected`. */
export function checkDayRange(platform: string, endpoint: string, from: string, to: string): void {
  if (!DAY.test(from) || !DAY.test(to) || from > to) {
    throw new Rejected(`${platform}: daily usage needs from ≤ to as yyyy-MM-dd`, { platform, endpoint });
  }
}

/** The cycle billed in `label` (`yyyy-MM`), or null when the label is no month. */
export function cycleOfLabel(rule: BillingCycleRule, label: string): ReturnType<typeof cycleForLabel> | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(label)) return null;
  return cycleForLabel(rule, label);
}

/** A past (or the current) cycle to read: the cycle and its last instant so far; `Rejected` for a bad or future label. */
export function cycleToRead(platform: string, rule: BillingCycleRule, label: string, at: Date): { cycle: NonNullable<ReturnType<typeof cycleOfLabel>>; last: Date } {
  const cycle = cycleOfLabel(rule, label);
  if (!cycle) throw new Rejected(`${platform}: cycle label must be yyyy-MM, got '${label}'`, { platform });
  if (cycle.start.getTime() > at.getTime()) throw new Rejected(`${platform}: cycle ${label} has not started`, { platform });
  return { cycle, last: new Date(Math.min(cycle.end.getTime() - 1, at.getTime())) };
}

/** The error of a platform without pools. */
export function noPools(platform: string): NotSupported {
  return new NotSupported(`${platform}: the platform has no pools`, { platform });
}

/** An answer's body as JSON, or the table's malformed error. */
export function parseJson(table: ErrorTable, body: string, ctx: AnswerContext): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw malformed(table, ctx, `not JSON (${body.length} characters)`);
  }
}

/** A value checked by `schema`, or the table's malformed error naming the first issue. */
export function parseWith<T>(table: ErrorTable, schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, ctx: AnswerContext): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(table, ctx, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A blank text as null, else trimmed. */
export function emptyToNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value.trim();
}

/** A whole number written as text (headers, counts), or null. */
export function wholeNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * The account's `options` parsed by the platform's schema (defaults applied). The accounts loader validated
 * them at start-up; an adapter built another way (tests, tools) gets `Rejected` naming the account and path.
 */
export function accountOptions<T>(platform: string, schema: ZodType<T, ZodTypeDef, unknown>, account: { id: string; options?: Record<string, unknown> }): T {
  const parsed = schema.safeParse(account.options ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Rejected(`${platform}: account '${account.id}', ${['options', ...issue.path].join('.')}: ${issue.message}`, { platform });
}
