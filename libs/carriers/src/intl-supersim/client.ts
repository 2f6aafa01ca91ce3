import type { HttpMethod, HttpPort, HttpResponse } from '@simgate/core';
import { classify, isOkStatus, requireCredentials } from '../toolkit';
import { errorTable } from './errors';
import { manifest } from './manifest';
import { errorBodySchema } from './wire';

/**
 * Super SIM: HTTP Basic on every call (carriers.md §6; no token to fetch or expire), PascalCase parameters in the
 * query string on GET and form-encoded on POST, and `next_page_url` followed as given. Each call goes through the
 * toolkit's HTTP layer; a refusal is classified by errorTable from the body's `code` and the HTTP status; the
 * answer goes back as it came (map.ts decodes it). It never sleeps, retries or counts.
 */

export interface IntlSupersimCredentials {
  accountSid: string;
  authToken: string;
}

export function intlSupersimCredentials(credentials: Record<string, string | undefined>): IntlSupersimCredentials {
  return requireCredentials(manifest.id, credentials, ['accountSid', 'authToken']);
}

export interface IntlSupersimCall {
  method: HttpMethod;
  /** Path under the base URL (`Sims`, `Sims/HS…`), or a `next_page_url` (absolute or path-absolute). */
  path: string;
  /** Endpoint class for rate limits and metrics, never a SID: `Sims/{Sid}`. */
  endpoint: string;
  /** PascalCase parameters: the query string on GET, the form body on POST. */
  params?: Record<string, string>;
  /** The request places an order: the caller's beforeSend runs once its quota slot is held. */
  order?: boolean;
}

export interface IntlSupersimAnswer {
  res: HttpResponse;
  /** What to keep out of the texts of errors about this answer. */
  secrets: readonly string[];
}

export class IntlSupersimClient {
  private readonly basic: string;
  private readonly base: URL;

  constructor(
    private readonly http: HttpPort,
    baseUrl: string,
    private readonly creds: IntlSupersimCredentials,
  ) {
    this.basic = Buffer.from(`${creds.accountSid}:${creds.authToken}`, 'utf8').toString('base64');
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  /** Every value to keep out of logs and error texts. */
  secrets(): string[] {
    return [this.creds.authToken, this.basic, `Basic ${this.basic}`];
  }

  /**
   * The URL and query of a call. A `next_page_url` is followed with its path and query as given, always on the
   * account's origin: the credentials never go to another host (an absolute URL naming one is re-based).
   */
  target(path: string, params: Record<string, string> = {}): { url: string; query: Record<string, string> } {
    const u = /^https?:\/\//i.test(path) || path.startsWith('/') ? new URL(path, this.base.origin) : new URL(path, this.base);
    const query: Record<string, string> = {};
    u.searchParams.forEach((v, k) => (query[k] = v));
    return { url: `${this.base.origin}${u.pathname}`, query: { ...query, ...params } };
  }

  /** One call; resolves with a 2xx answer, rejects with the table's class otherwise. */
  async call(c: IntlSupersimCall): Promise<IntlSupersimAnswer> {
    const secrets = this.secrets();
    const post = c.method === 'POST';
    const { url, query } = this.target(c.path, post ? {} : c.params);
    const res = await this.http.send({
      method: c.method,
      url,
      ...(Object.keys(query).length ? { query } : {}),
      headers: {
        authorization: `Basic ${this.basic}`,
        accept: 'application/json',
        ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(post ? { body: new URLSearchParams(c.params ?? {}).toString() } : {}),
      endpoint: c.endpoint,
      secrets,
      ...(c.order ? { order: true } : {}),
    });
    if (isOkStatus(res.status)) return { res, secrets };
    const ctx = { endpoint: c.endpoint, secrets, httpStatus: res.status };
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    const parsed = errorBodySchema.safeParse(body);
    const code = parsed.success && parsed.data.code !== undefined ? String(parsed.data.code) : undefined;
    const message = parsed.success ? parsed.data.message : undefined;
    throw classify(errorTable, ctx, { ...(code ? { code } : {}), ...(message ? { message } : {}), retryAfter: res.headers['retry-after'] });
  }
}
