import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  type ExceptionFilter,
} from '@nestjs/common';
import { DomainValidationError, isCarrierError } from '@simgate/core';
import { IdempotencyConflict } from '@simgate/store';
import type { Request, Response } from 'express';
import { ZodError } from 'zod';
import { requestIdOf } from '../protection/request-context';

/**
 * Errors are RFC 9457 `application/problem+json` documents with a stable machine-readable `code`:
 * `{type, title, status, code, detail, instance, errors?}`. Bad input never answers 500.
 */
export class Problem extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }
}

export const notFound = (what: string, id: string) => new Problem(404, `${what.toUpperCase()}_NOT_FOUND`, `${what} '${id}' not found`);

/** What a look-up found, or the 404 problem of `what` `id` when it found nothing. */
export async function found<T>(what: string, id: string, lookup: Promise<T | null | undefined>): Promise<T> {
  const value = await lookup;
  if (!value) throw notFound(what, id);
  return value;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function zodProblem(e: ZodError, where: 'body' | 'query' | 'params' = 'body'): Problem {
  const errors = e.issues.map((i) => ({
    field: [where, ...i.path].join('.'),
    code: i.code,
    message: i.message,
  }));
  return new Problem(400, 'VALIDATION_FAILED', `${errors[0].field}: ${errors[0].message}`, { errors });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly log: (err: unknown, req: Request) => void = () => undefined) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    let status = 500;
    let code = 'INTERNAL';
    let detail = 'an internal error occurred';
    let extra: Record<string, unknown> = {};
    if (exception instanceof Problem) {
      status = exception.getStatus();
      code = exception.code;
      detail = exception.message;
      extra = exception.extra;
    } else if (exception instanceof ZodError) {
      const p = zodProblem(exception);
      status = 400;
      code = p.code;
      detail = p.message;
      extra = p.extra;
    } else if (exception instanceof IdempotencyConflict) {
      status = 409;
      code = 'IDEMPOTENCY_CONFLICT';
      detail = exception.message;
    } else if (exception instanceof DomainValidationError) {
      status = 400;
      code = exception.code;
      detail = exception.message;
      if (exception.field) extra = { field: exception.field };
    } else if (isCarrierError(exception)) {
      // A carrier fault reached the API (e.g. a live read): say which, never with secrets (adapters redact).
      status = exception.kind === 'NOT_SUPPORTED' ? 422 : exception.kind === 'REJECTED' ? 422 : 502;
      code = `CARRIER_${exception.kind}`;
      detail = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const type = (exception as { type?: string }).type ?? (typeof body === 'object' ? (body as { type?: string }).type : undefined);
      if (status === HttpStatus.PAYLOAD_TOO_LARGE || type === 'entity.too.large') {
        code = 'PAYLOAD_TOO_LARGE';
        detail = 'request body is too large';
      } else if (status === 400) {
        code = 'MALFORMED_REQUEST';
        detail = 'request body is not valid JSON';
      } else if (status === 404) {
        code = 'ROUTE_NOT_FOUND';
        detail = `no route ${req.method} ${req.path}`;
      } else {
        code = `HTTP_${status}`;
        detail = exception.message;
      }
    } else if (
      exception &&
      typeof exception === 'object' &&
      'type' in exception &&
      typeof (exception as { status?: unknown }).status === 'number'
    ) {
      // body-parser errors that escaped Nest's wrapping
      const e = exception as { status: number; type: string };
      status = e.status;
      code = e.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_REQUEST';
      detail = e.type === 'entity.too.large' ? 'request body is too large' : 'request body is not valid JSON';
    }
    if (status >= 500) this.log(exception, req);
    writeProblem(req, res, status, code, detail, extra);
  }
}

/** Sends a Problem from outside Nest's filter (Express mounts such as the queue dashboard). */
export function sendProblem(req: Request, res: Response, p: Problem): void {
  writeProblem(req, res, p.getStatus(), p.code, p.message, p.extra);
}

/** The problem document; `requestId` is the request's id (also in the X-Request-Id header and the access log). */
function writeProblem(req: Request, res: Response, status: number, code: string, detail: string, extra: Record<string, unknown>): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://simgate.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      code,
      detail,
      instance: req.originalUrl,
      ...(requestIdOf(req) ? { requestId: requestIdOf(req) } : {}),
      ...extra,
    });
}
