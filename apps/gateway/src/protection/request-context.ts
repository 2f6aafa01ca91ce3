import { randomUUID } from 'node:crypto';
import type { SimgateMetrics } from '@simgate/sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * Per request: an id (the client's `X-Request-Id` when it is a sane token, else a fresh UUID) echoed in the
 * `X-Request-Id` answer header and in problem documents; the RED metrics of the console API; one access-log
 * line through pino. Labels and log fields carry the route *template* (`/v1/cards/:iccid`), never the path
 * with its identifiers, and the API key's id, never the key.
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

/** Request id and RED metrics; first in the chain, so that every answer, a 404 or a 429 too, is counted. */
export function requestContext(metrics: SimgateMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const c = req as Request & WithContext;
    const given = req.headers['x-request-id'];
    c.simgateRequestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    c.simgateStart = process.hrtime.bigint();
    res.setHeader('X-Request-Id', c.simgateRequestId);
    res.once('finish', () => {
      const route = routeOf(req);
      const seconds = Number(process.hrtime.bigint() - c.simgateStart!) / 1e9;
      metrics.httpRequests.inc({ method: req.method, route, status_class: statusClass(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  };
}

/** One line per answered request: request id, method, route template, status, duration, API key id. */
export function accessLog(logger: pino.Logger): RequestHandler {
  const line = (req: Request, res: Response, durationMs: number) => ({
    requestId: requestIdOf(req),
    method: req.method,
    route: routeOf(req),
    status: res.statusCode,
    durationMs,
    keyId: keyIdOf(res) ?? null,
  });
  const http = pinoHttp({
    logger,
    genReqId: (req) => requestIdOf(req as Request) ?? randomUUID(),
    // Only the fields above: no headers (Authorization), no query string (ICCIDs), no body.
    quietReqLogger: true,
    customSuccessObject: (req, res, o: { responseTime?: number }) => line(req as Request, res as Response, o.responseTime ?? 0),
    customErrorObject: (req, res, _err, o: { responseTime?: number }) => line(req as Request, res as Response, o.responseTime ?? 0),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
  return http as unknown as RequestHandler;
}
