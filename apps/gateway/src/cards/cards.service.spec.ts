import type { Checkpoint } from '@simgate/store';
import type { Simgate } from '@simgate/sync';
import { CardsService } from './cards.service';

/** A store that answers no card and counts checkpoint reads; `failNext` makes the next read fail. */
function fakeSimgate() {
  const calls = { checkpoints: 0 };
  let failNext = false;
  const sg = {
    store: {
      cards: { get: async () => null, getWithUsage: async () => null, list: async () => [] },
      usage: { current: async () => new Map() },
      checkpoints: {
        list: async (): Promise<Checkpoint[]> => {
          calls.checkpoints++;
          if (failNext) {
            failNext = false;
            throw new Error('database went away');
          }
          return [];
        },
      },
    },
    registry: { has: () => false },
  } as unknown as Simgate;
  return { sg, calls, fail: () => (failNext = true) };
}

describe('CardsService checkpoints', () => {
  let clock = 0;
  beforeEach(() => {
    clock = 10_000;
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads the checkpoints once per second for any number of card requests', async () => {
    const { sg, calls } = fakeSimgate();
    const svc = new CardsService(sg, { apiKeys: [], metricsToken: null });
    await Promise.all([svc.get('89860000000000000001'), svc.get('89860000000000000002')]);
    clock += 999;
    await svc.get('89860000000000000003');
    expect(calls.checkpoints).toBe(1);
    clock += 2;
    await svc.get('89860000000000000003');
    expect(calls.checkpoints).toBe(2);
  });

  it('does not reuse a failed read', async () => {
    const { sg, calls, fail } = fakeSimgate();
    const svc = new CardsService(sg, { apiKeys: [], metricsToken: null });
    fail();
    await expect(svc.get('89860000000000000001')).rejects.toThrow('database went away');
    await svc.get('89860000000000000001');
    expect(calls.checkpoints).toBe(2);
  });
});
