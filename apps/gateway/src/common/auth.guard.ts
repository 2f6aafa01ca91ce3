import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { Problem } from './problem';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer-key check, constant time per key. */
export function bearerMatches(header: string | undefined, keys: readonly string[]): 'missing' | 'wrong' | 'ok' {
  if (!header) return 'missing';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return 'wrong';
  return keys.some((k) => safeEqual(k, m[1])) ? 'ok' : 'wrong';
}

/** Every `/v1` route needs `Authorization: Bearer <key>`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: readonly string[]) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!req.path.startsWith('/v1')) return true;
    const r = bearerMatches(req.headers.authorization, this.keys);
    if (r === 'missing') throw new Problem(401, 'AUTH_MISSING', 'send Authorization: Bearer <api key>');
    if (r === 'wrong') throw new Problem(401, 'AUTH_INVALID', 'the API key is not valid');
    return true;
  }
}
