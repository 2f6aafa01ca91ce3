import type Redis from 'ioredis';

/**
 * Cards waiting in a "sync now" job, per account and kind: a request naming a card that already waits queues
 * nothing for it (and the gateway charges nothing for it). A card leaves the set when its job starts reading
 * it, so a request after that queues it again. Marks expire by themselves (`ttlMs`): a process that died
 * between marking and queueing does not keep its cards out of "sync now" for long.
 */
export interface QueuedCards {
  /** Marks the cards as queued; returns the ones that were not (the ones to queue). */
  claim(accountId: string, kind: string, iccids: readonly string[], ttlMs: number): Promise<string[]>;
  /** Of `iccids`, the ones not queued now; marks nothing. */
  unqueued(accountId: string, kind: string, iccids: readonly string[]): Promise<string[]>;
  /** The cards' job started (or was never queued): a new request queues them again. */
  release(accountId: string, kind: string, iccids: readonly string[]): Promise<void>;
}

/** How long a mark lives when its job never starts (the queue then lost it, or it waits behind a long backlog). */
export const QUEUED_CARD_TTL_MS = 3_600_000;

export class MemoryQueuedCards implements QueuedCards {
  private readonly until = new Map<string, number>();

  async claim(accountId: string, kind: string, iccids: readonly string[], ttlMs: number): Promise<string[]> {
    const now = Date.now();
    const out: string[] = [];
    for (const iccid of iccids) {
      const k = `${accountId}:${kind}:${iccid}`;
      const u = this.until.get(k);
      if (u !== undefined && u > now) continue;
      this.until.set(k, now + ttlMs);
      out.push(iccid);
    }
    return out;
  }

  async unqueued(accountId: string, kind: string, iccids: readonly string[]): Promise<string[]> {
    const now = Date.now();
    return iccids.filter((i) => (this.until.get(`${accountId}:${kind}:${i}`) ?? 0) <= now);
  }

  async release(accountId: string, kind: string, iccids: readonly string[]): Promise<void> {
    for (const i of iccids) this.until.delete(`${accountId}:${kind}:${i}`);
  }
}

/** One sorted set per account and kind: member the ICCID, score the time its mark expires (ms). */
const CLAIM_LUA = `
local now = tonumber(ARGV[1])
local exp = ARGV[2]
local out = {}
for i = 3, #ARGV do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if (not s) or tonumber(s) <= now then
    redis.call('ZADD', KEYS[1], exp, ARGV[i])
    table.insert(out, ARGV[i])
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], tonumber(exp) - now)
return out
`;

const UNQUEUED_LUA = `
local now = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if (not s) or tonumber(s) <= now then table.insert(out, ARGV[i]) end
end
return out
`;

type ListCmd = (key: string, ...args: string[]) => Promise<string[]>;

/** The set on Redis: every gateway and worker process sees the same marks. */
export class RedisQueuedCards implements QueuedCards {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'simgate:queued',
  ) {
    const r = redis as unknown as Record<string, ListCmd | undefined>;
    if (!r.simgateQueuedClaim) redis.defineCommand('simgateQueuedClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    if (!r.simgateQueuedUnqueued) redis.defineCommand('simgateQueuedUnqueued', { numberOfKeys: 1, lua: UNQUEUED_LUA });
  }

  private cmd(name: 'simgateQueuedClaim' | 'simgateQueuedUnqueued'): ListCmd {
    return (this.redis as unknown as Record<string, ListCmd>)[name].bind(this.redis);
  }

  private key(accountId: string, kind: string): string {
    return `${this.prefix}:${accountId}:${kind}`;
  }

  async claim(accountId: string, kind: string, iccids: readonly string[], ttlMs: number): Promise<string[]> {
    if (!iccids.length) return [];
    const now = Date.now();
    return this.cmd('simgateQueuedClaim')(this.key(accountId, kind), String(now), String(now + ttlMs), ...iccids);
  }

  async unqueued(accountId: string, kind: string, iccids: readonly string[]): Promise<string[]> {
    if (!iccids.length) return [];
    return this.cmd('simgateQueuedUnqueued')(this.key(accountId, kind), String(Date.now()), ...iccids);
  }

  async release(accountId: string, kind: string, iccids: readonly string[]): Promise<void> {
    if (!iccids.length) return;
    await this.redis.zrem(this.key(accountId, kind), ...iccids);
  }
}
