import type { SimRequest, SimResponse } from '../sim/types';
import { DAY_MS, MB, type IntlPendingChange, type IntlStatus } from './fleet';

/** 1NCE's routes and wire helpers: request parsing, days, MB strings and the JSON answers. */

export type Route =
  | { kind: 'token'; endpoint: string }
  | { kind: 'list'; endpoint: string }
  | { kind: 'bulk'; endpoint: string }
  | { kind: 'sim' | 'usage' | 'quota'; endpoint: string; iccid: string }
  | { kind: 'unknown'; endpoint: string };

export function routeOf(req: SimRequest): Route {
  const path = req.path.replace(/\/+$/, '');
  const m = req.method;
  if (path === 'oauth/token' && m === 'POST') return { kind: 'token', endpoint: 'POST oauth/token' };
  if (path === 'v1/sims' && m === 'GET') return { kind: 'list', endpoint: 'GET v1/sims' };
  if (path === 'v1/sims' && m === 'POST') return { kind: 'bulk', endpoint: 'POST v1/sims' };
  let r = /^v1\/sims\/([^/]+)$/.exec(path);
  if (r && (m === 'GET' || m === 'PUT')) return { kind: 'sim', endpoint: `${m} v1/sims/{iccid}`, iccid: r[1] };
  r = /^v1\/sims\/([^/]+)\/usage$/.exec(path);
  if (r && m === 'GET') return { kind: 'usage', endpoint: 'GET v1/sims/{iccid}/usage', iccid: r[1] };
  r = /^v1\/sims\/([^/]+)\/quota\/data$/.exec(path);
  if (r && m === 'GET') return { kind: 'quota', endpoint: 'GET v1/sims/{iccid}/quota/data', iccid: r[1] };
  return { kind: 'unknown', endpoint: `${m} ${path}` };
}

export function parseGrantType(req: SimRequest): string | undefined {
  const body = parseJson(req.body);
  if (isRecord(body) && typeof body.grant_type === 'string') return body.grant_type;
  return new URLSearchParams(req.body).get('grant_type') ?? undefined;
}

export function parseChange(body: Record<string, unknown>): Omit<IntlPendingChange, 'dueAtMs'> | string {
  const out: Omit<IntlPendingChange, 'dueAtMs'> = {};
  if (body.status !== undefined) {
    if (body.status !== 'Enabled' && body.status !== 'Disabled') return 'status must be Enabled or Disabled';
    out.status = body.status as IntlStatus;
  }
  if (body.label !== undefined) {
    if (body.label !== null && typeof body.label !== 'string') return 'label must be a string';
    out.label = body.label as string | null;
  }
  if (body.imei_lock !== undefined) {
    if (typeof body.imei_lock !== 'boolean') return 'imei_lock must be a boolean';
    out.imeiLock = body.imei_lock;
  }
  if (out.status === undefined && out.label === undefined && out.imeiLock === undefined) return 'nothing to change';
  return out;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function parseDay(text: string | undefined): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === text ? ms / DAY_MS : null;
}

export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function mb6(bytes: number): string {
  return (bytes / MB).toFixed(6);
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function ok(body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function error(status: number, errorCode: string, message: string): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statusCode: status, errorCode, message }) };
}
