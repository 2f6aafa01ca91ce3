import { formatInZone, isCarrierError, SHANGHAI, Transient, type HttpPort } from '@simgate/core';
import type { ZodType, ZodTypeDef } from 'zod';
import { classify, isOkStatus, malformed, TokenCache, type AnswerContext } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';
import { envelopeSchema, tokenSchema } from './wire';

export interface CmccOnelinkClientOptions {
  baseUrl: string;
  appid: string;
  password: string;
  http: HttpPort;
  now: () => Date;
  /**
   * Refresh this long before the token's stated expiry. OneLink hands out the same token while it is valid,
   * so refreshing early gains nothing: the default is one second (clock skew), and an expiry in between is
   * answered by 12021, after which the call is sent once more with a fresh token.
   */
  tokenMarginMs?: number;
}

/**
 * HTTP, auth and transaction ids for OneLink. Every call is a GET with a query string; every call but
 * `get/token` carries `transid` and `token` (never the appid). The token is cached until its `ttl` runs out;
 * status 12021 (token unknown, expired or revoked) drops it and the call is sent once more at once, with a new
 * transid and a freshly fetched token (`TokenCache.use`; the platform did not act on the refused call, so this
 * holds for `change/*` too). A second 12021 with the fresh token raises AuthExpired.
 */
export class CmccOnelinkClient {
  private readonly tokens: TokenCache;
  private sequence = 0;
  private readonly base: string;

  constructor(private readonly options: CmccOnelinkClientOptions) {
    this.base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.tokens = new TokenCache(() => this.fetchToken(), options.now, options.tokenMarginMs ?? 1000);
  }

  /** appid + yyyyMMddHHmmss (Asia/Shanghai) + an 8-digit sequence number. */
  transid(): string {
    const seq = String(this.sequence).padStart(8, '0');
    this.sequence = (this.sequence + 1) % 100_000_000;
    return `${this.options.appid}${formatInZone(this.options.now(), SHANGHAI, 'yyyyMMddHHmmss')}${seq}`;
  }

  /** The values to redact wherever a request or an error is shown. */
  secrets(): string[] {
    const token = this.tokens.peek();
    return [this.options.password, ...(token ? [token] : [])];
  }

  /**
   * Calls `path` with `params` and returns `result`, each item validated by `item`. Envelope errors become
   * core errors by the table in errors.ts; a body that is not the envelope becomes Transient.
   */
  async call<T>(path: string, params: Record<string, string>, item: ZodType<T, ZodTypeDef, unknown>): Promise<T[]> {
    return this.tokens.use(
      (token) => this.send(path, { ...params, transid: this.transid(), token }, item),
      (err) => isCarrierError(err) && err.kind === 'AUTH_EXPIRED',
    );
  }

  /** `call` for a one-item answer: its first result (an empty result is malformed: Transient). */
  async one<T>(path: string, params: Record<string, string>, item: ZodType<T, ZodTypeDef, unknown>): Promise<T> {
    const [first] = await this.call(path, params, item);
    if (first === undefined) throw new Transient(`OneLink ${path}: empty result`, { platform: manifest.id, endpoint: path });
    return first;
  }

  /** Calls sent again with a fresh token after a 12021 (tests, diagnostics). */
  get tokenRefreshes(): number {
    return this.tokens.refreshes;
  }

  /** Drops the cached token (the next call fetches a new one). */
  invalidateToken(): void {
    this.tokens.invalidate();
  }

  private async fetchToken(): Promise<{ value: string; expiresAt: number }> {
    const issuedAt = this.options.now().getTime();
    const [tok] = await this.send(
      'get/token',
      { appid: this.options.appid, password: this.options.password, transid: this.transid() },
      tokenSchema,
    );
    const ctx: AnswerContext = { endpoint: 'get/token', secrets: this.secrets() };
    if (!tok) throw malformed(errorTable, ctx, 'no token in result');
    const ttl = Number(tok.ttl);
    if (!Number.isFinite(ttl) || ttl < 0) throw malformed(errorTable, ctx, 'ttl is not a number of seconds');
    return { value: tok.token, expiresAt: issuedAt + ttl * 1000 };
  }

  private async send<T>(
    path: string,
    query: Record<string, string>,
    item: ZodType<T, ZodTypeDef, unknown>,
  ): Promise<T[]> {
    const secrets = [...this.secrets(), ...(query.token ? [query.token] : [])];
    const res = await this.options.http.send({
      method: 'GET',
      url: this.base + path,
      query,
      endpoint: path,
      secrets,
      // change/* places an order: the caller's beforeSend runs once its quota slot is held.
      ...(path.startsWith('change/') ? { order: true } : {}),
    });
    const ctx: AnswerContext = { endpoint: path, httpStatus: res.status, secrets };
    if (!isOkStatus(res.status)) throw classify(errorTable, ctx, { retryAfter: res.headers['retry-after'] });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw malformed(errorTable, ctx, 'body is not JSON');
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success) throw malformed(errorTable, ctx, 'no envelope status');
    if (env.data.status !== '0') throw classify(errorTable, ctx, { code: env.data.status, message: env.data.message });
    const result = env.data.result ?? [];
    if (!Array.isArray(result)) throw malformed(errorTable, ctx, 'result is not a list');
    const out: T[] = [];
    for (const raw of result) {
      const parsed = item.safeParse(raw);
      if (!parsed.success) throw malformed(errorTable, ctx, `result item: ${parsed.error.issues[0]?.path.join('.') || 'shape'}`);
      out.push(parsed.data);
    }
    return out;
  }
}
