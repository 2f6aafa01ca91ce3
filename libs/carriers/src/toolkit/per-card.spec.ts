import { OperationState, RateLimited, Rejected, Transient, type CarrierError } from '@simgate/core';
import { CardFailure, chunks, eachCard, mapped, readPerCard, refFor, uniqueRefs } from './per-card';
import { overallState, progressByStatus } from './progress';

const refs = ['1', '2', '3', '4'].map((iccid) => ({ iccid }));
const scoped = (e: CarrierError): boolean => e.details.carrierCode === 'CARD';

describe('toolkit per-card runner', () => {
  it('a passing fault, a CardFailure or a card refusal is the card failure; the others are read', async () => {
    const result = await readPerCard(
      refs,
      async (r) => {
        if (r.iccid === '1') throw new Transient('5xx');
        if (r.iccid === '2') throw new CardFailure(new Transient('cut'));
        if (r.iccid === '3') throw new Rejected('unknown', { carrierCode: 'CARD' });
        return r.iccid;
      },
      { refusalIsCards: scoped },
    );
    expect(result.items).toEqual(['4']);
    expect(result.failures.map((f) => [f.iccid, f.error.message])).toEqual([['1', '5xx'], ['2', 'cut'], ['3', 'unknown']]);
  });

  it('an account-wide error (or a refusal the table does not scope to the card) fails the call and stops launching', async () => {
    const asked: string[] = [];
    const read = (e: Error) => async (r: { iccid: string }) => {
      asked.push(r.iccid);
      if (r.iccid === '2') throw e;
      return r.iccid;
    };
    await expect(readPerCard(refs, read(new RateLimited('quota')))).rejects.toThrow('quota');
    expect(asked).toEqual(['1', '2']);
    await expect(readPerCard(refs, read(new Rejected('bad password')), { refusalIsCards: scoped })).rejects.toThrow('bad password');
    // by default every refusal is the card's
    await expect(readPerCard(refs, read(new Rejected('unknown')))).resolves.toMatchObject({ items: ['1', '3', '4'] });
  });

  it('runs at most `concurrency` at once, outcomes in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await eachCard(
      [5, 1, 3, 2],
      async (ms) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, ms));
        inFlight--;
        return ms;
      },
      { concurrency: 2 },
    );
    expect(most).toBe(2);
    expect(out.map((o) => (o.ok ? o.value : null))).toEqual([5, 1, 3, 2]);
    expect(await eachCard([], async () => 1)).toEqual([]);
  });

  it('mapped: a mapper that throws is that card failure (Transient unless it threw a carrier error)', () => {
    expect(() => mapped('p', 'P', () => { throw new Error('bad'); })).toThrow(CardFailure);
    try {
      mapped('p', 'P', () => { throw new Error('bad'); });
    } catch (e) {
      expect((e as CardFailure).error).toBeInstanceOf(Transient);
      expect((e as CardFailure).error.message).toBe('P: could not map the answer (bad)');
    }
    expect(mapped('p', 'P', () => 3)).toBe(3);
  });

  it('chunks, uniqueRefs, refFor', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
    expect(uniqueRefs([{ iccid: 'a', msisdn: '1' }, { iccid: 'b' }, { iccid: 'a' }])).toEqual([{ iccid: 'a', msisdn: '1' }, { iccid: 'b' }]);
    expect(refFor([{ iccid: 'a', msisdn: '1' }], 'a')).toEqual({ iccid: 'a', msisdn: '1' });
    expect(refFor([], 'z')).toEqual({ iccid: 'z' });
  });
});

describe('toolkit progress by status', () => {
  const receipt = {
    type: 'SUSPEND',
    iccids: ['1', '2', '3'],
    confirmBy: 'STATUS',
    carrierRef: null,
    expectedStatus: null,
    submittedAt: new Date(0),
  } as unknown as Parameters<typeof progressByStatus>[0];

  it('COMPLETED on the target, SUBMITTED otherwise (no deadline here), FAILED for a card refusal', async () => {
    const raw: Record<string, string> = { '1': ' 5 ', '2': '4' };
    const p = await progressByStatus(receipt, [], {
      target: '5',
      read: async (r) => {
        if (r.iccid === '3') throw new Rejected('unknown', { carrierCode: 'CARD' });
        return raw[r.iccid];
      },
      refusalIsCards: scoped,
      waiting: (s) => `status ${s}, waiting for 5`,
    });
    expect(p.items).toEqual([
      { iccid: '1', state: OperationState.COMPLETED },
      { iccid: '2', state: OperationState.SUBMITTED, message: 'status 4, waiting for 5' },
      { iccid: '3', state: OperationState.FAILED, message: 'unknown' },
    ]);
    expect(p.state).toBe(OperationState.SUBMITTED);
  });

  it('other errors fail the call', async () => {
    const read = async (): Promise<string> => {
      throw new Rejected('bad password');
    };
    await expect(progressByStatus(receipt, [], { target: '5', read, refusalIsCards: scoped, waiting: String })).rejects.toThrow('bad password');
  });

  it('overallState', () => {
    const item = (state: OperationState) => ({ iccid: 'x', state }) as Parameters<typeof overallState>[0][number];
    expect(overallState([item(OperationState.COMPLETED), item(OperationState.SUBMITTED)])).toBe(OperationState.SUBMITTED);
    expect(overallState([item(OperationState.COMPLETED), item(OperationState.COMPLETED)])).toBe(OperationState.COMPLETED);
    expect(overallState([item(OperationState.COMPLETED), item(OperationState.FAILED)])).toBe(OperationState.FAILED);
  });
});
