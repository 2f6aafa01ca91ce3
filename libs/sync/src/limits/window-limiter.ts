import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { CallPriority } from '@simgate/carriers';

/**
 * Sliding-window quotas as carriers define them: at most `points` accepted requests in ANY window of
 * `windowMs`, a rejected request not counting. A request often falls under several quotas at once (OneLink
 * `change/*`: 10/s for the account AND 1/s for the path), and its slots must be taken in all of them at the
 * same instant, or not at all: a slot taken in one window while waiting for another is recorded earlier than
 * the request is really sent, and the carrier then sees more than its quota.
 *
 * Why not rate-limiter-flexible here: its limiters count in fixed windows (a burst straddling a boundary
 * sends 2× the quota within one second) and consume from each limiter separately (RateLimiterUnion), which
 * is exactly the failure above. Both stores below keep a log per quota and take every slot of a request
 * atomically: in process for the embedded default, and in one Lua script (on Redis' own clock) when workers
 * share Redis.
 *
 * **Slots dated at settle time.** The carrier counts *arrivals*, and no margin bounds the delay between taking a
 * slot and the request's arrival on a busy host. A request arrives before its response, though. So an entry is
 * *in flight* from the moment its slot is taken until `settle` (called once the request has its response, timed
 * out or failed), and from then on it is dated at its settle time. A new slot is free only when fewer than
 * `points` entries are in flight or settled within the last window. Request k+points is therefore sent at least
 * one window after request k's response, hence after k's arrival: the two arrivals are a window apart whatever
 * the jitter. An entry never settled (dead worker, lost settle) counts as settled `maxInFlightMs` after it was
 * taken (the request timeout + slack), so it frees itself.
 *
 * **Operations first.** A request with priority `operation` that cannot take its slots leaves a claim on the
 * quotas that blocked it; a `sweep` request does not take a slot of a quota someone else has a claim on, so the
 * next free slot goes to the operation. A claim expires by itself (`claimTtlMs`) if its owner is gone.
 */
export interface WindowQuota {
  key: string;
  points: number;
  windowMs: number;
}

export interface TakeOptions {
  /** Identifies the request across its attempts (its entry and its claims). Unique per request. */
  id?: string;
  priority?: CallPriority;
  /** Upper bound of the time from take to settle: an entry not settled by then counts as settled then. */
  maxInFlightMs?: number;
  /** Lifetime of an operation's claim, renewed at each attempt. */
  claimTtlMs?: number;
}

/** The entries a successful take recorded, for `settle`. */
export interface SlotHandle {
  readonly id: string;
  readonly quotas: readonly WindowQuota[];
}

export interface TakeResult {
  /** Set when the slots were taken. */
  handle: SlotHandle | null;
  /** When not taken: ms until a slot may be free (0 when taken). */
  waitMs: number;
  /**
   * When not taken because of an entry in flight or another request's claim: resolves as soon as one of those
   * settles or is withdrawn (in process only; the Redis store polls, so its `waitMs` is short instead).
   */
  wake?: Promise<void>;
}

export interface WindowLimiter {
  /** Takes a slot in every quota now, or takes none and says how long to wait. */
  tryTakeAll(quotas: readonly WindowQuota[], options?: TakeOptions): Promise<TakeResult>;
  /** The request settled (response, timeout or network error): its entries are dated now. Idempotent. */
  settle(handle: SlotHandle): Promise<void>;
  /** An operation gives up waiting (error): its claims go. */
  withdraw(quotas: readonly WindowQuota[], id: string): Promise<void>;
}

/** Default bound of a request in flight: the HTTP layer's default timeout (15 s) + slack. */
export const DEFAULT_MAX_IN_FLIGHT_MS = 20_000;
export const DEFAULT_CLAIM_TTL_MS = 2_000;
/** How often a request blocked by an entry in flight or by a claim looks again, on Redis. */
export const DEFAULT_POLL_MS = 5;

let seq = 0;
const processTag = randomBytes(6).toString('hex');
/** A request id unique across processes. */
export function newRequestId(): string {
  return `${processTag}:${(++seq).toString(36)}`;
}

interface Entry {
  id: string;
  /** Settle time, or (in flight) take time + maxInFlightMs. */
  at: number;
  inFlight: boolean;
}

interface Log {
  /** Sorted by `at`. */
  entries: Entry[];
  /** Operation claims: id → when its owner looks again, and when the claim lapses if it does not. */
  claims: Map<string, { retryAt: number; expires: number }>;
  /** Woken when an entry settles or a claim goes. */
  listeners: (() => void)[];
}

