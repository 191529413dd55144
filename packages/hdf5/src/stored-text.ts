/**
 * Text as HDF5 stores it, read the way HDF5 hands it to C: a string ends at its first NUL (what
 * follows is padding), and space-padded fixed-length strings lose their trailing spaces. Bytes
 * that are not UTF-8 are kept (core's `decodeText`).
 */
import { decodeText } from '@nwbjs/core/backend';

/** Text up to the first NUL. */
export function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decodeText(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/** One fixed-length string without the padding HDF5 added. */
export function fixedString(bytes: Uint8Array, spacePadded: boolean): string {
  const text = cString(bytes);
  return spacePadded ? text.replace(/ +$/, '') : text;
}
