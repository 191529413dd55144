/**
 * Which backend a path or URL belongs to. The rest of the app works on the storage interface and
 * never asks again: this is the one place that knows file names and magic bytes.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidFileError, NotFoundError, type OpenMode, type StorageWriter } from '@nwbjs/core';
import type { StorageReader } from '@nwbjs/core';
import { openHdf5 } from '@nwbjs/hdf5';
import { openZarr } from '@nwbjs/zarr';
import { assertNWBRoot } from './nwb-root.js';

/** The two storage formats. */
export type Format = 'hdf5' | 'zarr';

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True for `http://` and `https://` locations. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The format of an existing input: a URL or directory is Zarr, a file with the HDF5 signature is HDF5. */
export async function detectInputFormat(location: string): Promise<Format> {
  if (isUrl(location)) return 'zarr';
  const info = await stat(location).catch(() => undefined);
  if (info === undefined) throw new NotFoundError('no such file or directory', { path: location });
  if (info.isDirectory()) {
    // A Zarr v2 group has a .zgroup; any other directory is refused here with the same words as a
    // file that is neither format, rather than by the backend.
    if ((await stat(path.join(location, '.zgroup')).catch(() => undefined)) !== undefined) return 'zarr';
    throw new InvalidFileError('not an NWB file: a directory without .zgroup, so not a Zarr store', {
      path: location,
    });
  }
  const handle = await open(location, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (bytesRead === 8 && head.equals(HDF5_SIGNATURE)) return 'hdf5';
  } finally {
    await handle.close();
  }
  throw new InvalidFileError('not an NWB file: neither HDF5 nor a Zarr directory', { path: location });
}

/** The format an output name asks for: `*.zarr` is Zarr, `*.nwb`/`*.h5`/`*.hdf5` is HDF5. */
export function outputFormatFromName(location: string): Format | undefined {
  const name = location.replace(/[\\/]+$/, '').toLowerCase();
  if (name.endsWith('.zarr')) return 'zarr';
  if (name.endsWith('.nwb') || name.endsWith('.h5') || name.endsWith('.hdf5')) return 'hdf5';
  return undefined;
}

/** How an input is read. */
export interface ReadOptions {
  /** For an http(s) input: how long each request may wait for the server to answer, in ms (default 30 s). */
  timeoutMs?: number;
}

/** Opens an existing NWB file or store for reading; InvalidFileError if it is not NWB. */
export async function openReader(location: string, options: ReadOptions = {}): Promise<StorageReader> {
  const format = await detectInputFormat(location);
  const remote = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const reader = format === 'hdf5' ? await openHdf5(location, 'r') : await openZarr(location, 'r', remote);
  try {
    await assertNWBRoot(reader, location);
  } catch (error) {
    await reader.close().catch(() => undefined);
    throw error;
  }
  return reader;
}

/** Opens a new file or store for writing (`w` replaces an existing one on success, `w-` refuses it). */
export async function openWriter(
  location: string,
  format: Format,
  mode: Exclude<OpenMode, 'r'>,
): Promise<StorageWriter> {
  return format === 'hdf5' ? openHdf5(location, mode) : openZarr(location, mode);
}
