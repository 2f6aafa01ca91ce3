import * as fs from 'node:fs';
import * as path from 'node:path';
import { CarrierError, type CardRef } from '@simgate/core';
import { CarrierHttp } from '@simgate/carriers';
import {
  SimClock,
  createSimulators,
  discoverSimulators,
  serveAll,
  writeAccountsFile,
  type ServedSet,
  type SimulatorSet,
} from '@simgate/mocks';
import { ConfigError, Simgate, createLogger, loadConfig } from '@simgate/sync';
import { Store } from '@simgate/store';
import { createTestTls, type TestTls } from '@simgate/mocks/testing/tls';
import { startStack, waitForFullSync } from '../support/stack';

/**
 * Carriers over HTTPS behind a private CA: the four simulators served with a certificate signed by a CA made
 * at test time, simgate embedded (PGlite, in-process queue) reading the accounts file. With `caFile` the
 * accounts sync end to end; without it the same accounts fail with a certificate error that the engine
 * records as a carrier error (the process goes on, no secret in the message); a bad `caFile` stops start-up.
 */
const CARDS = 40;
const NOW = '2026-11-20T10:00:00+08:00';
const QUOTA_FACTOR = 4;
const CERT_ERROR = /UNABLE_TO_VERIFY_LEAF_SIGNATURE/;
const rt = (sg: Simgate, id: string) => sg.runtime.get(id);

interface Accounts {
  accounts: {
    id: string;
    platform: string;
    baseUrl: string;
    credentials: Record<string, string>;
    caFile?: string;
  }[];
}

const configFor = (accountsFile: string, dir: string) =>
  loadConfig({
    SIMGATE_CARRIERS: accountsFile,
    SIMGATE_DATA_DIR: dir,
    SIMGATE_QUOTA_FACTOR: String(QUOTA_FACTOR),
    SIMGATE_LOG_LEVEL: process.env.SIMGATE_TEST_LOG ?? 'silent',
  });

async function startSimgate(
  accountsFile: string,
  dir: string,
  clock: SimClock,
): Promise<{ sg: Simgate; store: Store }> {
  const config = configFor(accountsFile, dir);
  const store = await Store.open({ dataDir: null });
  try {
    const sg = await Simgate.start(config, {
      store,
      logger: createLogger(config.logLevel),
      now: () => clock.now(),
      timeoutMs: 5000,
    });
    return { sg, store };
  } catch (e) {
    await store.close();
    throw e;
  }
}

async function storedRefs(sg: Simgate, accountId: string): Promise<CardRef[]> {
  const refs: CardRef[] = [];
  for (let after: string | null = null; ;) {
    const page = await sg.store.cards.refs(accountId, after, 1000);
    if (!page.length) return refs;
    refs.push(...page);
    after = page[page.length - 1].iccid;
  }
}

