import type { AdapterManifest, QuotaManifest } from '@simgate/core';
import { AccountLimiter, DEFAULT_MAX_IN_FLIGHT, matches } from './account-limiter';
import { MemoryInFlightLimiter, type InFlightLimiter } from './in-flight';
import { MemoryWindowLimiter, type WindowLimiter, type WindowQuota } from './window-limiter';
import { quotaManifest } from '../testing/quotas';

function manifest(quotas: Partial<QuotaManifest> = {}): AdapterManifest {
  return quotaManifest({
    account: { points: 10, durationSeconds: 1 },
    maxInFlight: null,
    endpoints: [
      { match: 'change/*', points: 1, durationSeconds: 1, perEndpoint: true },
      { match: 'query/*', points: 5, durationSeconds: 1, perEndpoint: false },
      { match: 'token', points: 600, durationSeconds: 60, perEndpoint: false },
    ],
    ...quotas,
  });
}

/** A fake clock whose sleep advances it. */
function clock(start = 1_000_000) {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

const exact = { marginMs: 0, marginShare: 0 };

describe('matches', () => {
  it('matches exact classes and prefixes ending in *', () => {
    const rule = { match: 'change/*', points: 1, durationSeconds: 1, perEndpoint: true };
    expect(matches(rule, 'change/status')).toBe(true);
    expect(matches(rule, 'change')).toBe(false);
    expect(matches({ ...rule, match: 'token' }, 'token')).toBe(true);
    expect(matches({ ...rule, match: 'token' }, 'token/refresh')).toBe(false);
  });
});

describe('AccountLimiter.quotasFor', () => {
  const limiter = (options = {}, account: { id: string; quotas?: { requestsPerSecond?: number; maxInFlight?: number } } = { id: 'a' }, m = manifest()) => {
    const l = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), options);
    l.register(account, m);
    return l;
  };

  it("takes the manifest's quotas: the account quota plus each matching endpoint rule", () => {
    const l = limiter();
    expect(l.quotasFor('a', 'query/sim-status')).toEqual([
      { key: 'a', points: 10, windowMs: 1000 },
      { key: 'a|query/*', points: 5, windowMs: 1000 },
    ]);
    expect(l.quotasFor('a', 'other')).toEqual([{ key: 'a', points: 10, windowMs: 1000 }]);
    expect(l.quotasFor('a', 'token')).toEqual([
      { key: 'a', points: 10, windowMs: 1000 },
      { key: 'a|token', points: 600, windowMs: 60_000 },
    ]);
  });

  it('gives perEndpoint rules a window per endpoint and shared rules one window for the match', () => {
    const l = limiter();
    expect(l.quotasFor('a', 'change/status')[1].key).toBe('a|change/status');
    expect(l.quotasFor('a', 'change/imei')[1].key).toBe('a|change/imei');
    expect(l.quotasFor('a', 'query/one')[1].key).toBe('a|query/*');
    expect(l.quotasFor('a', 'query/two')[1].key).toBe('a|query/*');
  });

  it('scales the account quota and every per-path limit by the same factor when the account overrides requestsPerSecond', () => {
    const l = limiter({}, { id: 'a', quotas: { requestsPerSecond: 50 } });
    expect(l.quotasFor('a', 'change/status')).toEqual([
      { key: 'a', points: 50, windowMs: 1000 },
      { key: 'a|change/status', points: 5, windowMs: 1000 },
    ]);
    expect(l.quotasFor('a', 'query/x')[1].points).toBe(25);
    expect(l.quotasFor('a', 'token')[1].points).toBe(3000);
  });

  it('derives the factor from the account rate when the manifest quota is not per second', () => {
    const m = manifest({ account: { points: 600, durationSeconds: 60 }, endpoints: [{ match: 'x', points: 30, durationSeconds: 60, perEndpoint: false }] });
    const l = limiter({}, { id: 'a', quotas: { requestsPerSecond: 5 } }, m);
    // 600/min = 10/s; 5/s is half of it.
    expect(l.quotasFor('a', 'x')).toEqual([
      { key: 'a', points: 300, windowMs: 60_000 },
      { key: 'a|x', points: 15, windowMs: 60_000 },
    ]);
  });

  it('applies quotaFactor to every quota, never below one point', () => {
    const l = limiter({ quotaFactor: 0.5 });
    expect(l.quotasFor('a', 'change/status')).toEqual([
      { key: 'a', points: 5, windowMs: 1000 },
      { key: 'a|change/status', points: 1, windowMs: 1000 },
    ]);
    expect(l.quotasFor('a', 'query/x')[1].points).toBe(2);
    const big = limiter({ quotaFactor: 3 });
    expect(big.quotasFor('a', 'change/status').map((q) => q.points)).toEqual([30, 3]);
  });

  it('combines an account override with quotaFactor', () => {
    const l = limiter({ quotaFactor: 2 }, { id: 'a', quotas: { requestsPerSecond: 20 } });
    expect(l.quotasFor('a', 'change/status').map((q) => q.points)).toEqual([40, 4]);
  });

  it('maxInFlight: the account override, else the manifest, else the default', () => {
    expect(limiter().maxInFlight('a')).toBe(DEFAULT_MAX_IN_FLIGHT);
    expect(limiter({}, { id: 'a' }, manifest({ maxInFlight: 1 })).maxInFlight('a')).toBe(1);
    expect(limiter({}, { id: 'a', quotas: { maxInFlight: 4 } }, manifest({ maxInFlight: 1 })).maxInFlight('a')).toBe(4);
  });

  it('refuses accounts that were never registered', () => {
    expect(() => limiter().quotasFor('nope', 'x')).toThrow(/nope/);
  });
});

