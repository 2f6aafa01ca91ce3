import { timingSafeEqual } from 'node:crypto';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer-key check, constant time per key (the guard: protection/protection.guard.ts). */
export function bearerMatches(header: string | undefined, keys: readonly string[]): 'missing' | 'wrong' | 'ok' {
  if (!header) return 'missing';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return 'wrong';
  return keys.some((k) => safeEqual(k, m[1])) ? 'ok' : 'wrong';
}