describe('carriers over HTTPS with a private CA', () => {
  let tls: TestTls;
  let clock: SimClock;
  let sims: SimulatorSet;
  let served: ServedSet;
  let dir: string;
  let withCa: Accounts;

  beforeAll(async () => {
    tls = createTestTls();
    dir = path.join(tls.dir, 'run');
    fs.mkdirSync(path.join(dir, 'certs'), { recursive: true });
    fs.copyFileSync(tls.caFile, path.join(dir, 'certs', 'carrier-ca.pem'));
    clock = SimClock.fixed(NOW);
    sims = createSimulators({
      cards: CARDS,
      seed: 11,
      clock,
      orderDelayMs: 60_000,
      quotaFactor: QUOTA_FACTOR,
    });
    served = await serveAll(sims, 0, '127.0.0.1', tls.server);
    // caFile relative to the accounts file's folder, as an operator would write it.
    withCa = (await writeAccountsFile(served, path.join(dir, 'with-ca.json'), {
      caFile: path.join(dir, 'certs', 'carrier-ca.pem'),
    })) as Accounts;
  });

  afterAll(async () => {
    await served?.close();
    tls?.remove();
  });

  it('the simulators speak https only, and the accounts name the CA', () => {
    // One account per simulator the simulator set discovers, in port order (no list to keep here).
    expect(withCa.accounts.map((a) => a.platform)).toEqual(discoverSimulators().map((p) => p.id));
    for (const a of withCa.accounts) {
      expect(a.baseUrl).toMatch(/^https:\/\//);
      expect(a.caFile).toBe(path.join('certs', 'carrier-ca.pem'));
    }
  });

  it('with caFile every account syncs end to end, and the stored cards are what the carrier says over https', async () => {
    const { sg, store } = await startSimgate(path.join(dir, 'with-ca.json'), dir, clock);
    try {
      sg.startWorker();
      await sg.scheduler.kickOff();
      await waitForFullSync(sg, 150_000);
      for (const a of withCa.accounts) {
        const refs = await storedRefs(sg, a.id);
        expect({ account: a.id, cards: refs.length }).toEqual({ account: a.id, cards: CARDS });
      }
      const counters = sims.counters() as Record<string, { requests: Record<string, number> }>;
      for (const a of withCa.accounts)
        expect(Object.values(counters[a.platform].requests).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      // OneLink and 1NCE read again through a separate adapter over https with the same CA: same statuses.
      for (const id of ['cmcc-main', 'intl-main']) {
        const rt = sg.runtime.get(id);
        const http = new CarrierHttp({
          platform: rt.manifest.id,
          ca: tls.ca,
          hooks: { acquire: (req) => sg.limiter.acquire(id, req) },
        });
        const adapter = sg.registry.get(rt.manifest.id).connect(rt.account, { http, now: () => clock.now() });
        const refs = (await storedRefs(sg, id)).slice(0, rt.manifest.batchSizes.status);
        const read = await adapter.fetchCards(refs, clock.now());
        expect(read.items.length).toBe(refs.length);
        for (const card of read.items) {
          const stored = await sg.store.cards.get(card.iccid);
          expect({ iccid: card.iccid, status: stored?.status }).toEqual({
            iccid: card.iccid,
            status: card.status,
          });
        }
      }
    } finally {
      await sg.close();
      await store.close();
    }
  }, 200_000);

  it('without caFile the same accounts fail with a certificate error recorded as a carrier error, naming no secret', async () => {
    const file = path.join(dir, 'without-ca.json');
    const accounts = { accounts: withCa.accounts.map(({ caFile: _ignored, ...a }) => a) };
    fs.writeFileSync(file, JSON.stringify(accounts));
    const { sg, store } = await startSimgate(file, dir, clock);
    try {
      // Each account's inventory sweep stops with the error (an untrusted certificate is the account's failure, not a
      // card's: Unavailable), or records it on every card it could not read. Either way a classified carrier error.
      const recorded: string[] = [];
      for (const a of accounts.accounts) {
        const err = await sg.engine.runSweep(a.id, 'inventory').then(
          () => null,
          (e: unknown) => e,
        );
        const refs = await storedRefs(sg, a.id);
        if (err) {
          expect(err).toBeInstanceOf(CarrierError);
          expect({ account: a.id, message: (err as Error).message }).toEqual({
            account: a.id,
            message: expect.stringMatching(CERT_ERROR),
          });
          // Nothing was read: a listing platform stored no card; an imported order list (OneLink) holds its cards unread.
          const imported = rt(sg, a.id).manifest.capabilities.inventory === 'IMPORTED';
          expect(refs.length).toBe(imported ? CARDS : 0);
          for (const ref of refs) expect({ iccid: ref.iccid, rawStatus: (await sg.store.cards.get(ref.iccid))?.rawStatus ?? '' }).toEqual({ iccid: ref.iccid, rawStatus: '' });
          const cp = await sg.store.checkpoints.get(a.id, 'inventory');
          expect(cp?.state).toBe('failed');
          recorded.push((err as Error).message, JSON.stringify(cp?.lastError));
        } else {
          expect({ account: a.id, imported: rt(sg, a.id).manifest.capabilities.inventory }).toEqual({
            account: a.id,
            imported: 'IMPORTED',
          });
          expect(refs.length).toBe(CARDS);
          for (const ref of refs) {
            const card = await sg.store.cards.get(ref.iccid);
            expect({
              iccid: ref.iccid,
              error: card?.syncError?.error,
              message: card?.syncError?.message,
            }).toEqual({ iccid: ref.iccid, error: 'UNAVAILABLE', message: expect.stringMatching(CERT_ERROR) });
            recorded.push(JSON.stringify(card?.syncError));
          }
        }
      }
      const text = recorded.join('\n');
      const secrets = accounts.accounts.flatMap((a) =>
        rt(sg, a.id)
          .manifest.credentials.filter((f) => f.secret !== false)
          .map((f) => a.credentials[f.name]),
      );
      expect(secrets.length).toBeGreaterThanOrEqual(4);
      for (const secret of secrets) expect(text).not.toContain(secret);
    } finally {
      await sg.close();
      await store.close();
    }
  }, 200_000);

  it('a caFile that is missing or not a certificate stops start-up with the account and the field', async () => {
    const missing = path.join(dir, 'missing-ca.json');
    fs.writeFileSync(
      missing,
      JSON.stringify({
        accounts: withCa.accounts.map((a) => (a.id === 'intl-main' ? { ...a, caFile: 'certs/none.pem' } : a)),
      }),
    );
    // The accounts file is read before anything is opened: no store, no queue, no request.
    const e1 = await Simgate.start(configFor(missing, dir)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e1).toBeInstanceOf(ConfigError);
    expect((e1 as Error).message).toMatch(/account 'intl-main', field 'caFile': .*none\.pem' cannot be read/);
    const notPem = path.join(dir, 'key-as-ca.json');
    fs.writeFileSync(
      notPem,
      JSON.stringify({
        accounts: withCa.accounts.map((a) => (a.id === 'cmcc-main' ? { ...a, caFile: tls.keyFile } : a)),
      }),
    );
    const e2 = await Simgate.start(configFor(notPem, dir)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e2).toBeInstanceOf(ConfigError);
    expect((e2 as Error).message).toMatch(/account 'cmcc-main', field 'caFile': .* holds no PEM certificate/);
  });

  it('the simulators CLI in its own process over HTTPS: the stack syncs and the /_sim/ control API answers', async () => {
    const stack = await startStack({
      external: true,
      tls,
      cards: 20,
      clock: SimClock.fixed(NOW),
      quotaFactor: QUOTA_FACTOR,
      timeoutMs: 5000,
    });
    try {
      const file = JSON.parse(fs.readFileSync(stack.accountsFile, 'utf8')) as Accounts;
      for (const a of file.accounts) {
        expect(a.baseUrl).toMatch(/^https:\/\//);
        expect(a.caFile).toBe(tls.caFile);
      }
      await stack.simgate.scheduler.kickOff();
      await waitForFullSync(stack.simgate, 150_000);
      for (const a of file.accounts) expect((await storedRefs(stack.simgate, a.id)).length).toBe(20);
      // Control over HTTPS: faults set, counters read back.
      await stack.sims.setFaults('intl-1nce', { reset: true });
      const counters = (await stack.sims.counters()) as Record<string, { requests: Record<string, number> }>;
      expect(Object.keys(counters).sort()).toEqual(discoverSimulators().map((p) => p.id).sort());
      for (const p of Object.keys(counters))
        expect(Object.values(counters[p].requests).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    } finally {
      await stack.close();
    }
  }, 200_000);
});
