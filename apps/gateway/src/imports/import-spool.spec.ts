import { linesOf, readHead } from './import-spool';

async function* chunks(...parts: (string | Buffer)[]) {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

async function all(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('reading an order list as it arrives', () => {
  it('splits LF and CRLF lines wherever the chunks break, keeps blank lines, and counts the bytes', async () => {
    const counter = { bytes: 0 };
    const lines = await all(linesOf(chunks('iccid,msi', 'sdn\r', '\n8986', '0001\n\n89', '860002,1', '38\r\n8986003'), counter));
    expect(lines).toEqual(['iccid,msisdn', '89860001', '', '89860002,138', '8986003']);
    expect(counter.bytes).toBe(Buffer.byteLength('iccid,msisdn\r\n89860001\n\n89860002,138\r\n8986003'));
  });

  it('decodes a UTF-8 character split across chunks', async () => {
    const text = Buffer.from('名字,1\nx\n');
    const lines = await all(linesOf(chunks(text.subarray(0, 1), text.subarray(1, 4), text.subarray(4)), { bytes: 0 }));
    expect(lines).toEqual(['名字,1', 'x']);
  });

  it('a line with no end, however long, is one line', async () => {
    const parts = Array.from({ length: 50 }, () => ' '.repeat(1000));
    expect(await all(linesOf(chunks(...parts), { bytes: 0 }))).toEqual([' '.repeat(50_000)]);
  });

  it('the head stops at the first data row past the threshold; blank lines and the header are not rows', async () => {
    const source = () => linesOf(chunks('iccid,msisdn\n\n1\n2\n\n3\n4\n'), { bytes: 0 })[Symbol.asyncIterator]();
    const small = await readHead(source(), 4);
    expect(small).toEqual({ lines: ['iccid,msisdn', '', '1', '2', '', '3', '4'], rows: 4, more: false });
    const it = source();
    const big = await readHead(it, 2);
    expect(big).toEqual({ lines: ['iccid,msisdn', '', '1', '2', '', '3'], rows: 3, more: true });
    // The rest is still there to be read.
    expect(await it.next()).toEqual({ value: '4', done: false });
  });
});
