/** Operations on cards (domain.md §6): which apply in which state, batch ranges, reset, rebind budget. */
import fc from 'fast-check';
import { CardStatus as S } from './card';
import { DomainValidationError } from './errors';
import { isIccid, withLuhn } from './identifiers';
import {
  checkOperation,
  CTCC_REBINDS_PER_MONTH,
  expandIccidRange,
  isFinalState,
  OperationState,
  OperationType as Op,
  RESET_NETWORK_WAIT_SECONDS,
  rebindsLeft,
} from './operation';
import { SuspendReason as R } from './suspend-reason';

const ICCID = withLuhn('8986001234567890123');
const STATUSES = Object.values(S);
const card = (status: S, suspendReasons: R[] = []) => ({ iccid: ICCID, status, suspendReasons });

describe('checkOperation', () => {
  it.each(STATUSES.map((s) => [s, s === S.TEST || s === S.INVENTORY] as const))('ACTIVATE a %s card: %p (only cards not yet activated)', (s, ok) => {
    const r = checkOperation(Op.ACTIVATE, card(s));
    expect(r.ok).toBe(ok);
    if (!ok) expect(r.message).toContain(ICCID);
  });

  it.each(STATUSES.map((s) => [s, s === S.ACTIVE] as const))('SUSPEND a %s card: %p', (s, ok) => {
    expect(checkOperation(Op.SUSPEND, card(s)).ok).toBe(ok);
  });

  describe('RESUME: only for MANUAL suspensions', () => {
    it('a card suspended MANUAL alone can be resumed', () => {
      expect(checkOperation(Op.RESUME, card(S.SUSPENDED, [R.MANUAL]))).toEqual({ ok: true });
    });
    it.each(Object.values(R).filter((r) => r !== R.MANUAL))('a card suspended for %s cannot, and is told why', (reason) => {
      const r = checkOperation(Op.RESUME, card(S.SUSPENDED, [reason]));
      expect(r.ok).toBe(false);
      expect(r.code).toBe('RESUME_NOT_ALLOWED');
      expect(r.message).toContain(reason);
      expect(r.message).toMatch(/MANUAL/);
    });
    it('MANUAL plus any other reason cannot', () => {
      expect(checkOperation(Op.RESUME, card(S.SUSPENDED, [R.MANUAL, R.OVER_QUOTA])).code).toBe('RESUME_NOT_ALLOWED');
    });
    it('a suspended card with no known reason cannot', () => {
      const r = checkOperation(Op.RESUME, card(S.SUSPENDED, []));
      expect(r.code).toBe('RESUME_NOT_ALLOWED');
      expect(r.message).toMatch(/unknown reason/);
    });
    it.each(STATUSES.filter((s) => s !== S.SUSPENDED && s !== S.CANCELLED))('a %s card cannot (not suspended)', (s) => {
      expect(checkOperation(Op.RESUME, card(s, [R.MANUAL])).code).toBe('INVALID_STATE');
    });
  });

  it.each(Object.values(Op))('%s on a CANCELLED card is refused: the card can never be used again', (op) => {
    const r = checkOperation(op, card(S.CANCELLED, [R.MANUAL]), { imei: '490154203237518', capMb: 100 });
    expect(r).toMatchObject({ ok: false, code: 'CARD_CANCELLED' });
  });

  describe('REBIND needs the new device IMEI', () => {
    it.each(['490154203237518', '49015420323751', '4901542032375101'])('%s is accepted', (imei) => {
      expect(checkOperation(Op.REBIND, card(S.SUSPENDED, [R.DEVICE_REBIND]), { imei }).ok).toBe(true);
      // CTCC keeps a card 在用 during a rebind: an ACTIVE card can be rebound too
      expect(checkOperation(Op.REBIND, card(S.ACTIVE), { imei }).ok).toBe(true);
    });
    it.each([undefined, '', '1234', '49015420323751x', '49015420323751890'])('%p is refused', (imei) => {
      expect(checkOperation(Op.REBIND, card(S.ACTIVE), { imei }).code).toBe('INVALID_IMEI');
    });
  });

  describe('SET_USAGE_CAP takes a positive whole number of MB, or null to remove it', () => {
    it.each([1, 100, 10240, null])('%p is accepted', (capMb) => {
      expect(checkOperation(Op.SET_USAGE_CAP, card(S.ACTIVE), { capMb }).ok).toBe(true);
    });
    it.each([undefined, 0, -5, 1.5, NaN])('%p is refused', (capMb) => {
      expect(checkOperation(Op.SET_USAGE_CAP, card(S.ACTIVE), { capMb }).code).toBe('INVALID_CAP');
    });
  });
});

