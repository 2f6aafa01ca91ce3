import { MINUTE_MS } from '../sim/zone';

/** OneLink's constants, status codes and the error a handler throws to answer one (carriers.md §1). */

export const ONELINK_BASE_PATH = '/v5/ec/';
export const TOKEN_TTL_SECONDS = 3600;
export const ANTI_REPEAT_MS = 30 * MINUTE_MS;
export const DEFAULT_ORDER_DELAY_MS = 5 * MINUTE_MS;

/** Status codes and messages (carriers.md §1; the (convention) ones are fixed there too). */
export const ONELINK_CODES = {
  ok: ['0', '正确'],
  param: ['12001', '参数错误'],
  transid: ['12002', 'transid格式错误'],
  unknownCard: ['12006', '号码不存在'],
  credentials: ['12009', 'appid或密码错误'],
  unknownOrder: ['12010', '订单号或任务号不存在'],
  unknownGroup: ['12011', '群组不存在'],
  token: ['12021', 'TOKEN不存在或已过期，请重新获取'],
  dateRange: ['12022', '查询日期超出范围'],
  antiRepeat: ['12034', '该号码30分钟内已提交过变更'],
  badState: ['12036', '号码状态不允许此操作'],
  rateLimit: ['12049', '调用频率超限，请稍后再试'],
  batchLimit: ['12100', '批量查询数量超过上限'],
  unknownPath: ['12001', '接口不存在'],
} as const satisfies Record<string, readonly [string, string]>;

export type Code = keyof typeof ONELINK_CODES;
export type Row = Record<string, unknown>;

export class OneLinkError extends Error {
  constructor(readonly code: Code) {
    super(ONELINK_CODES[code][1]);
  }
}

/** Kilobytes as a decimal string (`"20480.5"`). */
export function kbString(bytes: number): string {
  return String(Math.round((bytes / 1024) * 100) / 100);
}
