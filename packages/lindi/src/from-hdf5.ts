/**
 * Indexing an HDF5 file given by path or URL: opens it for reading (h5wasm for a local file, the
 * format reader over HTTP Range requests for a URL), reads its format structure through positioned
 * reads, and writes or returns the LINDI reference file.
 */
import type { StorageReader } from '@nwbjs/core';
import { UnsupportedError } from '@nwbjs/core';
import { openHdf5 } from '@nwbjs/hdf5';
import { Hdf5Structure } from '@nwbjs/hdf5/format';
import { platform } from '#lindi-platform';
import { FORMAT } from './names.js';
import type { LindiJson } from './reference-file.js';
import { isHttp } from './reference-file.js';
import type { IndexHdf5Options } from './writer.js';
import { indexHdf5, stringifyLindi } from './writer.js';
import type { RemoteHdf5Options } from './remote-hdf5.js';
import { openRemoteHdf5 } from './remote-hdf5.js';

/** Options of {@link lindiFromHdf5} and {@link writeLindi}. */
export interface LindiFromHdf5Options extends IndexHdf5Options, RemoteHdf5Options {
  /**
   * The URL chunk references name (e.g. where the file will be served from, such as its DANDI
   * download URL); default: the file's absolute path.
   */
  url?: string;
}

/**
 * The LINDI reference file of the HDF5 NWB file at `source`: a local path (read with h5wasm), or an
 * http(s) URL, read with Range requests only (metadata and small datasets; never the big data).
 */
export async function lindiFromHdf5(source: string, options: LindiFromHdf5Options = {}): Promise<LindiJson> {
  if (isHttp(source)) {
    const { reader, structure } = await openRemoteHdf5(source, options);
    try {
      return await indexHdf5({ reader, structure, url: options.url ?? source }, options);
    } finally {
      await reader.close();
    }
  }
  const files = platform.files;
  if (files === undefined) {
    throw new UnsupportedError(`${source} is a path, and this platform has no files (give a URL)`, {
      path: source,
      feature: 'local-files',
      backend: FORMAT,
    });
  }
  const size = await files.size(source);
  const reader: StorageReader = await openHdf5(source, 'r');
  try {
    const structure = await Hdf5Structure.open(
      (offset, length) => files.readRange(source, offset, length),
      size,
    );
    return await indexHdf5({ reader, structure, url: options.url ?? files.absolute(source) }, options);
  } finally {
    await reader.close();
  }
}

/**
 * Writes the LINDI reference file of the HDF5 NWB file at `source` (a path or an http(s) URL) to
 * `target` (a `.lindi.json` path), as LINDI writes it. The file appears at `target` only once
 * complete.
 */
export async function writeLindi(
  source: string,
  target: string,
  options: LindiFromHdf5Options = {},
): Promise<void> {
  await saveLindi(await lindiFromHdf5(source, options), target);
}

/** Writes a reference file to `target` (a path) as LINDI writes it, whole (Node). */
export async function saveLindi(json: LindiJson, target: string): Promise<void> {
  const files = platform.files;
  if (files === undefined) {
    throw new UnsupportedError('this platform has no files to write to', {
      path: target,
      feature: 'local-files',
      backend: FORMAT,
    });
  }
  await files.writeText(target, stringifyLindi(json));
}
