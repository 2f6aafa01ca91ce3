/**
 * CPU cost of one card view (the JSON of GET /v1/cards and /v1/cards/{iccid}) and of its lifecycle part, in
 * process, no database: a page of cards of every platform and status (the rows of the lifecycle table) viewed
 * over and over. `explainLifecycle` (the forecast with its bases: platform facts, account declarations) is timed
 * against the bare `forecastLifecycle` the view called before issue 17, and the whole view against both.
 *
 *   node -r @swc-node/register test/bench/api/card-view.ts [--views 200000]
 */
import { explainLifecycle, forecastLifecycle, zoneOf } from '@simgate/core';
import { NOW, ROWS, viewOf } from '../../../apps/gateway/src/cards/card-view.lifecycle-rows';

function time(label: string, n: number, f: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(n, 20_000); i++) sink += f(i) ? 1 : 0; // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += f(i) ? 1 : 0;
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  process.stdout.write(`${label.padEnd(48)} ${us.toFixed(2)} µs per card${sink < 0 ? '!' : ''}\n`);
  return us;
}

function main(): void {
  const argv = process.argv.slice(2);
  const n = argv.includes('--views') ? Number(argv[argv.indexOf('--views') + 1]) : 200_000;
  const rows = Object.values(ROWS);
  // The stored cards and contexts the view sees, built once (the view's input, as the service hands it over).
  const inputs = rows.map((row) => ({ row, v: viewOf(row) }));
  const old = (i: number) => {
    const { v, row } = inputs[i % inputs.length];
    return forecastLifecycle(
      { carrier: v.carrier, zone: zoneOf(v), status: v.status, openedAt: row.opened ? new Date(row.opened) : null, testMonths: null, testUsedBytes: null, activatedAt: row.activated ? new Date(row.activated) : null, termMonths: row.plan?.termMonths ?? null },
      NOW,
    );
  };
  const explained = (i: number) => {
    const { v, row } = inputs[i % inputs.length];
    return explainLifecycle(
      { carrier: v.carrier, status: v.status, rawStatus: row.raw, openedAt: row.opened ? new Date(row.opened) : null, activatedAt: row.activated ? new Date(row.activated) : null, plan: row.plan ?? null, firstSeenAt: row.firstSeen ? new Date(row.firstSeen) : null },
      zoneOf(v),
      NOW,
      undefined,
      row.declared,
    );
  };
  process.stdout.write(`${rows.length} card kinds, ${n} views per measure\n`);
  const a = time('forecastLifecycle (before issue 17)', n, old);
  const b = time('explainLifecycle (forecast + bases)', n, explained);
  const c = time('whole card view (cardView + ISO formatting)', n, (i) => viewOf(rows[i % rows.length]));
  process.stdout.write(`lifecycle cost added per card: ${(b - a).toFixed(2)} µs; per page of 100: ${((b - a) * 100 / 1000).toFixed(3)} ms; share of a view: ${((b / c) * 100).toFixed(0)} %\n`);
}

main();
