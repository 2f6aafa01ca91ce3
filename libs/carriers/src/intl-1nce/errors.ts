import { errorRows, statusRows, type ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The 1NCE error table (carriers.md §4). 1NCE speaks HTTP statuses; the body's `errorCode` and `message` are
 * read too, kept verbatim, and an `errorCode` row wins over a status row.
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: errorRows`
    BadCredentials REJECTED ACCOUNT wrong API user name or password
  `,
  statuses: statusRows`
    400 REJECTED     REQUEST bad request (or bad credentials on /oauth/token)
    # On API calls: the bearer expired or is unknown. The client drops its token first; the engine retries once.
    401 AUTH_EXPIRED ACCOUNT bearer token expired or unknown
    403 REJECTED     ACCOUNT forbidden
    404 REJECTED     CARD    unknown SIM
    408 TRANSIENT    REQUEST request timeout
    422 REJECTED     CARD    SIM cannot be modified (expired)
    429 RATE_LIMITED ACCOUNT over quota
  `,
  // On `/oauth/token` a 401 means the credentials, not a token: refused, never an endless refresh.
  endpointStatuses: {
    'oauth/token': statusRows`401 REJECTED ACCOUNT token request refused (credentials)`,
  },
  describe: (f) =>
    `${manifest.id} ${f.endpoint}: HTTP ${f.httpStatus}${f.code ? ` ${f.code}` : ''}${f.carrierMessage ? `: ${f.carrierMessage}` : ''} (${f.rule.meaning})`,
};
