import { csvCell } from './cards.controller';

describe('csvCell (the export)', () => {
  it('writes numbers as numbers, negative ones included', () => {
    expect(csvCell(-5_242_880)).toBe('-5242880');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(1.5)).toBe('1.5');
  });

  it('neutralises text a spreadsheet would read as a formula, and quotes where CSV needs it', () => {
    expect(csvCell('-5242880')).toBe("'-5242880");
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('ACTIVE')).toBe('ACTIVE');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});
