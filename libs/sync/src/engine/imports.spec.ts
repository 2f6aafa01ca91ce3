import type { Store } from '@simgate/store';
import { backends } from '../../../../test/support/backends';
import { fakeIccids } from '../testing/fake-platform';
import { engineAccount } from '../testing/engine-account';
import { IMPORT_ATTEMPTS, checkChunk } from './imports';

/**
 * The import job (engine/imports.ts) on ImportsRepository: chunks written once each, a run that failed resumed
 * after the chunks it wrote (duplicates across chunks still found), the last attempt failing the import, and a
 * second run of the same job writing nothing twice. On PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
const T = new Date('2026-03-10T00:00:00Z');
let n = 100;

describe.each(backends())('import jobs on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => store.close());

  /** An import of `chunks` (each a list of lines) for a fresh account, queued. */
  async function queued(chunks: string[][]) {
    const acc = await engineAccount(store, ++n);
    const id = `imp_test-${n}`;
    let firstLine = 1;
    let rows = 0;
    for (const [seq, lines] of chunks.entries()) {
      await store.imports.putChunk(id, { seq, firstLine, body: lines.join('\n') });
      firstLine += lines.length;
      rows += lines.filter((l) => l.trim() && !/^iccid/i.test(l)).length;
    }
    await store.imports.create({ id, accountId: acc.id, rowsTotal: rows, bytes: 100, chunks: chunks.length, truncated: false }, T);
    const run = (attempt: number) => acc.engine.handle({ id: `import:${id}`, name: 'import', data: { type: 'import', importId: id }, attemptsMade: attempt });
    return { acc, id, run };
  }

  const chunksLeft = async (id: string) => (await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_chunks WHERE import_id = $1`, [id])).rows[0].n;

  it('writes every chunk once: cards, rejected rows (with their lines) and counters; then completes and queues a sweep', async () => {
    const ic = fakeIccids('8986', n + 1, 6);
    const { acc, id, run } = await queued([
      ['iccid,msisdn', `${ic[0]},8613800000000`, ic[1], 'nonsense'],
      [ic[2], '', `${ic[1]}`, ic[3]],
      [`${ic[4]},12ab`, ic[5]],
    ]);
    await run(1);
    const imp = (await store.imports.get(id))!;
    // Data rows: lines 2, 3, 4, 5, 7, 8, 9, 10 (line 1 is the header, line 6 blank).
    expect(imp).toMatchObject({ state: 'completed', rowsTotal: 8, rowsRead: 8, accepted: 5, inserted: 5, rejected: 3, chunksDone: 3, attempts: 1, error: null });
    expect(imp.startedAt).toEqual(T);
    expect(await store.imports.rejectedRows(id, 0, 100)).toEqual([
      { line: 4, value: 'nonsense', problem: expect.stringMatching(/^iccid: /) },
      { line: 7, value: ic[1], problem: 'duplicate iccid in this file' },
      { line: 9, value: `${ic[4]},12ab`, problem: expect.stringMatching(/^msisdn: /) },
    ]);
    expect(await store.imports.rejectedRows(id, 4, 1)).toEqual([expect.objectContaining({ line: 7 })]);
    expect(await chunksLeft(id)).toBe(0);
    expect((await store.cards.get(ic[0]))!).toMatchObject({ accountId: acc.id, msisdn: '8613800000000' });
    expect(await acc.queue.has(`sweep:${acc.id}:status`)).toBe(true);
  });

  it('a run that failed is resumed after the chunks it wrote; a duplicate of an earlier chunk is still found', async () => {
    const ic = fakeIccids('8986', n + 1, 6);
    const { id, run } = await queued([[ic[0], ic[1]], [ic[2], ic[3]], [ic[4], ic[0]]]);
    const apply = store.imports.applyChunk.bind(store.imports);
    let failed = false;
    const spy = jest.spyOn(store.imports, 'applyChunk').mockImplementation(async (...args) => {
      if (args[1] === 1 && !failed) {
        failed = true;
        throw new Error('database went away');
      }
      return apply(...args);
    });
    try {
      await expect(run(1)).rejects.toThrow('database went away');
      const mid = (await store.imports.get(id))!;
      expect(mid).toMatchObject({ state: 'running', chunksDone: 1, rowsRead: 2, accepted: 2, error: { message: 'database went away' } });
      await run(2);
    } finally {
      spy.mockRestore();
    }
    const imp = (await store.imports.get(id))!;
    expect(imp).toMatchObject({ state: 'completed', chunksDone: 3, rowsRead: 6, accepted: 5, inserted: 5, rejected: 1, attempts: 2 });
    expect(await store.imports.rejectedRows(id, 0, 10)).toEqual([{ line: 6, value: ic[0], problem: 'duplicate iccid in this file' }]);
  });

  it('the last attempt fails the import with its error; its chunks are deleted', async () => {
    const ic = fakeIccids('8986', n + 1, 2);
    const { id, run } = await queued([[ic[0]], [ic[1]]]);
    const spy = jest.spyOn(store.imports, 'applyChunk').mockRejectedValue(new Error('disk full'));
    try {
      await expect(run(IMPORT_ATTEMPTS)).rejects.toThrow('disk full');
    } finally {
      spy.mockRestore();
    }
    const imp = (await store.imports.get(id))!;
    expect(imp).toMatchObject({ state: 'failed', error: { error: 'INTERNAL', message: 'disk full' }, chunksDone: 0 });
    expect(imp.finishedAt).toEqual(T);
    expect(await chunksLeft(id)).toBe(0);
    await run(1); // a job left over for an import that ended does nothing
    expect((await store.imports.get(id))!.state).toBe('failed');
  });

  it('a chunk is written once: a second run of the job (a worker that lost its lock) writes nothing twice', async () => {
    const ic = fakeIccids('8986', n + 1, 2);
    const { acc, id } = await queued([[ic[0], 'bad'], [ic[1]]]);
    await store.imports.start(id, T);
    const src = { accountId: acc.id, platform: 'fake-platform', carrier: (await store.accounts.list()).find((a) => a.id === acc.id)!.carrier };
    const chunk = (await store.imports.chunk(id, 0))!;
    const { rows, rejected } = checkChunk(chunk.body, chunk.firstLine, new Set());
    const [a, b] = await Promise.all([
      store.imports.applyChunk(id, 0, src, rows, rejected, T),
      store.imports.applyChunk(id, 0, src, rows, rejected, T),
    ]);
    expect([a, b].filter((x) => x === null)).toHaveLength(1);
    expect(await store.imports.applyChunk(id, 2, src, rows, rejected, T)).toBeNull(); // not the next chunk
    expect((await store.imports.get(id))!).toMatchObject({ chunksDone: 1, rowsRead: 2, accepted: 1, inserted: 1, rejected: 1 });
    expect(await store.imports.finish(id, { state: 'completed' }, T)).toBeNull(); // chunk 1 is not written yet
  });

  it('rows of cards known in another account are rejected, the cards left where they are', async () => {
    const other = await engineAccount(store, ++n);
    const ic = fakeIccids('8986', n + 1, 2);
    const otherAccount = (await store.accounts.list()).find((a) => a.id === other.id)!;
    await store.cards.importRefs({ accountId: other.id, platform: otherAccount.platform, carrier: otherAccount.carrier }, [{ iccid: ic[0] }], T);
    const { id, run } = await queued([[ic[0], ic[1]]]);
    await run(1);
    expect((await store.imports.get(id))!).toMatchObject({ state: 'completed', accepted: 1, inserted: 1, rejected: 1 });
    expect(await store.imports.rejectedRows(id, 0, 10)).toEqual([{ line: 1, value: ic[0], problem: 'card belongs to another account' }]);
    expect((await store.cards.get(ic[0]))!.accountId).toBe(other.id);
  });

  it('ended imports are pruned with their rejected rows after the retention; unfinished ones never', async () => {
    const ic = fakeIccids('8986', n + 1, 1);
    const old = await queued([[ic[0], 'bad']]);
    await old.run(1); // finished at T
    const open = await queued([['also bad']]); // still queued
    expect(await store.imports.rejectedRows(old.id, 0, 10)).toHaveLength(1);
    expect(await store.imports.prune(T)).toBe(0); // finished at T, not before
    expect(await store.imports.prune(new Date(T.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect(await store.imports.get(old.id)).toBeNull();
    expect(await store.imports.rejectedRows(old.id, 0, 10)).toEqual([]);
    expect((await store.imports.get(open.id))!.state).toBe('queued');
  });

  it('orphan chunks of an upload that broke off are pruned; an import is not', async () => {
    await store.imports.putChunk('imp_orphan', { seq: 0, firstLine: 1, body: 'x' });
    const { id } = await queued([['y']]);
    expect(await store.imports.pruneOrphanChunks(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await chunksLeft('imp_orphan')).toBe(0);
    expect(await chunksLeft(id)).toBe(1);
  });
});
