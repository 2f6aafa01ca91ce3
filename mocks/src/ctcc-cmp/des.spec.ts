import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { strEncNative, desBlock, keySchedule, naturalOrdering, reorderedKey, splitKey, strDec, strEnc, textBlocks, PC1_D_STANDARD } from './des';

/** carriers-vectors.md §2, every row: [#, text, k1, k2, k3, output]. */
const VECTORS: Array<[number, string, string, string, string, string]> = [
  [1, '', 'abc', 'def', 'ghi', ''],
  [2, 'a', 'abc', 'def', 'ghi', 'B349CAC28BE680E9'],
  [3, '0', 'abc', 'def', 'ghi', '6F62DE828C1309C3'],
  [4, 'abc', 'abc', 'def', 'ghi', 'F2923F4C43EB4A79'],
  [5, 'abc\u0000', 'abc', 'def', 'ghi', 'F2923F4C43EB4A79'],
  [6, 'test', 'abc', 'def', 'ghi', '41894168BD86A2CC'],
  [7, 'hello', 'abc', 'def', 'ghi', '6088E153B608DB1521BD91F39EEAA48B'],
  [8, '12345678', 'abc', 'def', 'ghi', '637DB4FA6CE97037C8AF5BE0A716BF81'],
  [9, 'pwd12345', 'abc', 'def', 'ghi', '4F631B6240D8252F652150E0A9D18955'],
  [10, 'Abc123!@', 'abc', 'def', 'ghi', '1B75AA1770EB5D3853319362671970DE'],
  [11, '1410012345678', 'abc', 'def', 'ghi', '1AC8216443FBC17A593D64E5E77E97AEB504C52DDE388E2DE5928CD9F4F1FA28'],
  [12, '中国电信', 'abc', 'def', 'ghi', 'F3A43C8ACFCB2D58'],
  [13, '物联网卡测试', 'abc', 'def', 'ghi', '76D63A74E779EC1642BF93BFDB148C27'],
  [
    14,
    'The quick brown fox jumps over the lazy dog 0123456789',
    'abc',
    'def',
    'ghi',
    '6A71A5B8AFC752DEB0447231C775A6AD08C7D6D40F602A14F3E55DB45B65C401DFBBA2EC039F82AFC6C45A0966C62B03244CACC5D4EECF46AE5030E8302597E0770D8C04CE289F74807FACE64BEB61E88CEFFFB59B012F1A593D64E5E77E97AEB504C52DDE388E2D9E3D8F264D87C0C2',
  ],
  [15, 'Abc123!@', 'Xy7', 'pQ2', 'mZ0', '848940BE8B58AAF2F717267A193438D9'],
  [16, '1410012345678', 'Xy7', 'pQ2', 'mZ0', '99361DD80BDFABE3C7B26960C9CF0434AD18540563C6CC9EC314B70D25865E77'],
  [17, 'test', 'a', 'bc', 'def', '1AD582C8F8A0EDC8'],
  [18, 'test', 'abcdefgh', 'ijk', 'lmn', '7BE2837B337B948B'],
  [19, 'a\u{1F600}', 'abc', 'def', 'ghi', 'AD9215A58815AC2D'],
  [
    20,
    '14914000000,queryPakage,test,test',
    'abc',
    'def',
    'ghi',
    '45E8B9924DE397A8F7E5764767810CF774CC7E1685BA702C9C4C367EFDAE5D932B37C0C8F0F8EB0CAD6372289F407CA941894168BD86A2CC32E5804EA05BAA5099649468B9418E52',
  ],
];

