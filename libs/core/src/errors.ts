/**
 * The error taxonomy. Every carrier failure becomes one of the carrier error classes below, so that the
 * sync engine decides retries without knowing the carrier. Validation errors describe bad input.
 */

export type CarrierErrorKind =
  | 'RATE_LIMITED'
  | 'AUTH_EXPIRED'
  | 'TRANSIENT'
  | 'REJECTED'
  | 'UNAVAILABLE'
  | 'NOT_SUPPORTED';

export interface CarrierErrorDetails {
  /** The platform id the error came from, e.g. `cmcc-onelink`. */
  platform?: string;
  /** The carrier's own code (`12021`, `40000029`, `-4`), when it gave one. */
  carrierCode?: string;
  /** The carrier's own message, kept verbatim (it may be Chinese). */
  carrierMessage?: string;
  /** HTTP status of the answer, when there was one. */
  httpStatus?: number;
  /** The endpoint class that failed, e.g. `query/sim-status/batch`. */
  endpoint?: string;
  /** Seconds the carrier asked us to wait (Retry-After), when it did. */
  retryAfterSeconds?: number;
}

export abstract class CarrierError extends Error {
  abstract readonly kind: CarrierErrorKind;
  /** Whether the same request may succeed when tried again later. */
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    readonly details: CarrierErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, kind: this.kind, retryable: this.retryable, message: this.message, ...this.details };
  }
}

/** The base of each carrier error class: its kind and whether a retry may succeed. */
function carrierErrorClass<K extends CarrierErrorKind>(kind: K, retryable: boolean) {
  return class extends CarrierError {
    readonly kind: K = kind;
    readonly retryable = retryable;
  };
}

/** The carrier refused because a quota was exceeded. Wait, then retry. */
export class RateLimited extends carrierErrorClass('RATE_LIMITED', true) {}

/** The token or session expired or is unknown: refresh the credentials, then retry once. */
export class AuthExpired extends carrierErrorClass('AUTH_EXPIRED', true) {}

/** A passing fault: 5xx, a timeout, a truncated or malformed body. Retry with backoff. */
export class Transient extends carrierErrorClass('TRANSIENT', true) {}

/** The carrier understood and refused (bad parameter, unknown card, wrong state, wrong credentials). */
export class Rejected extends carrierErrorClass('REJECTED', false) {}

/** The carrier cannot be reached at all (connection refused, DNS). Retry much later. */
export class Unavailable extends carrierErrorClass('UNAVAILABLE', true) {}

/** The platform does not offer this operation or read; its manifest says so up front. */
export class NotSupported extends carrierErrorClass('NOT_SUPPORTED', false) {}

export function isCarrierError(e: unknown): e is CarrierError {
  return e instanceof CarrierError;
}

/** Bad input to a domain function: says which field and what is wrong, with a stable code. */
export class DomainValidationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainValidationError';
  }
}

/** An identifier (ICCID, MSISDN, IMSI, IMEI) that is not well formed. */
export class InvalidIdentifier extends DomainValidationError {
  constructor(
    readonly identifier: 'iccid' | 'msisdn' | 'imsi' | 'imei',
    readonly value: string,
    readonly problem: string,
  ) {
    super(`INVALID_${identifier.toUpperCase()}`, `invalid ${identifier.toUpperCase()} '${value}': ${problem}`, identifier);
    this.name = 'InvalidIdentifier';
  }
}
