import {
  AuthExpired,
  RateLimited,
  Rejected,
  Transient,
  type CarrierError,
  type CarrierErrorDetails,
} from '@simgate/core';
import { redact } from './redact';

/**
 * Carrier error tables. A platform's `errors.ts` exports one `ErrorTable`: its codes, the statuses it treats
 * differently from every other platform, and its message wording. Everything generic lives here: the lookup
 * (code row, then status rows, then the HTTP-status fallback), Retry-After, the malformed-answer error and
 * the per-card predicate.
 */

/** The classes an answer can map to (Unavailable and NotSupported never come from a carrier's answer). */
export type ErrorKind = 'RATE_LIMITED' | 'AUTH_EXPIRED' | 'TRANSIENT' | 'REJECTED';

export interface ErrorRule {
  kind: ErrorKind;
  /**
   * What the failure concerns: the whole account (credentials, quota), this request, or the one card asked for
   * (`CARD`: a batch read records it as that card's failure and the others go on).
   */
  scope: 'ACCOUNT' | 'REQUEST' | 'CARD';
  meaning: string;
  /** Seconds after which trying again can help, when the code says so (a Retry-After header wins). */
  retryAfterSeconds?: number;
}

/** What an error answer said, for the table's wording. */
export interface ErrorFacts {
  endpoint: string;
  httpStatus?: number;
  /** The carrier's code, when the answer carried one. */
  code?: string;
  /** The carrier's message (secrets already redacted), when the answer carried one. */
  carrierMessage?: string;
  rule: ErrorRule;
}

export interface ErrorTable {
  /** The platform id, put in every error's details. */
  platform: string;
  /** By the carrier's code (in the body); a code row wins over every status row. */
  codes: Readonly<Record<string, ErrorRule>>;
  /** A code no row knows. Absent: the HTTP status decides. */
  unknownCode?: ErrorRule;
  /** By HTTP status, over the fallback (`statusRule`). */
  statuses?: Readonly<Record<number, ErrorRule>>;
  /** Status rows for one endpoint, over `statuses` (e.g. a 401 on the token endpoint means the credentials). */
  endpointStatuses?: Readonly<Record<string, Readonly<Record<number, ErrorRule>>>>;
  /** The error's text (secrets are redacted from it afterwards). */
  describe(f: ErrorFacts): string;
  /** The text of an unreadable answer. Default: `<platform> <endpoint>: unreadable answer: <problem>`. */
  describeMalformed?(endpoint: string, problem: string): string;
}

/** Where an answer came from, and what to keep out of the error's text. */
export interface AnswerContext {
  endpoint: string;
  /** Values that must never appear in a message (password, key, token). */
  secrets: readonly string[];
  httpStatus?: number;
}

/** The HTTP-status fallback every platform shares: 429 → rate limited, 408 and 5xx → transient, else refused. */
export function statusRule(status: number): ErrorRule {
  if (status === 429) return { kind: 'RATE_LIMITED', scope: 'ACCOUNT', meaning: 'rate limited' };
  if (status === 408 || status >= 500) return { kind: 'TRANSIENT', scope: 'REQUEST', meaning: 'server error' };
  return { kind: 'REJECTED', scope: 'REQUEST', meaning: 'refused' };
}

/** Whether an HTTP status is a success (2xx). */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

function own<T>(table: Readonly<Record<string | number, T>> | undefined, key: string | number): T | undefined {
  return table && Object.prototype.hasOwnProperty.call(table, key) ? table[key as keyof typeof table] : undefined;
}

/** The rule for an answer: its code's row, else the unknown-code row, else the status rows, else the fallback. */
export function ruleOf(table: ErrorTable, a: { code?: string | null; httpStatus?: number; endpoint?: string }): ErrorRule | null {
  if (a.code !== undefined && a.code !== null) {
    const byCode = own(table.codes, a.code) ?? table.unknownCode;
    if (byCode) return byCode;
  }
  if (a.httpStatus === undefined) return null;
  const byEndpoint = a.endpoint !== undefined ? own(own(table.endpointStatuses, a.endpoint), a.httpStatus) : undefined;
  return byEndpoint ?? own(table.statuses, a.httpStatus) ?? statusRule(a.httpStatus);
}

/** `Retry-After`: delta seconds, or an HTTP date measured from `now`; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | undefined, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now.getTime()) / 1000));
}

/** The core error of a kind. */
export function errorOfKind(kind: ErrorKind, message: string, details: CarrierErrorDetails): CarrierError {
  switch (kind) {
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

export interface ErrorAnswer {
  /** The carrier's code, when the answer carried one. */
  code?: string | null;
  /** The carrier's message, when the answer carried one (redacted here). */
  message?: string | null;
  /** The `Retry-After` header, when the answer had one. */
  retryAfter?: string;
  /** The instant an HTTP-date Retry-After is measured from (default: now). */
  now?: Date;
}

/**
 * An error answer → its core error, by the table: class from the rule, text from the table's wording,
 * details (code, message, status, endpoint, Retry-After), secrets redacted from every text.
 */
export function classify(table: ErrorTable, ctx: AnswerContext, answer: ErrorAnswer = {}): CarrierError {
  const code = answer.code ?? undefined;
  const rule = ruleOf(table, { code, httpStatus: ctx.httpStatus, endpoint: ctx.endpoint }) ?? {
    kind: 'REJECTED',
    scope: 'REQUEST',
    meaning: 'refused',
  };
  const carrierMessage = answer.message === undefined || answer.message === null ? undefined : redact(answer.message, ctx.secrets);
  const retryAfter = retryAfterSeconds(answer.retryAfter, answer.now) ?? rule.retryAfterSeconds;
  const facts: ErrorFacts = { endpoint: ctx.endpoint, rule };
  if (ctx.httpStatus !== undefined) facts.httpStatus = ctx.httpStatus;
  if (code !== undefined) facts.code = code;
  if (carrierMessage !== undefined) facts.carrierMessage = carrierMessage;
  return errorOfKind(rule.kind, redact(table.describe(facts), ctx.secrets), {
    platform: table.platform,
    endpoint: ctx.endpoint,
    ...(ctx.httpStatus !== undefined ? { httpStatus: ctx.httpStatus } : {}),
    ...(code !== undefined ? { carrierCode: code } : {}),
    ...(carrierMessage !== undefined ? { carrierMessage } : {}),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  });
}

/** The carrier code of every malformed-answer error. */
export const MALFORMED = 'MALFORMED';

/** An answer that cannot be read (truncated, not JSON, wrong shape): transient, the platform may answer well next time. */
export function malformed(table: ErrorTable, ctx: AnswerContext, problem: string): Transient {
  const text = table.describeMalformed
    ? table.describeMalformed(ctx.endpoint, problem)
    : `${table.platform} ${ctx.endpoint}: unreadable answer: ${problem}`;
  return new Transient(redact(text, ctx.secrets), {
    platform: table.platform,
    carrierCode: MALFORMED,
    endpoint: ctx.endpoint,
    ...(ctx.httpStatus !== undefined ? { httpStatus: ctx.httpStatus } : {}),
  });
}

/** The per-card predicate of a table: whether an error concerns only the card it was about (its rule's scope is `CARD`). */
export function cardScoped(table: ErrorTable): (e: CarrierError) => boolean {
  return (e) => {
    if (e.details.carrierCode === MALFORMED) return false;
    const rule = ruleOf(table, { code: e.details.carrierCode, httpStatus: e.details.httpStatus, endpoint: e.details.endpoint });
    return rule?.scope === 'CARD';
  };
}
