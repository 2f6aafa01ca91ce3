import { errorRows, type ErrorTable } from '../toolkit';
import { manifest } from './manifest';

/**
 * The CTCC error table (carriers.md §3). The platform answers HTTP 200 with a plain-text `code：message`
 * (full-width colon), or with a JSON `resultCode` / XML `IRESULT` other than `0`: the class comes from that
 * code, not from the HTTP status (which decides only for proxies and gateways in front of the platform).
 */
export const errorTable: ErrorTable = {
  platform: manifest.id,
  codes: errorRows`
    -1     REJECTED     ACCOUNT 用户名或密码错误: bad user_id or password
    -2     REJECTED     REQUEST 缺少参数: a parameter is missing
    -3     REJECTED     ACCOUNT 签名错误: bad sign (wrong key, or values signed the platform does not sign)
    -4     REJECTED     CARD    号码不存在: unknown card
    -5     REJECTED     CARD    重复订购 / rebind limit (2 per natural month)
    # Not retried with backoff: the other order takes 1–2 business days, so a retry in seconds cannot succeed.
    # The operation layer re-submits after that order confirms, which it knows and the backoff does not.
    -7     REJECTED     CARD    该号码有在途工单: another order on this card is in progress
    101004 RATE_LIMITED ACCOUNT 请求过于频繁: over the 20/s quota
  `,
  // Codes the table does not know: refused, not retried, and shown with the carrier's text.
  unknownCode: { kind: 'REJECTED', scope: 'REQUEST', meaning: 'unknown platform code' },
  describe: (f) =>
    f.code !== undefined
      ? `${manifest.id} ${f.endpoint}: ${f.code}：${f.carrierMessage ?? ''} (${f.rule.meaning})`
      : `${manifest.id} ${f.endpoint}: HTTP ${f.httpStatus}`,
};
