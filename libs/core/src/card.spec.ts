/** Card statuses (domain.md §1), usage visibility (§4), reasons only on suspended/deactivated cards. */
import { carriesReason, CardStatus as S, isTerminal, STATUS_LABELS, statusWithReasons, usageVisible } from './card';
import { primaryReason, SuspendReason as R } from './suspend-reason';

const ALL = Object.values(S);

describe('card status', () => {
  it('has the six lifecycle stages plus UNKNOWN', () => {
    expect(ALL.sort()).toEqual(['ACTIVE', 'CANCELLED', 'DEACTIVATED', 'INVENTORY', 'SUSPENDED', 'TEST', 'UNKNOWN']);
  });

  it.each([
    [S.TEST, ['可测试', '测试期']],
    [S.INVENTORY, ['未使用', '沉默期', '可激活', '库存']],
    [S.ACTIVE, ['使用中', '在用']],
    [S.SUSPENDED, ['已停用']],
    [S.DEACTIVATED, ['已停机']],
    [S.CANCELLED, ['已销户', '拆机']],
  ])('%s carries the Chinese labels of domain.md §1', (status, labels) => {
    for (const l of labels) expect(STATUS_LABELS[status]).toContain(l);
  });
  it('no label names two statuses', () => {
    const seen = new Map<string, S>();
    for (const s of ALL) for (const l of STATUS_LABELS[s]) {
      expect(seen.get(l) ?? s).toBe(s);
      seen.set(l, s);
    }
  });

  it.each(ALL.map((s) => [s, s === S.ACTIVE || s === S.SUSPENDED] as const))(
    'usage visible for %s: %p (only activated cards: ACTIVE or SUSPENDED)',
    (s, want) => expect(usageVisible(s)).toBe(want),
  );
  it.each(ALL.map((s) => [s, s === S.SUSPENDED || s === S.DEACTIVATED] as const))('%s carries a reason: %p', (s, want) =>
    expect(carriesReason(s)).toBe(want),
  );
  it.each(ALL.map((s) => [s, s === S.CANCELLED] as const))('%s is terminal: %p', (s, want) => expect(isTerminal(s)).toBe(want));

  describe('statusWithReasons', () => {
    it('drops reasons on statuses that carry none', () => {
      for (const s of [S.ACTIVE, S.TEST, S.INVENTORY, S.CANCELLED, S.UNKNOWN]) {
        expect(statusWithReasons(s, [R.MANUAL], primaryReason)).toEqual({ status: s, suspendReason: null, suspendReasons: [] });
      }
    });
    it('keeps every reason of a suspended card and picks the hardest as primary', () => {
      expect(statusWithReasons(S.SUSPENDED, [R.MANUAL, R.DEVICE_REBIND], primaryReason)).toEqual({
        status: S.SUSPENDED,
        suspendReason: R.DEVICE_REBIND,
        suspendReasons: [R.MANUAL, R.DEVICE_REBIND],
      });
    });
    it('a suspended or deactivated card without a known reason gets UNKNOWN, never a guess', () => {
      for (const s of [S.SUSPENDED, S.DEACTIVATED]) {
        expect(statusWithReasons(s, [], primaryReason)).toEqual({ status: s, suspendReason: R.UNKNOWN, suspendReasons: [R.UNKNOWN] });
      }
    });
  });
});
