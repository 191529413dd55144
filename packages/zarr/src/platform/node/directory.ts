/**
 * Node: opening a directory store, for reading (it must be a directory) or for writing (through a
 * staging directory that replaces the target only at commit, and only if the target is absent, an
 * empty directory or a Zarr store).
 */
import { stat } from 'node:fs/promises';
import { BackendError, InvalidFileError, NotFoundError } from '@nwbjs/core';
import type { DirectoryReaderOpener, DirectoryWriterOpener } from '../contract.js';
import { DirStagingStore, DirStore, exists, refuseReplacing } from './dir-store.js';

/** Checks that `location` is a directory and reads it. */
export const openDirectoryReader: DirectoryReaderOpener = async (location) => {
  let info;
  try {
    info = await stat(location);
  } catch (cause) {
    throw new NotFoundError(`${location} does not exist`, { path: '/', cause });
  }
  if (!info.isDirectory())
    throw new InvalidFileError(`${location} is not a Zarr store (not a directory)`, { path: '/' });
  return new DirStore(location);
};

/** Refuses what must not be replaced, then creates the staging directory next to `location`. */
export const openDirectoryWriter: DirectoryWriterOpener = async (location, mode) => {
  if (location.trim() === '')
    throw new BackendError('an empty path is not a store location', { path: '/', backend: 'zarr' });
  if (mode === 'w-' && (await exists(location)))
    throw new BackendError("already exists (mode 'w-')", { path: location, backend: 'zarr' });
  if (mode === 'w') {
    const refusal = await refuseReplacing(location);
    if (refusal !== undefined) throw new BackendError(refusal, { path: location, backend: 'zarr' });
  }
  let staging: DirStagingStore;
  try {
    staging = await DirStagingStore.create(location, mode === 'w');
  } catch (cause) {
    throw new BackendError(`cannot create ${location}`, { path: '/', backend: 'zarr', cause });
  }
  return staging;
};
