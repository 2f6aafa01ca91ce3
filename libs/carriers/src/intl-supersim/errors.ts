import { errorRows, statusRows, type ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The Super SIM error table (carriers.md §6). Errors are JSON `{code, message, more_info, status}` with the HTTP
 * status; the body's `code` row wins over the status row. HTTP Basic has no token: a 401 means the credentials.
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: errorRows`
    20003 REJECTED     ACCOUNT authentication failed: check the account SID and auth token (not retryable)
    20404 REJECTED     CARD    the SIM (or resource) was not found
    20429 RATE_LIMITED ACCOUNT too many requests (20/s or 10 in flight)
    20001 REJECTED     REQUEST invalid parameter
    83604 REJECTED     REQUEST usage query period too long for its granularity
  `,
  statuses: statusRows`
    # 21xxx codes (invalid parameter) fall back to their 400.
    400 REJECTED     REQUEST invalid request
    401 REJECTED     ACCOUNT authentication failed: check the account SID and auth token (not retryable)
    404 REJECTED     CARD    not found
    429 RATE_LIMITED ACCOUNT too many requests
  `,
  describe: (f) =>
    `${manifest.id} ${f.endpoint}: HTTP ${f.httpStatus}${f.code ? ` ${f.code}` : ''}${f.carrierMessage ? `: ${f.carrierMessage}` : ''} (${f.rule.meaning})`,
};
