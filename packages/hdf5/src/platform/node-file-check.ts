/**
 * Checking that a path holds an HDF5 file before HDF5 opens it (Node only): it exists, is a
 * regular file, and carries the HDF5 signature.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { InvalidFileError, NotFoundError } from '@nwbjs/core';
import { SIGNATURE_LENGTH, hasHdf5Signature } from '../signature.js';

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
  if (size < SIGNATURE_LENGTH) throw new InvalidFileError(`is not an HDF5 file (${size} bytes)`, { path });
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(SIGNATURE_LENGTH);
    const found = hasHdf5Signature(size, (offset) => {
      readSync(fd, buffer, 0, SIGNATURE_LENGTH, offset);
      return buffer;
    });
    if (found) return;
  } finally {
    closeSync(fd);
  }
  throw new InvalidFileError('is not an HDF5 file (no HDF5 signature)', { path });
}
