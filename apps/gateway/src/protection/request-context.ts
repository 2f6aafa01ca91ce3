import { randomUUID } from 'node:crypto';
import type { SimgateMetrics } from '@simgate/sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type pino from 'pino';

/**
 * Per request: an id (the client's `X-Request-Id` when it is a sane token, else a fresh UUID) echoed in the
 * `X-Request-Id` answer header and in problem documents; the RED metrics of the console API; one access-log
 * line through pino (simgate's logger and its redaction). Labels and log fields carry the route *template*
 * (`/v1/cards/:iccid`), never the path with its identifiers, and the API key's id, never the key.
 *
 * The line is written by the same `finish` hook as the metrics, straight to the logger: pino-http did the same
 * with a child logger per request and cost twice the CPU per request (docs/benchmarks.md, "Cost of protection").
 */

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

interface WithContext {
  simgateRequestId?: string;
  simgateStart?: bigint;
}

/** The request's id (set by the request-context middleware; absent before it ran). */
export function requestIdOf(req: Request): string | undefined {
  return (req as Request & WithContext).simgateRequestId;
}

/** The API key id the guard recognized (absent for routes without a key or a request refused before). */
export function keyIdOf(res: Response): string | undefined {
  return (res.locals as { keyId?: string }).keyId;
}

/** The route template that answered: the router's pattern under its mount point, `unmatched` when no route did. */
export function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/**
 * Request id, RED metrics and (with a logger) the access log; first in the chain, so that every answer, a 404 or
 * a 429 too, is counted and logged. The line: requestId, method, route, status, durationMs, keyId.
 */
export function requestContext(metrics: SimgateMetrics, accessLog: pino.Logger | null = null): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const c = req as Request & WithContext;
    const given = req.headers['x-request-id'];
    c.simgateRequestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    c.simgateStart = process.hrtime.bigint();
    res.setHeader('X-Request-Id', c.simgateRequestId);
    res.once('finish', () => {
      const route = routeOf(req);
      const seconds = Number(process.hrtime.bigint() - c.simgateStart!) / 1e9;
      const status = res.statusCode;
      metrics.httpRequests.inc({ method: req.method, route, status_class: statusClass(status) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      if (accessLog) {
        const line = { requestId: c.simgateRequestId, method: req.method, route, status, durationMs: Math.round(seconds * 1e6) / 1e3, keyId: keyIdOf(res) ?? null };
        if (status >= 500) accessLog.error(line, 'request');
        else accessLog.info(line, 'request');
      }
    });
    next();
  };
}
