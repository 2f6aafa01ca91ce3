import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createSimulators, serveAll, writeAccountsFile, type ServedSet } from '@simgate/mocks';
import { Store } from '@simgate/store';
import { loadConfig, type SimgateConfig } from '../config/env';
import { createLogger } from '../logger';
import { Simgate } from '../simgate';
import { openSyncQueue, type SyncQueueHandle } from './sync-queue.module';
import { REDIS_URL, describeRedis } from '../testing/redis-pair';


describe('openSyncQueue without REDIS_URL', () => {
  it('makes nothing: Simgate runs the in-process queue', async () => {
    expect(await openSyncQueue(loadConfig({}))).toBeNull();
  });
});

describeRedis('SyncQueueModule (@nestjs/bull on Redis)', () => {
  let dir: string;
  let served: ServedSet;
  let observer: Redis;
  const prefixes: string[] = [];

  const configFor = (env: Record<string, string> = {}): SimgateConfig => {
    const prefix = `tq${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    return loadConfig({
      SIMGATE_CARRIERS: path.join(dir, 'accounts.json'),
      SIMGATE_DATA_DIR: dir,
      SIMGATE_LOG_LEVEL: 'silent',
      SIMGATE_QUOTA_FACTOR: '20',
      REDIS_URL: REDIS_URL!,
      SIMGATE_REDIS_PREFIX: prefix,
      ...env,
    });
  };
  /** The connections Redis sees, by client address (other processes may use the same server). */
  const serverAddrs = async () => new Set([...String(await observer.client('LIST')).matchAll(/\baddr=(\S+)/g)].map((m) => m[1]));
  const addrOf = (c: Redis) => {
    const s = (c as unknown as { stream: Socket }).stream;
    return `${s.localAddress}:${s.localPort}`;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-queue-'));
    served = await serveAll(createSimulators({ cards: 20, seed: 3, quotaFactor: 20 }), 0);
    await writeAccountsFile(served, path.join(dir, 'accounts.json'));
    observer = new Redis(REDIS_URL!);
  });

  afterAll(async () => {
    for (const p of prefixes) {
      const keys = await observer.keys(`${p}:*`);
      if (keys.length) await observer.del(...keys);
    }
    await observer?.quit();
    await served?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is configured from the config: prefix and lock settings', async () => {
    const config = configFor({ SIMGATE_QUEUE_LOCK_MS: '4000' });
    const handle = (await openSyncQueue(config))!;
    try {
      expect(handle.queue.name).toBe('simgate-sync');
      // Not in Bull's typings, set by its constructor.
      const made = handle.queue as unknown as { keyPrefix: string; settings: Record<string, number> };
      expect(made.keyPrefix).toBe(config.redisPrefix);
      expect(made.settings).toMatchObject({ lockDuration: 4000, stalledInterval: 2000, lockRenewTime: 1333, maxStalledCount: 5 });
    } finally {
      await handle.close();
    }
  });

  it('is the queue Simgate uses; a job added through Simgate runs in the engine; closing leaves no connection open', async () => {
    const config = configFor();
    const store = await Store.open({ dataDir: null });
    let handle: SyncQueueHandle | null = null;
    let simgate: Simgate | null = null;
    try {
      handle = (await openSyncQueue(config))!;
      simgate = await Simgate.start(config, { store, logger: createLogger('silent'), bullQueue: handle.queue, timeoutMs: 2000 });
      const account = simgate.accounts.find((a) => a.platform === 'intl-1nce')!.id;

      // Simgate's queue port writes to the very Bull queue the module provides.
      const add = jest.spyOn(handle.queue, 'add');
      const handled = jest.spyOn(simgate.engine, 'handle');
      const { added } = await simgate.queue.add('sweep', { type: 'sweep', accountId: account, kind: 'inventory', reason: 'manual' }, { jobId: `sweep:${account}:inventory`, priority: 1 });
      expect(added).toBe(true);
      expect(add).toHaveBeenCalledWith('sweep', expect.objectContaining({ type: 'sweep', accountId: account }), expect.objectContaining({ jobId: `sweep:${account}:inventory` }));
      expect(await handle.queue.getJob(`sweep:${account}:inventory`)).not.toBeNull();

      // The engine's processor runs it (and the sweeps it chains) from Redis.
      simgate.startWorker(2);
      const until = Date.now() + 60_000;
      for (;;) {
        const cp = await store.checkpoints.get(account, 'inventory');
        if (cp?.lastSuccessAt && cp.state === 'idle') break;
        if (Date.now() > until) throw new Error(`inventory sweep not done: ${JSON.stringify(cp)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(handled).toHaveBeenCalledWith(expect.objectContaining({ id: `sweep:${account}:inventory`, data: expect.objectContaining({ kind: 'inventory' }) }));
      expect(await store.cards.count()).toBe(20);
      await simgate.queue.drained(60_000);

      // Client, subscriber and blocking connections: open on the server until the handle closes them.
      const conns = handle.connections();
      expect(conns.length).toBeGreaterThanOrEqual(2);
      const addrs = conns.map(addrOf);
      const before = await serverAddrs();
      for (const a of addrs) expect(before.has(a)).toBe(true);

      await simgate.close();
      simgate = null;
      await handle.close();
      await handle.close(); // twice: no error
      handle = null;
      expect(conns.map((c) => c.status)).toEqual(conns.map(() => 'end'));
      const after = await serverAddrs();
      for (const a of addrs) expect(after.has(a)).toBe(false);
    } finally {
      await simgate?.close();
      await handle?.close();
      await store.close();
    }
  }, 150_000);
});
