import {
  AuthExpired,
  RateLimited,
  Rejected,
  Transient,
  type CarrierError,
  type CarrierErrorDetails,
  type HttpResponse,
} from '@simgate/core';
import { redact } from '../toolkit/redact';
import { ONENCE_PLATFORM_ID } from './manifest';
import { errorBodySchema } from './wire';

/**
 * The 1NCE error classifier, as a table (carriers.md §4). 1NCE speaks HTTP statuses; the body's
 * `errorCode` and `message` are read too, kept verbatim, and an `errorCode` row wins over a status row.
 */
type ErrorClass = 'RATE_LIMITED' | 'AUTH_EXPIRED' | 'TRANSIENT' | 'REJECTED';

export interface OneNceErrorRule {
  class: ErrorClass;
  /** The refusal concerns one card: a batch read records it as that card's failure and goes on. */
  perCard: boolean;
  meaning: string;
}

/** By `errorCode` in the body (wins over the status). */
export const ONENCE_ERROR_CODES: Readonly<Record<string, OneNceErrorRule>> = {
  BadCredentials: { class: 'REJECTED', perCard: false, meaning: 'wrong API user name or password' },
};

/** By HTTP status. */
export const ONENCE_HTTP_STATUS: Readonly<Record<number, OneNceErrorRule>> = {
  400: { class: 'REJECTED', perCard: false, meaning: 'bad request (or bad credentials on /oauth/token)' },
  // On API calls: the bearer expired or is unknown. The client drops its token first; the engine retries once.
  401: { class: 'AUTH_EXPIRED', perCard: false, meaning: 'bearer token expired or unknown' },
  403: { class: 'REJECTED', perCard: false, meaning: 'forbidden' },
  404: { class: 'REJECTED', perCard: true, meaning: 'unknown SIM' },
  408: { class: 'TRANSIENT', perCard: false, meaning: 'request timeout' },
  422: { class: 'REJECTED', perCard: true, meaning: 'SIM cannot be modified (expired)' },
  429: { class: 'RATE_LIMITED', perCard: false, meaning: 'over quota' },
};

/** On `/oauth/token` a 401 means the credentials, not a token: refused, never an endless refresh. */
export const TOKEN_ENDPOINT_OVERRIDES: Readonly<Record<number, OneNceErrorRule>> = {
  401: { class: 'REJECTED', perCard: false, meaning: 'token request refused (credentials)' },
};

function own<T>(table: Readonly<Record<string | number, T>>, key: string | number): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key as keyof typeof table] : undefined;
}

export function ruleFor(status: number, errorCode: string | null, tokenEndpoint = false): OneNceErrorRule {
  const byCode = errorCode === null ? undefined : own(ONENCE_ERROR_CODES, errorCode);
  if (byCode) return byCode;
  const override = tokenEndpoint ? own(TOKEN_ENDPOINT_OVERRIDES, status) : undefined;
  if (override) return override;
  const byStatus = own(ONENCE_HTTP_STATUS, status);
  if (byStatus) return byStatus;
  if (status >= 500) return { class: 'TRANSIENT', perCard: false, meaning: 'server error' };
  return { class: 'REJECTED', perCard: false, meaning: `HTTP ${status}` };
}

function make(cls: ErrorClass, message: string, details: CarrierErrorDetails): CarrierError {
  switch (cls) {
    case 'RATE_LIMITED':
      return new RateLimited(message, details);
    case 'AUTH_EXPIRED':
      return new AuthExpired(message, details);
    case 'TRANSIENT':
      return new Transient(message, details);
    case 'REJECTED':
      return new Rejected(message, details);
  }
}

/** `Retry-After`: delta seconds, or an HTTP date measured from `now`. */
export function retryAfterSeconds(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now.getTime()) / 1000));
}

function readErrorBody(body: string): { errorCode: string | null; message: string | null } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) return { errorCode: parsed.data.errorCode ?? null, message: parsed.data.message ?? null };
  } catch {
    // not JSON: the status decides
  }
  return { errorCode: null, message: null };
}

/** A non-2xx answer → the core error; secrets redacted from every text. */
export function oneNceError(res: HttpResponse, endpoint: string, secrets: readonly string[], now: Date, tokenEndpoint = false): CarrierError {
  const { errorCode, message } = readErrorBody(res.body);
  const rule = ruleFor(res.status, errorCode, tokenEndpoint);
  const carrierMessage = message === null ? undefined : redact(message, secrets);
  const retryAfter = res.status === 429 ? retryAfterSeconds(res.headers['retry-after'], now) : undefined;
  const text = `${ONENCE_PLATFORM_ID} ${endpoint}: HTTP ${res.status}${errorCode ? ` ${errorCode}` : ''}${carrierMessage ? `: ${carrierMessage}` : ''} (${rule.meaning})`;
  return make(rule.class, redact(text, secrets), {
    platform: ONENCE_PLATFORM_ID,
    httpStatus: res.status,
    endpoint,
    ...(errorCode !== null ? { carrierCode: errorCode } : {}),
    ...(carrierMessage !== undefined ? { carrierMessage } : {}),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/** An answer that cannot be read (truncated, malformed, wrong shape): transient. */
export function malformed(endpoint: string, problem: string, secrets: readonly string[] = [], httpStatus?: number): Transient {
  return new Transient(redact(`${ONENCE_PLATFORM_ID} ${endpoint}: unreadable answer: ${problem}`, secrets), {
    platform: ONENCE_PLATFORM_ID,
    carrierCode: 'MALFORMED',
    endpoint,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  });
}

export function isPerCard(e: CarrierError): boolean {
  const status = e.details.httpStatus;
  if (status === undefined || e.details.carrierCode === 'MALFORMED') return false;
  return ruleFor(status, e.details.carrierCode ?? null).perCard;
}
