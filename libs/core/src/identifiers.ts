import { InvalidIdentifier } from './errors';

const DIGITS = /^\d+$/;

/** Why `value` is not `min`..`max` digits (`expected` says how many in the message), or null. */
function digitsProblem(value: string, min: number, max: number, expected: string): string | null {
  if (!value) return 'empty';
  if (!DIGITS.test(value)) return 'must contain digits only';
  if (value.length < min || value.length > max) return `must be ${expected} digits, got ${value.length}`;
  return null;
}

/** `value` when it has no `problem`; else InvalidIdentifier. */
function checked(identifier: InvalidIdentifier['identifier'], value: string, problem: string | null): string {
  if (problem) throw new InvalidIdentifier(identifier, String(value), problem);
  return value;
}

/** The Luhn check digit for a string of digits (the payload without its check digit). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // Walk from the right; the digit next to the (future) check digit is doubled.
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidLuhn(digits: string): boolean {
  if (digits.length < 2 || !DIGITS.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/** Why an ICCID is invalid, or null when it is valid (19–20 digits, `89` prefix, Luhn check digit). */
export function iccidProblem(value: string): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'empty';
  if (!DIGITS.test(value)) return 'must contain digits only';
  if (value.length < 19 || value.length > 20) return `must be 19 or 20 digits, got ${value.length}`;
  if (!value.startsWith('89')) return "must start with '89' (telecom industry identifier)";
  if (!hasValidLuhn(value)) {
    return `Luhn check digit mismatch: expected ${luhnCheckDigit(value.slice(0, -1))}, got ${value.slice(-1)}`;
  }
  return null;
}

export function isIccid(value: string): boolean {
  return iccidProblem(value) === null;
}

/** Returns the ICCID unchanged or throws `InvalidIdentifier` saying what is wrong. */
export function parseIccid(value: string): string {
  return checked('iccid', value, iccidProblem(value));
}

/** Appends the Luhn check digit to a 18–19 digit ICCID body (1NCE serves ICCIDs without it). */
export function withLuhn(iccidBody: string): string {
  if (!DIGITS.test(iccidBody)) throw new InvalidIdentifier('iccid', iccidBody, 'must contain digits only');
  return iccidBody + String(luhnCheckDigit(iccidBody));
}

/** MSISDN: 11–15 digits (IoT ranges use 13-digit numbers such as 1440…, 1064…, 1410…). */
export function msisdnProblem(value: string): string | null {
  return digitsProblem(value, 11, 15, '11 to 15');
}

export function parseMsisdn(value: string): string {
  return checked('msisdn', value, msisdnProblem(value));
}

/** IMSI: 15 digits (MCC + MNC + MSIN); Chinese IMSIs start with 460. */
export function imsiProblem(value: string): string | null {
  return digitsProblem(value, 15, 15, '15');
}

export function parseImsi(value: string): string {
  return checked('imsi', value, imsiProblem(value));
}

/** IMEI: 15 digits with a Luhn check digit, or a 14-digit IMEI without it, or a 16-digit IMEISV. */
export function imeiProblem(value: string): string | null {
  const problem = digitsProblem(value, 14, 16, '14, 15 or 16');
  if (problem || value.length !== 15) return problem;
  return hasValidLuhn(value) ? null : 'Luhn check digit mismatch';
}

export function parseImei(value: string): string {
  return checked('imei', value, imeiProblem(value));
}