describe('AccountLimiter adaptive factor', () => {
  const make = (c = clock()) => {
    const l = new AccountLimiter(new MemoryWindowLimiter(c.now), new MemoryInFlightLimiter(), { ...exact, now: c.now, sleep: c.sleep });
    l.register({ id: 'a' }, manifest());
    return { l, c };
  };

  /** `times` rate-limit answers for account `a`, one every `ms`. */
  const penalizeEvery = (l: AccountLimiter, c: { t: number }, ms: number, times: number) => {
    for (let i = 0; i < times; i++) {
      l.penalize('a');
      c.t += ms;
    }
  };

  it('halves on a rate-limit answer; answers arriving together count once', () => {
    const { l, c } = make();
    expect(l.factor('a')).toBe(1);
    expect(l.penalize('a')).toBe(0.5);
    c.t += 100;
    expect(l.penalize('a')).toBe(0.5);
    c.t += 100;
    expect(l.penalize('a')).toBe(0.5);
    c.t += 600;
    expect(l.penalize('a')).toBe(0.25);
  });

  it('keeps slowing down while the carrier keeps answering with its rate-limit code', () => {
    const { l, c } = make();
    // One answer every 100 ms for 2 s: the carrier's quota is lower than ours; the factor must keep dropping.
    penalizeEvery(l, c, 100, 20);
    expect(l.factor('a')).toBeLessThanOrEqual(0.125);
  });

  it('never goes below minFactor', () => {
    const { l, c } = make();
    penalizeEvery(l, c, 1000, 20);
    expect(l.factor('a')).toBeCloseTo(0.05);
  });

  it('recovers one step per quiet interval, up to 1', () => {
    const { l, c } = make();
    l.penalize('a');
    c.t += 600;
    l.penalize('a'); // 0.25
    c.t += 4999;
    expect(l.factor('a')).toBe(0.25);
    c.t += 1;
    expect(l.factor('a')).toBeCloseTo(0.35);
    c.t += 1000;
    expect(l.factor('a')).toBeCloseTo(0.35);
    c.t += 4000;
    expect(l.factor('a')).toBeCloseTo(0.45);
    for (let i = 0; i < 10; i++) {
      c.t += 5000;
      l.factor('a');
    }
    expect(l.factor('a')).toBe(1);
    // A new penalty restarts the quiet interval.
    l.penalize('a');
    c.t += 4000;
    expect(l.factor('a')).toBe(0.5);
  });

  it('a lower factor stretches the windows: the next slot comes 1/factor later', async () => {
    const { l, c } = make();
    const t0 = c.t;
    (await l.acquire('a', { endpoint: 'change/status' }))();
    (await l.acquire('a', { endpoint: 'change/status' }))();
    expect(c.t - t0).toBe(1000);
    l.penalize('a');
    (await l.acquire('a', { endpoint: 'change/status' }))();
    expect(c.t - t0).toBe(1000 + 2000);
  });
});

