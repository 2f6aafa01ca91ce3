import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { withLuhn } from '@simgate/core';
import { readOrderList, readOrderListFile, type OrderListRow } from './csv-order-list';

const iccid = (n: number) => withLuhn('898600' + String(n).padStart(13, '0'));
const msisdn = (n: number) => '1440' + String(n).padStart(9, '0');
/** The same ICCID with a wrong check digit. */
const badLuhn = (n: number) => {
  const good = iccid(n);
  return good.slice(0, -1) + String((Number(good.slice(-1)) + 1) % 10);
};

async function read(text: string, options: { batchSize?: number; maxRows?: number } = {}) {
  const batches: OrderListRow[][] = [];
  const report = await readOrderList(
    Readable.from([text]),
    async (rows) => {
      batches.push(rows);
    },
    options,
  );
  return { ...report, batches, rows: batches.flat() };
}

describe('readOrderList', () => {
  it('skips the header and reads iccid,msisdn rows with their line numbers', async () => {
    const r = await read(`iccid,msisdn\n${iccid(1)},${msisdn(1)}\n${iccid(2)},\n`);
    expect(r.rows).toEqual([
      { iccid: iccid(1), msisdn: msisdn(1), line: 2 },
      { iccid: iccid(2), msisdn: null, line: 3 },
    ]);
    expect(r.accepted).toBe(2);
    expect(r.rejected).toEqual([]);
    expect(r.truncated).toBe(false);
  });

  it('reads a file without header, and a header in any case', async () => {
    expect((await read(`${iccid(1)},${msisdn(1)}\n`)).rows).toHaveLength(1);
    expect((await read(`ICCID,MSISDN\n${iccid(1)}\n`)).rows).toEqual([{ iccid: iccid(1), msisdn: null, line: 2 }]);
  });

  it('handles a BOM (with and without header) and CRLF line ends', async () => {
    const withHeader = await read(`\uFEFFiccid,msisdn\r\n${iccid(1)},${msisdn(1)}\r\n${iccid(2)},${msisdn(2)}\r\n`);
    expect(withHeader.rows.map((r) => [r.iccid, r.msisdn, r.line])).toEqual([
      [iccid(1), msisdn(1), 2],
      [iccid(2), msisdn(2), 3],
    ]);
    expect(withHeader.rejected).toEqual([]);
    const noHeader = await read(`\uFEFF${iccid(1)},${msisdn(1)}\r\n`);
    expect(noHeader.rows).toEqual([{ iccid: iccid(1), msisdn: msisdn(1), line: 1 }]);
  });

  it('strips quotes and spaces around values and skips blank lines (keeping line numbers)', async () => {
    const r = await read(`iccid,msisdn\n\n "${iccid(1)}" , "${msisdn(1)}" \n   \n${iccid(2)}\n`);
    expect(r.rows).toEqual([
      { iccid: iccid(1), msisdn: msisdn(1), line: 3 },
      { iccid: iccid(2), msisdn: null, line: 5 },
    ]);
  });

  it('rejects an ICCID failing its Luhn check and a bad MSISDN, with line numbers, and imports the rest', async () => {
    const r = await read(`iccid,msisdn\n${iccid(1)},${msisdn(1)}\n${badLuhn(2)},${msisdn(2)}\n${iccid(3)},12ab\n${iccid(4)},123\nnot-an-iccid\n${iccid(5)}\n`);
    expect(r.rows.map((x) => x.iccid)).toEqual([iccid(1), iccid(5)]);
    expect(r.rejected.map((x) => [x.line, x.problem.split(':')[0]])).toEqual([
      [3, 'iccid'],
      [4, 'msisdn'],
      [5, 'msisdn'],
      [6, 'iccid'],
    ]);
    expect(r.rejected[0].problem).toMatch(/Luhn/);
    expect(r.rejected[0].value).toContain(badLuhn(2));
  });

  it('rejects duplicate ICCIDs after the first', async () => {
    const r = await read(`${iccid(1)},${msisdn(1)}\n${iccid(2)}\n${iccid(1)},${msisdn(9)}\n`);
    expect(r.rows.map((x) => x.line)).toEqual([1, 2]);
    expect(r.rejected).toEqual([{ line: 3, value: `${iccid(1)},${msisdn(9)}`, problem: 'duplicate iccid in this file' }]);
  });

  it('truncates after maxRows rows (accepted and rejected), and says so', async () => {
    const lines = ['iccid,msisdn', ...Array.from({ length: 10 }, (_, i) => (i === 2 ? 'bad' : iccid(i)))];
    const r = await read(lines.join('\n'), { maxRows: 5 });
    expect(r.accepted + r.rejected.length).toBe(5);
    expect(r.accepted).toBe(4);
    expect(r.truncated).toBe(true);
    const exact = await read(lines.slice(0, 6).join('\n'), { maxRows: 5 });
    expect(exact.truncated).toBe(false);
  });

  it('delivers batches in order, each at most batchSize, the last partial', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => iccid(i));
    const r = await read(lines.join('\n') + '\n', { batchSize: 3 });
    expect(r.batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(r.rows.map((x) => x.iccid)).toEqual(lines);
    expect(r.rows.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('waits for each batch before reading on', async () => {
    const lines = Array.from({ length: 6 }, (_, i) => iccid(i));
    let inBatch = false;
    let overlapped = false;
    await readOrderList(
      Readable.from([lines.join('\n')]),
      async () => {
        overlapped ||= inBatch;
        inBatch = true;
        await new Promise((r) => setTimeout(r, 5));
        inBatch = false;
      },
      { batchSize: 2 },
    );
    expect(overlapped).toBe(false);
  });

  it('reads a file from disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simgate-csv-'));
    try {
      const file = path.join(dir, 'cards.csv');
      fs.writeFileSync(file, `\uFEFFiccid,msisdn\r\n${iccid(1)},${msisdn(1)}\r\n`);
      const rows: OrderListRow[] = [];
      const r = await readOrderListFile(file, async (b) => void rows.push(...b));
      expect(r.accepted).toBe(1);
      expect(rows).toEqual([{ iccid: iccid(1), msisdn: msisdn(1), line: 2 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
