/**
 * Where one card request's time goes, layer by layer, on a schema kept by `npm run bench:api -- --keep`:
 * the card's SQL alone, the card service (SQL + view), and GET /v1/cards/{iccid} over HTTP (and a 404, the
 * HTTP stack with one lookup and no view; a 400, the HTTP stack alone). One request at a time, each layer run
 * back to back and then paced (one request every 20 ms, as a lightly loaded console sends them), so the cost of waking sleeping processes
 * (the gateway, a PostgreSQL backend) shows as the difference between the two.
 *
 *   DATABASE_URL=postgres://… npm run bench:api:layers -- --schema bench_api_… [--requests 600]
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { withLuhn } from '@simgate/core';
import { Store } from '@simgate/store';
import { CardsService } from '../../../apps/gateway/src/cards/cards.service';
import { listenBenchGateway, startBenchSimgate } from './gateway';
import { percentile } from './report';

/** A well-formed ICCID that no bench account holds (the seed's prefixes are 898604, 898601, 898603 and 898822). */
const UNKNOWN = withLuhn('899999999999999999');

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const argv = process.argv.slice(2);
  const schema = argv[argv.indexOf('--schema') + 1];
  const requests = argv.includes('--requests') ? Number(argv[argv.indexOf('--requests') + 1]) : 600;
  if (!databaseUrl || !argv.includes('--schema') || !schema || !(requests > 0)) {
    process.stderr.write('usage: DATABASE_URL=postgres://… npm run bench:api:layers -- --schema <kept bench:api schema> [--requests N]\n');
    process.exit(2);
  }
  const store = await Store.open({ databaseUrl, schema });
  const sim = await startBenchSimgate(store, databaseUrl);
  const apiKey = `sg_bench_${randomBytes(12).toString('hex')}`;
  const gateway = await listenBenchGateway(sim.simgate, apiKey);
  try {
    const ids = (await store.db.query<{ iccid: string }>(`SELECT iccid FROM cards TABLESAMPLE SYSTEM (5) REPEATABLE (7) LIMIT 20000`)).rows.map((r) => r.iccid);
    if (!ids.length) throw new Error(`schema ${schema} has no cards: seed it with npm run bench:api -- --keep`);
    const service = gateway.app.get(CardsService);
    const url = new URL(gateway.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // Every answer must have the status its row names: a row of 401s or 500s would time the wrong path.
    const get = (p: string, status: number) =>
      new Promise<void>((resolve, reject) => {
        http
          .get({ agent, host: url.hostname, port: url.port, path: p, headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
            res.on('data', () => undefined);
            res.on('end', () => (res.statusCode === status ? resolve() : reject(new Error(`GET ${p} answered ${res.statusCode}, not ${status}`))));
          })
          .on('error', reject);
      });
    const layers: [string, (iccid: string) => Promise<unknown>][] = [
      ['SQL: card + latest cycle (one prepared statement)', (i) => store.cards.getWithUsage(i)],
      ['card service: SQL + view', (i) => service.get(i)],
      ['HTTP: GET /v1/cards/{iccid}', (i) => get(`/v1/cards/${i}`, 200)],
      ['HTTP: GET /v1/cards/{unknown} (404: one lookup, no view)', () => get(`/v1/cards/${UNKNOWN}`, 404)],
      ['HTTP: GET /v1/cards/{bad check digit} (400: no database)', () => get('/v1/cards/89860000000000000000', 400)],
    ];
    const rows: string[] = [];
    for (const [name, call] of layers) {
      for (const paceMs of [0, 20]) {
        const xs: number[] = [];
        for (let n = 0; n < requests; n++) {
          const t = performance.now();
          await call(ids[Math.floor(Math.random() * ids.length)]);
          xs.push(performance.now() - t);
          if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
        }
        xs.sort((a, b) => a - b);
        rows.push(`| ${name} | ${paceMs ? `one every ${paceMs} ms` : 'back to back'} | ${percentile(xs, 50)} | ${percentile(xs, 90)} | ${percentile(xs, 99)} |`);
        process.stderr.write(rows[rows.length - 1] + '\n');
      }
    }
    agent.destroy();
    process.stdout.write(`\n| layer | pace | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|---|\n${rows.join('\n')}\n`);
  } finally {
    await gateway.close();
    await sim.close();
    await store.close();
  }
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:api:layers: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
