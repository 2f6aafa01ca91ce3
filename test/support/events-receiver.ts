/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are read loosely and asserted field by field */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One POST the receiver got, and what it answered. */
export interface ReceivedDelivery {
  /** The `webhook-id` header (the event id). */
  id: string;
  /** The verified payload (null when the signature did not verify). */
  event: { id: string; type: string; position: string; timestamp: string; accountId: string | null; subject: string | null; data: Record<string, any> } | null;
  verified: boolean;
  status: number;
  at: number;
}

/**
 * A console's webhook endpoint on loopback (node:http): verifies every request's Standard Webhooks signature
 * with the `standardwebhooks` package against the secret it is given after registration, records each request
 * by `webhook-id` with the status it answered. `failWhile()` decides per request whether to answer 500 (an
 * endpoint down for a while); a request that does not verify is answered 401.
 */
export class EventsReceiver {
  readonly requests: ReceivedDelivery[] = [];
  secret = '';
  /** Answer 500 while this returns true (the request, how many this id got before). */
  failWhile: (id: string, seenBefore: number) => boolean = () => false;
  private server: http.Server | null = null;
  url = '';

  async start(path = '/hooks/simgate'): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(req.headers['webhook-id'] ?? '');
        let event: ReceivedDelivery['event'] = null;
        try {
          event = new Webhook(this.secret).verify(body, {
            'webhook-id': String(req.headers['webhook-id'] ?? ''),
            'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
            'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
          }) as ReceivedDelivery['event'];
        } catch {
          event = null;
        }
        const seenBefore = this.requests.filter((r) => r.id === id).length;
        const status = !event || !this.secret ? 401 : this.failWhile(id, seenBefore) ? 500 : 204;
        this.requests.push({ id, event, verified: !!event, status, at: Date.now() });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** Event ids answered 2xx, each once (duplicates show in `okCounts`). */
  deliveredIds(): Set<string> {
    return new Set(this.requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.id));
  }

  /** Per event id, how many requests were answered 2xx. */
  okCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.requests) if (r.status >= 200 && r.status < 300) out.set(r.id, (out.get(r.id) ?? 0) + 1);
    return out;
  }

  /** The verified events answered 2xx, by id (the first such request's payload). */
  delivered(): Map<string, NonNullable<ReceivedDelivery['event']>> {
    const out = new Map<string, NonNullable<ReceivedDelivery['event']>>();
    for (const r of this.requests) if (r.event && r.status < 300 && !out.has(r.id)) out.set(r.id, r.event);
    return out;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
    this.server = null;
  }
}
