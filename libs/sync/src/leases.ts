import type Redis from 'ioredis';

/**
 * Card leases: no card is synced twice at once. A sweep or a "sync now" takes the leases of the cards of a
 * batch before calling the carrier and skips cards another job holds (they are being read right now).
 * Leases expire by themselves, so a dead worker's cards free up.
 */
export interface CardLeases {
  /** Takes the free leases among `keys`; returns the keys taken. */
  acquire(keys: readonly string[], ttlMs: number): Promise<string[]>;
  /** Extends the leases among `keys` this holder still has (a batch that outlasts the TTL keeps its cards). */
  renew(keys: readonly string[], ttlMs: number): Promise<void>;
  release(keys: readonly string[]): Promise<void>;
}

export class MemoryCardLeases implements CardLeases {
  private readonly held = new Map<string, number>();

  async acquire(keys: readonly string[], ttlMs: number): Promise<string[]> {
    const now = Date.now();
    const out: string[] = [];
    for (const k of keys) {
      const until = this.held.get(k);
      if (until !== undefined && until > now) continue;
      this.held.set(k, now + ttlMs);
      out.push(k);
    }
    return out;
  }

  async renew(keys: readonly string[], ttlMs: number): Promise<void> {
    const now = Date.now();
    for (const k of keys) {
      const until = this.held.get(k);
      if (until !== undefined && until > now) this.held.set(k, now + ttlMs);
    }
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.held.delete(k);
  }
}

const ACQUIRE_LUA = `
local out = {}
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[2], 'NX', 'PX', ARGV[1]) then table.insert(out, i) end
end
return out
`;

/** Deletes only the leases this owner still holds (an expired lease may belong to another worker by now). */
const RELEASE_LUA = `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 0
`;

/** Extends only the leases this owner still holds. */
const RENEW_LUA = `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2] then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 0
`;

type AcquireCmd = (n: number, ...args: string[]) => Promise<number[]>;
type ReleaseCmd = (n: number, ...args: string[]) => Promise<number>;

export class RedisCardLeases implements CardLeases {
  private readonly owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'simgate:lease',
  ) {
    if (!(redis as unknown as { simgateLease?: AcquireCmd }).simgateLease) redis.defineCommand('simgateLease', { lua: ACQUIRE_LUA });
    if (!(redis as unknown as { simgateLeaseRelease?: ReleaseCmd }).simgateLeaseRelease) {
      redis.defineCommand('simgateLeaseRelease', { lua: RELEASE_LUA });
    }
    if (!(redis as unknown as { simgateLeaseRenew?: ReleaseCmd }).simgateLeaseRenew) redis.defineCommand('simgateLeaseRenew', { lua: RENEW_LUA });
  }

  async acquire(keys: readonly string[], ttlMs: number): Promise<string[]> {
    if (!keys.length) return [];
    const cmd = (this.redis as unknown as { simgateLease: AcquireCmd }).simgateLease.bind(this.redis);
    const idx = await cmd(keys.length, ...keys.map((k) => `${this.prefix}:${k}`), String(ttlMs), this.owner);
    return idx.map((i) => keys[i - 1]);
  }

  async renew(keys: readonly string[], ttlMs: number): Promise<void> {
    if (!keys.length) return;
    const cmd = (this.redis as unknown as { simgateLeaseRenew: ReleaseCmd }).simgateLeaseRenew.bind(this.redis);
    await cmd(keys.length, ...keys.map((k) => `${this.prefix}:${k}`), String(ttlMs), this.owner);
  }

  async release(keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    const cmd = (this.redis as unknown as { simgateLeaseRelease: ReleaseCmd }).simgateLeaseRelease.bind(this.redis);
    await cmd(keys.length, ...keys.map((k) => `${this.prefix}:${k}`), this.owner);
  }
}
