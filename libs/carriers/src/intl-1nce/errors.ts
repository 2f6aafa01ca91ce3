import type { ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The 1NCE error table (carriers.md §4). 1NCE speaks HTTP statuses; the body's `errorCode` and `message` are
 * read too, kept verbatim, and an `errorCode` row wins over a status row.
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: {
    BadCredentials: { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'wrong API user name or password' },
  },
  statuses: {
    400: { kind: 'REJECTED', scope: 'REQUEST', meaning: 'bad request (or bad credentials on /oauth/token)' },
    // On API calls: the bearer expired or is unknown. The client drops its token first; the engine retries once.
    401: { kind: 'AUTH_EXPIRED', scope: 'ACCOUNT', meaning: 'bearer token expired or unknown' },
    403: { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'forbidden' },
    404: { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown SIM' },
    408: { kind: 'TRANSIENT', scope: 'REQUEST', meaning: 'request timeout' },
    422: { kind: 'REJECTED', scope: 'CARD', meaning: 'SIM cannot be modified (expired)' },
    429: { kind: 'RATE_LIMITED', scope: 'ACCOUNT', meaning: 'over quota' },
  },
  // On `/oauth/token` a 401 means the credentials, not a token: refused, never an endless refresh.
  endpointStatuses: {
    'oauth/token': { 401: { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'token request refused (credentials)' } },
  },
  describe: (f) =>
    `${manifest.id} ${f.endpoint}: HTTP ${f.httpStatus}${f.code ? ` ${f.code}` : ''}${f.carrierMessage ? `: ${f.carrierMessage}` : ''} (${f.rule.meaning})`,
};
