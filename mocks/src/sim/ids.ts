import { luhnCheckDigit } from '@simgate/core';

/**
 * Identifiers that encode the card's index in their digits, so a lookup is arithmetic (no index of a
 * million strings): `prefix + index padded to width [+ Luhn digit]`. Decoding checks the prefix, the
 * width and the check digit, and that the index is inside the fleet.
 */
export class IndexedId {
  constructor(
    readonly prefix: string,
    readonly width: number,
    readonly luhn: boolean,
  ) {
    if (!/^\d*$/.test(prefix)) throw new Error(`identifier prefix must be digits: ${prefix}`);
  }

  get length(): number {
    return this.prefix.length + this.width + (this.luhn ? 1 : 0);
  }

  encode(index: number): string {
    const body = this.prefix + String(index).padStart(this.width, '0');
    return this.luhn ? body + String(luhnCheckDigit(body)) : body;
  }

  /** The index encoded in `value`, or -1 when it is not one of ours (or not below `size`). */
  decode(value: string, size: number): number {
    if (value.length !== this.length || !value.startsWith(this.prefix) || !/^\d+$/.test(value)) return -1;
    const digits = value.slice(this.prefix.length, this.prefix.length + this.width);
    const index = Number(digits);
    if (!Number.isSafeInteger(index) || index >= size) return -1;
    return this.encode(index) === value ? index : -1;
  }
}

/** `n` decimal digits derived from a seed (fixed per fleet, so identifiers differ between seeds). */
export function seedDigits(seed: number, salt: number, n: number): string {
  let h = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(salt + 1, 0x165667b1)) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  return String(h % 10 ** n).padStart(n, '0');
}
