import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryQueuedCards, RedisQueuedCards, type QueuedCards } from './queued-cards';
import { REDIS_URL } from '../testing/redis-pair';

/** The "sync now" queued-cards set: in memory always, on Redis (two connections, two processes) when REDIS_URL is set. */
interface Harness {
  name: string;
  pair(): [QueuedCards, QueuedCards];
  cleanup(): Promise<void>;
}

const memory = (): Harness => ({
  name: 'MemoryQueuedCards',
  pair() {
    const q = new MemoryQueuedCards();
    return [q, q];
  },
  async cleanup() {},
});

const redis = (): Harness => {
  let conns: Redis[] = [];
  let prefix = '';
  return {
    name: 'RedisQueuedCards',
    pair() {
      prefix = `test-queued-${randomBytes(6).toString('hex')}`;
      conns = [new Redis(REDIS_URL!), new Redis(REDIS_URL!)];
      return [new RedisQueuedCards(conns[0], prefix), new RedisQueuedCards(conns[1], prefix)];
    },
    async cleanup() {
      const keys = await conns[0].keys(`${prefix}:*`);
      if (keys.length) await conns[0].del(...keys);
      for (const c of conns) await c.quit();
    },
  };
};

if (!REDIS_URL) console.log('REDIS_URL is not set: RedisQueuedCards is skipped (it runs in CI).');

describe.each([memory(), ...(REDIS_URL ? [redis()] : [])].map((h) => [h.name, h] as const))('%s', (_n, h) => {
  let a: QueuedCards;
  let b: QueuedCards;
  beforeEach(() => {
    [a, b] = h.pair();
  });
  afterEach(() => h.cleanup());

  it('claims only the cards not queued yet, for every holder', async () => {
    expect(await a.claim('acc', 'status', ['1', '2', '3'], 60_000)).toEqual(['1', '2', '3']);
    expect(await b.claim('acc', 'status', ['2', '3', '4'], 60_000)).toEqual(['4']);
    expect(await b.unqueued('acc', 'status', ['1', '4', '5'])).toEqual(['5']);
  });

  it('keeps accounts and kinds apart', async () => {
    await a.claim('acc', 'status', ['1'], 60_000);
    expect(await b.claim('acc', 'usage', ['1'], 60_000)).toEqual(['1']);
    expect(await b.claim('other', 'status', ['1'], 60_000)).toEqual(['1']);
  });

  it('a released card is queued again by the next claim', async () => {
    await a.claim('acc', 'status', ['1', '2'], 60_000);
    await b.release('acc', 'status', ['1']);
    expect(await a.unqueued('acc', 'status', ['1', '2'])).toEqual(['1']);
    expect(await a.claim('acc', 'status', ['1', '2'], 60_000)).toEqual(['1']);
  });

  it('an expired mark (its job never started) no longer holds the card back', async () => {
    expect(await a.claim('acc', 'status', ['1'], 30)).toEqual(['1']);
    // Waits past the mark's end: the outcome does not depend on how long the wait was beyond it.
    await new Promise((r) => setTimeout(r, 80));
    expect(await b.unqueued('acc', 'status', ['1'])).toEqual(['1']);
    expect(await b.claim('acc', 'status', ['1'], 60_000)).toEqual(['1']);
  });

  it('nothing named, nothing done', async () => {
    expect(await a.claim('acc', 'status', [], 60_000)).toEqual([]);
    expect(await a.unqueued('acc', 'status', [])).toEqual([]);
    await a.release('acc', 'status', []);
  });
});
