/** Tables of the console API benchmark: every measured row, and per scenario what issue 6's targets give. */
import type { LoadResult } from './load';

/** Issue 6's targets: p99 at 50 concurrent clients. */
export const TARGET_P99_MS = { list: 50, card: 5 } as const;

/** Nearest-rank percentile of ascending values, rounded to 0.1 ms. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return Math.round(v * 10) / 10;
}

export type Measured = LoadResult & { what: string; mode: string; kind: 'list' | 'card'; cpuMsPerRequest: number };

export function table(results: Measured[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.mode} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.reqPerSec} | ${r.requests} | ${r.non2xx + r.errors + r.timeouts} | ${r.cpuMsPerRequest} | ${r.fromIssue?.p99 ?? '–'} | ${r.lag?.p99 ?? '–'} |`,
  );
  return [
    '| scenario | load | p50 ms | p90 ms | p99 ms | max ms | req/s | requests | errors | gateway CPU ms/req | p99 from issue ms | generator lag p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** An open-loop row meets the target when its p99 is under it, the offered rate was delivered (≥ 97 %) and nothing failed. */
export function meetsTarget(r: Measured): boolean {
  return r.rate > 0 && r.p99 < TARGET_P99_MS[r.kind] && r.reqPerSec >= 0.97 * r.rate && r.non2xx + r.errors + r.timeouts === 0;
}

/** The closed loop meets the target when its p99 is under it with no failures (its rate is whatever the server gives). */
function closedMeets(r: Measured): boolean {
  return r.p99 < TARGET_P99_MS[r.kind] && r.non2xx + r.errors + r.timeouts === 0;
}

export function summary(results: Measured[], connections: number): string {
  const names = [...new Set(results.map((r) => r.name))];
  const rows = names.map((name) => {
    const rs = results.filter((r) => r.name === name);
    const closed = rs.find((r) => r.rate === 0);
    const met = rs.filter(meetsTarget).map((r) => r.rate);
    const best = met.length ? Math.max(...met) : null;
    const target = TARGET_P99_MS[rs[0].kind];
    const swept = rs.filter((r) => r.rate > 0).map((r) => r.rate);
    const open = !swept.length ? 'no rate swept' : best === null ? `not met at any swept rate (lowest ${Math.min(...swept)} req/s)` : `${best} req/s`;
    const closedCells = closed ? `${closed.reqPerSec} | ${closed.p99} | ${closedMeets(closed) ? 'yes' : 'no'}` : '– | – | –';
    return `| ${name} | p99 < ${target} ms | ${closedCells} | ${open} |`;
  });
  return [
    `| scenario | target (${connections} clients) | closed-loop saturation req/s | closed-loop p99 ms | met closed loop | highest swept rate meeting the target |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
