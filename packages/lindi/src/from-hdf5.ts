/**
 * Indexing an HDF5 file given by path or URL: opens it for reading (h5wasm for a local file), reads
 * its format structure through positioned reads, and writes or returns the LINDI reference file.
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

/** Options of {@link lindiFromHdf5} and {@link writeLindi}. */
export interface LindiFromHdf5Options extends IndexHdf5Options {
  /**
   * The URL chunk references name (e.g. where the file will be served from, such as its DANDI
   * download URL); default: the file's absolute path.
   */
  url?: string;
}

/** The LINDI reference file of the HDF5 NWB file at `source` (a local path). */
export async function lindiFromHdf5(source: string, options: LindiFromHdf5Options = {}): Promise<LindiJson> {
  const files = platform.files;
  if (isHttp(source) || files === undefined) {
    throw new UnsupportedError('LINDI files are made from local HDF5 files for now', {
      path: source,
      feature: 'lindi-remote-hdf5',
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
 * Writes the LINDI reference file of the HDF5 NWB file at `source` to `target` (a `.lindi.json`
 * path), as LINDI writes it. The file appears at `target` only once complete.
 */
export async function writeLindi(
  source: string,
  target: string,
  options: LindiFromHdf5Options = {},
): Promise<void> {
  const json = await lindiFromHdf5(source, options);
  const files = platform.files!;
  await files.writeText(target, stringifyLindi(json));
}
