import axios, { AxiosError, type AxiosInstance } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import {
  Transient,
  Unavailable,
  type HttpPort,
  type HttpRequest,
  type HttpResponse,
} from '@simgate/core';
import { redact, safeUrl } from './redact';
import { sendContext } from './send-context';

/**
 * Hooks around every carrier request. The sync engine plugs the rate limiter into `acquire` (a job waits for
 * a slot rather than failing) and the metrics into `observe`. Adapters know nothing of either.
 */
export interface HttpHooks {
  /** Waits until the request may be sent; returns a release function called when it settles. */
  acquire?(req: HttpRequest): Promise<() => void>;
  /** Called once per request with its outcome. */
  observe?(req: HttpRequest, outcome: RequestOutcome): void;
}

export interface RequestOutcome {
  /** HTTP status, or null when no answer came (timeout, refused). */
  status: number | null;
  durationMs: number;
  /** `ok` (an HTTP answer), `timeout`, `network`. Carrier-level errors inside an answer are classified by adapters. */
  result: 'ok' | 'timeout' | 'network';
}

export interface CarrierHttpOptions {
  timeoutMs?: number;
  hooks?: HttpHooks;
  /** Secrets of the account, redacted from every error message this layer builds. */
  secrets?: readonly string[];
  platform?: string;
  /** Sockets per origin, for http and https alike (default 16). */
  maxSockets?: number;
  /**
   * PEM certificate(s) of the CA(s) to trust for https carriers instead of the system CAs (a carrier behind a
   * private CA: the account's `caFile`). Verification is never turned off.
   */
  ca?: string | Buffer;
}

/** Node's codes for a server certificate that does not verify. */
const TLS_TRUST_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The shared HTTP layer on axios: timeouts, keep-alive, hooks, typed transport errors, redaction. */
export class CarrierHttp implements HttpPort {
  private readonly client: AxiosInstance;
  private readonly timeoutMs: number;

  constructor(private readonly options: CarrierHttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const maxSockets = options.maxSockets ?? 16;
    this.client = axios.create({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      // Certificates are always verified: against `ca` alone when given, else Node's CA store (+ NODE_EXTRA_CA_CERTS).
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets, ...(options.ca ? { ca: options.ca } : {}) }),
      // The adapters read every answer themselves: Chinese platforms put errors inside HTTP 200.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      maxRedirects: 0,
      proxy: false,
    });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const release = this.options.hooks?.acquire ? await this.options.hooks.acquire(req) : undefined;
    if (req.order) {
      const beforeSend = sendContext()?.beforeSend;
      if (beforeSend) {
        try {
          await beforeSend(req);
        } catch (e) {
          release?.();
          throw e;
        }
      }
    }
    const started = performance.now();
    const secrets = [...(this.options.secrets ?? []), ...(req.secrets ?? [])];
    try {
      const res = await this.client.request<string>({
        method: req.method,
        url: req.url,
        params: req.query,
        headers: {
          ...(req.body !== undefined && typeof req.body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...(req.headers ?? {}),
        },
        data: req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
        timeout: req.timeoutMs ?? this.timeoutMs,
      });
      this.options.hooks?.observe?.(req, { status: res.status, durationMs: performance.now() - started, result: 'ok' });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
      return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
    } catch (err) {
      const durationMs = performance.now() - started;
      const e = err as AxiosError;
      const where = safeUrl(req.url, req.query, secrets);
      const details = { platform: this.options.platform, endpoint: req.endpoint };
      if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message)) {
        this.options.hooks?.observe?.(req, { status: null, durationMs, result: 'timeout' });
        throw new Transient(`timeout after ${Math.round(durationMs)} ms: ${req.method} ${where}`, details);
      }
      this.options.hooks?.observe?.(req, { status: null, durationMs, result: 'network' });
      const message = redact(`${e.code ?? 'network error'} ${e.message}: ${req.method} ${where}`, secrets);
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EHOSTUNREACH') {
        throw new Unavailable(message, details);
      }
      // The carrier's certificate is not trusted (private CA without `caFile`, wrong host, expired): every request of
      // the account fails the same way until its configuration changes, so it is the account's failure, not a card's.
      if (e.code && TLS_TRUST_ERRORS.has(e.code)) {
        throw new Unavailable(`${message} (the carrier's certificate is not trusted: set the account's caFile to its CA)`, details);
      }
      throw new Transient(message, details);
    } finally {
      release?.();
    }
  }
}
