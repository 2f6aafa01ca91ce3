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

/** What one line of an order list is: nothing (blank, the header), a valid row, or a rejected one. */
export type OrderListLine = { row: OrderListRow } | { rejected: RejectedRow } | null;

/**
 * Checks one line of an order list (`line` counts from 1): ICCID with its Luhn digit, MSISDN digits, and no ICCID
 * twice in the file (`seen`: the ICCIDs of the valid rows before it, which a valid row joins).
 */
export function checkOrderListLine(raw: string, line: number, seen: Set<string>): OrderListLine {
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (!text) return null;
  const [iccidRaw = '', msisdnRaw = ''] = text.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  if (line === 1 && /^iccid$/i.test(iccidRaw)) return null;
  const p = iccidProblem(iccidRaw);
  if (p) return { rejected: { line, value: text.slice(0, 80), problem: `iccid: ${p}` } };
  const m = msisdnRaw ? msisdnProblem(msisdnRaw) : null;
  if (m) return { rejected: { line, value: text.slice(0, 80), problem: `msisdn: ${m}` } };
  if (seen.has(iccidRaw)) return { rejected: { line, value: text.slice(0, 80), problem: 'duplicate iccid in this file' } };
  seen.add(iccidRaw);
  return { row: { iccid: iccidRaw, msisdn: msisdnRaw || null, line } };
}

/** Whether a line of an order list is a data row (not blank, not the header on line 1). */
export function isOrderListRow(raw: string, line: number): boolean {
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (!text) return false;
  return !(line === 1 && /^iccid$/i.test(text.split(',')[0].trim().replace(/^"(.*)"$/, '$1')));
}

/**
 * Streams a carrier order list (`iccid,msisdn` CSV, optional header) and validates every row
 * (`checkOrderListLine`). Rows are handed over in batches; rejected rows are reported, never imported.
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
    if (!isOrderListRow(raw, line)) continue;
    if (accepted + rejected.length >= maxRows) {
      truncated = true;
      break;
    }
    const r = checkOrderListLine(raw, line, seen);
    if (!r) continue;
    if ('rejected' in r) {
      rejected.push(r.rejected);
      continue;
    }
    batch.push(r.row);
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
