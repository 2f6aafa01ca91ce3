import type { NestExpressApplication } from '@nestjs/platform-express';
import { SimClock } from '@simgate/mocks';
import { oneLinkGroupIds, type OneLinkSimulator } from '@simgate/mocks/cmcc-onelink';
import type { StoredCard } from '@simgate/store';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { expectedDiagnosis, expectedLifecycle, PLATFORM_FACTS } from '../support/lifecycle-oracle';
import { startStack, waitForFullSync, type Stack } from '../support/stack';

/**
 * Issue 17's "done when": every card of the bundled simulators (the seeded fleets `npm start` serves: 500 cards per
 * platform, seed 42), synced over real HTTP, shows in its card JSON the forecast and in its diagnosis the advice
 * that domain.md gives — checked card by card against test/support/lifecycle-oracle.ts, which is written from
 * domain.md without libs/core or the gateway. `npm start`'s OneLink fleet of 500 cards was opened 18 and 36 months
 * ago (its blocks of 256 cards open in order over 36 months) and holds no card still silent: a second walk over
 * 1,200 cards per platform (SIMGATE_DEMO_CARDS=1200) adds OneLink's TEST and INVENTORY cards.
 */
const FLEETS = [
  { name: 'npm start (500 cards per platform, seed 42)', cards: 500, seed: 42 },
  { name: 'SIMGATE_DEMO_CARDS=1200 (seed 42)', cards: 1200, seed: 42 },
];
const NOW = '2026-11-20T10:00:00+08:00';
const KEY = 'lifecycle-key';
const PLATFORMS = Object.keys(PLATFORM_FACTS);

/** The parts of the card JSON the walk reads. */
interface CardJson {
  iccid: string;
  openedAt: string | null;
  expiresAt: string | null;
  usage: { remainingBytes: number | null } | null;
  recovery: { action: string; liftsAtNextCycle: boolean } | null;
  forecast: Record<'testEndsAt' | 'testEndsBy' | 'forcedActivationAt' | 'expiresAt' | 'cancellationAt', string | null> & { basis: unknown };
}

/** Every status:raw status seen, per platform, over the walks. */
const seen = new Map<string, Set<string>>();

