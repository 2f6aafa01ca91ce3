import type { ZodType, ZodTypeDef } from 'zod';
import { zodProblem } from './problem';

/** Parses input with a zod schema; a failure becomes a 400 problem naming the field. */
export function parse<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, where: 'body' | 'query' | 'params' = 'body'): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw zodProblem(r.error, where);
  return r.data;
}
