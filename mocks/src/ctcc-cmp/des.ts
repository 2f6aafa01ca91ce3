/**
 * CTCC CMP `strEnc`: the triple-key DES routine of the widely used "des.js" (and China Telecom's Java
 * `DesUtils` port), written here from the FIPS 46-3 tables and the description in carriers-vectors.md.
 *
 * - text and keys are read as UTF-16 code units, 16 bits each, big-endian, 4 units per 8-byte block,
 *   the last block zero-filled (no other padding);
 * - each block is DES-encrypted (ECB) under every key block of k1, then of k2, then of k3 (E-E-E);
 * - the DES core is standard except the D half of PC-1, which des.js orders differently.
 *
 * Independent of the adapters on purpose: the simulator checks what they send.
 */

import { createCipheriv } from 'node:crypto';

// FIPS 46-3 tables, 1-based bit numbers (bit 1 = most significant bit of byte 1).
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21, 22, 23,
  24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1_C = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36];
/** Standard DES D half of PC-1. */
export const PC1_D_STANDARD = [63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4];
/** The D half of PC-1 as des.js / DesUtils order it. */
export const PC1_D_DESJS = [28, 20, 12, 4, 61, 53, 45, 37, 29, 21, 13, 5, 62, 54, 46, 38, 30, 22, 14, 6, 63, 55, 47, 39, 31, 23, 15, 7];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, 51,
  45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const S: number[][] = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

type Bits = Uint8Array; // one 0/1 per element

function bytesToBits(bytes: Uint8Array): Bits {
  const bits = new Uint8Array(bytes.length * 8);
  for (let i = 0; i < bytes.length * 8; i++) bits[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return bits;
}

function bitsToBytes(bits: Bits): Uint8Array {
  const out = new Uint8Array(bits.length / 8);
  for (let i = 0; i < bits.length; i++) out[i >> 3] |= bits[i] << (7 - (i & 7));
  return out;
}

function permute(bits: Bits, table: number[]): Bits {
  const out = new Uint8Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = bits[table[i] - 1];
  return out;
}

function rotateLeft(half: Bits, n: number): Bits {
  const out = new Uint8Array(half.length);
  for (let i = 0; i < half.length; i++) out[i] = half[(i + n) % half.length];
  return out;
}

/** The 16 round subkeys (48 bits each) for an 8-byte key, with the given D half of PC-1. */
export function keySchedule(key: Uint8Array, pc1D: number[] = PC1_D_DESJS): Bits[] {
  const k = bytesToBits(key);
  let c = permute(k, PC1_C);
  let d = permute(k, pc1D);
  const subkeys: Bits[] = [];
  for (const s of SHIFTS) {
    c = rotateLeft(c, s);
    d = rotateLeft(d, s);
    const cd = new Uint8Array(56);
    cd.set(c, 0);
    cd.set(d, 28);
    subkeys.push(permute(cd, PC2));
  }
  return subkeys;
}

function feistel(r: Bits, subkey: Bits): Bits {
  const x = permute(r, E);
  for (let i = 0; i < 48; i++) x[i] ^= subkey[i];
  const sOut = new Uint8Array(32);
  for (let b = 0; b < 8; b++) {
    const o = b * 6;
    const row = (x[o] << 1) | x[o + 5];
    const col = (x[o + 1] << 3) | (x[o + 2] << 2) | (x[o + 3] << 1) | x[o + 4];
    const v = S[b][row * 16 + col];
    for (let j = 0; j < 4; j++) sOut[b * 4 + j] = (v >> (3 - j)) & 1;
  }
  return permute(sOut, P);
}

/** One DES block operation (8 bytes) under precomputed subkeys; `decrypt` runs them in reverse. */
export function desBlock(block: Uint8Array, subkeys: Bits[], decrypt = false): Uint8Array {
  const b = permute(bytesToBits(block), IP);
  let l = b.slice(0, 32);
  let r = b.slice(32, 64);
  for (let round = 0; round < 16; round++) {
    const f = feistel(r, subkeys[decrypt ? 15 - round : round]);
    const next = new Uint8Array(32);
    for (let i = 0; i < 32; i++) next[i] = l[i] ^ f[i];
    l = r;
    r = next;
  }
  const preOutput = new Uint8Array(64);
  preOutput.set(r, 0); // final swap
  preOutput.set(l, 32);
  return bitsToBytes(permute(preOutput, FP));
}

/** Text → 8-byte blocks of 4 UTF-16 code units (big-endian), the last one zero-filled. */
export function textBlocks(text: string): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let i = 0; i < text.length; i += 4) {
    const block = new Uint8Array(8);
    for (let j = 0; j < 4 && i + j < text.length; j++) {
      const unit = text.charCodeAt(i + j);
      block[j * 2] = unit >> 8;
      block[j * 2 + 1] = unit & 0xff;
    }
    blocks.push(block);
  }
  return blocks;
}

