import type { ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The Jasper error table: `errorCode` from the body → core error class. The body decides first (the code says
 * more than the status); the HTTP status decides when the body carries no known code (401 below, then the
 * toolkit's fallback: 429 rate limited, 408/5xx transient, else refused).
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: {
    // HTTP Basic has no token to refresh: wrong credentials stay wrong until someone fixes the account.
    '10000001': { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'invalid credentials: fix the username or API key (not retryable)' },
    '10000003': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'modifiedSince missing' },
    '10000006': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'invalid page size' },
    '10000007': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'invalid page number' },
    '10000011': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'required field missing or invalid value' },
    '10000021': { kind: 'REJECTED', scope: 'CARD', meaning: 'invalid ICCID' },
    '10000023': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'malformed JSON' },
    '10000029': { kind: 'REJECTED', scope: 'CARD', meaning: 'cannot return to a pre-activation status' },
    '10000032': { kind: 'REJECTED', scope: 'REQUEST', meaning: 'cycleStartDate is not one of the last three cycles' },
    '20000001': { kind: 'REJECTED', scope: 'CARD', meaning: 'ICCID not found' },
    '30000001': { kind: 'TRANSIENT', scope: 'REQUEST', meaning: 'unknown server error' },
    '40000029': { kind: 'RATE_LIMITED', scope: 'ACCOUNT', meaning: 'rate limit (5 calls/s, one in flight)' },
  },
  statuses: {
    401: { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'unauthorized: check the credentials (not retryable)' },
  },
  describe: (f) =>
    `Jasper ${f.endpoint}: HTTP ${f.httpStatus}${f.code ? ` ${f.code}` : ''} ${f.carrierMessage ?? ''} — ${f.rule.meaning}`.replace(/\s+—/, ' —'),
  describeMalformed: (endpoint, problem) => `Jasper ${endpoint}: malformed answer (${problem})`,
};
