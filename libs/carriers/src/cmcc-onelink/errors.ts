import type { ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The OneLink error table: the envelope's `status` code → core error class. OneLink answers HTTP 200 with the
 * error inside the body, so the body decides; the HTTP status matters only when a proxy or gateway in front of
 * the platform answers instead of it (the toolkit's fallback: 429 rate limited, 408/5xx transient, else refused).
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: {
    '12021': { kind: 'AUTH_EXPIRED', scope: 'ACCOUNT', meaning: 'token unknown or expired: fetch a new token, retry once' },
    '12049': { kind: 'RATE_LIMITED', scope: 'ACCOUNT', meaning: 'call rate over quota (10/s per appid, 1/s per change/* path)' },
    '12009': { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'wrong appid or password: fix the account credentials (not retryable)' },
    '12002': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'transid malformed (must start with the appid)' },
    '12001': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'parameter missing or malformed' },
    '12100': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'more than 100 cards in one batch call' },
    '12006': { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown card' },
    '12010': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'unknown orderNum or jobId' },
    '12011': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'unknown groupId' },
    '12022': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'date outside the window the platform serves (daily: last 7 days up to yesterday)' },
    '12034': {
      kind: 'REJECTED', scope: 'REQUEST', retryAfterSeconds: 1800,
      meaning: 'anti-repeat: a card of this order was changed less than 30 minutes ago (a batch fails whole); submit again after the cooldown',
    },
    '12036': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'a card is not in a state this change applies to' },
  },
  // The platform answered, but with a code we cannot act on: passing.
  unknownCode: { kind: 'TRANSIENT', scope: 'REQUEST', meaning: 'unclassified OneLink status code' },
  describe: (f) =>
    f.code !== undefined
      ? `OneLink ${f.endpoint}: status ${f.code} ${f.carrierMessage ?? ''} — ${f.rule.meaning}`
      : `OneLink ${f.endpoint}: HTTP ${f.httpStatus} (${f.rule.meaning})`,
  describeMalformed: (endpoint, problem) => `OneLink ${endpoint}: malformed answer (${problem})`,
};
