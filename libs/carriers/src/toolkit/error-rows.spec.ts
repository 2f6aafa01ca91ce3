import { errorRows, statusRows } from './error-rows';

describe('toolkit error rows', () => {
  it('reads one row a line: code, kind, scope, the meaning as written', () => {
    expect(
      errorRows`
        12021    AUTH_EXPIRED ACCOUNT token unknown or expired: fetch a new token, retry once
        -4       REJECTED     CARD    号码不存在: unknown card
        Bad.Cred RATE_LIMITED ACCOUNT over  quota (10/s)
        30000001 TRANSIENT    REQUEST unknown server error
      `,
    ).toEqual({
      '12021': { kind: 'AUTH_EXPIRED', scope: 'ACCOUNT', meaning: 'token unknown or expired: fetch a new token, retry once' },
      '-4': { kind: 'REJECTED', scope: 'CARD', meaning: '号码不存在: unknown card' },
      'Bad.Cred': { kind: 'RATE_LIMITED', scope: 'ACCOUNT', meaning: 'over  quota (10/s)' },
      '30000001': { kind: 'TRANSIENT', scope: 'REQUEST', meaning: 'unknown server error' },
    });
  });

  it('retry=<seconds> sets retryAfterSeconds; the other rows have none', () => {
    const rows = errorRows`
      12034 REJECTED REQUEST retry=1800 anti-repeat: changed less than 30 minutes ago
      12036 REJECTED REQUEST not in a state this change applies to
    `;
    expect(rows['12034']).toEqual({ kind: 'REJECTED', scope: 'REQUEST', meaning: 'anti-repeat: changed less than 30 minutes ago', retryAfterSeconds: 1800 });
    expect(rows['12036']).not.toHaveProperty('retryAfterSeconds');
  });

  it('skips blank lines and # comments; an empty table has no rows', () => {
    expect(
      errorRows`
        # HTTP Basic has no token to refresh

        E1 REJECTED CARD unknown card
          # an indented comment
      `,
    ).toEqual({ E1: { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown card' } });
    expect(errorRows``).toEqual({});
    expect(errorRows('\n  # nothing yet\n')).toEqual({});
  });

  it('keeps any code a row, __proto__ too', () => {
    const rows = errorRows`__proto__ REJECTED REQUEST odd code`;
    expect(Object.keys(rows)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(rows)).toBe(Object.prototype);
  });

  it('takes interpolated values as text', () => {
    const minutes = 30;
    expect(errorRows`E1 REJECTED REQUEST retry=${minutes * 60} wait ${minutes} minutes`).toEqual({
      E1: { kind: 'REJECTED', scope: 'REQUEST', meaning: 'wait 30 minutes', retryAfterSeconds: 1800 },
    });
  });

  it('status rows: HTTP statuses as codes', () => {
    expect(
      statusRows`
        401 AUTH_EXPIRED ACCOUNT bearer token expired or unknown
        # a comment
        404 REJECTED     CARD    unknown SIM
      `,
    ).toEqual({
      401: { kind: 'AUTH_EXPIRED', scope: 'ACCOUNT', meaning: 'bearer token expired or unknown' },
      404: { kind: 'REJECTED', scope: 'CARD', meaning: 'unknown SIM' },
    });
  });

  it('throws on every malformed row, naming its line and what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['E1 REJECTED', /^errorRows: line 1 "E1 REJECTED": expected <code> <KIND> <SCOPE> \[retry=<seconds>\] <meaning>$/],
      ['E1', /line 1 "E1": expected/],
      ['\n\nE1 REJECTED CARD', /^errorRows: line 3 "E1 REJECTED CARD": no meaning$/],
      ['E1 REJECTED CARD retry=60', /line 1 .*: no meaning$/],
      ['E1 REFUSED CARD unknown card', /line 1 .*: kind REFUSED is not one of RATE_LIMITED, AUTH_EXPIRED, TRANSIENT, REJECTED$/],
      ['E1 rejected CARD unknown card', /kind rejected is not one of/],
      ['E1 REJECTED SIM unknown card', /line 1 .*: scope SIM is not one of ACCOUNT, REQUEST, CARD$/],
      ['E1 REJECTED CARD retry= soon', /retry= is not a whole number of seconds above 0$/],
      ['E1 REJECTED CARD retry=1.5 soon', /retry=1.5 is not a whole number/],
      ['E1 REJECTED CARD retry=0 soon', /retry=0 is not a whole number/],
      ['E1 REJECTED CARD retry=-1 soon', /retry=-1 is not a whole number/],
      ['E1 REJECTED CARD retry=30s soon', /retry=30s is not a whole number/],
      ['E1 REJECTED CARD unknown card\nE2 REJECTED CARD x\nE1 TRANSIENT REQUEST again', /^errorRows: line 3 "E1 TRANSIENT REQUEST again": code E1 has a row already$/],
      ['retry=5 REJECTED CARD unknown card', /code retry=5 is an option, not a code$/],
    ];
    for (const [table, message] of cases) expect(() => errorRows(table)).toThrow(message);
  });

  it('status rows throw on a code that is not an HTTP status', () => {
    for (const code of ['40', '4010', '600', 'E401', '099'])
      expect(() => statusRows(`${code} REJECTED ACCOUNT refused`)).toThrow(
        `statusRows: line 1 "${code} REJECTED ACCOUNT refused": code ${code} is not an HTTP status (100–599)`,
      );
    expect(() => statusRows`401 REJECTED USER refused`).toThrow(/scope USER/);
  });
});
