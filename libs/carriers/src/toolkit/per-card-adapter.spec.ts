import { naturalMonth, NotSupported, Rejected, SHANGHAI, Transient, type AdapterManifest, type CardRef } from '@simgate/core';
import { caught } from '../../../../test/support/carrier-specs';
import type { ErrorTable } from './errors';
import { PerCardAdapter } from './per-card-adapter';

const table: ErrorTable = {
  platform: 'test-platform',
  codes: { CARD: { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown card' }, CREDS: { kind: 'REJECTED', scope: 'ACCOUNT', meaning: 'bad password' } },
  describe: (f) => `${f.code}`,
};

/** The shared part alone, behind a minimal platform. */
class TestAdapter extends PerCardAdapter {
  readonly manifest = { id: 'test-platform', billingCycle: naturalMonth(SHANGHAI) } as AdapterManifest;
  protected readonly errors = table;
  readOne = (refs: CardRef[], read: (ref: CardRef) => Promise<string>) => this.perCard(refs, read);
  page = (cursor: string | null) => this.pageOf(cursor, 'list');
  days = (from: string, to: string) => this.checkDays(from, to, 'daily');
  cycle = (label: string, at: Date) => this.cycleToRead(label, at);
}

const adapter = () =>
  new TestAdapter({ id: 'acct', platform: 'test-platform', baseUrl: 'http://x/', credentials: { password: 'p' } }, { http: { send: async () => ({ status: 200, headers: {}, body: '' }) }, now: () => new Date() });
const AT = new Date('2026-11-30T17:00:00Z'); // 2026-12-01 01:00 in Shanghai

describe('PerCardAdapter (platforms read one card per request, without pools)', () => {
  it('serves the account it was built for, without its credentials', () => {
    expect(adapter().account).toEqual({ id: 'acct', platform: 'test-platform', baseUrl: 'http://x/' });
  });

  it('reads per card: a refusal the table scopes to the card and a passing fault are that card failure; others fail the call', async () => {
    const fail = (e: Error) => async (ref: CardRef) => {
      if (ref.iccid === 'b') throw e;
      return ref.iccid;
    };
    const refs = [{ iccid: 'a' }, { iccid: 'b' }];
    expect(await adapter().readOne(refs, fail(new Rejected('x', { carrierCode: 'CARD' })))).toMatchObject({ items: ['a'], failures: [{ iccid: 'b' }] });
    expect(await adapter().readOne(refs, fail(new Transient('5xx')))).toMatchObject({ items: ['a'], failures: [{ iccid: 'b' }] });
    await expect(adapter().readOne(refs, fail(new Rejected('x', { carrierCode: 'CREDS' })))).rejects.toThrow(Rejected);
  });

  it('checks page cursors, day ranges and cycle labels before any request', () => {
    expect(adapter().page(null)).toBe(1);
    expect(adapter().page('3')).toBe(3);
    expect(() => adapter().page('0')).toThrow("test-platform: bad inventory cursor '0'");
    expect(() => adapter().days('2026-11-02', '2026-11-01')).toThrow(Rejected);
    expect(() => adapter().days('2026-11-01', '2026-11-02')).not.toThrow();
    expect(() => adapter().cycle('2026-13', AT)).toThrow("test-platform: cycle label must be yyyy-MM, got '2026-13'");
    expect(() => adapter().cycle('2027-01', AT)).toThrow('test-platform: cycle 2027-01 has not started');
    // The current cycle (Shanghai December) is read up to `at`; a past one to its last instant.
    expect(adapter().cycle('2026-12', AT).last).toEqual(AT);
    expect(adapter().cycle('2026-11', AT).last.toISOString()).toBe('2026-11-30T15:59:59.999Z');
  });

  it('refuses pools, as a manifest without pools says', async () => {
    expect(await caught(adapter().listPools(AT))).toBeInstanceOf(NotSupported);
    expect(await caught(adapter().listPoolMembers('p', null, AT))).toBeInstanceOf(NotSupported);
  });
});
