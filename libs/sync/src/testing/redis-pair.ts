import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** The Redis server of the tests that need one; set in CI (.ci/run), unset by default. */
export const REDIS_URL = process.env.REDIS_URL;

/** A describe block of tests that need Redis: run when REDIS_URL is set, else skipped with a note saying so. */
export function describeRedis(name: string, body: () => void): void {
  if (!REDIS_URL) console.log(`REDIS_URL is not set: '${name}' is skipped (it runs in CI).`);
  (REDIS_URL ? describe : describe.skip)(name, body);
}

/** Two Redis connections (two "workers" sharing one server) and a key prefix fresh for each test. */
export interface RedisPair {
  a: Redis;
  b: Redis;
  prefix: string;
}

/**
 * Registers the hooks of a describe block that tests against Redis from two connections: both open for the
 * block, a fresh prefix per test (`test-<tag>-<random>`), that prefix's keys deleted after each test, both
 * connections closed after the block. `use` receives the pair before each test.
 */
export function redisPairPerTest(url: string, tag: string, use: (pair: RedisPair) => void): void {
  let a: Redis;
  let b: Redis;
  let prefix = '';
  beforeAll(() => {
    a = new Redis(url, { maxRetriesPerRequest: 3 });
    b = new Redis(url, { maxRetriesPerRequest: 3 });
  });
  beforeEach(() => {
    prefix = `test-${tag}-${randomBytes(6).toString('hex')}`;
    use({ a, b, prefix });
  });
  afterEach(async () => {
    const keys = await a.keys(`${prefix}:*`);
    if (keys.length) await a.del(...keys);
  });
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });
}
