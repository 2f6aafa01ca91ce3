/**
 * Events benchmark, at the store level on PostgreSQL: what writing events in the transaction of their change costs
 * a usage sweep. One write of N cards' cycle usage (`store.usage.upsertCycles`, 1,000 cards per transaction),
 * every card at 85 % of its quota:
 *
 *   on  — with the feed argument, the account's snapshot done (a row in feed_accounts) and thresholds [80, 100]:
 *         each card crosses 80 %, so the write marks the threshold on the card's cycle row and appends one
 *         `card.usage_threshold_crossed` event per card (N events), counted by `simgate_events_total` as simgate does;
 *   off — the same write without the feed argument (no thresholds, no events);
 *   marks — (with --marks) the feed argument for an account whose snapshot is not done: the thresholds are marked
 *         on the cycle rows but no event is written, which splits the cost of `on` into marking and events.
 *
 * Both modes write N new cycle rows (fresh ICCIDs per run) into the same tables, alternating over the rounds
 * (on/off, then off/on, …). Reports per run: wall time, cards/s, events written/s, the on/off time ratio, the
 * growth of the events table (pg_total_relation_size, indexes and TOAST included) and of usage_cycles, and the
 * process RSS (after the run, and the peak sampled every 50 ms during it).
 *
 * Then the delivery phase (deliver.ts; skipped with --no-deliver): a webhook for every event type pointing at a local
 * receiver (receiver.ts, a child process answering 204), the real dispatcher started as `Simgate.startWorker()`
 * starts it, and a burst of N events written by one more `on` write: time until all delivered, deliveries/s, delivery
 * lag p50/p99/max, outbox peaks, webhook_deliveries + webhook_attempts growth, RSS peak, every event id received
 * exactly once. `--dispatchers 1,2` runs it once per count (2: two dispatchers in this process).
 *
 *   DATABASE_URL=postgres://… npm run bench:events -- [--cards 100000] [--rounds 3] [--marks]
 *     [--no-deliver] [--dispatchers 1] [--concurrency 16] [--pool 10]
 *
 * Runs in a fresh schema, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Carrier, type UsageSnapshot } from '@simgate/core';
import { Store } from '@simgate/store';
import { SimgateMetrics } from '@simgate/sync';
import { countCommittedEvents } from '../../../libs/sync/src/sync-late';
import { deliveryPhase, startReceiver, type DeliveryResult } from './deliver';

interface Args {
  cards: number;
  rounds: number;
  marks: boolean;
  deliver: boolean;
  dispatchers: number[];
  concurrency: number;
  pool: number;
}

function parse(argv: string[]): Args {
  const a: Args = { cards: 100_000, rounds: 3, marks: false, deliver: true, dispatchers: [1], concurrency: 16, pool: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--marks') {
      a.marks = true;
      i--;
    } else if (k === '--no-deliver') {
      a.deliver = false;
      i--;
    } else if (k === '--dispatchers') a.dispatchers = v.split(',').map(Number);
    else if (k === '--concurrency') a.concurrency = Number(v);
    else if (k === '--pool') a.pool = Number(v);
    else if (k === '--cards') a.cards = Number(v);
    else if (k === '--rounds') a.rounds = Number(v);
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const ACCOUNT = { id: 'bench-cmcc', platform: 'cmcc-onelink' };
const QUOTA = 100 * 1024 * 1024;
const CYCLE_START = new Date('2026-11-01T00:00:00+08:00');
const CYCLE_END = new Date('2026-12-01T00:00:00+08:00');
const AS_OF = new Date('2026-11-20T00:00:00+08:00');
const AT = new Date('2026-11-20T10:00:00+08:00');

/** 19-digit ICCIDs, distinct per run. */
const iccid = (run: number, i: number) => `8986${String(run).padStart(3, '0')}${String(i).padStart(12, '0')}`;

function snapshots(run: number, n: number): UsageSnapshot[] {
  const used = Math.round(QUOTA * 0.85);
  return Array.from({ length: n }, (_, i) => ({
    iccid: iccid(run, i),
    usedBytes: used + (i % 1000),
    quotaBytes: QUOTA,
    remainingBytes: QUOTA - used - (i % 1000),
    cycleStart: CYCLE_START,
    cycleEnd: CYCLE_END,
    asOf: AS_OF,
    raw: { dataUsage: String(used + (i % 1000)), unit: 'B' },
  }));
}

type Mode = 'on' | 'off' | 'marks';