describe('AccountLimiter.acquire', () => {
  it('waits for window slots: never more than the quota in any window, and reports the wait', async () => {
    const c = clock();
    const waits: number[] = [];
    const l = new AccountLimiter(new MemoryWindowLimiter(c.now), new MemoryInFlightLimiter(), {
      ...exact,
      now: c.now,
      sleep: c.sleep,
      onWait: (_a, ms) => waits.push(ms),
    });
    l.register({ id: 'a' }, manifest());
    const sent: number[] = [];
    for (let i = 0; i < 12; i++) {
      const release = await l.acquire('a', { endpoint: 'query/x' });
      sent.push(c.t);
      release();
    }
    // query/* allows 5 per second (the account 10): 5 at t0, 5 at t0+1s, 2 at t0+2s.
    const t0 = sent[0];
    expect(sent.map((t) => t - t0)).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
    expect(waits).toEqual([0, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 1000, 0]);
  });

  it('keeps the margin: windows are enforced longer than the carrier\'s', async () => {
    const c = clock();
    const l = new AccountLimiter(new MemoryWindowLimiter(c.now), new MemoryInFlightLimiter(), { marginMs: 50, marginShare: 0.02, now: c.now, sleep: c.sleep });
    l.register({ id: 'a' }, manifest());
    const t0 = c.t;
    (await l.acquire('a', { endpoint: 'change/status' }))();
    (await l.acquire('a', { endpoint: 'change/status' }))();
    expect(c.t - t0).toBe(1000 * 1.02 + 50);
  });

  it('honours maxInFlight with real concurrency: never more than N at once', async () => {
    const l = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), exact);
    l.register({ id: 'a', quotas: { maxInFlight: 3 } }, manifest({ account: { points: 1000, durationSeconds: 1 }, endpoints: [] }));
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await l.acquire('a', { endpoint: 'x' });
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        release();
      }),
    );
    expect(peak).toBe(3);
  });

  it('with real short windows, spreads requests over time', async () => {
    const l = new AccountLimiter(new MemoryWindowLimiter(), new MemoryInFlightLimiter(), exact);
    l.register({ id: 'a' }, manifest({ account: { points: 2, durationSeconds: 0.1 }, endpoints: [] }));
    const started = Date.now();
    const sent: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await l.acquire('a', { endpoint: 'x' });
        sent.push(Date.now() - started);
        release();
      }),
    );
    sent.sort((a, b) => a - b);
    // 2 per 100 ms: the 5th and 6th cannot leave before 200 ms.
    expect(sent[4]).toBeGreaterThanOrEqual(199);
    expect(sent[2]).toBeGreaterThanOrEqual(99);
  });

  it('takes window slots only once an in-flight slot is held', async () => {
    const takes: WindowQuota[][] = [];
    const windows: WindowLimiter = {
      tryTakeAll: async (q) => {
        takes.push([...q]);
        return { handle: { id: String(takes.length), quotas: q }, waitMs: 0 };
      },
      settle: async () => undefined,
      withdraw: async () => undefined,
    };
    const l = new AccountLimiter(windows, new MemoryInFlightLimiter(), exact);
    l.register({ id: 'a', quotas: { maxInFlight: 1 } }, manifest());
    const first = await l.acquire('a', { endpoint: 'x' });
    let secondDone = false;
    const second = l.acquire('a', { endpoint: 'x' }).then((r) => {
      secondDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(secondDone).toBe(false);
    expect(takes).toHaveLength(1);
    first();
    const release = await second;
    expect(takes).toHaveLength(2);
    release();
  });

  it('gives the in-flight slot back when taking window slots fails', async () => {
    let fail = true;
    const windows: WindowLimiter = {
      tryTakeAll: async (q) => {
        if (fail) {
          fail = false;
          throw new Error('redis down');
        }
        return { handle: { id: 'x', quotas: q }, waitMs: 0 };
      },
      settle: async () => undefined,
      withdraw: async () => undefined,
    };
    const inFlight = new MemoryInFlightLimiter();
    const l = new AccountLimiter(windows, inFlight, exact);
    l.register({ id: 'a', quotas: { maxInFlight: 1 } }, manifest());
    await expect(l.acquire('a', { endpoint: 'x' })).rejects.toThrow('redis down');
    const release = await Promise.race([l.acquire('a', { endpoint: 'x' }), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
    expect(release).not.toBeNull();
    release!();
  });
});

describe('MemoryInFlightLimiter', () => {
  it('hands slots over FIFO and ignores a second release', async () => {
    const s: InFlightLimiter = new MemoryInFlightLimiter();
    const r1 = await s.acquire('k', 1);
    const order: number[] = [];
    const p2 = s.acquire('k', 1).then((r) => (order.push(2), r));
    const p3 = s.acquire('k', 1).then((r) => (order.push(3), r));
    await r1();
    await r1(); // no effect: must not free a second slot
    const r2 = await p2;
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([2]);
    await r2();
    await (await p3)();
    expect(order).toEqual([2, 3]);
    // All free again: two different keys do not share slots.
    const a = await s.acquire('k', 1);
    const b = await s.acquire('other', 1);
    await a();
    await b();
  });
});
