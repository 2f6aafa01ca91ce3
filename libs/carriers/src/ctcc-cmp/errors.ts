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
import { CTCC_PLATFORM_ID } from './manifest';

/**
 * The CTCC error classifier, as a table (carriers.md §3). The platform answers HTTP 200 with a plain-text
 * `code：message` (full-width colon), or with a JSON `resultCode` / XML `IRESULT` other than `0`: the
 * class comes from that code, not from the HTTP status.
 */
type ErrorClass = 'RATE_LIMITED' | 'AUTH_EXPIRED' | 'TRANSIENT' | 'REJECTED';

export interface CtccErrorRule {
  class: ErrorClass;
  /** The refusal concerns one card (a batch read records it as that card's failure, others go on). */
  perCard: boolean;
  meaning: string;
}

export const CTCC_ERRORS: Readonly<Record<string, CtccErrorRule>> = {
  '-1': { class: 'REJECTED', perCard: false, meaning: '用户名或密码错误: bad user_id or password' },
  '-2': { class: 'REJECTED', perCard: false, meaning: '缺少参数: a parameter is missing' },
  '-3': { class: 'REJECTED', perCard: false, meaning: '签名错误: bad sign (wrong key, or values signed the platform does not sign)' },
  '-4': { class: 'REJECTED', perCard: true, meaning: '号码不存在: unknown card' },
  '-5': { class: 'REJECTED', perCard: true, meaning: '重复订购 / rebind limit (2 per natural month)' },
  // Not retried with backoff: the other order takes 1–2 business days, so a retry in seconds cannot succeed.
  // The operation layer re-submits after that order confirms, which it knows and the backoff does not.
  '-7': { class: 'REJECTED', perCard: true, meaning: '该号码有在途工单: another order on this card is in progress' },
  '101004': { class: 'RATE_LIMITED', perCard: false, meaning: '请求过于频繁: over the 20/s quota' },
};

/** Codes the table does not know: refused, not retried, and shown with the carrier's text. */
export const CTCC_UNKNOWN_CODE: CtccErrorRule = { class: 'REJECTED', perCard: false, meaning: 'unknown platform code' };

/** HTTP statuses (the platform itself answers 200; proxies and gateways in front of it do not). */
export function httpStatusClass(status: number): ErrorClass | null {
  if (status >= 200 && status < 300) return null;
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status >= 500) return 'TRANSIENT';
  return 'REJECTED';
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

export function ruleOf(code: string): CtccErrorRule {
  return Object.prototype.hasOwnProperty.call(CTCC_ERRORS, code) ? CTCC_ERRORS[code] : CTCC_UNKNOWN_CODE;
}

/** A platform code (from text, JSON or XML) → the core error, secrets redacted from every text. */
export function ctccError(code: string, carrierMessage: string, endpoint: string, secrets: readonly string[], httpStatus?: number): CarrierError {
  const rule = ruleOf(code);
  const msg = redact(carrierMessage, secrets);
  return make(rule.class, redact(`${CTCC_PLATFORM_ID} ${endpoint}: ${code}：${msg} (${rule.meaning})`, secrets), {
    platform: CTCC_PLATFORM_ID,
    carrierCode: code,
    carrierMessage: msg,
    endpoint,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  });
}

/** A body that cannot be read (truncated, malformed, wrong shape): transient, the platform may answer well next time. */
export function malformed(endpoint: string, problem: string, secrets: readonly string[] = [], httpStatus?: number): Transient {
  return new Transient(redact(`${CTCC_PLATFORM_ID} ${endpoint}: unreadable answer: ${problem}`, secrets), {
    platform: CTCC_PLATFORM_ID,
    carrierCode: 'MALFORMED',
    endpoint,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  });
}

/** `code：message` (full-width colon; an ASCII colon is accepted too). */
const PLAIN_ERROR = /^\s*(-?\d+)\s*[：:]\s*([\s\S]*?)\s*$/;

export function parsePlainError(body: string): { code: string; message: string } | null {
  const m = PLAIN_ERROR.exec(body);
  return m ? { code: m[1], message: m[2] } : null;
}

/**
 * The error an answer carries before its payload is read: a non-2xx HTTP status, or a plain-text
 * `code：message`. Null when the body is to be read as JSON or XML.
 */
export function answerError(res: HttpResponse, endpoint: string, secrets: readonly string[]): CarrierError | null {
  const plain = parsePlainError(res.body);
  if (plain) return ctccError(plain.code, plain.message, endpoint, secrets, res.status);
  const cls = httpStatusClass(res.status);
  if (cls) {
    return make(cls, redact(`${CTCC_PLATFORM_ID} ${endpoint}: HTTP ${res.status}`, secrets), {
      platform: CTCC_PLATFORM_ID,
      httpStatus: res.status,
      endpoint,
      carrierMessage: redact(res.body.slice(0, 200), secrets),
    });
  }
  return null;
}

export function isPerCard(e: CarrierError): boolean {
  return e.details.carrierCode !== undefined && ruleOf(e.details.carrierCode).perCard;
}
