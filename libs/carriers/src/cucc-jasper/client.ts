import type { HttpMethod, HttpPort } from '@simgate/core';
import type { ZodType, ZodTypeDef } from 'zod';
import { classify, isOkStatus, malformed, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import { errorBodySchema } from './wire';

export interface CuccJasperClientOptions {
  baseUrl: string;
  username: string;
  apiKey: string;
  http: HttpPort;
}

/**
 * HTTP for Jasper: Basic auth (`base64(username:apiKey)`) on every call, JSON in and out. Error answers are
 * classified by their `errorCode` first, their HTTP status second; a body that does not parse is Transient.
 */
export class CuccJasperClient {
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly options: CuccJasperClientOptions) {
    this.base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.apiKey}`, 'utf8').toString('base64')}`;
  }

  /** Values never to show: the API key, the Basic header and its base64 part. */
  secrets(): string[] {
    return [this.options.apiKey, this.authorization, this.authorization.slice('Basic '.length)];
  }

  /** The API user's name: the audit trail names it for changes simgate made. */
  get username(): string {
    return this.options.username;
  }

  async request<T>(
    method: HttpMethod,
    path: string,
    endpoint: string,
    schema: ZodType<T, ZodTypeDef, unknown>,
    opts: { query?: Record<string, string>; body?: unknown; order?: boolean } = {},
  ): Promise<T> {
    const secrets = this.secrets();
    const res = await this.options.http.send({
      method,
      url: this.base + path,
      ...(opts.query ? { query: opts.query } : {}),
      headers: { authorization: this.authorization, accept: 'application/json' },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      endpoint,
      secrets,
      ...(opts.order ? { order: true } : {}),
    });
    const ctx: AnswerContext = { endpoint, httpStatus: res.status, secrets };
    let json: unknown = undefined;
    let parsed = true;
    try {
      json = res.body.trim() === '' ? null : JSON.parse(res.body);
    } catch {
      parsed = false;
    }
    const err = parsed ? errorBodySchema.safeParse(json) : null;
    const refusal = { retryAfter: res.headers['retry-after'], ...(err?.success ? { code: err.data.errorCode, message: err.data.errorMessage } : {}) };
    if (!isOkStatus(res.status)) throw classify(errorTable, ctx, refusal);
    if (!parsed) throw malformed(errorTable, ctx, 'body is not JSON');
    if (err?.success) throw classify(errorTable, ctx, refusal);
    const out = schema.safeParse(json);
    if (!out.success) throw malformed(errorTable, ctx, `${out.error.issues[0]?.path.join('.') || 'shape'}: ${out.error.issues[0]?.message ?? ''}`);
    return out.data;
  }
}
