import type { CardState, Life } from '../sim/timeline';
import { Why } from '../sim/timeline';

/** Jasper's error answers and device statuses (carriers.md §2). */

export const JASPER_ERRORS = {
  credentials: [401, '10000001', 'Invalid credentials'],
  modifiedSince: [400, '10000003', 'ModifiedSince is required'],
  pageSize: [400, '10000006', 'Invalid pageSize'],
  pageNumber: [400, '10000007', 'Invalid pageNumber'],
  field: [400, '10000011', 'Required field missing or invalid'],
  iccid: [400, '10000021', 'Invalid ICCID'],
  json: [400, '10000023', 'Malformed JSON'],
  preActivation: [400, '10000029', 'Cannot change the device back to a pre-activation status'],
  cycle: [400, '10000032', 'cycleStartDate is not one of the last three cycles'],
  notFound: [404, '20000001', 'Resource not found - Invalid ICCID'],
  server: [500, '30000001', 'Unknown server error'],
  rateLimit: [429, '40000029', '接口请求超过限制次数，请稍后再试'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorName = keyof typeof JASPER_ERRORS;

export class JasperError extends Error {
  constructor(readonly name_: ErrorName) {
    super(JASPER_ERRORS[name_][2]);
  }
}

export const JASPER_STATUSES = ['TEST_READY', 'INVENTORY', 'ACTIVATION_READY', 'ACTIVATED', 'DEACTIVATED', 'RETIRED', 'PURGED', 'REPLACED'] as const;
export type JasperStatus = (typeof JASPER_STATUSES)[number];
export const PRE_ACTIVATION: readonly JasperStatus[] = ['TEST_READY', 'INVENTORY', 'ACTIVATION_READY'];

export function jasperStatus(s: Pick<CardState, 'life' | 'variant'>): JasperStatus {
  switch (s.life) {
    case 'TEST':
      return 'TEST_READY';
    case 'INVENTORY':
      return s.variant === 1 ? 'ACTIVATION_READY' : 'INVENTORY';
    case 'ACTIVE':
      return 'ACTIVATED';
    case 'STOPPED':
      return 'DEACTIVATED';
    case 'RETIRED':
      return 'RETIRED';
    case 'CANCELLED':
      return s.variant === 1 ? 'REPLACED' : 'PURGED';
  }
}

export function lifeOf(status: JasperStatus): { life: Life; variant: number; reasons: number } {
  switch (status) {
    case 'TEST_READY':
      return { life: 'TEST', variant: 0, reasons: 0 };
    case 'INVENTORY':
      return { life: 'INVENTORY', variant: 0, reasons: 0 };
    case 'ACTIVATION_READY':
      return { life: 'INVENTORY', variant: 1, reasons: 0 };
    case 'ACTIVATED':
      return { life: 'ACTIVE', variant: 0, reasons: 0 };
    case 'DEACTIVATED':
      return { life: 'STOPPED', variant: 0, reasons: Why.MANUAL };
    case 'RETIRED':
      return { life: 'RETIRED', variant: 0, reasons: Why.EXPIRED };
    case 'PURGED':
      return { life: 'CANCELLED', variant: 0, reasons: 0 };
    case 'REPLACED':
      return { life: 'CANCELLED', variant: 1, reasons: 0 };
  }
}

/** A positive integer query parameter (`dflt` when absent); anything else is the error `err`. */
export function positiveInt(v: string | undefined, dflt: number, err: ErrorName, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw new JasperError(err);
  const n = Number(v);
  if (n < 1 || n > max) throw new JasperError(err);
  return n;
}
