import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl, isControlled } from './control';
import type { SimRequest, SimResponse, Simulator } from './types';

/** Serves a simulator over real HTTP on loopback. */
export interface ServedSimulator {
  simulator: Simulator;
  server: http.Server;
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The platform's base URL (origin + base path). */
  baseUrl: string;
  close(): Promise<void>;
}

export function toSimRequest(
  simulator: Simulator,
  method: string,
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
): SimRequest | null {
  const url = new URL(rawUrl, 'http://localhost');
  const base = simulator.basePath;
  const pathname = decodeURIComponent(url.pathname);
  // A base like `/m2m_ec/query.do` is a file-like endpoint: match it exactly, not as a prefix.
  let path: string;
  if (pathname === base || pathname === base.replace(/\/$/, '')) path = '';
  else if (pathname.startsWith(base.endsWith('/') ? base : base + '/')) path = pathname.slice(base.endsWith('/') ? base.length : base.length + 1);
  else return null;
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  return { method: method.toUpperCase(), path, query, headers, body };
}

async function respond(res: http.ServerResponse, out: SimResponse): Promise<void> {
  if (out.delayMs) await new Promise((r) => setTimeout(r, out.delayMs));
  if (out.hang) return; // never answer: the client's timeout fires; the socket is destroyed on close()
  res.writeHead(out.status, { 'content-length': Buffer.byteLength(out.body), ...(out.headers ?? {}) });
  res.end(out.body);
}

export async function serve(simulator: Simulator, port = 0, host = '127.0.0.1'): Promise<ServedSimulator> {
  const sockets = new Set<import('node:net').Socket>();
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const body = Buffer.concat(chunks).toString('utf8');
      if (isControlled(simulator)) {
        const control = handleControl(simulator, (req.method ?? 'GET').toUpperCase(), new URL(req.url ?? '/', 'http://localhost').pathname, body);
        if (control) {
          void respond(res, control);
          return;
        }
      }
      const simReq = toSimRequest(simulator, req.method ?? 'GET', req.url ?? '/', headers, body);
      if (!simReq) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      inFlight++;
      simulator
        .handle(simReq)
        .then((out) => respond(res, out))
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`simulator error: ${err instanceof Error ? err.message : String(err)}`);
        })
        .finally(() => inFlight--);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${actual}`;
  return {
    simulator,
    server,
    port: actual,
    origin,
    baseUrl: origin + simulator.basePath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
