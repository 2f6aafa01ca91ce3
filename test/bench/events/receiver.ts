/**
 * The events benchmark's webhook receiver (test/bench/events/run.ts, delivery phase), in a child process of its
 * own so that its memory and CPU are not the dispatcher's: answers every POST 204 at once, notes when each
 * `webhook-id` first arrived (Date.now(), the same clock as the database's on this machine) and how often, and
 * verifies the Standard Webhooks signature of every `sample`-th request with the `standardwebhooks` package.
 *
 * Messages from the parent: `{ secret, sample }` (before the burst), `{ results: true }` (after it: the answer is
 * `{ results }`), `{ reset: true }` (forget what arrived, before another phase).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceiverResults {
  requests: number;
  /** Event ids, in the order of their first arrival, with that arrival's Date.now(). */
  ids: string[];
  at: number[];
  /** Ids that arrived more than once, with their count. */
  duplicates: [string, number][];
  verified: number;
  verifyFailed: number;
}

let secret: Webhook | null = null;
let sample = 100;
let requests = 0;
let verified = 0;
let verifyFailed = 0;
let first = new Map<string, number>();
let again = new Map<string, number>();

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    const id = String(req.headers['webhook-id']);
    requests++;
    if (first.has(id)) again.set(id, (again.get(id) ?? 1) + 1);
    else first.set(id, now);
    if (requests % sample === 0) {
      try {
        secret!.verify(Buffer.concat(chunks).toString('utf8'), {
          'webhook-id': id,
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
        verified++;
      } catch {
        verifyFailed++;
      }
    }
    res.writeHead(204).end();
  });
});

process.on('message', (m: { secret?: string; sample?: number; results?: boolean; reset?: boolean }) => {
  if (m.secret) {
    secret = new Webhook(m.secret);
    sample = Math.max(1, m.sample ?? 100);
  }
  if (m.reset) {
    requests = verified = verifyFailed = 0;
    first = new Map();
    again = new Map();
  }
  if (m.results) {
    const results: ReceiverResults = {
      requests,
      ids: [...first.keys()],
      at: [...first.values()],
      duplicates: [...again.entries()],
      verified,
      verifyFailed,
    };
    process.send!({ results });
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
