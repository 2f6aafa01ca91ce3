import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryCardLeases, RedisCardLeases, type CardLeases } from './leases';
import { REDIS_URL, describeRedis } from './testing/redis-pair';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


interface Harness {
  name: string;
  /** Two lease holders as two workers see them (one shared map in memory; two connections on Redis). */
  pair(): Promise<[CardLeases, CardLeases]>;
  cleanup(): Promise<void>;
}

const memory: Harness = {
  name: 'MemoryCardLeases',
  async pair() {
    const l = new MemoryCardLeases();
    return [l, l];
  },
  async cleanup() {},
};

const redisHarness = (): Harness => {
  let conns: Redis[] = [];
  let prefix = '';
  return {
    name: 'RedisCardLeases',
    async pair() {
      prefix = `test-lease-${randomBytes(6).toString('hex')}`;
      conns = [new Redis(REDIS_URL!), new Redis(REDIS_URL!)];
      return [new RedisCardLeases(conns[0], prefix), new RedisCardLeases(conns[1], prefix)];
    },
    async cleanup() {
      const keys = await conns[0].keys(`${prefix}:*`);
      if (keys.length) await conns[0].del(...keys);
      for (const c of conns) await c.quit();
    },
  };
};

describe.each([memory, ...(REDIS_URL ? [redisHarness()] : [])].map((h) => [h.name, h] as const))('%s', (_n, h) => {
  let a: CardLeases;
  let b: CardLeases;
  beforeEach(async () => {
    [a, b] = await h.pair();
  });
  afterEach(() => h.cleanup());

  it('a second acquire gets nothing until release', async () => {
    expect(await a.acquire(['status:1', 'status:2'], 10_000)).toEqual(['status:1', 'status:2']);
    expect(await b.acquire(['status:1', 'status:2'], 10_000)).toEqual([]);
    await a.release(['status:1']);
    expect(await b.acquire(['status:1', 'status:2'], 10_000)).toEqual(['status:1']);
  });

  it('takes only the free leases among the keys, in order', async () => {
    await a.acquire(['k2'], 10_000);
    expect(await b.acquire(['k1', 'k2', 'k3'], 10_000)).toEqual(['k1', 'k3']);
    expect(await a.acquire([], 10_000)).toEqual([]);
  });

  it('a lease expires by itself', async () => {
    expect(await a.acquire(['k'], 60)).toEqual(['k']);
    expect(await b.acquire(['k'], 60)).toEqual([]);
    await sleep(100);
    expect(await b.acquire(['k'], 10_000)).toEqual(['k']);
    expect(await a.acquire(['k'], 10_000)).toEqual([]);
  });

  it('renew keeps a lease past its first TTL; an unrenewed one lapses', async () => {
    expect(await a.acquire(['kept', 'lapsed'], 150)).toEqual(['kept', 'lapsed']);
    await sleep(100);
    await a.renew(['kept'], 400);
    await sleep(120);
    expect(await b.acquire(['kept', 'lapsed'], 10_000)).toEqual(['lapsed']);
  });

  it('renew does not revive a lease that has lapsed', async () => {
    expect(await a.acquire(['k'], 40)).toEqual(['k']);
    await sleep(80);
    await a.renew(['k'], 10_000);
    expect(await b.acquire(['k'], 10_000)).toEqual(['k']);
  });
});

describeRedis('RedisCardLeases across workers', () => {
  const h = redisHarness();
  afterEach(() => h.cleanup());

  it("a late release of an expired lease does not free the lease another worker took since", async () => {
    const [a, b] = await h.pair();
    expect(await a.acquire(['k'], 50)).toEqual(['k']);
    await sleep(80);
    // Worker a's job outlived its lease; worker b now holds the card.
    expect(await b.acquire(['k'], 10_000)).toEqual(['k']);
    await a.release(['k']);
    // b's lease must still hold: a third taker gets nothing.
    expect(await a.acquire(['k'], 10_000)).toEqual([]);
    await b.release(['k']);
    expect(await a.acquire(['k'], 10_000)).toEqual(['k']);
  });

  it("renew never extends another worker's lease", async () => {
    const [a, b] = await h.pair();
    expect(await b.acquire(['k'], 150)).toEqual(['k']);
    await a.renew(['k'], 60_000);
    await sleep(200);
    expect(await a.acquire(['k'], 10_000)).toEqual(['k']);
  });
});
