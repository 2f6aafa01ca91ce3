import { Carrier, CardStatus, monthlyPlan, type CardRecord } from '@simgate/core';
import type { Store } from '@simgate/store';
import { backends } from '../../../test/support/backends';
import { countUpcomingLifecycle, registerLifecycleCollector } from './collectors';
import { SimgateMetrics } from './metrics';
import type { CarrierRuntime } from './runtime';

/**
 * `simgate_cards_lifecycle_upcoming`: cards force-activated or cancelled within the next 7 days, computed from
 * the stored cards with the core lifecycle forecast, in the platform's zone.
 */
const NOW = new Date('2026-11-25T00:00:00Z');
const CMCC = { accountId: 'cmcc-main', platform: 'cmcc-onelink', carrier: Carrier.CMCC };
const INTL = { accountId: 'intl-main', platform: 'intl-1nce', carrier: Carrier.OVERSEAS };

function card(iccid: string, over: Partial<CardRecord>): CardRecord {
  return {
    iccid,
    msisdn: null,
    imsi: null,
    imei: null,
    status: CardStatus.INVENTORY,
    suspendReason: null,
    suspendReasons: [],
    rawStatus: 'x',
    rawReason: null,
    activatedAt: null,
    openedAt: null,
    plan: monthlyPlan(100 * 1024 * 1024, 12),
    poolId: null,
    asOf: NOW,
    ...over,
  };
}

const runtime = {
  all: () => [
    { account: { id: 'cmcc-main' }, manifest: { zone: 'Asia/Shanghai' }, labels: { platform: 'cmcc-onelink', account: 'cmcc-main' } },
    { account: { id: 'intl-main' }, manifest: { zone: 'UTC' }, labels: { platform: 'intl-1nce', account: 'intl-main' } },
  ],
} as unknown as Pick<CarrierRuntime, 'all'>;

