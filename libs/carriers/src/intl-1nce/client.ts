import { AuthExpired, type CarrierError, type HttpMethod, type HttpPort, type HttpResponse } from '@simgate/core';
import { classify, isOkStatus, malformed, parseJson, redact, requireCredentials, TokenCache, type IssuedToken } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';
import { errorBodySchema, tokenResponseSchema } from './wire';

/**
 * 1NCE client (carriers.md §4): an OAuth bearer from `POST /oauth/token` (HTTP Basic), cached until shortly
 * before `expires_in`; a 401 on a call (token expired, unknown or revoked) drops the token and the call is
 * sent once more at once with a freshly fetched token (`TokenCache.use`: 1NCE did not act on a refused call,
 * so this holds for PUT/POST too); a second 401 with the fresh token raises `AuthExpired`.
 */

export interface Intl1nceCredentials {
  username: string;
  password: string;
}

export function intl1nceCredentials(credentials: Record<string, string | undefined>): Intl1nceCredentials {
  return requireCredentials(manifest.id, credentials, ['username', 'password']);
}

/** A non-2xx answer → the table's error: the body's `errorCode`/`message` when it has them, Retry-After on a 429. */
export function answerError(res: HttpResponse, endpoint: string, secrets: readonly string[], now: Date): CarrierError {
  let body: { errorCode?: string | null; message?: string | null } = {};
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(res.body));
    if (parsed.success) body = parsed.data;
  } catch {
    // not JSON: the status decides
  }
  return classify(errorTable, { endpoint, secrets, httpStatus: res.status }, {
    code: body.errorCode ?? null,
    message: body.message ?? null,
    ...(res.status === 429 ? { retryAfter: res.headers['retry-after'], now } : {}),
  });
}

/** `base` + `path`, with exactly one slash between (bases come with or without a trailing slash). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Refresh this long before expiry: a minute, or a tenth of a short lifetime. */
export function tokenMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, Math.floor((expiresInSeconds * 1000) / 10));
}

export interface OneNceCall {
  method: HttpMethod;
  /** Path under the base URL, e.g. `v1/sims/8988…/usage`. */
  path: string;
  /** Endpoint class for rate limits and metrics, never a card id: `v1/sims/{iccid}/usage`. */
  endpoint: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The request places an order (a status change): the caller's beforeSend runs once its quota slot is held. */
  order?: boolean;
}

export class Intl1nceClient {
  private readonly tokens: TokenCache;
  private readonly basic: string;

  constructor(
    private readonly http: HttpPort,
    private readonly baseUrl: string,
    private readonly creds: Intl1nceCredentials,
    private readonly now: () => Date,
  ) {
    this.basic = Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64');
    // The margin is folded into each token's expiry (it depends on the token's lifetime).
    this.tokens = new TokenCache(() => this.fetchToken(), now, 0);
  }

  /** Every value to keep out of logs and error texts. */
  secrets(token?: string | null): string[] {
    const t = token ?? this.tokens.peek();
    return [this.creds.password, this.basic, `Basic ${this.basic}`, ...(t ? [t, `Bearer ${t}`] : [])];
  }

  private async fetchToken(): Promise<IssuedToken> {
    const endpoint = 'oauth/token';
    const secrets = this.secrets(null);
    const res = await this.http.send({
      method: 'POST',
      url: joinUrl(this.baseUrl, 'oauth/token'),
      headers: { authorization: `Basic ${this.basic}`, accept: 'application/json' },
      body: { grant_type: 'client_credentials' },
      endpoint,
      secrets,
    });
    const issuedAt = this.now().getTime();
    if (!isOkStatus(res.status)) throw answerError(res, endpoint, secrets, this.now());
    const ctx = { endpoint, secrets, httpStatus: res.status };
    const parsed = tokenResponseSchema.safeParse(parseJson(errorTable, res.body, ctx));
    if (!parsed.success) throw malformed(errorTable, ctx, 'token answer has no access_token/expires_in');
    const expiresIn = parsed.data.expires_in;
    return { value: parsed.data.access_token, expiresAt: issuedAt + expiresIn * 1000 - tokenMarginMs(expiresIn) };
  }

  /** One authenticated call; resolves with a 2xx answer, rejects with the table's class otherwise. */
  async call(c: OneNceCall): Promise<{ res: HttpResponse; secrets: readonly string[] }> {
    return this.tokens.use(
      (token) => this.callWith(token, c),
      (err) => err instanceof AuthExpired,
    );
  }

  /** Calls sent again with a fresh token after a 401 (tests, diagnostics). */
  get tokenRefreshes(): number {
    return this.tokens.refreshes;
  }

  private async callWith(token: string, c: OneNceCall): Promise<{ res: HttpResponse; secrets: readonly string[] }> {
    const secrets = this.secrets(token);
    const res = await this.http.send({
      method: c.method,
      url: joinUrl(this.baseUrl, c.path),
      ...(c.query ? { query: c.query } : {}),
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      ...(c.body !== undefined ? { body: c.body } : {}),
      endpoint: c.endpoint,
      secrets,
      ...(c.order ? { order: true } : {}),
    });
    if (res.status === 401) {
      throw new AuthExpired(redact(`${manifest.id} ${c.endpoint}: HTTP 401, bearer token expired or unknown`, secrets), {
        platform: manifest.id,
        httpStatus: 401,
        endpoint: c.endpoint,
      });
    }
    if (!isOkStatus(res.status)) throw answerError(res, c.endpoint, secrets, this.now());
    return { res, secrets };
  }
}
