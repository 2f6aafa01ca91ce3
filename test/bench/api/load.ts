/**
 * The load generator of the console API benchmark, in its own process (forked by run.ts) so that it does not
 * share the gateway's event loop. Receives one scenario over IPC, runs it, sends the result back.
 *
 * Closed loop (rate 0): autocannon, each connection sending its next request when it has the answer.
 * Open loop (rate > 0): our own scheduler, not autocannon's `overallRate`. autocannon gives each connection a
 * budget of requests per second, refilled by a 1-second timer, so a "fixed rate" is sent as one burst per second
 * (100 req/s = 100 requests at once, then nothing), and it "corrects" latencies with an expected interval of
 * ceil(1 / rate) = 1 ms, which adds value − 1 synthetic samples per response: both inflate p99 far beyond what
 * a console sees at that rate. Here requests are scheduled at evenly spaced instants (1 / rate apart) and sent over
 * at most `connections` keep-alive connections; a request's latency runs from its scheduled instant, so time
 * spent waiting for a free connection (all 50 busy) counts — no coordinated omission.
 */
import autocannon from 'autocannon';
import { openLoop } from './open-loop';

export interface LoadJob {
  name: string;
  url: string;
  apiKey: string;
  connections: number;
  durationSeconds: number;
  /** Total requests per second over all connections, evenly spaced (open loop); 0 = closed loop (each connection as fast as it can). */
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
  /** Open loop only: latency from the instant the generator issued the request (see open-loop.ts). */
  fromIssue?: { p50: number; p90: number; p99: number };
  /** Open loop only: how late the generator's own timer issued requests after their scheduled instants. */
  lag?: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

function run(job: LoadJob): Promise<LoadResult> {
  if (job.rate > 0) return openLoop(job);
  return new Promise((resolve, reject) => {
    const pick = () => job.paths[Math.floor(Math.random() * job.paths.length)];
    autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.durationSeconds,
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
