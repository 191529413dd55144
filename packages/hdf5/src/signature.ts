/**
 * Checking that a path holds an HDF5 file before HDF5 opens it: it exists, is a regular file, and
 * carries the HDF5 signature at offset 0 or at a user-block boundary (512, 1024, 2048, ...).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { InvalidFileError, NotFoundError } from '@nwbjs/core';

const SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/** Throws NotFoundError for a missing file, InvalidFileError for anything that is not HDF5. */
export function checkHdf5File(path: string): void {
  let size: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new InvalidFileError('is not a file', { path });
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError('file does not exist', { path, cause: error });
    }
    throw error instanceof InvalidFileError
      ? error
      : new InvalidFileError('cannot be read', { path, cause: error });
  }
  if (size < SIGNATURE.length) throw new InvalidFileError(`is not an HDF5 file (${size} bytes)`, { path });
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buffer, 0, SIGNATURE.length, offset);
      if (buffer.every((b, i) => b === SIGNATURE[i])) return;
    }
  } finally {
    closeSync(fd);
  }
  throw new InvalidFileError('is not an HDF5 file (no HDF5 signature)', { path });
}
