import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { DomainValidationError, isCarrierError } from '@simgate/core';
import { IdempotencyConflict } from '@simgate/store';
import type { Request, Response } from 'express';
import { catchError, map, throwError, type Observable } from 'rxjs';
import { ZodError } from 'zod';
import { problemsOf, responseSchemaOf, routeSpecOf } from './openapi';
import { Problem } from './problem';

/** The status and code a thrown error answers with (as ProblemFilter maps it), when it is one the API names. */
function problemCodeOf(e: unknown): { status: number; code: string } | null {
  if (e instanceof Problem) return { status: e.getStatus(), code: e.code };
  if (e instanceof ZodError) return { status: 400, code: 'VALIDATION_FAILED' };
  if (e instanceof IdempotencyConflict) return { status: 409, code: 'IDEMPOTENCY_CONFLICT' };
  if (e instanceof DomainValidationError) return { status: 400, code: e.code };
  if (isCarrierError(e)) return { status: e.kind === 'NOT_SUPPORTED' || e.kind === 'REJECTED' ? 422 : 502, code: `CARRIER_${e.kind}` };
  return null;
}

const violation = (req: Request, what: string) =>
  new Problem(500, 'RESPONSE_CONTRACT_VIOLATION', `${req.method} ${req.path}: ${what}`.slice(0, 2000));

/**
 * The contract check (docs/api.md): every JSON answer of a route must parse with its spec's response schema
 * for the status sent, and every problem it throws must be declared for its status. A mismatch answers 500
 * RESPONSE_CONTRACT_VIOLATION (and is reported), so the end-to-end suite, which turns this on, fails on it.
 * Streamed answers (`@Res()` without passthrough: the CSV export) are not checked here.
 */
@Injectable()
export class ContractInterceptor implements NestInterceptor {
  constructor(private readonly report: (message: string) => void = () => undefined) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = routeSpecOf(ctx.getHandler());
    if (!spec) return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const fail = (what: string) => {
      const p = violation(req, what);
      this.report(p.message);
      return p;
    };
    return next.handle().pipe(
      map((body: unknown) => {
        if (res.headersSent) return body;
        const declared = spec.responses[res.statusCode];
        if (!declared) throw fail(`status ${res.statusCode} is not declared`);
        const schema = responseSchemaOf(declared);
        if (!schema) {
          if (body !== undefined && body !== null) throw fail(`status ${res.statusCode} is declared without a body`);
          return body;
        }
        const r = schema.safeParse(body);
        if (!r.success) {
          const i = r.error.issues[0];
          throw fail(`the ${res.statusCode} answer does not match its schema at ${i.path.join('.') || '(root)'}: ${i.message} (${r.error.issues.length} issue(s))`);
        }
        return body;
      }),
      catchError((e: unknown) => {
        const p = problemCodeOf(e);
        if (p && !(e instanceof Problem && e.code === 'RESPONSE_CONTRACT_VIOLATION') && !problemsOf(spec, req.path).get(p.status)?.includes(p.code)) {
          return throwError(() => fail(`problem ${p.status} ${p.code} is not declared`));
        }
        return throwError(() => e);
      }),
    );
  }
}
