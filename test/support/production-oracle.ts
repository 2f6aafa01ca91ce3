import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { CardRecord, CardRef, CarrierAdapter, CarrierPlatform, HttpPort, HttpRequest, HttpResponse, UsageSnapshot } from '@simgate/core';

/**
 * The production suite's reference reader: what a carrier says about every card, read with the adapters of
 * the production install (`dist/`) on an HTTP port of its own (node:https trusting the test CA, no pooling
 * with simgate's, no limiter shared with simgate's, nothing of simgate's store or engine), paced below the
 * carrier's quota and patient when the carrier says "too fast". Simgate's workers are stopped before it runs.
 */

export interface OracleAccount {
  id: string;
  platform: string;
  baseUrl: string;
  credentials: Record<string, string>;
  cards?: string;
  options?: Record<string, unknown>;
}

export interface AccountTruth {
  accountId: string;
  platform: string;
  cards: Map<string, CardRecord>;
  /** Current-cycle usage of the cards that are ACTIVE or SUSPENDED. */
  usage: Map<string, UsageSnapshot>;
  requests: number;
  rateLimitedRetries: number;
}

/**
 * A plain HttpPort on node:http(s), `ca` trusted for https. Request starts are spaced at least `spacingMs`
 * apart even when an adapter sends several at once (OneLink reads cards in parallel): each request books the
 * next free start instant before waiting for it.
 */
class PlainHttp implements HttpPort {
  requests = 0;
  private nextStart = 0;

  constructor(
    private readonly ca: string | null,
    /** Minimum spacing between two requests (pacing below the carrier's quota). */
    private readonly spacingMs: number,
  ) {}

  async send(req: HttpRequest): Promise<HttpResponse> {
    const start = Math.max(Date.now(), this.nextStart);
    this.nextStart = start + this.spacingMs;
    if (start > Date.now()) await new Promise((r) => setTimeout(r, start - Date.now()));
    this.requests++;
    const url = new URL(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string> = {
      ...(req.body !== undefined && typeof req.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...(req.headers ?? {}),
    };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      const r = lib.request(url, { method: req.method, headers, agent: false, timeout: 20_000, ...(url.protocol === 'https:' && this.ca ? { ca: this.ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      r.on('timeout', () => r.destroy(new Error(`oracle: ${req.method} ${req.endpoint} timed out`)));
      r.on('error', reject);
      r.end(body);
    });
  }
}

const isRateLimited = (e: unknown) => (e as { kind?: string } | null)?.kind === 'RATE_LIMITED';

/** Loads a platform's registration from the production install's dist. */
export function loadPlatform(installDir: string, platform: string): CarrierPlatform {
  const mod = createRequire(__filename)(path.join(installDir, 'dist/libs/carriers/src', platform, 'index.js')) as { platform?: CarrierPlatform };
  if (!mod.platform) throw new Error(`dist has no platform export for ${platform}`);
  return mod.platform;
}

/**
 * Reads one account's truth: its cards (the carrier's own listing, or the OneLink order list the accounts file
 * names), every card's record and the current-cycle usage of ACTIVE and SUSPENDED cards.
 * `stoppedBySimgate`: cards simgate itself suspended (the hint a platform needs to tell that reason).
 */
export async function readTruth(o: {
  installDir: string;
  accountsFile: string;
  account: OracleAccount;
  ca: string | null;
  at: Date;
  quotaFactor: number;
  stoppedBySimgate: ReadonlySet<string>;
}): Promise<AccountTruth> {
  const platform = loadPlatform(o.installDir, o.account.platform);
  const m = platform.manifest;
  // Request starts spaced for 80 % of the account's quota (simgate's workers are stopped: nothing else asks).
  const perSecond = Math.max(1, m.quotas.account.points * o.quotaFactor * 0.8) / m.quotas.account.durationSeconds;
  const port = new PlainHttp(o.ca, Math.ceil(1000 / perSecond));
  const adapter: CarrierAdapter = platform.connect(o.account as Parameters<CarrierPlatform['connect']>[0], { http: port, now: () => o.at });
  let rateLimitedRetries = 0;
  const patiently = async <T>(read: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (e) {
        if (!isRateLimited(e) || attempt >= 10) throw e;
        rateLimitedRetries++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  const refs: CardRef[] = [];
  if (m.capabilities.inventory === 'IMPORTED') {
    if (!o.account.cards) throw new Error(`${o.account.id}: an IMPORTED platform without an order list`);
    const csv = fs.readFileSync(path.resolve(path.dirname(o.accountsFile), o.account.cards), 'utf8');
    for (const line of csv.split(/\r?\n/)) {
      const [iccid, msisdn] = line.split(',').map((s) => s.trim());
      if (iccid && /^\d{19,20}$/.test(iccid)) refs.push({ iccid, msisdn: msisdn || null });
    }
  } else {
    for (let cursor: string | null = null; ; ) {
      const page = await patiently(() => adapter.listCards(cursor, null, o.at));
      if (page.failures?.length) throw new Error(`${o.account.id}: the listing failed for ${page.failures.length} card(s) with faults off`);
      for (const c of page.cards) refs.push({ iccid: c.iccid, msisdn: c.msisdn });
      if (!page.next) break;
      cursor = page.next;
    }
  }
  const hinted = refs.map((r) => ({ ...r, hints: { stoppedBySimgate: o.stoppedBySimgate.has(r.iccid) } }));
  const batches = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, k) => xs.slice(k * n, (k + 1) * n));

  const cards = new Map<string, CardRecord>();
  for (const b of batches(hinted, m.batchSizes.status)) {
    let todo = b;
    for (let round = 0; todo.length && round < 5; round++) {
      const res = await patiently(() => adapter.fetchCards(todo, o.at));
      for (const c of res.items) cards.set(c.iccid, c);
      todo = todo.filter((r) => !cards.has(r.iccid));
    }
    if (todo.length) throw new Error(`${o.account.id}: the reference reader could not read ${todo.length} card(s), e.g. ${todo[0].iccid}`);
  }
  const usage = new Map<string, UsageSnapshot>();
  const active = hinted.filter((r) => ['ACTIVE', 'SUSPENDED'].includes(cards.get(r.iccid)?.status ?? ''));
  for (const b of batches(active.map((r) => ({ ...r, hints: { ...r.hints, rawStatus: cards.get(r.iccid)!.rawStatus } })), m.batchSizes.usage)) {
    let todo = b;
    for (let round = 0; todo.length && round < 5; round++) {
      const res = await patiently(() => adapter.fetchUsage(todo, o.at));
      for (const u of res.items) usage.set(u.iccid, u);
      todo = todo.filter((r) => !usage.has(r.iccid));
    }
    if (todo.length) throw new Error(`${o.account.id}: the reference reader could not read the usage of ${todo.length} card(s), e.g. ${todo[0].iccid}`);
  }
  return { accountId: o.account.id, platform: o.account.platform, cards, usage, requests: port.requests, rateLimitedRetries };
}
