/** The error taxonomy: every carrier failure is one class with a fixed kind and retry decision. */
import {
  AuthExpired,
  CarrierError,
  DomainValidationError,
  InvalidIdentifier,
  isCarrierError,
  NotSupported,
  RateLimited,
  Rejected,
  Transient,
  Unavailable,
} from './errors';

describe('carrier errors', () => {
  it.each([
    [RateLimited, 'RATE_LIMITED', true],
    [AuthExpired, 'AUTH_EXPIRED', true],
    [Transient, 'TRANSIENT', true],
    [Unavailable, 'UNAVAILABLE', true],
    [Rejected, 'REJECTED', false],
    [NotSupported, 'NOT_SUPPORTED', false],
  ] as const)('%p is %s, retryable: %p', (Cls, kind, retryable) => {
    const e = new Cls('boom', { platform: 'cucc-jasper', carrierCode: '40000029', carrierMessage: '参数错误', httpStatus: 200 });
    expect(e).toBeInstanceOf(CarrierError);
    expect(e).toBeInstanceOf(Error);
    expect(isCarrierError(e)).toBe(true);
    expect(e.kind).toBe(kind);
    expect(e.retryable).toBe(retryable);
    expect(e.name).toBe(Cls.name);
    expect(e.message).toBe('boom');
    expect(e.toJSON()).toEqual({
      name: Cls.name,
      kind,
      retryable,
      message: 'boom',
      platform: 'cucc-jasper',
      carrierCode: '40000029',
      carrierMessage: '参数错误',
      httpStatus: 200,
    });
    // survives JSON, e.g. into an operation's stored error
    expect(JSON.parse(JSON.stringify(e)).kind).toBe(kind);
  });
  it('details default to empty', () => expect(new Transient('t').details).toEqual({}));
  it('plain errors and validation errors are not carrier errors', () => {
    expect(isCarrierError(new Error('x'))).toBe(false);
    expect(isCarrierError(new DomainValidationError('X', 'x'))).toBe(false);
    expect(isCarrierError('RATE_LIMITED')).toBe(false);
  });
});

describe('validation errors', () => {
  it('carry a stable code, a message and the field', () => {
    const e = new DomainValidationError('INVALID_RANGE', 'range.from must be digits only', 'range.from');
    expect(e).toMatchObject({ name: 'DomainValidationError', code: 'INVALID_RANGE', field: 'range.from' });
  });
  it('InvalidIdentifier names the identifier, the value and the problem', () => {
    const e = new InvalidIdentifier('msisdn', '123', 'must be 11 to 15 digits, got 3');
    expect(e).toBeInstanceOf(DomainValidationError);
    expect(e).toMatchObject({ name: 'InvalidIdentifier', code: 'INVALID_MSISDN', field: 'msisdn', value: '123' });
    expect(e.message).toBe("invalid MSISDN '123': must be 11 to 15 digits, got 3");
  });
});
