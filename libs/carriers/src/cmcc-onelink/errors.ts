import {
  AuthExpired,
  type CarrierError,
  type CarrierErrorDetails,
  RateLimited,
  Rejected,
  Transient,
} from '@simgate/core';
import { redact } from '../http/redact';

/**
 * The OneLink error classifier, as a table: the envelope's `status` code → core error class. OneLink answers
 * HTTP 200 with the error inside the body, so the body decides; the HTTP status matters only when a proxy
 * or gateway in front of the platform answers instead of it.
 */

type ErrorClass = new (message: string, details?: CarrierErrorDetails) => CarrierError;

export interface ErrorRule {
  error: ErrorClass;
  /** Whether the same request may succeed later (mirrors the class; kept here so the table reads alone). */
  retryable: boolean;
  /** `CARD`: the failure concerns one card of a batch read (the others are fine). */
  scope: 'ACCOUNT' | 'REQUEST' | 'CARD';
  meaning: string;
  /** Seconds after which trying again can help, when the code says so. */
  retryAfterSeconds?: number;
}

export const PLATFORM = 'cmcc-onelink';

export const ONELINK_ERRORS: Readonly<Record<string, ErrorRule>> = {
  '12021': { error: AuthExpired, retryable: true, scope: 'ACCOUNT', meaning: 'token unknown or expired: fetch a new token, retry once' },
  '12049': { error: RateLimited, retryable: true, scope: 'ACCOUNT', meaning: 'call rate over quota (10/s per appid, 1/s per change/* path)' },
  '12009': { error: Rejected, retryable: false, scope: 'ACCOUNT', meaning: 'wrong appid or password: fix the account credentials (not retryable)' },
  '12002': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'transid malformed (must start with the appid)' },
  '12001': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'parameter missing or malformed' },
  '12100': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'more than 100 cards in one batch call' },
  '12006': { error: Rejected, retryable: false, scope: 'CARD', meaning: 'unknown card' },
  '12010': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'unknown orderNum or jobId' },
  '12011': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'unknown groupId' },
  '12022': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'date outside the window the platform serves (daily: last 7 days up to yesterday)' },
  '12034': {
    error: Rejected, retryable: false, scope: 'REQUEST', retryAfterSeconds: 1800,
    meaning: 'anti-repeat: a card of this order was changed less than 30 minutes ago (a batch fails whole); submit again after the cooldown',
  },
  '12036': { error: Rejected, retryable: false, scope: 'REQUEST', meaning: 'a card is not in a state this change applies to' },
};

/** Codes no row knows: treated as passing (the platform answered, but says nothing we can act on). */
export const UNKNOWN_CODE_RULE: ErrorRule = {
  error: Transient, retryable: true, scope: 'REQUEST', meaning: 'unclassified OneLink status code',
};

export interface ErrorContext {
  endpoint: string;
  httpStatus?: number;
  /** Values that must never appear in a message (password, token). */
  secrets: readonly string[];
}

/** A OneLink envelope error → its core error. */
export function classifyStatus(code: string, message: string, ctx: ErrorContext): CarrierError {
  const rule = (Object.hasOwn(ONELINK_ERRORS, code) ? ONELINK_ERRORS[code] : undefined) ?? UNKNOWN_CODE_RULE;
  const carrierMessage = redact(message, ctx.secrets);
  const text = redact(`OneLink ${ctx.endpoint}: status ${code} ${carrierMessage} — ${rule.meaning}`, ctx.secrets);
  return new rule.error(text, {
    platform: PLATFORM,
    carrierCode: code,
    carrierMessage,
    endpoint: ctx.endpoint,
    ...(ctx.httpStatus !== undefined ? { httpStatus: ctx.httpStatus } : {}),
    ...(rule.retryAfterSeconds !== undefined ? { retryAfterSeconds: rule.retryAfterSeconds } : {}),
  });
}

/** Whether an error concerns only the card it was asked for (collected as a per-card failure). */
export function isCardScoped(err: CarrierError): boolean {
  const code = err.details.carrierCode;
  return code !== undefined && Object.hasOwn(ONELINK_ERRORS, code) && ONELINK_ERRORS[code].scope === 'CARD';
}

/**
 * A non-200 HTTP answer (OneLink itself always answers 200): 429 → RateLimited, 408 and 5xx → Transient,
 * other 4xx → Rejected (a wrong base URL or a proxy refusing us will not heal by retrying).
 */
export function classifyHttpStatus(httpStatus: number, ctx: ErrorContext, retryAfter?: string): CarrierError {
  const details: CarrierErrorDetails = { platform: PLATFORM, endpoint: ctx.endpoint, httpStatus };
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  if (seconds !== undefined) details.retryAfterSeconds = seconds;
  const text = `OneLink ${ctx.endpoint}: HTTP ${httpStatus}`;
  if (httpStatus === 429) return new RateLimited(`${text} (rate limited)`, details);
  if (httpStatus === 408 || httpStatus >= 500) return new Transient(`${text} (server error)`, details);
  return new Rejected(`${text} (refused)`, details);
}

/** A body that is not the documented envelope or payload: truncated, not JSON, wrong shape. */
export function malformed(ctx: ErrorContext, what: string): Transient {
  return new Transient(redact(`OneLink ${ctx.endpoint}: malformed answer (${what})`, ctx.secrets), {
    platform: PLATFORM,
    endpoint: ctx.endpoint,
    ...(ctx.httpStatus !== undefined ? { httpStatus: ctx.httpStatus } : {}),
  });
}