const sample = (text: string, account: string, event: string) => {
  const m = new RegExp(`^simgate_cards_lifecycle_upcoming\\{[^}]*account="${account}"[^}]*event="${event}"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe.each(backends())('lifecycle upcoming collector on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
    await store.accounts.upsert([
      { id: 'cmcc-main', platform: 'cmcc-onelink', carrier: Carrier.CMCC, baseUrl: 'http://x/' },
      { id: 'intl-main', platform: 'intl-1nce', carrier: Carrier.OVERSEAS, baseUrl: 'http://y/' },
      { id: 'gone', platform: 'cmcc-onelink', carrier: Carrier.CMCC, baseUrl: 'http://z/' },
    ]);
    await store.cards.upsert(
      CMCC,
      [
        // Opened 2026-05-10 (Shanghai): silent period ends 2026-11-10, forced activation 2026-12-01 00:00+08 (in 5.7 days).
        card('89860000000000000011', { openedAt: new Date('2026-05-10T03:00:00+08:00') }),
        // A TEST card: the stock buffer is 3 test months (the platform's assumption, the account declares none) + 6
        // silent: opened 2026-05-31 → forced 2027-03-01, too far; without the test months it would be 2026-12-01.
        card('89860000000000000012', { status: CardStatus.TEST, openedAt: new Date('2026-05-31T23:00:00+08:00') }),
        // Opened 2026-06-10: forced 2027-01-01, too far.
        card('89860000000000000013', { openedAt: new Date('2026-06-10T00:00:00+08:00') }),
        // Opened 2026-04-10: forced 2026-11-01, already past (the carrier is late): not upcoming.
        card('89860000000000000014', { openedAt: new Date('2026-04-10T00:00:00+08:00') }),
        // Opening unknown: nothing to forecast.
        card('89860000000000000015', { openedAt: null }),
        // Activated 2025-08-30 for 12 months: expired 2026-08-30, cancelled 90 days later on 2026-11-28.
        card('89860000000000000021', { status: CardStatus.DEACTIVATED, activatedAt: new Date('2025-08-30T10:00:00+08:00') }),
        card('89860000000000000022', { status: CardStatus.SUSPENDED, activatedAt: new Date('2025-08-30T10:00:00+08:00') }),
        // Already cancelled: never counted.
        card('89860000000000000023', { status: CardStatus.CANCELLED, activatedAt: new Date('2025-08-30T10:00:00+08:00') }),
        // No term stated: the platform's 12-month assumption, expired 2026-08-30, cancelled 2026-11-28 (an estimate).
        card('89860000000000000024', { status: CardStatus.DEACTIVATED, activatedAt: new Date('2025-08-30T10:00:00+08:00'), plan: monthlyPlan(1024, null) }),
        // Cancelled 2026-12-28: too far.
        card('89860000000000000025', { status: CardStatus.DEACTIVATED, activatedAt: new Date('2025-09-30T10:00:00+08:00') }),
      ],
      NOW,
    );
    await store.cards.upsert(
      INTL,
      [
        // Overseas: force-activated when the 6-month test period ends, 2026-11-27 (UTC); never cancelled.
        card('89440000000000000031', { status: CardStatus.TEST, openedAt: new Date('2026-05-27T12:00:00Z') }),
        card('89440000000000000032', { status: CardStatus.DEACTIVATED, activatedAt: new Date('2025-08-30T10:00:00Z') }),
      ],
      NOW,
    );
    // 1NCE gives no opening: a card never activated counts its test period from simgate's first sight, here
    // 2026-05-28 00:00Z → forced 2026-11-28 00:00Z (in 3 days). The same card first seen a week later is too far.
    await store.cards.upsert(INTL, [card('89440000000000000033', { status: CardStatus.INVENTORY, openedAt: null })], new Date('2026-05-28T00:00:00Z'));
    await store.cards.upsert(INTL, [card('89440000000000000034', { status: CardStatus.INVENTORY, openedAt: null })], new Date('2026-06-04T00:00:00Z'));
    // An account no longer configured is not exported.
    await store.cards.upsert({ ...CMCC, accountId: 'gone' }, [card('89860000000000000041', { openedAt: new Date('2026-05-10T03:00:00+08:00') })], NOW);
  });
  afterAll(() => store.close());

  it('counts forced activations and cancellations within 7 days, per account', async () => {
    const counts = await countUpcomingLifecycle(store, runtime, NOW);
    expect(Object.fromEntries(counts)).toEqual({
      'cmcc-main': { forced_activation: 1, cancellation: 3 },
      'intl-main': { forced_activation: 2, cancellation: 0 },
    });
  });

  it('gives the same counts in small pages', async () => {
    const counts = await countUpcomingLifecycle(store, runtime, NOW, 2);
    expect(counts.get('cmcc-main')).toEqual({ forced_activation: 1, cancellation: 3 });
    expect(counts.get('intl-main')).toEqual({ forced_activation: 2, cancellation: 0 });
  });

  it('the window moves with the clock: a week later those events are past', async () => {
    const counts = await countUpcomingLifecycle(store, runtime, new Date('2026-12-02T00:00:00Z'));
    expect(counts.get('cmcc-main')).toEqual({ forced_activation: 0, cancellation: 0 });
  });

  it('exports the gauge (zeros first), recomputes at most every interval, and never makes a scrape wait', async () => {
    const metrics = new SimgateMetrics({ defaultMetrics: false });
    let clock = NOW.getTime();
    const spy = jest.spyOn(store.db, 'query');
    const c = registerLifecycleCollector(metrics, store, runtime, { now: () => new Date(clock), everyMs: 60_000 });
    const first = await metrics.render();
    // The scrape did not wait for the count: zeros for every configured account and event.
    expect(sample(first, 'cmcc-main', 'forced_activation')).toBe(0);
    expect(sample(first, 'intl-main', 'cancellation')).toBe(0);
    await c.idle();
    const second = await metrics.render();
    expect(sample(second, 'cmcc-main', 'forced_activation')).toBe(1);
    expect(sample(second, 'cmcc-main', 'cancellation')).toBe(3);
    expect(sample(second, 'intl-main', 'forced_activation')).toBe(2);
    expect(second).not.toContain('account="gone"');
    const calls = spy.mock.calls.length;
    clock += 30_000;
    await metrics.render();
    await c.idle();
    expect(spy.mock.calls.length).toBe(calls);
    clock = new Date('2026-12-02T00:00:00Z').getTime();
    await metrics.render();
    await c.idle();
    expect(spy.mock.calls.length).toBeGreaterThan(calls);
    expect(sample(await metrics.render(), 'cmcc-main', 'forced_activation')).toBe(0);
    spy.mockRestore();
  });
});
