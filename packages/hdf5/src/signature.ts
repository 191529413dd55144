/**
 * Recognising an HDF5 file before HDF5 opens it: the 8-byte HDF5 signature sits at offset 0 or at
 * a user-block boundary (512, 1024, 2048, ...). Works on any source of bytes, so the same rule
 * applies to a path (Node) and to bytes in memory (everywhere).
 */
import { InvalidFileError } from '@nwbjs/core';

const SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/** The length of the HDF5 signature, in bytes. */
export const SIGNATURE_LENGTH = SIGNATURE.length;

/**
 * True if a file of `size` bytes carries the HDF5 signature; `readAt(offset)` returns the
 * {@link SIGNATURE_LENGTH} bytes at `offset`.
 */
export function hasHdf5Signature(size: number, readAt: (offset: number) => Uint8Array): boolean {
  for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
    const bytes = readAt(offset);
    if (bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b)) return true;
  }
  return false;
}

/** Throws an InvalidFileError about `name` unless `bytes` are an HDF5 file. */
export function checkHdf5Bytes(bytes: Uint8Array, name: string): void {
  if (bytes.byteLength < SIGNATURE.length) {
    throw new InvalidFileError(`is not an HDF5 file (${bytes.byteLength} bytes)`, { path: name });
  }
  if (!hasHdf5Signature(bytes.byteLength, (offset) => bytes.subarray(offset, offset + SIGNATURE.length))) {
    throw new InvalidFileError('is not an HDF5 file (no HDF5 signature)', { path: name });
  }
}
