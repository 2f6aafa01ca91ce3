import {
  type CarrierError,
  type CarrierErrorDetails,
  RateLimited,
  Rejected,
  Transient,
} from '@simgate/core';
import { redact } from '../http/redact';

/**
 * The Jasper error classifier, as a table: `errorCode` from the body → core error class. The body decides
 * first (the code says more than the status); the HTTP status decides when the body carries no known code.
 */

type ErrorClass = new (message: string, details?: CarrierErrorDetails) => CarrierError;

export interface ErrorRule {
  error: ErrorClass;
  retryable: boolean;
  /** `CARD`: the failure concerns the one card asked for. */
  scope: 'ACCOUNT' | 'REQUEST' | 'CARD';
  meaning: string;
}

export const PLATFORM = 'cucc-jasper';

export const JASPER_ERRORS: Readonly<Record<string, ErrorRule>> = {
  // HTTP Basic has no token to refresh: wrong credentials stay wrong until someone fixes the account.
  '10000001': { error: Rejected, retryable: false, scope: 'ACCOUNT', meaning: 'invalid credentials: fix the username or API key (not retryable)' },
  '10000003': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'modifiedSince missing' },
  '10000006': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'invalid page size' },
  '10000007': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'invalid page number' },
  '10000011': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'required field missing or invalid value' },
  '10000021': { error: Rejected, retryable: false, scope: 'CARD', meaning: 'invalid ICCID' },
  '10000023': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'malformed JSON' },
  '10000029': { error: Rejected, retryable: false, scope: 'CARD', meaning: 'cannot return to a pre-activation status' },
  '10000032': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'cycleStartDate is not one of the last three cycles' },
  '20000001': { error: Rejected, retryable: false, scope: 'CARD', meaning: 'ICCID not found' },
  '30000001': { error: Transient, retryable: true, scope: 'REQUEST', meaning: 'unknown server error' },
  '40000029': { error: RateLimited, retryable: true, scope: 'ACCOUNT', meaning: 'rate limit (5 calls/s, one in flight)' },
};

export interface ErrorContext {
  endpoint: string;
  httpStatus: number;
  secrets: readonly string[];
  retryAfter?: string;
}

function rule(code: string | undefined): ErrorRule | undefined {
  return code !== undefined && Object.hasOwn(JASPER_ERRORS, code) ? JASPER_ERRORS[code] : undefined;
}

/** The class an HTTP status alone implies. */
function byHttpStatus(status: number): ErrorRule {
  if (status === 429) return { error: RateLimited, retryable: true, scope: 'ACCOUNT', meaning: 'rate limited' };
  if (status === 401) return { error: Rejected, retryable: false, scope: 'ACCOUNT', meaning: 'unauthorized: check the credentials (not retryable)' };
  if (status === 408 || status >= 500) return { error: Transient, retryable: true, scope: 'REQUEST', meaning: 'server error' };
  return { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'refused' };
}

/** A failed answer (HTTP ≥ 300, or a body carrying `errorCode`) → its core error. */
export function classify(ctx: ErrorContext, body: { errorCode?: string; errorMessage?: string } | null): CarrierError {
  const known = rule(body?.errorCode);
  const r = known ?? byHttpStatus(ctx.httpStatus);
  const carrierMessage = body?.errorMessage !== undefined ? redact(body.errorMessage, ctx.secrets) : undefined;
  const details: CarrierErrorDetails = { platform: PLATFORM, endpoint: ctx.endpoint, httpStatus: ctx.httpStatus };
  if (body?.errorCode !== undefined) details.carrierCode = body.errorCode;
  if (carrierMessage !== undefined) details.carrierMessage = carrierMessage;
  if (ctx.retryAfter !== undefined && /^\s*\d+\s*$/.test(ctx.retryAfter)) details.retryAfterSeconds = Number(ctx.retryAfter);
  const code = body?.errorCode ? ` ${body.errorCode}` : '';
  const text = redact(`Jasper ${ctx.endpoint}: HTTP ${ctx.httpStatus}${code} ${carrierMessage ?? ''} — ${r.meaning}`.replace(/\s+—/, ' —'), ctx.secrets);
  return new r.error(text, details);
}

export function isCardScoped(err: CarrierError): boolean {
  return rule(err.details.carrierCode)?.scope === 'CARD';
}

export function malformed(ctx: Omit<ErrorContext, 'retryAfter'>, what: string): Transient {
  return new Transient(redact(`Jasper ${ctx.endpoint}: malformed answer (${what})`, ctx.secrets), {
    platform: PLATFORM,
    endpoint: ctx.endpoint,
    httpStatus: ctx.httpStatus,
  });
}
