import { desEncryptBlock, naturalOrdering, reorderKey, splitCtccKey, strDec, strEnc, toBlocks } from './str-enc';

/** Every vector of carriers-vectors.md, copied by hand. */
describe('strEnc (carriers-vectors.md §2)', () => {
  const ABC = ['abc', 'def', 'ghi'] as const;
  const XY = ['Xy7', 'pQ2', 'mZ0'] as const;
  const vectors: [number, string, readonly [string, string, string], string][] = [
    [1, '', ABC, ''],
    [2, 'a', ABC, 'B349CAC28BE680E9'],
    [3, '0', ABC, '6F62DE828C1309C3'],
    [4, 'abc', ABC, 'F2923F4C43EB4A79'],
    [5, 'abc\u0000', ABC, 'F2923F4C43EB4A79'],
    [6, 'test', ABC, '41894168BD86A2CC'],
    [7, 'hello', ABC, '6088E153B608DB1521BD91F39EEAA48B'],
    [8, '12345678', ABC, '637DB4FA6CE97037C8AF5BE0A716BF81'],
    [9, 'pwd12345', ABC, '4F631B6240D8252F652150E0A9D18955'],
    [10, 'Abc123!@', ABC, '1B75AA1770EB5D3853319362671970DE'],
    [11, '1410012345678', ABC, '1AC8216443FBC17A593D64E5E77E97AEB504C52DDE388E2DE5928CD9F4F1FA28'],
    [12, '中国电信', ABC, 'F3A43C8ACFCB2D58'],
    [13, '物联网卡测试', ABC, '76D63A74E779EC1642BF93BFDB148C27'],
    [
      14,
      'The quick brown fox jumps over the lazy dog 0123456789',
      ABC,
      '6A71A5B8AFC752DEB0447231C775A6AD08C7D6D40F602A14F3E55DB45B65C401DFBBA2EC039F82AFC6C45A0966C62B03244CACC5D4EECF46AE5030E8302597E0770D8C04CE289F74807FACE64BEB61E88CEFFFB59B012F1A593D64E5E77E97AEB504C52DDE388E2D9E3D8F264D87C0C2',
    ],
    [15, 'Abc123!@', XY, '848940BE8B58AAF2F717267A193438D9'],
    [16, '1410012345678', XY, '99361DD80BDFABE3C7B26960C9CF0434AD18540563C6CC9EC314B70D25865E77'],
    [17, 'test', ['a', 'bc', 'def'], '1AD582C8F8A0EDC8'],
    [18, 'test', ['abcdefgh', 'ijk', 'lmn'], '7BE2837B337B948B'],
    [19, 'a😀', ABC, 'AD9215A58815AC2D'],
    [
      20,
      '14914000000,queryPakage,test,test',
      ABC,
      '45E8B9924DE397A8F7E5764767810CF774CC7E1685BA702C9C4C367EFDAE5D932B37C0C8F0F8EB0CAD6372289F407CA941894168BD86A2CC32E5804EA05BAA5099649468B9418E52',
    ],
  ];

  it.each(vectors)('row %i: %j', (_row, text, [k1, k2, k3], expected) => {
    expect(strEnc(text, k1, k2, k3)).toBe(expected);
  });

  it('round-trips through strDec (trailing U+0000 dropped, as the reference does)', () => {
    for (const [, text, [k1, k2, k3]] of vectors) {
      expect(strDec(strEnc(text, k1, k2, k3), k1, k2, k3)).toBe(text.replace(/\u0000/g, ''));
    }
  });

  it('ignores the lowest bit of each key byte (`cb ≡ abc)', () => {
    expect(strEnc('test', '`cb', 'def', 'ghi')).toBe('41894168BD86A2CC');
  });
});

describe('the DES core (carriers-vectors.md §1.1, §3)', () => {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

  it('re-orders the key into K′', () => {
    expect(hex(reorderKey(Buffer.from('133457799BBCDFF1', 'hex')))).toBe('1B265F6193BADBF7');
    expect(hex(reorderKey(toBlocks('abc')))).toBe('0069007000610000');
    expect(hex(reorderKey(toBlocks('def')))).toBe('006C006100680008');
    expect(hex(reorderKey(toBlocks('ghi')))).toBe('0073006000690004');
  });

  it('gives the des.js single block under K′, and standard DES under K', () => {
    const plain = Buffer.from('0123456789ABCDEF', 'hex');
    expect(hex(desEncryptBlock(reorderKey(Buffer.from('133457799BBCDFF1', 'hex')), plain))).toBe('CC38B78305003643');
    expect(hex(desEncryptBlock(Buffer.from('133457799BBCDFF1', 'hex'), plain))).toBe('85E813540F0AB405');
  });

  it.each([
    ['test', '0074006500730074', 'D65142E7C8E826CC', '580711FFEAE2E0F7', '41894168BD86A2CC'],
    ['a', '0061000000000000', '63135E5A519F1737', '196B900087DD2291', 'B349CAC28BE680E9'],
    ['中国电信', '4E2D56FD75354FE1', '2FCABE973B8A1632', '5C139AF886CFA9DC', 'F3A43C8ACFCB2D58'],
  ])('intermediate values for %s', (text, block, afterK1, afterK2, out) => {
    expect(hex(toBlocks(text))).toBe(block);
    expect(strEnc(text, 'abc')).toBe(afterK1);
    expect(strEnc(text, 'abc', 'def')).toBe(afterK2);
    expect(strEnc(text, 'abc', 'def', 'ghi')).toBe(out);
  });
});

describe('naturalOrdering (carriers-vectors.md §1.3)', () => {
  it('sorts ordinally by UTF-16 code unit, keeps duplicates and empties, joins with a comma', () => {
    expect(naturalOrdering(['TestUser01', 'Abc123!@', 'queryCardMainStatus', '14100000001'])).toBe(
      '14100000001,Abc123!@,TestUser01,queryCardMainStatus',
    );
    expect(naturalOrdering(['2', '19', '10'])).toBe('10,19,2');
    expect(naturalOrdering(['test', '14914000000', 'test', 'queryPakage'])).toBe('14914000000,queryPakage,test,test');
    expect(naturalOrdering(['b', '', 'a'])).toBe(',a,b');
  });

  it('splits the 9-character key into three', () => {
    expect(splitCtccKey('abcdefghi')).toEqual(['abc', 'def', 'ghi']);
  });
});
