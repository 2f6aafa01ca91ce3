import type Redis from 'ioredis';

/**
 * Sliding-window quotas as carriers define them: at most `points` accepted requests in ANY window of
 * `windowMs`, a rejected request not counting. A request often falls under several quotas at once (OneLink
 * `change/*`: 10/s for the account AND 1/s for the path), and its slots must be taken in all of them at the
 * same instant, or not at all: a slot taken in one window while waiting for another is recorded earlier than
 * the request is really sent, and the carrier then sees more than its quota.
 *
 * Why not rate-limiter-flexible here: its limiters count in fixed windows (a burst straddling a boundary
 * sends 2× the quota within one second) and consume from each limiter separately (RateLimiterUnion), which
 * is exactly the failure above. Both stores below keep a log of accepted send times and take every slot of a
 * request atomically: in process for the embedded default, and in one Lua script (on Redis' own clock) when
 * workers share Redis.
 */
export interface WindowQuota {
  key: string;
  points: number;
  windowMs: number;
}

export interface WindowLimiter {
  /** Takes a slot in every quota now (returns 0), or takes none and returns the ms until all may be free. */
  tryTakeAll(quotas: readonly WindowQuota[]): Promise<number>;
}

export class MemoryWindowLimiter implements WindowLimiter {
  private readonly logs = new Map<string, number[]>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  private log(key: string, windowMs: number, t: number): number[] {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    let drop = 0;
    while (drop < log.length && log[drop] <= t - windowMs) drop++;
    if (drop) log.splice(0, drop);
    return log;
  }

  async tryTakeAll(quotas: readonly WindowQuota[]): Promise<number> {
    const t = this.now();
    let wait = 0;
    for (const q of quotas) {
      const log = this.log(q.key, q.windowMs, t);
      if (log.length >= q.points) wait = Math.max(wait, Math.ceil(log[log.length - q.points] + q.windowMs - t), 1);
    }
    if (wait > 0) return wait;
    for (const q of quotas) this.logs.get(q.key)!.push(t);
    return 0;
  }
}

/** KEYS: one sorted set per quota. ARGV: points_1, window_ms_1, points_2, window_ms_2, … */
const TAKE_ALL_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i = 1, #KEYS do
  local points = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= points then
    local oldest = redis.call('ZRANGE', KEYS[i], count - points, count - points, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w < 1 then w = 1 end
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  local window = tonumber(ARGV[2 * i])
  local seq = redis.call('INCR', KEYS[i] .. ':seq')
  redis.call('ZADD', KEYS[i], now, tostring(now) .. ':' .. tostring(seq))
  redis.call('PEXPIRE', KEYS[i], window)
  redis.call('PEXPIRE', KEYS[i] .. ':seq', window)
end
return 0
`;

type TakeAll = (numKeys: number, ...args: (string | number)[]) => Promise<number>;

export class RedisWindowLimiter implements WindowLimiter {
  private readonly takeAll: TakeAll;

  constructor(
    redis: Redis,
    private readonly prefix = 'simgate:rl',
  ) {
    if (!(redis as unknown as { simgateTakeAll?: TakeAll }).simgateTakeAll) {
      redis.defineCommand('simgateTakeAll', { lua: TAKE_ALL_LUA });
    }
    const cmd = (redis as unknown as { simgateTakeAll: TakeAll }).simgateTakeAll.bind(redis);
    this.takeAll = cmd;
  }

  async tryTakeAll(quotas: readonly WindowQuota[]): Promise<number> {
    if (!quotas.length) return 0;
    const keys = quotas.map((q) => `${this.prefix}:{${q.key.split('|')[0]}}:${q.key}`);
    const args = quotas.flatMap((q) => [String(q.points), String(Math.ceil(q.windowMs))]);
    return Number(await this.takeAll(keys.length, ...keys, ...args));
  }
}
