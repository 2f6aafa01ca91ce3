import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { iccidProblem, msisdnProblem, type CardRef } from '@simgate/core';

export interface OrderListRow extends CardRef {
  line: number;
}

export interface RejectedRow {
  line: number;
  value: string;
  problem: string;
}

/**
 * Streams a carrier order list (`iccid,msisdn` CSV, optional header) and validates every row: ICCID with its
 * Luhn digit, MSISDN digits. Rows are handed over in batches; rejected rows are reported, never imported.
 */
export async function readOrderList(
  input: NodeJS.ReadableStream,
  onBatch: (rows: OrderListRow[]) => Promise<void>,
  options: { batchSize?: number; maxRows?: number } = {},
): Promise<{ accepted: number; rejected: RejectedRow[]; truncated: boolean }> {
  const batchSize = options.batchSize ?? 5000;
  const maxRows = options.maxRows ?? Infinity;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let accepted = 0;
  let truncated = false;
  const rejected: RejectedRow[] = [];
  let batch: OrderListRow[] = [];
  const seen = new Set<string>();
  for await (const raw of rl) {
    line++;
    const text = raw.replace(/^\uFEFF/, '').trim();
    if (!text) continue;
    const [iccidRaw = '', msisdnRaw = ''] = text.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (line === 1 && /^iccid$/i.test(iccidRaw)) continue;
    if (accepted + rejected.length >= maxRows) {
      truncated = true;
      break;
    }
    const p = iccidProblem(iccidRaw);
    if (p) {
      rejected.push({ line, value: text.slice(0, 80), problem: `iccid: ${p}` });
      continue;
    }
    const m = msisdnRaw ? msisdnProblem(msisdnRaw) : null;
    if (m) {
      rejected.push({ line, value: text.slice(0, 80), problem: `msisdn: ${m}` });
      continue;
    }
    if (seen.has(iccidRaw)) {
      rejected.push({ line, value: text.slice(0, 80), problem: 'duplicate iccid in this file' });
      continue;
    }
    seen.add(iccidRaw);
    batch.push({ iccid: iccidRaw, msisdn: msisdnRaw || null, line });
    accepted++;
    if (batch.length >= batchSize) {
      await onBatch(batch);
      batch = [];
    }
  }
  if (batch.length) await onBatch(batch);
  rl.close();
  return { accepted, rejected, truncated };
}

export function readOrderListFile(path: string, onBatch: (rows: OrderListRow[]) => Promise<void>) {
  return readOrderList(fs.createReadStream(path, { encoding: 'utf8' }), onBatch);
}
