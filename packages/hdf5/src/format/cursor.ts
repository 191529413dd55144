/**
 * A little-endian reader over one block of metadata bytes, with HDF5's variable-size fields
 * (offsets and lengths of the superblock's sizes, and n-byte unsigned integers). Every read is
 * bounds-checked: a structure that claims more than its block holds is corrupt, never read past.
 */
import { corrupt, hex } from './errors.js';

/** The superblock's sizes of addresses ("offsets") and lengths, in bytes. */
export interface FieldSizes {
  readonly offsetSize: number;
  readonly lengthSize: number;
}

/** A position in a block of bytes that read at `address` of the file. */
export class Cursor {
  readonly bytes: Uint8Array;
  readonly sizes: FieldSizes;
  /** The file address of `bytes[0]` (for messages only). */
  readonly address: number;
  pos: number;

  constructor(bytes: Uint8Array, sizes: FieldSizes, address: number, pos = 0) {
    this.bytes = bytes;
    this.sizes = sizes;
    this.address = address;
    this.pos = pos;
  }

  /** Bytes left after the position. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  #need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.bytes.length) {
      corrupt(
        `structure at ${hex(this.address)} is truncated (needs ${n} bytes at +${at}, has ${this.bytes.length})`,
      );
    }
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.bytes[this.#need(1)]!;
  }

  u16(): number {
    const at = this.#need(2);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8);
  }

  u32(): number {
    const at = this.#need(4);
    return (
      (this.bytes[at]! | (this.bytes[at + 1]! << 8) | (this.bytes[at + 2]! << 16)) +
      this.bytes[at + 3]! * 0x1000000
    );
  }

  /** An unsigned little-endian integer of `n` bytes (1-8); beyond 2^53 the file is not one we can address. */
  uint(n: number): number {
    const at = this.#need(n);
    let value = 0;
    for (let i = n - 1; i >= 0; i--) value = value * 256 + this.bytes[at + i]!;
    if (value > Number.MAX_SAFE_INTEGER)
      corrupt(`value at ${hex(this.address)}+${at} is too large (${n} bytes)`);
    return value;
  }

  u64(): number {
    return this.uint(8);
  }

  /** An address, or undefined for HDF5's "undefined address" (all bits set). */
  offset(): number | undefined {
    const n = this.sizes.offsetSize;
    const at = this.pos;
    let allSet = true;
    for (let i = 0; i < n; i++) if (this.bytes[at + i] !== 0xff) allSet = false;
    if (allSet && at + n <= this.bytes.length) {
      this.pos += n;
      return undefined;
    }
    return this.uint(n);
  }

  /** An address that must be defined (`what` names it in the error). */
  definedOffset(what: string): number {
    const value = this.offset();
    if (value === undefined) corrupt(`${what} at ${hex(this.address)} has an undefined address`);
    return value;
  }

  length(): number {
    return this.uint(this.sizes.lengthSize);
  }

  skip(n: number): void {
    this.#need(n);
  }

  take(n: number): Uint8Array {
    const at = this.#need(n);
    return this.bytes.subarray(at, at + n);
  }

  /** Checks the next four bytes are `signature` (e.g. "TREE"). */
  signature(signature: string, what: string): void {
    const at = this.#need(4);
    for (let i = 0; i < 4; i++) {
      if (this.bytes[at + i] !== signature.charCodeAt(i)) {
        corrupt(`${what} at ${hex(this.address)} lacks its signature "${signature}"`);
      }
    }
  }
}

/** Bytes needed to hold the unsigned value `n` (HDF5's "limit encoded size": log2(n) / 8 + 1). */
export function encodedSize(n: number): number {
  return Math.floor(log2Floor(n) / 8) + 1;
}

/** floor(log2(n)) for n >= 1; 0 for n < 1. */
export function log2Floor(n: number): number {
  let bits = 0;
  let v = n;
  while (v >= 2) {
    v = Math.floor(v / 2);
    bits++;
  }
  return bits;
}
