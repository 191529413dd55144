/**
 * Which backend a path or URL belongs to, decided by asking each backend's descriptor. The rest of
 * the app works on the storage interface and never asks again: this is the one place that looks
 * at names, directories and first bytes (the descriptors say what they mean).
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidFileError, NotFoundError, assertNWBRoot } from '@nwbjs/core';
import type { OpenMode, StorageReader, StorageWriter } from '@nwbjs/core';
import type { BackendDescriptor, LocationProbe } from '@nwbjs/core/backend';
import { fetchChecked } from '@nwbjs/core/backend';
import { hdf5Descriptor } from '@nwbjs/hdf5';
import { lindiDescriptor } from '@nwbjs/lindi';
import { zarrDescriptor } from '@nwbjs/zarr';
import { UsageError } from './usage-error.js';

/**
 * The backends the CLI reads and writes, asked in this order (LINDI before Zarr: a URL is Zarr unless
 * its name says `.lindi.json`). LINDI files are read through their descriptor and written by
 * `convert` itself (they index an HDF5 file, see `writeLindi`).
 */
export const BACKENDS: readonly BackendDescriptor<string, BackendOptions | undefined>[] = [
  hdf5Descriptor,
  lindiDescriptor,
  zarrDescriptor,
];

/** Options the CLI passes to a backend's open (each backend reads those it knows). */
export interface BackendOptions {
  /** For http(s) inputs: ms each request may wait for an answer. */
  timeoutMs?: number;
  /** For Zarr outputs: the Zarr format to write (2 or 3). */
  zarrFormat?: 2 | 3;
}

/** A storage format's name, as its descriptor gives it (`hdf5`, `zarr`). */
export type Format = string;

/** The names of the formats the CLI knows. */
export const FORMAT_NAMES: readonly Format[] = BACKENDS.map((backend) => backend.format);

/** True for `http://` and `https://` locations. */
export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** The descriptor of the format named `format` (one of {@link FORMAT_NAMES}). */
function backendNamed(format: Format): BackendDescriptor<string, BackendOptions | undefined> {
  const backend = BACKENDS.find((b) => b.format === format);
  if (backend === undefined)
    throw new UsageError(`--to: expected ${FORMAT_NAMES.join(' or ')}, got '${format}'`);
  return backend;
}

/** What is at `location`, for the descriptors to recognise. */
async function probe(location: string, options: ReadOptions = {}): Promise<LocationProbe> {
  const none = async () => false;
  if (isUrl(location)) return { location, kind: 'url', head: await urlHead(location, options), has: none };
  const info = await stat(location).catch(() => undefined);
  if (info === undefined) throw new NotFoundError('no such file or directory', { path: location });
  if (info.isDirectory()) {
    const has = async (name: string) =>
      (await stat(path.join(location, name)).catch(() => undefined)) !== undefined;
    return { location, kind: 'directory', head: new Uint8Array(0), has };
  }
  const handle = await open(location, 'r');
  try {
    const head = new Uint8Array(Math.max(...BACKENDS.map((b) => b.headBytes)));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { location, kind: 'file', head: head.subarray(0, bytesRead), has: none };
  } finally {
    await handle.close();
  }
}

/**
 * A URL's first bytes, asked for only when its name says no format (as DANDI's blob URLs): one
 * Range request. A store's URL serves no bytes of its own, so a failure here just leaves the head
 * empty (the descriptors then go by the name; the open reports what is wrong).
 */
async function urlHead(location: string, options: ReadOptions): Promise<Uint8Array> {
  const name = new URL(location).pathname.replace(/\/+$/, '').toLowerCase();
  const named = BACKENDS.some((b) => b.extensions.some((ending) => name.endsWith(ending)));
  const length = Math.max(...BACKENDS.map((b) => b.headBytes));
  if (named || location.endsWith('/') || length === 0) return new Uint8Array(0);
  const request = new Request(location, { headers: { range: `bytes=0-${length - 1}` } });
  try {
    const response = await fetchChecked(request, { timeoutMs: options.timeoutMs });
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      return new Uint8Array(0);
    }
    const reader = response.body?.getReader();
    const head = new Uint8Array(length);
    let filled = 0;
    while (reader !== undefined && filled < length) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, length - filled);
      head.set(value.subarray(0, take), filled);
      filled += take;
    }
    await reader?.cancel();
    return head.subarray(0, filled);
  } catch {
    return new Uint8Array(0);
  }
}

/** The backend of an existing input: the first descriptor that recognises it. */
async function detectInput(
  location: string,
  options: ReadOptions = {},
): Promise<BackendDescriptor<string, BackendOptions | undefined>> {
  const found = await probe(location, options);
  for (const backend of BACKENDS) if (await backend.recognizes(found)) return backend;
  throw new InvalidFileError(
    found.kind === 'directory'
      ? 'not an NWB file: a directory without .zgroup or zarr.json, so not a Zarr store'
      : 'not an NWB file: neither HDF5, a LINDI file, nor a Zarr directory',
    { path: location },
  );
}

/** The format of an existing input (see {@link BACKENDS}). */
export async function detectInputFormat(location: string): Promise<Format> {
  return (await detectInput(location)).format;
}

/**
 * The format an output name asks for by its ending (`*.zarr` is Zarr, `*.nwb`/`*.h5`/`*.hdf5` is
 * HDF5, `*.lindi.json` is LINDI).
 */
export function outputFormatFromName(location: string): Format | undefined {
  const name = location.replace(/[\\/]+$/, '').toLowerCase();
  return BACKENDS.find((backend) => backend.extensions.some((ending) => name.endsWith(ending)))?.format;
}

/** How an input is read. */
export interface ReadOptions {
  /** For an http(s) input: how long each request may wait for the server to answer, in ms (default 30 s). */
  timeoutMs?: number;
}

/** Opens an existing NWB file or store for reading; InvalidFileError if it is not NWB. */
export async function openReader(location: string, options: ReadOptions = {}): Promise<StorageReader> {
  const backend = await detectInput(location, options);
  const remote = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const reader = await backend.open(location, 'r', remote);
  try {
    await assertNWBRoot(reader, location);
  } catch (error) {
    await reader.close().catch(() => undefined);
    throw error;
  }
  return reader;
}

/**
 * Opens a new file or store for writing (`w` replaces an existing one on success, `w-` refuses it);
 * `zarrFormat` picks the Zarr format of a Zarr output (default 2).
 */
export async function openWriter(
  location: string,
  format: Format,
  mode: Exclude<OpenMode, 'r'>,
  zarrFormat?: 2 | 3,
): Promise<StorageWriter> {
  return backendNamed(format).open(location, mode, zarrFormat === undefined ? undefined : { zarrFormat });
}
