/**
 * Identifiers (domain.md §7): ICCID 19–20 digits, `89` prefix, Luhn check digit; MSISDN, IMSI, IMEI.
 * Invalid input gives a typed InvalidIdentifier that says what is wrong.
 */
import fc from 'fast-check';
import { DomainValidationError, InvalidIdentifier } from './errors';
import {
  hasValidLuhn,
  iccidProblem,
  isIccid,
  luhnCheckDigit,
  parseIccid,
  parseImei,
  parseImsi,
  parseMsisdn,
  withLuhn,
} from './identifiers';

/** Textbook Luhn over a whole number (check digit included): valid when the sum is a multiple of 10. */
function luhnOk(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((c, i) => {
    let d = Number(c);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  });
  return sum % 10 === 0;
}
/** The check digit by trying all ten (independent of the code under test). */
function checkDigitByTrial(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnOk(body + d)) return String(d);
  throw new Error('unreachable');
}

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));
/** An ICCID body (without check digit): `89` + 16 or 17 digits. */
const iccidBody = fc.tuple(fc.constantFrom(16, 17), fc.nat()).chain(([n]) => digits(n, n).map((s) => '89' + s));

function thrown(f: () => unknown): InvalidIdentifier {
  try {
    f();
  } catch (e) {
    return e as InvalidIdentifier;
  }
  throw new Error('did not throw');
}

describe('Luhn', () => {
  it('textbook vectors', () => {
    expect(hasValidLuhn('79927398713')).toBe(true);
    expect(hasValidLuhn('79927398710')).toBe(false);
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(hasValidLuhn('490154203237518')).toBe(true); // the IMEI example of 3GPP TS 23.003 annex
  });
  it('degenerate input is never valid', () => {
    expect(hasValidLuhn('')).toBe(false);
    expect(hasValidLuhn('0')).toBe(false);
    expect(hasValidLuhn('12a4')).toBe(false);
  });
  it('property: the check digit is the one textbook Luhn accepts', () => {
    fc.assert(fc.property(digits(1, 25), (body) => expect(String(luhnCheckDigit(body))).toBe(checkDigitByTrial(body))));
  });
});

describe('ICCID', () => {
  const good19 = withLuhn('898600000000000000'); // 18-digit body + check digit
  const good20 = withLuhn('8986001234567890123');

  it('accepts 19 and 20 digits starting with 89 with a correct check digit', () => {
    expect(good19).toHaveLength(19);
    expect(good20).toHaveLength(20);
    expect(luhnOk(good19) && luhnOk(good20)).toBe(true);
    expect(isIccid(good19)).toBe(true);
    expect(parseIccid(good20)).toBe(good20);
  });

  it.each([
    ['', /empty/],
    ['8986 0012 3456 7890 123', /digits only/],
    ['89860012345678901A', /digits only/],
    [withLuhn('89860012345678901'), /19 or 20 digits, got 18/],
    [withLuhn('898600123456789012345'), /19 or 20 digits, got 22/],
    [withLuhn('988600123456789012'), /start with '89'/],
  ])('refuses %p and says why', (value, why) => {
    const e = thrown(() => parseIccid(value));
    expect(e).toBeInstanceOf(InvalidIdentifier);
    expect(e).toBeInstanceOf(DomainValidationError);
    expect(e.code).toBe('INVALID_ICCID');
    expect(e.field).toBe('iccid');
    expect(e.identifier).toBe('iccid');
    expect(e.value).toBe(value);
    expect(e.message).toContain('ICCID');
    expect(e.message).toMatch(why);
    expect(iccidProblem(value)).toMatch(why);
  });

  it('a wrong check digit names the expected digit', () => {
    const bad = good20.slice(0, -1) + String((Number(good20.slice(-1)) + 1) % 10);
    const e = thrown(() => parseIccid(bad));
    expect(e.message).toContain(`expected ${good20.slice(-1)}`);
    expect(e.message).toContain(`got ${bad.slice(-1)}`);
  });

  it('property: withLuhn(body) is always a valid ICCID', () => {
    fc.assert(
      fc.property(iccidBody, (body) => {
        const id = withLuhn(body);
        expect(id.slice(0, -1)).toBe(body);
        expect(luhnOk(id)).toBe(true);
        expect(iccidProblem(id)).toBeNull();
      }),
    );
  });
  it('property: changing any one digit breaks it', () => {
    fc.assert(
      fc.property(iccidBody, fc.nat(), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const id = withLuhn(body);
        const i = pos % id.length;
        const changed = id.slice(0, i) + String((Number(id[i]) + delta) % 10) + id.slice(i + 1);
        expect(isIccid(changed)).toBe(false);
      }),
    );
  });
  it('withLuhn refuses non-digits with a typed error', () => {
    expect(thrown(() => withLuhn('89860A')).code).toBe('INVALID_ICCID');
    expect(() => withLuhn('')).toThrow(InvalidIdentifier);
  });
});

describe('MSISDN, IMSI, IMEI', () => {
  it.each(['1440123456789', '1064912345678', '14101234567', '13800138000', '861380013800012'])('MSISDN %s is valid', (v) =>
    expect(parseMsisdn(v)).toBe(v),
  );
  it.each([
    ['', /empty/],
    ['+8613800138000', /digits only/],
    ['1380013800', /11 to 15 digits, got 10/],
    ['1234567890123456', /11 to 15 digits, got 16/],
  ])('MSISDN %p is refused: %p', (v, why) => {
    const e = thrown(() => parseMsisdn(v));
    expect(e.code).toBe('INVALID_MSISDN');
    expect(e.message).toMatch(/MSISDN/);
    expect(e.message).toMatch(why);
  });

  it('IMSI: 15 digits', () => {
    expect(parseImsi('460001234567890')).toBe('460001234567890');
    const e = thrown(() => parseImsi('46000123456789'));
    expect(e.code).toBe('INVALID_IMSI');
    expect(e.message).toMatch(/15 digits, got 14/);
    expect(thrown(() => parseImsi('46000123456789x')).message).toMatch(/digits only/);
    expect(thrown(() => parseImsi('')).message).toMatch(/empty/);
  });

  it('IMEI: 15 digits with a Luhn check digit, 14 without, or a 16-digit IMEISV', () => {
    expect(parseImei('490154203237518')).toBe('490154203237518');
    expect(parseImei('49015420323751')).toBe('49015420323751');
    expect(parseImei('4901542032375101')).toBe('4901542032375101');
    const e = thrown(() => parseImei('490154203237519'));
    expect(e.code).toBe('INVALID_IMEI');
    expect(e.message).toMatch(/Luhn/);
    expect(thrown(() => parseImei('4901542032')).message).toMatch(/14, 15 or 16 digits, got 10/);
    expect(thrown(() => parseImei('49015420323751-')).message).toMatch(/digits only/);
  });
});