function insertSorted(entries: Entry[], e: Entry): void {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].at <= e.at) lo = mid + 1;
    else hi = mid;
  }
  entries.splice(lo, 0, e);
}

export class MemoryWindowLimiter implements WindowLimiter {
  private readonly logs = new Map<string, Log>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  private log(key: string, windowMs: number, t: number): Log {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { entries: [], claims: new Map(), listeners: [] }));
    const e = log.entries;
    // In-flight entries past their bound count as settled at it: their `at` already is that bound.
    let drop = 0;
    while (drop < e.length && e[drop].at <= t - windowMs) drop++;
    if (drop) e.splice(0, drop);
    for (const [id, c] of log.claims) if (c.expires <= t) log.claims.delete(id);
    return log;
  }

  private wakeAll(log: Log): void {
    const l = log.listeners;
    log.listeners = [];
    for (const f of l) f();
  }

  async tryTakeAll(quotas: readonly WindowQuota[], o: TakeOptions = {}): Promise<TakeResult> {
    const t = this.now();
    const id = o.id ?? newRequestId();
    const op = o.priority === 'operation';
    const bound = o.maxInFlightMs ?? DEFAULT_MAX_IN_FLIGHT_MS;
    const logs = quotas.map((q) => this.log(q.key, q.windowMs, t));
    const wakeOn = new Set<Log>();
    // The wait each quota imposes by its entries alone.
    const own = quotas.map((q, i) => {
      const entries = logs[i].entries;
      if (entries.length < q.points) return 0;
      const e = entries[entries.length - q.points];
      if (e.inFlight) wakeOn.add(logs[i]);
      return Math.max(1, Math.ceil(e.at + q.windowMs - t));
    });
    let wait = Math.max(0, ...own);
    if (op) {
      // Claim the quotas that block this operation (until it looks again, + a TTL if it is gone), drop the others.
      const ttl = o.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
      // Only the quotas that bind now: one that frees earlier is left to others meanwhile (the operation claims
      // it when it binds in turn), so an operation waiting for a slow endpoint quota does not stall the account.
      logs.forEach((log, i) => {
        if (own[i] > 0 && own[i] === wait) log.claims.set(id, { retryAt: t + wait, expires: t + wait + ttl });
        else if (log.claims.delete(id)) this.wakeAll(log);
      });
    } else {
      // An operation waits for one of these quotas: it takes the next slot. Look again when it has taken it
      // (woken) or, at the latest, shortly after it looks again itself.
      logs.forEach((log) => {
        if (!log.claims.size) return;
        wakeOn.add(log);
        for (const c of log.claims.values()) wait = Math.max(wait, 1, c.retryAt - t + 1);
      });
    }
    if (wait > 0) {
      const wake = wakeOn.size ? new Promise<void>((resolve) => wakeOn.forEach((l) => l.listeners.push(resolve))) : undefined;
      return { handle: null, waitMs: wait, wake };
    }
    for (const log of logs) {
      insertSorted(log.entries, { id, at: t + bound, inFlight: true });
      if (op && log.claims.delete(id)) this.wakeAll(log);
    }
    return { handle: { id, quotas: [...quotas] }, waitMs: 0 };
  }

  async settle(handle: SlotHandle): Promise<void> {
    const t = this.now();
    for (const q of handle.quotas) {
      const log = this.logs.get(q.key);
      if (!log) continue;
      // In-flight entries sit at the end (dated at their bound): look from there.
      let i = log.entries.length - 1;
      while (i >= 0 && log.entries[i].id !== handle.id) i--;
      if (i < 0 || !log.entries[i].inFlight) continue;
      const [e] = log.entries.splice(i, 1);
      // Settled earlier than its bound, never later (a late settle of an entry already past it changes nothing).
      insertSorted(log.entries, { id: e.id, at: Math.min(t, e.at), inFlight: false });
      if (log.listeners.length) this.wakeAll(log);
    }
  }

  async withdraw(quotas: readonly WindowQuota[], id: string): Promise<void> {
    for (const q of quotas) {
      const log = this.logs.get(q.key);
      if (log?.claims.delete(id)) this.wakeAll(log);
    }
  }
}

/**
 * KEYS: one sorted set per quota (its claims live in KEYS[i] .. ':ops').
 * ARGV: id, maxInFlightMs, priority, claimTtlMs, pollMs, then points_i, window_ms_i per key.
 * Members are request ids; a score is the settle time, or take time + maxInFlightMs while in flight (so an
 * entry never settled ages out by itself). A claim's score is when its operation looks again; it lapses
 * claimTtlMs later.
 */