interface RunResult {
  round: number;
  mode: Mode;
  seconds: number;
  cardsPerSecond: number;
  events: number;
  eventsPerSecond: number;
  eventsTableGrowth: number;
  usageTableGrowth: number;
  rssAfter: number;
  rssPeak: number;
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

async function size(store: Store, table: string): Promise<number> {
  const r = await store.db.query<{ n: string }>(`SELECT pg_total_relation_size($1::regclass)::text AS n`, [table]);
  return Number(r.rows[0].n);
}

async function main() {
  const a = parse(process.argv.slice(2));
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set: this benchmark runs on PostgreSQL');
  const schema = `bench_events_${randomBytes(4).toString('hex')}`;
  const store = await Store.open({ databaseUrl: process.env.DATABASE_URL, schema, maxConnections: a.pool });
  const metrics = new SimgateMetrics({ defaultMetrics: false });
  countCommittedEvents(metrics, store);
  const results: RunResult[] = [];
  try {
    await store.accounts.upsert([{ id: ACCOUNT.id, platform: ACCOUNT.platform, carrier: Carrier.CMCC, baseUrl: 'http://bench/' }]);
    await store.accounts.upsert([{ id: `${ACCOUNT.id}-nosnap`, platform: ACCOUNT.platform, carrier: Carrier.CMCC, baseUrl: 'http://bench/' }]);
    await store.db.query(`INSERT INTO feed_accounts (account_id, snapshot_at) VALUES ($1, $2)`, [ACCOUNT.id, AT]);
    const feed = { accountId: ACCOUNT.id, platform: ACCOUNT.platform, thresholds: [80, 100] };
    const feedOf = (mode: Mode) =>
      mode === 'on' ? feed : mode === 'marks' ? { ...feed, accountId: `${ACCOUNT.id}-nosnap` } : undefined;
    let run = 0;
    for (let round = 1; round <= a.rounds; round++) {
      const modes: Mode[] = a.marks ? ['on', 'off', 'marks'] : ['on', 'off'];
      const order: Mode[] = round % 2 ? modes : [...modes].reverse();
      for (const mode of order) {
        run++;
        const snaps = snapshots(run, a.cards);
        global.gc?.();
        const ev0 = await size(store, 'events');
        const us0 = await size(store, 'usage_cycles');
        let peak = process.memoryUsage().rss;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
        const t0 = performance.now();
        const out = await store.usage.upsertCycles(snaps, AT, feedOf(mode));
        const seconds = (performance.now() - t0) / 1000;
        clearInterval(sampler);
        const rssAfter = process.memoryUsage().rss;
        peak = Math.max(peak, rssAfter);
        const ev1 = await size(store, 'events');
        const us1 = await size(store, 'usage_cycles');
        if (out.written !== a.cards) throw new Error(`${mode}: wrote ${out.written} of ${a.cards}`);
        if (out.crossed !== (mode === 'on' ? a.cards : 0)) throw new Error(`${mode}: ${out.crossed} events, expected ${mode === 'on' ? a.cards : 0}`);
        const r: RunResult = {
          round,
          mode,
          seconds,
          cardsPerSecond: a.cards / seconds,
          events: out.crossed,
          eventsPerSecond: out.crossed / seconds,
          eventsTableGrowth: ev1 - ev0,
          usageTableGrowth: us1 - us0,
          rssAfter,
          rssPeak: peak,
        };
        results.push(r);
        console.log(
          `round ${round} ${mode.padEnd(5)} ${seconds.toFixed(2)} s  ${Math.round(r.cardsPerSecond)} cards/s  ${Math.round(r.eventsPerSecond)} events/s  ` +
            `events +${mb(r.eventsTableGrowth)} MB  usage_cycles +${mb(r.usageTableGrowth)} MB  RSS ${mb(rssAfter)} MB (peak ${mb(peak)} MB)`,
        );
      }
    }
    const counted = (await metrics.registry.getSingleMetric('simgate_events_total')!.get()).values.find((v) => v.labels.type === 'card.usage_threshold_crossed')?.value ?? 0;
    const stored = Number((await store.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM events`)).rows[0].n);

    const on = results.filter((r) => r.mode === 'on');
    const off = results.filter((r) => r.mode === 'off');
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    console.log('\nround  on (s)  off (s)  on/off');
    for (let round = 1; round <= a.rounds; round++) {
      const x = on.find((r) => r.round === round)!;
      const y = off.find((r) => r.round === round)!;
      console.log(`${String(round).padStart(5)}  ${x.seconds.toFixed(2).padStart(6)}  ${y.seconds.toFixed(2).padStart(7)}  ${(x.seconds / y.seconds).toFixed(2).padStart(6)}`);
    }
    const summary = {
      cards: a.cards,
      rounds: a.rounds,
      onSecondsMedian: median(on.map((r) => r.seconds)),
      offSecondsMedian: median(off.map((r) => r.seconds)),
      ratioMedian: median(on.map((r) => r.seconds / off.find((o) => o.round === r.round)!.seconds)),
      eventsPerSecondMedian: median(on.map((r) => r.eventsPerSecond)),
      eventsTableBytesPerEvent: median(on.map((r) => r.eventsTableGrowth / r.events)),
      eventsTableGrowthMB: median(on.map((r) => r.eventsTableGrowth)) / 1024 / 1024,
      usageTableGrowthOnMB: median(on.map((r) => r.usageTableGrowth)) / 1024 / 1024,
      usageTableGrowthOffMB: median(off.map((r) => r.usageTableGrowth)) / 1024 / 1024,
      rssPeakOnMB: Math.max(...on.map((r) => r.rssPeak)) / 1024 / 1024,
      rssPeakOffMB: Math.max(...off.map((r) => r.rssPeak)) / 1024 / 1024,
      ...(a.marks
        ? {
            marksSecondsMedian: median(results.filter((r) => r.mode === 'marks').map((r) => r.seconds)),
            usageTableGrowthMarksMB: median(results.filter((r) => r.mode === 'marks').map((r) => r.usageTableGrowth)) / 1024 / 1024,
          }
        : {}),
      eventsStored: stored,
      eventsCounted: counted,
    };
    console.log('\n' + JSON.stringify(summary, null, 2));

    if (a.deliver) {
      const receiver = await startReceiver();
      const deliveries: DeliveryResult[] = [];
      try {
        for (const dispatchers of a.dispatchers) {
          run++;
          const snaps = snapshots(run, a.cards);
          const d = await deliveryPhase(store, receiver, () => store.usage.upsertCycles(snaps, AT, feed), {
            cards: a.cards,
            dispatchers,
            concurrency: a.concurrency,
            verifyEvery: 100,
            timeoutSeconds: 900,
          });
          deliveries.push(d);
          console.log(
            `\ndelivery, ${dispatchers} dispatcher(s) × ${a.concurrency} in flight: ${d.events} events written in ${d.writeSeconds.toFixed(2)} s, ` +
              `all delivered after ${d.allDeliveredSeconds.toFixed(1)} s (${d.drainAfterWriteSeconds.toFixed(1)} s after the write), ${Math.round(d.deliveriesPerSecond)} deliveries/s`,
          );
          console.log(
            `  lag p50 ${(d.lagP50Ms / 1000).toFixed(2)} s  p99 ${(d.lagP99Ms / 1000).toFixed(2)} s  max ${(d.lagMaxMs / 1000).toFixed(2)} s  ` +
              `(metric: mean ${(d.metricLagMeanMs / 1000).toFixed(2)} s, p50 ${d.metricLagP50Bucket}, p99 ${d.metricLagP99Bucket})`,
          );
          console.log(
            `  outbox peak ${d.outboxPendingPeak} pending deliveries, ${d.undeliveredPeak} events not delivered yet; webhook_deliveries +${mb(d.deliveriesTableGrowth)} MB, ` +
              `webhook_attempts +${mb(d.attemptsTableGrowth)} MB (${Math.round(d.bytesPerDelivery)} B/delivery); RSS ${d.rssBeforeMB.toFixed(1)} → peak ${d.rssPeakMB.toFixed(1)} MB, CPU ${d.cpuSeconds.toFixed(1)} s`,
          );
          console.log(
            `  received ${d.received} ids in ${d.requests} requests: ${d.missing} missing, ${d.duplicates} duplicates, ${d.unexpected} unexpected; ` +
              `signatures verified ${d.signaturesVerified}, failed ${d.signaturesFailed}`,
          );
          if (d.missing || d.duplicates || d.unexpected || d.signaturesFailed) throw new Error('delivery: not every event exactly once, or a bad signature');
        }
      } finally {
        receiver.close();
      }
      console.log('\n' + JSON.stringify({ delivery: deliveries }, null, 2));
    }
  } finally {
    await store.db.query(`DROP SCHEMA ${schema} CASCADE`).catch((e) => console.error(`could not drop schema ${schema}: ${String(e)}`));
    await store.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