describe('operation states', () => {
  it.each([
    [OperationState.PENDING, false],
    [OperationState.SUBMITTED, false],
    [OperationState.COMPLETED, true],
    [OperationState.FAILED, true],
    [OperationState.REJECTED, true],
  ])('%s is final: %p (pending until the carrier says otherwise)', (s, want) => expect(isFinalState(s)).toBe(want));
});

describe('reset network and rebind budget', () => {
  it('reset network waits 15 minutes between suspend and resume', () => expect(RESET_NETWORK_WAIT_SECONDS).toBe(15 * 60));
  it('CTCC: at most 2 successful unbinds per natural month', () => {
    expect(CTCC_REBINDS_PER_MONTH).toBe(2);
    expect([0, 1, 2, 3, 10].map((n) => rebindsLeft(n))).toEqual([2, 1, 0, 0, 0]);
  });
});

describe('expandIccidRange (batch activation by number range)', () => {
  const body = '898600123456789000';
  const from = withLuhn(body);
  const badCheck = (id: string) => id.slice(0, -1) + String((Number(id.slice(-1)) + 1) % 10);

  it('expands contiguous container IDs, each with its own check digit', () => {
    const to = withLuhn('898600123456789003');
    expect(expandIccidRange(from, to, 100)).toEqual(['0', '1', '2', '3'].map((d) => withLuhn(`89860012345678900${d}`)));
  });
  it('a range of one card', () => expect(expandIccidRange(from, from, 1)).toEqual([from]));
  it('carries across digits', () => {
    const out = expandIccidRange(withLuhn('898600123456789998'), withLuhn('898600123456790001'), 10);
    expect(out.map((x) => x.slice(-4, -1))).toEqual(['998', '999', '000', '001']);
  });

  it('property: yields contiguous valid ICCIDs from `from` to `to`', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.constantFrom(16, 17), fc.nat()).chain(([n]) => fc.stringMatching(new RegExp(`^\\d{${n}}$`))),
        fc.nat({ max: 60 }),
        (rest, k) => {
          const a = BigInt('89' + rest);
          const b = a + BigInt(k);
          if (b.toString().length !== rest.length + 2) return; // would overflow the width
          const f = withLuhn(a.toString());
          const t = withLuhn(b.toString());
          const out = expandIccidRange(f, t, 100);
          expect(out).toHaveLength(k + 1);
          expect(out[0]).toBe(f);
          expect(out[k]).toBe(t);
          out.forEach((id, i) => {
            expect(isIccid(id)).toBe(true);
            expect(BigInt(id.slice(0, -1))).toBe(a + BigInt(i));
          });
        },
      ),
    );
  });

  it.each([
    ['non-digits', '8986001234567890001x', from, 'INVALID_RANGE', /digits only/],
    ['a wrong check digit', from, badCheck(withLuhn('898600123456789003')), 'INVALID_RANGE', /range\.to is not a valid ICCID: Luhn/],
    ['ends of different lengths', from, withLuhn('8986001234567890003'), 'INVALID_RANGE', /same length/],
    ['from after to', withLuhn('898600123456789009'), from, 'INVALID_RANGE', /must not be after/],
    ['too many cards', from, withLuhn('898600123456789200'), 'RANGE_TOO_LARGE', /201 cards; at most 100/],
  ])('refuses %s with a typed error', (_, a, b, code, why) => {
    let err: unknown;
    try {
      expandIccidRange(a, b, 100);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainValidationError);
    expect((err as DomainValidationError).code).toBe(code);
    expect((err as Error).message).toMatch(why);
  });
});
