import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadInChild } from './load-child';
import { openLoop } from './open-loop';

// The coordinated-omission case runs the generator in a process of its own, as the benchmark does: in a Jest
// worker, an HTTP interceptor another spec file left on Node's shared http module would ignore the socket cap.

/** A server answering after `delayMs`, recording when each request arrived. */
async function server(delayMs: number) {
  const arrivals: number[] = [];
  const s = http.createServer((req, res) => {
    arrivals.push(performance.now());
    setTimeout(() => res.end(req.headers.authorization === 'Bearer k' ? '{}' : ''), delayMs);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, arrivals, close: () => new Promise((r) => s.close(r)) };
}

const job = (url: string, over: Partial<Parameters<typeof openLoop>[0]> = {}) => ({
  name: 't',
  url,
  apiKey: 'k',
  connections: 50,
  durationSeconds: 1,
  rate: 100,
  paths: ['/a', '/b'],
  ...over,
});

describe('open-loop load', () => {
  it('sends at the offered rate, evenly spaced (not one burst per second)', async () => {
    const s = await server(0);
    try {
      const r = await openLoop(job(s.url, { rate: 100 }));
      expect(r.requests).toBeGreaterThanOrEqual(99);
      expect(r.requests).toBeLessThanOrEqual(101);
      expect(r.non2xx + r.errors + r.timeouts).toBe(0);
      // Evenly spaced: no 10 consecutive arrivals within 20 ms (a burst would put 100 within a few ms).
      const a = s.arrivals;
      for (let i = 10; i < a.length; i++) expect(a[i] - a[i - 10]).toBeGreaterThan(20);
    } finally {
      await s.close();
    }
  });

  it('counts the wait for a free connection when the server cannot keep up (no coordinated omission)', async () => {
    const s = await server(100);
    try {
      // 2 connections × 10 answers/s = 20/s of capacity, 40/s offered for 1 s: the last requests wait ≈ 1 s.
      const r = await loadInChild(job(s.url, { rate: 40, connections: 2 }));
      expect(r.requests).toBe(40);
      expect(r.p50).toBeGreaterThan(300);
      expect(r.max).toBeGreaterThan(900);
      expect(r.reqPerSec).toBeLessThan(30);
      // Measured from the issue, the wait for a free connection still counts; the generator's own lag does not.
      expect(r.fromIssue!.p50).toBeGreaterThan(300);
      expect(r.lag!.p99).toBeLessThan(100);
      expect(r.fromIssue!.p99).toBeLessThanOrEqual(r.p99);
    } finally {
      await s.close();
    }
  });
});