describe.each(FLEETS)('every card of the bundled simulators, $name: forecast and diagnosis as domain.md gives them', ({ cards: CARDS, seed: SEED }) => {
  let stack: Stack;
  let app: NestExpressApplication;
  let base: string;
  let clock: SimClock;
  let cards: StoredCard[];
  const views = new Map<string, CardJson>();

  async function get<T>(path: string): Promise<T> {
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${KEY}` } });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    clock = SimClock.fixed(NOW);
    stack = await startStack({
      cards: CARDS,
      seed: SEED,
      clock,
      quotaFactor: 20,
      // The pool group ids `npm start` writes for its bundled OneLink simulator.
      accountOptions: (sims) => ({ 'cmcc-main': { groupIds: oneLinkGroupIds(sims.get<OneLinkSimulator>('cmcc-onelink').fleet) } }),
    });
    await stack.simgate.scheduler.kickOff();
    await waitForFullSync(stack.simgate, 240_000);
    app = await createGateway(stack.simgate, { apiKeys: [KEY], metricsToken: null, worker: false, now: () => clock.now() });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    cards = [];
    for (let after: string | null = null; ; ) {
      const page = await stack.simgate.store.cards.list({}, 1000, after);
      if (!page.length) break;
      cards.push(...page.filter((c) => PLATFORMS.includes(c.platform)));
      after = page[page.length - 1].iccid;
    }
    for (let cursor: string | null = null; ; ) {
      const page: { items: CardJson[]; nextCursor: string | null } = await get(`/v1/cards?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      for (const v of page.items) views.set(v.iccid, v);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    for (const c of cards) (seen.get(c.platform) ?? seen.set(c.platform, new Set()).get(c.platform)!).add(`${c.status}:${c.rawStatus}`);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await stack?.close();
  });

  it('every card of the fleets is there', () => {
    expect(cards.length).toBe(CARDS * PLATFORMS.length);
  });

  it('the card JSON: openedAt and every forecast date with its basis, for every card', () => {
    const now = clock.now();
    const mismatches: unknown[] = [];
    for (const c of cards) {
      const v = views.get(c.iccid);
      // simgate first stored every card during the first sync, on the fixed clock: the first sight is NOW.
      const want = expectedLifecycle(c, now, now);
      const got = v ? { openedAt: v.openedAt, testEndsAt: v.forecast.testEndsAt, testEndsBy: v.forecast.testEndsBy, forcedActivationAt: v.forecast.forcedActivationAt, expiresAt: v.forecast.expiresAt, cancellationAt: v.forecast.cancellationAt, basis: v.forecast.basis } : null;
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ iccid: c.iccid, platform: c.platform, status: c.status, raw: c.rawStatus, got, want });
      if (v && v.expiresAt !== v.forecast.expiresAt) mismatches.push({ iccid: c.iccid, expiresAt: v.expiresAt, forecast: v.forecast.expiresAt });
      // The card's recovery: the 90-day cancellation only for Chinese carriers; a lifetime volume never lifts at the next cycle.
      if (v?.recovery && !PLATFORM_FACTS[c.platform].chinese && /90/.test(v.recovery.action)) mismatches.push({ iccid: c.iccid, recovery: v.recovery });
      if (v?.recovery && c.plan?.kind === 'LIFETIME' && v.recovery.liftsAtNextCycle) mismatches.push({ iccid: c.iccid, recovery: v.recovery });
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches.length).toBe(0);
  });

  it('the diagnosis of every card: steps, status, failing checks, operations the platform offers, carrier-limited rules', async () => {
    const mismatches: unknown[] = [];
    const note = (iccid: string, what: string, detail: unknown) => mismatches.push({ iccid, what, detail });
    for (const c of cards) {
      const v = views.get(c.iccid)!;
      const d = await get<{ verdict: string; checks: { step: number; check: string; result: string; detail: string; action: string | null }[] }>(`/v1/cards/${c.iccid}/diagnosis`);
      const want = expectedDiagnosis({ ...c, usage: v.usage, cancellationAt: v.forecast.cancellationAt, suspendReasons: c.suspendReasons });
      const checks = d.checks;
      const steps = [...new Set(checks.map((x) => x.step))];
      if (JSON.stringify(steps) !== JSON.stringify(want.steps)) note(c.iccid, 'steps', steps);
      const status = checks.find((x) => x.check === 'card status');
      if (status?.result !== want.statusResult) note(c.iccid, 'status result', [c.platform, c.status, status?.result, want.statusResult]);
      if (want.statusAction && !want.statusAction.test(status?.action ?? '')) note(c.iccid, 'status action', [c.platform, c.status, c.suspendReasons, status?.action]);
      for (const name of want.failing) if (!checks.some((x) => x.check === name && x.result === 'FAIL')) note(c.iccid, `${name} should fail`, [c.suspendReasons, c.rawReason]);
      for (const x of checks) {
        const text = `${x.detail} ${x.action ?? ''}`;
        for (const m of text.matchAll(/POST \/v1\/operations type (\w+)/g)) if (!want.operations.includes(m[1])) note(c.iccid, 'operation not offered', [c.platform, m[1]]);
        for (const re of want.forbidden) if (re.test(text)) note(c.iccid, 'forbidden advice', [c.platform, x.check, text]);
      }
      const allowance = checks.find((x) => x.check === 'data allowance')?.result ?? null;
      if (allowance !== want.allowance) note(c.iccid, 'allowance', [c.platform, c.plan?.kind, v.usage?.remainingBytes, allowance, want.allowance]);
      const verdict = checks.some((x) => x.result === 'FAIL') ? 'FAIL' : checks.some((x) => x.result === 'WARN') ? 'WARN' : 'PASS';
      if (d.verdict !== verdict) note(c.iccid, 'verdict', d.verdict);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches.length).toBe(0);
  }, 300_000);
});

it('the walks met every status the rules distinguish, on every platform', () => {
  const statuses = (p: string) => new Set([...(seen.get(p) ?? [])].map((s) => s.split(':')[0]));
  for (const p of ['cmcc-onelink', 'cucc-jasper', 'ctcc-cmp']) {
    for (const s of ['TEST', 'INVENTORY', 'ACTIVE', 'SUSPENDED', 'DEACTIVATED', 'CANCELLED']) {
      if (p === 'ctcc-cmp' && s === 'DEACTIVATED') continue; // CTCC has no raw status for an expired plan (carriers.md §5).
      expect({ p, s, present: statuses(p).has(s) }).toEqual({ p, s, present: true });
    }
  }
  for (const s of ['INVENTORY', 'ACTIVE', 'SUSPENDED', 'DEACTIVATED']) expect({ s, present: statuses('intl-1nce').has(s) }).toEqual({ s, present: true });
  // CTCC cards past their test period (raw 3): the buffer with test months.
  expect(seen.get('ctcc-cmp')!.has('INVENTORY:3')).toBe(true);
});
