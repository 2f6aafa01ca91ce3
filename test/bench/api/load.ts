/**
 * The load generator of the console API benchmark, in its own process (forked by run.ts) so that autocannon
 * does not share the gateway's event loop. Receives one scenario over IPC, runs autocannon, sends the result back.
 */
import autocannon from 'autocannon';

export interface LoadJob {
  name: string;
  url: string;
  apiKey: string;
  connections: number;
  durationSeconds: number;
  /** Total requests per second over all connections (open loop); 0 = closed loop (each connection as fast as it can). */
  rate: number;
  /** Paths to request; each request picks one at random. */
  paths: string[];
}

export interface LoadResult {
  name: string;
  rate: number;
  requests: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function run(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const pick = () => job.paths[Math.floor(Math.random() * job.paths.length)];
    autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.durationSeconds,
        ...(job.rate > 0 ? { overallRate: job.rate } : {}),
        headers: { authorization: `Bearer ${job.apiKey}` },
        requests: [
          {
            method: 'GET',
            setupRequest: (req: Record<string, unknown>) => ({ ...req, path: pick() }),
          },
        ],
      },
      (err: Error | null, r: autocannon.Result) => {
        if (err) return reject(err);
        resolve({
          name: job.name,
          rate: job.rate,
          requests: r.requests.total,
          reqPerSec: Math.round(r.requests.average),
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
          max: r.latency.max,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
        });
      },
    );
  });
}

process.once('message', (job: LoadJob) => {
  run(job).then(
    (r) => process.send!(r, () => process.exit(0)),
    (e: unknown) => {
      process.stderr.write(`load: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
});
