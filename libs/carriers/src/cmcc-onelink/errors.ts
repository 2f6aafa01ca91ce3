import { errorRows, type ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The OneLink error table: the envelope's `status` code → core error class. OneLink answers HTTP 200 with the
 * error inside the body, so the body decides; the HTTP status matters only when a proxy or gateway in front of
 * the platform answers instead of it (the toolkit's fallback: 429 rate limited, 408/5xx transient, else refused).
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: errorRows`
    12021 AUTH_EXPIRED ACCOUNT token unknown or expired: fetch a new token, retry once
    12049 RATE_LIMITED ACCOUNT call rate over quota (10/s per appid, 1/s per change/* path)
    12009 REJECTED     ACCOUNT wrong appid or password: fix the account credentials (not retryable)
    12002 REJECTED     REQUEST transid malformed (must start with the appid)
    12001 REJECTED     REQUEST parameter missing or malformed
    12100 REJECTED     REQUEST more than 100 cards in one batch call
    12006 REJECTED     CARD    unknown card
    12010 REJECTED     REQUEST unknown orderNum or jobId
    12011 REJECTED     REQUEST unknown groupId
    12022 REJECTED     REQUEST date outside the window the platform serves (daily: last 7 days up to yesterday)
    12034 REJECTED     REQUEST retry=1800 anti-repeat: a card of this order was changed less than 30 minutes ago (a batch fails whole); submit again after the cooldown
    12036 REJECTED     REQUEST a card is not in a state this change applies to
  `,
  // The platform answered, but with a code we cannot act on: passing.
  unknownCode: { kind: 'TRANSIENT', scope: 'REQUEST', meaning: 'unclassified OneLink status code' },
  describe: (f) =>
    f.code !== undefined
      ? `OneLink ${f.endpoint}: status ${f.code} ${f.carrierMessage ?? ''} — ${f.rule.meaning}`
      : `OneLink ${f.endpoint}: HTTP ${f.httpStatus} (${f.rule.meaning})`,
  describeMalformed: (endpoint, problem) => `OneLink ${endpoint}: malformed answer (${problem})`,
};
