/**
 * The port through which adapters speak HTTP. The shared HTTP layer (libs/carriers/src/toolkit) implements it
 * on axios with timeouts, rate-limit and metrics hooks and secret redaction. Adapters never sleep, retry
 * or count; transport failures arrive as core errors (`Transient` for timeouts and resets,
 * `Unavailable` when the host refuses).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL without the query string. */
  url: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A JSON value (sent as application/json) or a pre-encoded string. */
  body?: unknown;
  /**
   * The endpoint class for rate limiting and metrics, e.g. `query/sim-status/batch`, `devices/{iccid}`,
   * `getSIMList`. Never contains card identifiers.
   */
  endpoint: string;
  /** Values to redact wherever this request is logged or shown (passwords, tokens, signatures). */
  secrets?: string[];
  /** Overrides the layer's default timeout. */
  timeoutMs?: number;
  /**
   * This request places or changes an order at the carrier (an operation's submission). The HTTP layer calls
   * the caller's `beforeSend` for it once its quota slot is held, just before it leaves.
   */
  order?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body as text (adapters parse JSON, XML or plain text themselves). */
  body: string;
}

export interface HttpPort {
  send(request: HttpRequest): Promise<HttpResponse>;
}
