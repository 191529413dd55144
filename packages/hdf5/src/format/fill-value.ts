/**
 * The fill value messages (the old one, and versions 1-3 of the new one): the bytes of one element
 * that unwritten parts of a dataset read as, when the file defines them.
 */
import type { Cursor } from './cursor.js';

/** The fill value's bytes, or undefined when the file gives none (HDF5 then reads zeros). */
export function parseFillValue(c: Cursor): Uint8Array | undefined {
  const version = c.u8();
  if (version === 1 || version === 2) {
    c.u8(); // allocation time
    c.u8(); // write time
    const defined = c.u8();
    if (version === 2 && defined === 0) return undefined;
    const size = c.u32();
    return size === 0 ? undefined : c.take(size).slice();
  }
  const flags = c.u8();
  if ((flags & 0x20) === 0) return undefined;
  const size = c.u32();
  return size === 0 ? undefined : c.take(size).slice();
}

/** The old fill value message (type 4): a size and the bytes. */
export function parseOldFillValue(c: Cursor): Uint8Array | undefined {
  const size = c.u32();
  return size === 0 ? undefined : c.take(size).slice();
}
