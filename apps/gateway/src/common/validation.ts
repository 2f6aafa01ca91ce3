import { z, type ZodType, type ZodTypeDef } from 'zod';
import { zodProblem } from './problem';

/** Parses input with a zod schema; a failure becomes a 400 problem naming the field. */
export function parse<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, where: 'body' | 'query' | 'params' = 'body'): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw zodProblem(r.error, where);
  return r.data;
}

/** Routes that take no query parameters reject any (unknown fields are refused everywhere). */
const noQuery = z.object({}).strict();
export function parseNoQuery(query: unknown): void {
  parse(noQuery, query, 'query');
}

/** A calendar day `yyyy-MM-dd` that exists (2026-02-30 does not). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as yyyy-MM-dd')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar day');
