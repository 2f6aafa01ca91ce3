/**
 * Import benchmark (issue 14): one order list of N rows (default 500,000; valid ICCIDs, a third with an MSISDN,
 * one row in 10,000 rejected) posted to the gateway as a stream, then followed as a job to its end. The gateway,
 * the worker and this client run in one process (the client generates the body as it sends it, so it holds no
 * copy); the embedded queue runs the job.
 *
 * Reports: the upload (POST to its 202: receiving and storing the chunks), the job (202 to completed: validating,
 * writing cards and rejected rows, one transaction per 5,000-row chunk), rows/s, and the process memory:
 * RSS and V8 heap in use at the start (after a GC), their peaks sampled every 25 ms in each phase, and the peak of
 * the live heap (after a full GC forced every 500 ms; this slows the phases a little).
 *
 *   DATABASE_URL=postgres://… npm run bench:imports -- [--rows 500000]
 *
 * Without DATABASE_URL the store is PGlite in memory. PostgreSQL runs in a fresh schema, dropped afterwards.
 */
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { createGateway } from '../../../apps/gateway/src/bootstrap';
import { startStack } from '../../support/stack';

function luhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The list as a stream of 1,000-line pieces. */
function list(rows: number): Readable {
  let i = 0;
  return Readable.from(
    (function* () {
      yield 'iccid,msisdn\n';
      while (i < rows) {
        const part: string[] = [];
        for (let k = 0; k < 1000 && i < rows; k++, i++) {
          const iccid = luhn(`8986${String(70_000_000 + i).padStart(14, '0')}`);
          const row = i % 10_000 === 9 ? `${iccid.slice(0, -1)}x` : i % 3 === 0 ? `${iccid},86139${String(i).padStart(8, '0')}` : iccid;
          part.push(row);
        }
        yield part.join('\n') + '\n';
      }
    })(),
  );
}

const mb = (b: number) => Math.round(b / 1048576);

/**
 * Peaks of RSS and heap in use sampled every 25 ms, and of the live heap: the heap in use right after a full GC,
 * forced every 500 ms (what the phase really holds, not the garbage a lazy collector leaves).
 */
function sampler() {
  let rss = 0;
  let heap = 0;
  let live = 0;
  let n = 0;
  const t = setInterval(() => {
    if (++n % 20 === 0 && global.gc) {
      global.gc();
      live = Math.max(live, process.memoryUsage().heapUsed);
    }
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 25);
  return { stop: () => (clearInterval(t), { rssMB: mb(rss), heapMB: mb(heap), liveHeapMB: mb(live) }) };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--rows');
  const rows = i > 0 ? Number(process.argv[i + 1]) : 500_000;
  const stack = await startStack({ cards: 10, databaseUrl: process.env.DATABASE_URL ?? null });
  const app = await createGateway(stack.simgate, { apiKeys: ['bench'], metricsToken: null, worker: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  try {
    global.gc?.();
    const start = process.memoryUsage();
    let s = sampler();
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/accounts/intl-main/cards:import`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'text/csv' },
      body: Readable.toWeb(list(rows)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const job = (await res.json()) as { id: string; state: string };
    const t1 = performance.now();
    const upload = s.stop();
    if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${JSON.stringify(job)}`);
    s = sampler();
    let last: Record<string, unknown>;
    for (;;) {
      const r = await fetch(`${url}/v1/imports/${job.id}`, { headers: { authorization: 'Bearer bench' } });
      last = (await r.json()) as Record<string, unknown>;
      if (last.state === 'completed' || last.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const t2 = performance.now();
    const run = s.stop();
    const out = {
      store: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      rows,
      state: last.state,
      accepted: last.accepted,
      rejected: last.rejectedCount,
      uploadSeconds: Math.round(t1 - t0) / 1000,
      jobSeconds: Math.round(t2 - t1) / 1000,
      rowsPerSecond: Math.round((rows / (t2 - t0)) * 1000),
      startMB: { rss: mb(start.rss), heap: mb(start.heapUsed) },
      uploadPeakMB: upload,
      jobPeakMB: run,
    };
    console.log(JSON.stringify(out));
  } finally {
    await app.close();
    await stack.close();
    if (stack.schema && process.env.DATABASE_URL) {
      const pg = new Client({ connectionString: process.env.DATABASE_URL });
      await pg.connect();
      await pg.query(`DROP SCHEMA IF EXISTS ${stack.schema} CASCADE`).catch(() => undefined);
      await pg.end();
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
