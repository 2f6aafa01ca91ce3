import { errorRows, statusRows, type ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The Jasper error table: `errorCode` from the body → core error class. The body decides first (the code says
 * more than the status); the HTTP status decides when the body carries no known code (401 below, then the
 * toolkit's fallback: 429 rate limited, 408/5xx transient, else refused).
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: errorRows`
    # HTTP Basic has no token to refresh: wrong credentials stay wrong until someone fixes the account.
    10000001 REJECTED     ACCOUNT invalid credentials: fix the username or API key (not retryable)
    10000003 REJECTED     REQUEST modifiedSince missing
    10000006 REJECTED     REQUEST invalid page size
    10000007 REJECTED     REQUEST invalid page number
    10000011 REJECTED     REQUEST required field missing or invalid value
    10000021 REJECTED     CARD    invalid ICCID
    10000023 REJECTED     REQUEST malformed JSON
    10000029 REJECTED     CARD    cannot return to a pre-activation status
    10000032 REJECTED     REQUEST cycleStartDate is not one of the last three cycles
    20000001 REJECTED     CARD    ICCID not found
    30000001 TRANSIENT    REQUEST unknown server error
    40000029 RATE_LIMITED ACCOUNT rate limit (5 calls/s, one in flight)
  `,
  statuses: statusRows`
    401      REJECTED     ACCOUNT unauthorized: check the credentials (not retryable)
  `,
  describe: (f) =>
    `Jasper ${f.endpoint}: HTTP ${f.httpStatus}${f.code ? ` ${f.code}` : ''} ${f.carrierMessage ?? ''} — ${f.rule.meaning}`.replace(/\s+—/, ' —'),
  describeMalformed: (endpoint, problem) => `Jasper ${endpoint}: malformed answer (${problem})`,
};
