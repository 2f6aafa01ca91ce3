import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * CTCC CMP `strEnc`: the triple-key DES of the public "des.js" routine (carriers.md §3,
 * carriers-vectors.md §1).
 *
 * - Text and keys are read as UTF-16 code units, 16 bits big-endian each; 4 code units make one 8-byte
 *   block, the last block zero-filled (no other padding; empty text → empty output).
 * - Each text block is encrypted (ECB) under every key block of k1, then of k2, then of k3: E-E-E, not EDE.
 * - The DES inside des.js orders the D half of PC-1 differently from FIPS 46-3. Each key block is
 *   re-ordered into K′ so that a standard DES under K′ equals des.js's DES under K. Node 20 refuses
 *   `des-ecb` without the legacy provider, so single DES runs as `des-ede3-ecb` with K′ three times
 *   (E(K′) · D(K′) · E(K′) = E(K′)).
 * - Output: upper-case hex.
 */

/** PC-1, D half, FIPS 46-3 (bit numbers 1…64, bit 1 = MSB of byte 1). */
const STANDARD_D = [63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4];
/** PC-1, D half, as des.js and CTCC's `DesUtils` use it. */
const DESJS_D = [28, 20, 12, 4, 61, 53, 45, 37, 29, 21, 13, 5, 62, 54, 46, 38, 30, 22, 14, 6, 63, 55, 47, 39, 31, 23, 15, 7];

function getBit(block: Uint8Array, bit: number): number {
  const i = bit - 1;
  return (block[i >> 3] >> (7 - (i & 7))) & 1;
}

function setBit(block: Uint8Array, bit: number, value: number): void {
  const i = bit - 1;
  const mask = 1 << (7 - (i & 7));
  if (value) block[i >> 3] |= mask;
  else block[i >> 3] &= ~mask;
}

/** K′: the key block that makes a standard DES behave like des.js's DES under `key`. */
export function reorderKey(key: Uint8Array): Buffer {
  if (key.length !== 8) throw new RangeError('a DES key block has 8 bytes');
  const out = Buffer.from(key);
  for (let t = 0; t < 28; t++) setBit(out, STANDARD_D[t], getBit(key, DESJS_D[t]));
  return out;
}

/** UTF-16 code units → 8-byte blocks (4 code units each, big-endian, the last block zero-filled). */
export function toBlocks(text: string): Buffer {
  const blocks = Math.ceil(text.length / 4);
  const out = Buffer.alloc(blocks * 8);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

/** A key string's key blocks (re-ordered to K′); an empty key gives none and is skipped. */
function keySchedule(key: string | undefined): Buffer[] {
  if (!key) return [];
  const bytes = toBlocks(key);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 8) out.push(reorderKey(bytes.subarray(i, i + 8)));
  return out;
}

function desEcb(keyPrime: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const key3 = Buffer.concat([keyPrime, keyPrime, keyPrime]);
  const c = decrypt ? createDecipheriv('des-ede3-ecb', key3, null) : createCipheriv('des-ede3-ecb', key3, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** One standard single-DES block operation (for checking the core against the vectors). */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  return desEcb(Buffer.from(key), Buffer.from(block), false);
}

/** `strEnc(text, k1, k2, k3)` → upper-case hex. */
export function strEnc(text: string, k1?: string, k2?: string, k3?: string): string {
  if (!text) return '';
  let data = toBlocks(text);
  for (const k of [...keySchedule(k1), ...keySchedule(k2), ...keySchedule(k3)]) data = desEcb(k, data, false);
  return data.toString('hex').toUpperCase();
}

/** The inverse of `strEnc` (reference `strDec`): decrypts under k3, k2, k1 and drops every U+0000. */
export function strDec(hex: string, k1?: string, k2?: string, k3?: string): string {
  if (!hex) return '';
  if (!/^(?:[0-9A-Fa-f]{16})+$/.test(hex)) throw new RangeError('strDec takes 16 hex digits per block');
  let data: Buffer = Buffer.from(hex, 'hex');
  const keys = [...keySchedule(k1), ...keySchedule(k2), ...keySchedule(k3)].reverse();
  for (const k of keys) data = desEcb(k, data, true);
  let out = '';
  for (let i = 0; i < data.length; i += 2) {
    const u = data.readUInt16BE(i);
    if (u !== 0) out += String.fromCharCode(u);
  }
  return out;
}

/** The CTCC key split: 9 characters → k1 = 1–3, k2 = 4–6, k3 = 7–9. */
export function splitCtccKey(key: string): [string, string, string] {
  return [key.slice(0, 3), key.slice(3, 6), key.slice(6, 9)];
}

/** `naturalOrdering`: ordinal sort by UTF-16 code unit (JS default sort), duplicates and empties kept, joined by `,`. */
export function naturalOrdering(values: readonly string[]): string {
  return [...values].sort().join(',');
}