/** carriers-vectors.md §4: whole signed requests. */
const USER = 'testuser0000000000000000000000001';
const PWD = 'pwd12345';
const PASSWORD_HEX = '4F631B6240D8252F652150E0A9D18955';
const REQUESTS: Array<{ name: string; key: string; user: string; pwd: string; values: string[]; ordering: string; passWord: string; sign: string }> = [
  {
    name: 'A disabledNumber',
    key: 'abcdefghi',
    user: USER,
    pwd: PWD,
    values: [USER, PWD, 'disabledNumber', '1410012345678', '19', ''],
    ordering: ',1410012345678,19,disabledNumber,pwd12345,testuser0000000000000000000000001',
    passWord: PASSWORD_HEX,
    sign: '7679263F526410C9A1304B65739AE4AEACCAC95138A49D08752135EDEA0EB69E72B9588FEF2CD9CE6D4B04B1806FB72D2059570A80C62D1CB8C1FE66002275D427A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0',
  },
  {
    name: 'B getSIMList signing pageIndex (invalid on the platform)',
    key: 'abcdefghi',
    user: USER,
    pwd: PWD,
    values: [USER, PWD, 'getSIMList', '2'],
    ordering: '2,getSIMList,pwd12345,testuser0000000000000000000000001',
    passWord: PASSWORD_HEX,
    sign: 'A553E4932A652283194B76548F4FA6E012EAC68B5A001EE227A89BD43E1A191B637DB4FA6CE9703735D2D6DED58D8ACFB37F49C390E236D63A4B15CC6F2CF0DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BAC7C1E7DA33DD3C0',
  },
  {
    name: "B' getSIMList",
    key: 'abcdefghi',
    user: USER,
    pwd: PWD,
    values: [USER, PWD, 'getSIMList'],
    ordering: 'getSIMList,pwd12345,testuser0000000000000000000000001',
    passWord: PASSWORD_HEX,
    sign: '5692CA1A534B31B7320940A84FCA51B7C37807BF456E8824D413065E75913E76CB24179B2FFBCAD341894168BD86A2CC16CC0DAF9B20CEF4DAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BFE04B76218FE1397',
  },
  {
    name: 'C queryTraffic signing needDtl (invalid on the platform)',
    key: 'abcdefghi',
    user: USER,
    pwd: PWD,
    values: [USER, PWD, 'queryTraffic', '89860312345678901235', '0'],
    ordering: '0,89860312345678901235,pwd12345,queryTraffic,testuser0000000000000000000000001',
    passWord: PASSWORD_HEX,
    sign: '26B8E4A593E887BB66893A55DDFC0EEB637DB4FA6CE97037C8AF5BE0A716BF817744EF7A595B9AE4BD1BA4DB22C01825D413065E75913E76CB24179B2FFBCAD39C4C367EFDAE5D938F7F19EA3F28117669379E20030180BA32E5804EA05BAA50091EB0B09EDAD4404137102BE70AE6DEDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BB2CE1FCF2221C820',
  },
  {
    name: "C' queryTraffic",
    key: 'abcdefghi',
    user: USER,
    pwd: PWD,
    values: [USER, PWD, 'queryTraffic', '89860312345678901235'],
    ordering: '89860312345678901235,pwd12345,queryTraffic,testuser0000000000000000000000001',
    passWord: PASSWORD_HEX,
    sign: 'BB3649805B1D4813F23EC856416D7491ACCAC95138A49D08EAF8A0E9800FA02B6C7783CC6D9C9BB427A89BD43E1A191B637DB4FA6CE97037D47A16B088BFD813325D1D61D56218F7B82F42B82386099DA152C0FE8D1B5EFB502163BB8363CCF9972DD09BD2A6EA4FDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BDAEF2C60DB715B1BBCE5DB46DECFBF5F',
  },
  {
    name: 'D queryCardMainStatus, mixed case',
    key: 'Xy7pQ2mZ0',
    user: 'TestUser01',
    pwd: 'Abc123!@',
    values: ['TestUser01', 'Abc123!@', 'queryCardMainStatus', '14100000001'],
    ordering: '14100000001,Abc123!@,TestUser01,queryCardMainStatus',
    passWord: '848940BE8B58AAF2F717267A193438D9',
    sign: '99361DD80BDFABE3E21026EA5F4555C555358A4ED358A158848940BE8B58AAF2F717267A193438D975364909B52EE07855A0469D8F61C257514270CA8ABD3657018AD8790A3427DBA110ECF68B9A39678ECF983949726CDDCEE177B1A6EA33AE1979C02040C3658D',
  },
];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