const TAKE_ALL_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]
local bound = tonumber(ARGV[2])
local op = ARGV[3] == 'operation'
local ttl = tonumber(ARGV[4])
local poll = tonumber(ARGV[5])
local own = {}
local wait = 0
for i = 1, #KEYS do
  local points = tonumber(ARGV[4 + 2 * i])
  local window = tonumber(ARGV[5 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  local w = 0
  if count >= points then
    local e = redis.call('ZRANGE', KEYS[i], count - points, count - points, 'WITHSCORES')
    local at = tonumber(e[2])
    w = at + window - now
    if w < 1 then w = 1 end
    -- In flight: it may settle any moment; look again soon.
    if at > now and w > poll then w = poll end
  end
  own[i] = w
  if w > wait then wait = w end
end
for i = 1, #KEYS do
  local claims = KEYS[i] .. ':ops'
  if op then
    if own[i] > 0 and own[i] == wait then
      redis.call('ZADD', claims, now + wait, id)
      if redis.call('PTTL', claims) < wait + ttl then redis.call('PEXPIRE', claims, wait + ttl) end
    else
      redis.call('ZREM', claims, id)
    end
  else
    redis.call('ZREMRANGEBYSCORE', claims, '-inf', now - ttl)
    local last = redis.call('ZRANGE', claims, -1, -1, 'WITHSCORES')
    if last[2] then
      local w = tonumber(last[2]) - now + 1
      if w < poll then w = poll end
      if w > wait then wait = w end
    end
  end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  local window = tonumber(ARGV[5 + 2 * i])
  redis.call('ZADD', KEYS[i], now + bound, id)
  local life = bound + window + 1000
  if redis.call('PTTL', KEYS[i]) < life then redis.call('PEXPIRE', KEYS[i], life) end
  if op then redis.call('ZREM', KEYS[i] .. ':ops', id) end
end
return 0
`;

/** KEYS: the quotas' sorted sets. ARGV: id. Re-dates the request's entries at Redis' now (never later than their bound). */
const SETTLE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #KEYS do
  local at = redis.call('ZSCORE', KEYS[i], ARGV[1])
  if at and tonumber(at) > now then redis.call('ZADD', KEYS[i], 'XX', now, ARGV[1]) end
end
return 0
`;

type Script = (numKeys: number, ...args: (string | number)[]) => Promise<number>;

export interface RedisWindowLimiterOptions {
  /** How often a request blocked by an entry in flight or by a claim looks again (ms). */
  pollMs?: number;
}

export class RedisWindowLimiter implements WindowLimiter {
  private readonly takeAll: Script;
  private readonly settleAll: Script;
  private readonly pollMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'simgate:rl',
    options: RedisWindowLimiterOptions = {},
  ) {
    const r = redis as unknown as Record<string, Script | undefined>;
    if (!r.simgateTakeSlots) redis.defineCommand('simgateTakeSlots', { lua: TAKE_ALL_LUA });
    if (!r.simgateSettle) redis.defineCommand('simgateSettle', { lua: SETTLE_LUA });
    this.takeAll = (redis as unknown as Record<string, Script>).simgateTakeSlots.bind(redis);
    this.settleAll = (redis as unknown as Record<string, Script>).simgateSettle.bind(redis);
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  private key(q: WindowQuota): string {
    return `${this.prefix}:{${q.key.split('|')[0]}}:${q.key}`;
  }

  async tryTakeAll(quotas: readonly WindowQuota[], o: TakeOptions = {}): Promise<TakeResult> {
    const id = o.id ?? newRequestId();
    if (!quotas.length) return { handle: { id, quotas: [] }, waitMs: 0 };
    const keys = quotas.map((q) => this.key(q));
    const args = [
      id,
      String(Math.ceil(o.maxInFlightMs ?? DEFAULT_MAX_IN_FLIGHT_MS)),
      o.priority ?? 'sweep',
      String(Math.ceil(o.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS)),
      String(this.pollMs),
      ...quotas.flatMap((q) => [String(q.points), String(Math.ceil(q.windowMs))]),
    ];
    const wait = Number(await this.takeAll(keys.length, ...keys, ...args));
    return wait === 0 ? { handle: { id, quotas: [...quotas] }, waitMs: 0 } : { handle: null, waitMs: wait };
  }

  async settle(handle: SlotHandle): Promise<void> {
    if (!handle.quotas.length) return;
    const keys = handle.quotas.map((q) => this.key(q));
    await this.settleAll(keys.length, ...keys, handle.id);
  }

  async withdraw(quotas: readonly WindowQuota[], id: string): Promise<void> {
    if (!quotas.length) return;
    const m = this.redis.multi();
    for (const q of quotas) m.zrem(`${this.key(q)}:ops`, id);
    await m.exec();
  }
}
