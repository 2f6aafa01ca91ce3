import { Rejected } from '@simgate/core';
import { buildCtccRequest, ctccCmpCredentials, signedValues, signRequest, type CtccCmpCredentials } from './client';
import { naturalOrdering } from './str-enc';

/** The whole signed requests of carriers-vectors.md §4, built by the client. */
describe('CTCC signed requests (carriers-vectors.md §4)', () => {
  const BASE = 'http://ctcc.test:9001/m2m_ec/query.do';

  it('A: disabledNumber 19 by access_number, empty acctCd signed and sorted first', () => {
    const req = buildCtccRequest(BASE, CREDS_ABC, 'disabledNumber', { name: 'access_number', value: '1410012345678' }, {
      signed: { orderTypeId: '19', acctCd: '' },
      unsigned: {},
    });
    expect(naturalOrdering(signedValues(CREDS_ABC, 'disabledNumber', { name: 'access_number', value: '1410012345678' }, { signed: { orderTypeId: '19', acctCd: '' }, unsigned: {} }))).toBe(
      ',1410012345678,19,disabledNumber,pwd12345,testuser0000000000000000000000001',
    );
    expect(req.query).toEqual({
      method: 'disabledNumber',
      user_id: CREDS_ABC.userId,
      passWord: PASSWORD_ABC,
      sign: SIGN_A,
      access_number: '1410012345678',
      orderTypeId: '19',
      acctCd: '',
    });
    expect(req.method).toBe('GET');
    expect(req.url).toBe(BASE);
    expect(req.endpoint).toBe('disabledNumber');
  });

  it("B′: getSIMList page 2 does not sign pageIndex (B, which signs it, is the platform's -3)", () => {
    const req = buildCtccRequest(BASE, CREDS_ABC, 'getSIMList', null, { signed: {}, unsigned: { pageIndex: '2' } });
    expect(req.query).toEqual({ method: 'getSIMList', user_id: CREDS_ABC.userId, passWord: PASSWORD_ABC, sign: SIGN_B_PRIME, pageIndex: '2' });
    expect(signRequest(CREDS_ABC, 'getSIMList', null, { signed: { pageIndex: '2' }, unsigned: {} })).toBe(SIGN_B);
    expect(req.query!.sign).not.toBe(SIGN_B);
  });

  it('C′: queryTraffic by iccid does not sign needDtl (C, which signs it, is the -3 case)', () => {
    const key = { name: 'iccid' as const, value: '89860312345678901235' };
    const req = buildCtccRequest(BASE, CREDS_ABC, 'queryTraffic', key, { signed: {}, unsigned: { needDtl: '0' } });
    expect(req.query).toEqual({
      method: 'queryTraffic',
      user_id: CREDS_ABC.userId,
      passWord: PASSWORD_ABC,
      sign: SIGN_C_PRIME,
      iccid: '89860312345678901235',
      needDtl: '0',
    });
    expect(signRequest(CREDS_ABC, 'queryTraffic', key, { signed: { needDtl: '0' }, unsigned: {} })).toBe(SIGN_C);
  });

  it('D: queryCardMainStatus, ordinal sort of mixed case', () => {
    const key = { name: 'access_number' as const, value: '14100000001' };
    const req = buildCtccRequest(BASE, CREDS_XY, 'queryCardMainStatus', key, { signed: {}, unsigned: {} });
    expect(naturalOrdering(signedValues(CREDS_XY, 'queryCardMainStatus', key, { signed: {}, unsigned: {} }))).toBe(
      '14100000001,Abc123!@,TestUser01,queryCardMainStatus',
    );
    expect(req.query).toEqual({ method: 'queryCardMainStatus', user_id: 'TestUser01', passWord: '848940BE8B58AAF2F717267A193438D9', sign: SIGN_D, access_number: '14100000001' });
  });

  it('lists every secret of the request for redaction', () => {
    const req = buildCtccRequest(BASE, CREDS_ABC, 'getSIMList', null, { signed: {}, unsigned: { pageIndex: '2' } });
    expect(req.secrets).toEqual(expect.arrayContaining(['pwd12345', 'abcdefghi', PASSWORD_ABC, SIGN_B_PRIME]));
  });

  it('refuses missing or malformed credentials, naming the field and never its value', () => {
    expect(() => ctccCmpCredentials({ userId: 'u', password: 'secretpw' })).toThrow(Rejected);
    expect(() => ctccCmpCredentials({ userId: 'u', password: 'secretpw', key: 'short' })).toThrow(/key must have 9 characters/);
    try {
      ctccCmpCredentials({ userId: 'u', password: 'secretpw', key: 'short' });
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('short');
      expect(String((e as Error).message)).not.toContain('secretpw');
    }
  });
});

// ----- fixtures (carriers-vectors.md §4) -----
const CREDS_ABC: CtccCmpCredentials = { userId: 'testuser0000000000000000000000001', password: 'pwd12345', key: 'abcdefghi' };
const CREDS_XY: CtccCmpCredentials = { userId: 'TestUser01', password: 'Abc123!@', key: 'Xy7pQ2mZ0' };
const PASSWORD_ABC = '4F631B6240D8252F652150E0A9D18955';
const SIGN_A =
  '7679263F526410C9A1304B65739AE4AEACCAC95138A49D08752135EDEA0EB69E72B9588FEF2CD9CE6D4B04B1806FB72D2059570A80C62D1CB8C1FE66002275D427A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0';
const SIGN_B =
  'A553E4932A652283194B76548F4FA6E012EAC68B5A001EE227A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0';
const SIGN_B_PRIME =
  '5692CA1A534B31B7320940A84FCA51B7C37807BF456E8824D413065E75913E76CB24179B2FFBCAD341894168BD86A2CC16CC0DAF9B20CEF4DAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BFE04B76218FE1397';
const SIGN_C =
  '26B8E4A593E887BB66893A55DDFC0EEB637DB4FA6CE97037C8AF5BE0A716BF817744EF7A595B9AE4BD1BA4DB22C01825D413065E75913E76CB24179B2FFBCAD39C4C367EFDAE5D938F7F19EA3F28117669379E20030180BA32E5804EA05BAA50091EB0B09EDAD4404137102BE70AE6DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BB2CE1FCF2221C820';
const SIGN_C_PRIME =
  'BB3649805B1D4813F23EC856416D7491ACCAC95138A49D08EAF8A0E9800FA02B6C7783CC6D9C9BB427A89BD43E1A191B637DB4FA6CE97037D47A16B088BFD813325D1D61D56218F7B82F42B82386099DA152C0FE8D1B5EFB502163BB8363CCF9972DD09BD2A6EA4FDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BBCE5DB46DECFBF5F';
const SIGN_D =
  '99361DD80BDFABE3E21026EA5F4555C555358A4ED358A158848940BE8B58AAF2F717267A193438D975364909B52EE07855A0469D8F61C257514270CA8ABD3657018AD8790A3427DBA110ECF68B9A39678ECF983949726CDDCEE177B1A6EA33AE1979C02040C3658D';
