import { Transient } from '@simgate/core';
import {
  cardScoped,
  classify,
  malformed,
  MALFORMED,
  retryAfterSeconds,
  ruleOf,
  statusRule,
  type ErrorTable,
} from './errors';

const table: ErrorTable = {
  platform: 'test-platform',
  codes: {
    E1: { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown card' },
    E2: { kind: 'RATE_LIMITED', scope: 'ACCOUNT', meaning: 'quota' },
    E3: { kind: 'REJECTED', scope: 'REQUEST', meaning: 'cooldown', retryAfterSeconds: 1800 },
  },
  statuses: { 404: { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown SIM' } },
  endpointStatuses: { 'oauth/token': { 401: { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'credentials' } } },
  describe: (f) => `T ${f.endpoint}: ${f.httpStatus ?? '-'} ${f.code ?? '-'} ${f.carrierMessage ?? '-'} (${f.rule.meaning})`,
};

const ctx = { endpoint: 'sims', secrets: ['s3cret'], httpStatus: 200 };

describe('toolkit error table', () => {
  it('a code row wins over the status; the table words the text; secrets are redacted', () => {
    const e = classify(table, { ...ctx, httpStatus: 500 }, { code: 'E1', message: 'no card s3cret' });
    expect(e.kind).toBe('REJECTED');
    expect(e.message).toBe('T sims: 500 E1 no card [REDACTED] (unknown card)');
    expect(e.details).toEqual({
      platform: 'test-platform',
      endpoint: 'sims',
      httpStatus: 500,
      carrierCode: 'E1',
      carrierMessage: 'no card [REDACTED]',
    });
  });

  it('an unknown code: the unknown-code row when the table has one, else the HTTP status', () => {
    expect(classify(table, { ...ctx, httpStatus: 503 }, { code: 'X' }).kind).toBe('TRANSIENT');
    const strict: ErrorTable = { ...table, unknownCode: { kind: 'REJECTED', scope: 'REQUEST', meaning: 'unknown code' } };
    expect(classify(strict, { ...ctx, httpStatus: 503 }, { code: 'X' }).kind).toBe('REJECTED');
  });

  it('status rows, per-endpoint rows, then the shared fallback (429, 408/5xx, other)', () => {
    expect(ruleOf(table, { httpStatus: 404 })?.meaning).toBe('unknown SIM');
    expect(ruleOf(table, { httpStatus: 401, endpoint: 'oauth/token' })?.meaning).toBe('credentials');
    expect(ruleOf(table, { httpStatus: 401, endpoint: 'sims' })).toEqual(statusRule(401));
    expect(statusRule(429).kind).toBe('RATE_LIMITED');
    expect(statusRule(408).kind).toBe('TRANSIENT');
    expect(statusRule(502).kind).toBe('TRANSIENT');
    expect(statusRule(403).kind).toBe('REJECTED');
    expect(ruleOf(table, {})).toBeNull();
  });

  it('Retry-After: delta seconds or an HTTP date; the header wins over the rule', () => {
    const now = new Date('2026-03-15T02:00:00Z');
    expect(retryAfterSeconds(' 7 ', now)).toBe(7);
    expect(retryAfterSeconds('Sun, 15 Mar 2026 02:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
    expect(classify(table, { ...ctx, httpStatus: 429 }, { retryAfter: '12', now }).details.retryAfterSeconds).toBe(12);
    expect(classify(table, ctx, { code: 'E3' }).details.retryAfterSeconds).toBe(1800);
    expect(classify(table, ctx, { code: 'E3', retryAfter: '5' }).details.retryAfterSeconds).toBe(5);
  });

  it('malformed: Transient, code MALFORMED, the default or the table wording, redacted', () => {
    const e = malformed(table, ctx, 'token s3cret cut');
    expect(e).toBeInstanceOf(Transient);
    expect(e.message).toBe('test-platform sims: unreadable answer: token [REDACTED] cut');
    expect(e.details).toEqual({ platform: 'test-platform', carrierCode: MALFORMED, endpoint: 'sims', httpStatus: 200 });
    const worded = malformed({ ...table, describeMalformed: (ep, p) => `T ${ep}: malformed answer (${p})` }, { endpoint: 'x', secrets: [] }, 'not JSON');
    expect(worded.message).toBe('T x: malformed answer (not JSON)');
  });

  it('cardScoped: by the code or status rule of the error; malformed and transport errors are not', () => {
    const scoped = cardScoped(table);
    expect(scoped(classify(table, ctx, { code: 'E1' }))).toBe(true);
    expect(scoped(classify(table, { ...ctx, httpStatus: 404 }))).toBe(true);
    expect(scoped(classify(table, ctx, { code: 'E2' }))).toBe(false);
    expect(scoped(malformed(table, { ...ctx, httpStatus: 404 }, 'cut'))).toBe(false);
    expect(scoped(new Transient('timeout', { platform: 'test-platform' }))).toBe(false);
  });
});
