/**
 * The open-loop load of the console API benchmark (see load.ts for why not autocannon's `overallRate`):
 * requests at evenly spaced instants, 1 / rate apart, over at most `connections` keep-alive connections;
 * each latency runs from the request's scheduled instant, so waiting for a free connection counts.
 */
import * as http from 'node:http';
import type { LoadJob, LoadResult } from './load';
import { percentile } from './report';

export function openLoop(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections, maxFreeSockets: job.connections });
  const pick = () => job.paths[Math.floor(Math.random() * job.paths.length)];
  const headers = { authorization: `Bearer ${job.apiKey}` };
  const latencies: number[] = [];
  /** From the instant the generator issued the request (its own timer lateness left out; a wait for a free connection still in). */
  const fromIssue: number[] = [];
  /** How late the generator's timer issued each request after its scheduled instant. */
  const lags: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let started = 0;
  let finished = 0;
  let lastEnd = 0;
  const intervalMs = 1000 / job.rate;
  const t0 = performance.now();
  const end = t0 + job.durationSeconds * 1000;
  let next = t0;
  let scheduling = true;
  return new Promise((resolve) => {
    const settle = () => {
      if (scheduling || finished < started) return;
      agent.destroy();
      for (const xs of [latencies, fromIssue, lags]) xs.sort((a, b) => a - b);
      resolve({
        name: job.name,
        rate: job.rate,
        requests: latencies.length,
        reqPerSec: Math.round(latencies.length / ((lastEnd - t0) / 1000)),
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: percentile(latencies, 100),
        fromIssue: { p50: percentile(fromIssue, 50), p90: percentile(fromIssue, 90), p99: percentile(fromIssue, 99) },
        lag: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: percentile(lags, 100) },
        non2xx,
        errors,
        timeouts,
      });
    };
    const fire = (scheduled: number) => {
      started++;
      const issued = performance.now();
      lags.push(issued - scheduled);
      let done = false;
      const finish = (outcome: 'ok' | 'non2xx' | 'error' | 'timeout') => {
        if (done) return;
        done = true;
        finished++;
        lastEnd = performance.now();
        if (outcome === 'ok') {
          latencies.push(lastEnd - scheduled);
          fromIssue.push(lastEnd - issued);
        }
        else if (outcome === 'non2xx') non2xx++;
        else if (outcome === 'timeout') timeouts++;
        else errors++;
        settle();
      };
      const req = http.request({ agent, host: url.hostname, port: url.port, path: pick(), method: 'GET', headers, timeout: 10_000 }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => finish(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : 'non2xx'));
        res.on('error', () => finish('error'));
      });
      req.on('timeout', () => {
        finish('timeout');
        req.destroy();
      });
      req.on('error', () => finish('error'));
      req.end();
    };
    const tick = () => {
      const now = performance.now();
      while (next <= now && next < end) {
        fire(next);
        next += intervalMs;
      }
      if (next < end) setTimeout(tick, Math.max(0, next - performance.now()));
      else {
        scheduling = false;
        settle();
      }
    };
    tick();
  });
}