const scheduleCache = new Map<string, Bits[][]>();

/** Subkeys for every key block of a key string (cached: a simulator signs with few keys). */
function keySchedules(key: string): Bits[][] {
  let cached = scheduleCache.get(key);
  if (!cached) {
    cached = textBlocks(key).map((kb) => keySchedule(kb));
    if (scheduleCache.size > 256) scheduleCache.clear();
    scheduleCache.set(key, cached);
  }
  return cached;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

/** des.js `strEnc(text, k1, k2, k3)`: upper-case hex, 16 digits per 4 code units. Empty keys are skipped. */
export function strEnc(text: string, k1 = '', k2 = '', k3 = ''): string {
  const schedules = [...keySchedules(k1), ...keySchedules(k2), ...keySchedules(k3)];
  let out = '';
  for (const block of textBlocks(text)) {
    let b = block;
    for (const sk of schedules) b = desBlock(b, sk);
    out += toHex(b);
  }
  return out;
}

/** des.js `strDec`: decrypts under k3, k2, k1 (key blocks in reverse) and drops every U+0000. Accepts either hex case. */
export function strDec(hex: string, k1 = '', k2 = '', k3 = ''): string {
  if (!/^(?:[0-9a-fA-F]{16})*$/.test(hex)) throw new Error('strDec: hex length must be a multiple of 16');
  const schedules = [...keySchedules(k1), ...keySchedules(k2), ...keySchedules(k3)].reverse();
  let out = '';
  for (let i = 0; i < hex.length; i += 16) {
    let b: Uint8Array = Uint8Array.from(Buffer.from(hex.slice(i, i + 16), 'hex'));
    for (const sk of schedules) b = desBlock(b, sk, true);
    for (let j = 0; j < 8; j += 2) {
      const unit = (b[j] << 8) | b[j + 1];
      if (unit !== 0) out += String.fromCharCode(unit);
    }
  }
  return out;
}

/** `DesUtils.naturalOrdering`: ordinal (UTF-16 code unit) sort, duplicates and empty strings kept, joined by `,`. */
export function naturalOrdering(values: readonly string[]): string {
  return [...values].sort().join(',');
}

/** Splits a CTCC 9-character key into k1, k2, k3 (3 characters each). */
export function splitKey(key: string): [string, string, string] {
  return [key.slice(0, 3), key.slice(3, 6), key.slice(6, 9)];
}

/**
 * The standard-DES key K′ that makes a standard DES library behave like des.js for `key`
 * (carriers-vectors.md §1.1): for t = 1…28, bit PC1_D_STANDARD[t] of K′ = bit PC1_D_DESJS[t] of the key.
 */
export function reorderedKey(key: Uint8Array): Uint8Array {
  const bits = bytesToBits(key);
  const out = bits.slice();
  for (let t = 0; t < 28; t++) out[PC1_D_STANDARD[t] - 1] = bits[PC1_D_DESJS[t] - 1];
  return bitsToBytes(out);
}

const nativeKeys = new Map<string, Buffer[]>();

/** For each key block of a key string: K′ three times, the des-ede3 key that equals single des.js DES. */
function nativeKeyBlocks(key: string): Buffer[] {
  let cached = nativeKeys.get(key);
  if (!cached) {
    cached = textBlocks(key).map((kb) => {
      const k = Buffer.from(reorderedKey(kb));
      return Buffer.concat([k, k, k]);
    });
    if (nativeKeys.size > 256) nativeKeys.clear();
    nativeKeys.set(key, cached);
  }
  return cached;
}

/**
 * `strEnc` on OpenSSL: `des-ede3-ecb` with the re-ordered key K′ given three times is single DES under K′,
 * which is des.js DES under the original key (carriers-vectors.md §1.1–1.2). Same output as `strEnc`,
 * about a hundred times faster; the simulator verifies every request's sign with it.
 */
export function strEncNative(text: string, k1 = '', k2 = '', k3 = ''): string {
  if (text.length === 0) return '';
  let buf = Buffer.alloc(Math.ceil(text.length / 4) * 8);
  for (let i = 0; i < text.length; i++) buf.writeUInt16BE(text.charCodeAt(i), i * 2);
  for (const key of [...nativeKeyBlocks(k1), ...nativeKeyBlocks(k2), ...nativeKeyBlocks(k3)]) {
    const cipher = createCipheriv('des-ede3-ecb', key, null);
    cipher.setAutoPadding(false);
    buf = Buffer.concat([cipher.update(buf), cipher.final()]);
  }
  return buf.toString('hex').toUpperCase();
}
