import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleControl, isControlled } from './control';
import type { SimRequest, SimResponse, Simulator } from './types';

/** A PEM server key and certificate chain: with them, `serve()` speaks HTTPS instead of HTTP. */
export interface SimTls {
  key: string | Buffer;
  cert: string | Buffer;
}

/** Serves a simulator over real HTTP (or HTTPS) on loopback. */
export interface ServedSimulator {
  simulator: Simulator;
  /** An `https.Server` (a subclass of `http.Server`) when served with TLS. */
  server: http.Server;
  port: number;
  /** `http://127.0.0.1:PORT`, or `https://…` with TLS. */
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

/** Serves `simulator` on `host:port` (0: a free port); over HTTPS when `tls` is given (the /_sim/ control API too). */
export async function serve(simulator: Simulator, port = 0, host = '127.0.0.1', tls?: SimTls): Promise<ServedSimulator> {
  const sockets = new Set<import('node:net').Socket>();
  let inFlight = 0;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
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
  };
  const server: http.Server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  // 'connection' is the TCP socket for both (an https.Server is a tls.Server over net.Server).
  server.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const origin = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actual}`;
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
