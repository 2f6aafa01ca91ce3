import { isOrderListRow } from '@simgate/sync';
import type { ImportRecord, Store } from '@simgate/store';
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';

/**
 * Receiving an order list: its lines read as they arrive (the request's backpressure holds: a line is asked only
 * when the one before is handled), the first ones kept to decide whether the list is small enough to import
 * within the request, the rest stored as chunks of an import job.
 */

/** Data rows per stored chunk: one chunk is one transaction of the import job. */
export const CHUNK_ROWS = 5000;

/** The lines of a byte stream (LF or CRLF), without their line ends; counts the bytes read. Linear in the input. */
export async function* linesOf(input: AsyncIterable<Buffer | string>, counter: { bytes: number }): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const strip = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);
  // The start of a line whose end has not arrived yet, in pieces (joined once, when it ends).
  let pending: string[] = [];
  for await (const chunk of input) {
    counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const piece = text.slice(start, end);
      yield strip(pending.length ? pending.join('') + piece : piece);
      pending = [];
      start = end + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  const last = pending.join('') + decoder.end();
  if (last) yield strip(last);
}

/** The head of a list: its first lines up to the first data row past `maxRows` (`more`), and the rows among them. */
export async function readHead(lines: AsyncIterator<string>, maxRows: number): Promise<{ lines: string[]; rows: number; more: boolean }> {
  const head: string[] = [];
  let rows = 0;
  for (;;) {
    const n = await lines.next();
    if (n.done) return { lines: head, rows, more: false };
    head.push(n.value);
    if (isOrderListRow(n.value, head.length) && ++rows > maxRows) return { lines: head, rows, more: true };
  }
}

/**
 * Stores a list as an import job's chunks (`head`, then the rest of `lines`), at most `maxRows` data rows (the
 * rest is not read: `truncated`), and creates its record, queued. Chunks of an upload that broke off before its
 * record was created are deleted after an hour, when another import is received.
 */
export async function spool(
  store: Store,
  accountId: string,
  head: string[],
  lines: AsyncIterator<string>,
  counter: { bytes: number },
  maxRows: number,
  now: () => Date,
): Promise<ImportRecord> {
  await store.imports.pruneOrphanChunks(new Date(now().getTime() - 3600_000));
  const id = `imp_${randomUUID()}`;
  let seq = 0;
  let firstLine = 1;
  let line = 0;
  let rows = 0;
  let truncated = false;
  let chunk: string[] = [];
  let chunkRows = 0;
  const flush = async () => {
    if (!chunk.length) return;
    await store.imports.putChunk(id, { seq: seq++, firstLine, body: chunk.join('\n') });
    firstLine += chunk.length;
    chunk = [];
    chunkRows = 0;
  };
  const add = async (text: string): Promise<boolean> => {
    line++;
    if (isOrderListRow(text, line)) {
      if (rows >= maxRows) return false;
      rows++;
      chunkRows++;
    }
    chunk.push(text);
    if (chunkRows >= CHUNK_ROWS) await flush();
    return true;
  };
  let open = true;
  for (const text of head) {
    if (!(await add(text))) {
      truncated = true;
      open = false;
      break;
    }
  }
  while (open) {
    const n = await lines.next();
    if (n.done) break;
    if (!(await add(n.value))) truncated = true;
    if (truncated) break;
  }
  await flush();
  return store.imports.create({ id, accountId, rowsTotal: rows, bytes: counter.bytes, chunks: seq, truncated }, now());
}