describe('ctcc strEnc (des.js triple-key DES)', () => {
  it.each(VECTORS)('vector %i: %j', (_n, text, k1, k2, k3, expected) => {
    expect(strEnc(text, k1, k2, k3)).toBe(expected);
    expect(strEnc(text, k1, k2, k3)).toHaveLength(16 * Math.ceil(text.length / 4));
  });

  it.each(VECTORS)('vector %i on the OpenSSL back-end too', (_n, text, k1, k2, k3, expected) => {
    expect(strEncNative(text, k1, k2, k3)).toBe(expected);
  });

  it('gives the same output on both back-ends for any text and keys', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), (text, k1, k2, k3) => {
        expect(strEncNative(text, k1, k2, k3)).toBe(strEnc(text, k1, k2, k3));
      }),
      { numRuns: 300 },
    );
  });

  it('decrypts every vector back to its text (U+0000 dropped)', () => {
    for (const [, text, k1, k2, k3, out] of VECTORS) {
      expect(strDec(out, k1, k2, k3)).toBe(text.replace(/\u0000/g, ''));
      expect(strDec(out.toLowerCase(), k1, k2, k3)).toBe(text.replace(/\u0000/g, ''));
    }
  });

  it('reads text as UTF-16 code units, big-endian, zero-filled', () => {
    expect(hex(textBlocks('test')[0])).toBe('0074006500730074');
    expect(hex(textBlocks('abc')[0])).toBe('0061006200630000');
    expect(hex(textBlocks('中国电信')[0])).toBe('4E2D56FD75354FE1');
    expect(hex(textBlocks('a\u{1F600}')[0])).toBe('0061D83DDE000000');
    expect(textBlocks('')).toEqual([]);
  });

  it('reproduces the intermediate values of §3 after each key', () => {
    const rows: Array<[string, string, string, string]> = [
      ['test', 'D65142E7C8E826CC', '580711FFEAE2E0F7', '41894168BD86A2CC'],
      ['a', '63135E5A519F1737', '196B900087DD2291', 'B349CAC28BE680E9'],
      ['中国电信', '2FCABE973B8A1632', '5C139AF886CFA9DC', 'F3A43C8ACFCB2D58'],
    ];
    for (const [text, afterK1, afterK2, afterK3] of rows) {
      expect(strEnc(text, 'abc')).toBe(afterK1);
      expect(strEnc(text, 'abc', 'def')).toBe(afterK2);
      expect(strEnc(text, 'abc', 'def', 'ghi')).toBe(afterK3);
    }
  });

  it('has a des.js DES core: the single-block check value and the standard DES difference', () => {
    const key = fromHex('133457799BBCDFF1');
    const plain = fromHex('0123456789ABCDEF');
    expect(hex(desBlock(plain, keySchedule(key)))).toBe('CC38B78305003643');
    expect(hex(desBlock(plain, keySchedule(key, PC1_D_STANDARD)))).toBe('85E813540F0AB405');
  });

  it('computes the re-ordered keys K′ of §1.1', () => {
    expect(hex(reorderedKey(fromHex('133457799BBCDFF1')))).toBe('1B265F6193BADBF7');
    expect(hex(reorderedKey(textBlocks('abc')[0]))).toBe('0069007000610000');
    expect(hex(reorderedKey(textBlocks('def')[0]))).toBe('006C006100680008');
    expect(hex(reorderedKey(textBlocks('ghi')[0]))).toBe('0073006000690004');
  });

  it("agrees with Node's des-ede3-ecb under K′×3 (an independent DES back-end) on random blocks", () => {
    let seed = 12345;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let n = 0; n < 300; n++) {
      const key = Uint8Array.from({ length: 8 }, rnd);
      const block = Uint8Array.from({ length: 8 }, rnd);
      const kp = Buffer.from(reorderedKey(key));
      const cipher = crypto.createCipheriv('des-ede3-ecb', Buffer.concat([kp, kp, kp]), null);
      cipher.setAutoPadding(false);
      const viaNode = Buffer.concat([cipher.update(block), cipher.final()]);
      expect(hex(desBlock(block, keySchedule(key)))).toBe(viaNode.toString('hex').toUpperCase());
    }
  });

  it('ignores the lowest bit of every key byte (abc and `cb give the same result)', () => {
    expect(strEnc('test', '`cb', 'def', 'ghi')).toBe('41894168BD86A2CC');
  });
});

describe('ctcc naturalOrdering and whole signed requests (carriers-vectors.md §4)', () => {
  it('sorts by UTF-16 code unit, keeps duplicates and empty values, joins with a comma', () => {
    expect(naturalOrdering(['b', 'A', '10', '2', '19', '', 'a'])).toBe(',10,19,2,A,a,b');
    expect(naturalOrdering(['test', '14914000000', 'test', 'queryPakage'])).toBe('14914000000,queryPakage,test,test');
    // localeCompare would put queryCardMainStatus before TestUser01.
    expect(naturalOrdering(['queryCardMainStatus', 'TestUser01'])).toBe('TestUser01,queryCardMainStatus');
  });

  it.each(REQUESTS)('$name', (r) => {
    const [k1, k2, k3] = splitKey(r.key);
    const ordering = naturalOrdering(r.values);
    expect(ordering).toBe(r.ordering);
    expect(strEnc(r.pwd, k1, k2, k3)).toBe(r.passWord);
    expect(strEnc(ordering, k1, k2, k3)).toBe(r.sign);
  });

  it('shows the ECB repetition of the long user_id', () => {
    const sign = REQUESTS[0].sign;
    expect(sign.split('DAEF2C60DB715B1B').length - 1).toBe(5);
  });
});
