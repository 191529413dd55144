/**
 * An HDF5 file at an http(s) URL, read with Range requests only: the format reader over an
 * {@link HttpRangeSource} (nearby reads merged, metadata cached), no download of the file.
 */
import { Hdf5FormatReader, HttpRangeSource } from '@nwbjs/hdf5';
import { Hdf5Structure } from '@nwbjs/hdf5/format';

/** How remote HDF5 files are fetched. */
export interface RemoteHdf5Options {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /** How long each request may wait for the server to start answering, in ms (default 30 000). */
  timeoutMs?: number;
}

/** A reader and the format structure of the HDF5 file at `url`. */
export async function openRemoteHdf5(
  url: string,
  options: RemoteHdf5Options = {},
): Promise<{ reader: Hdf5FormatReader; structure: Hdf5Structure }> {
  const source = new HttpRangeSource(url, {
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const size = await source.open();
  const [reader, structure] = await Promise.all([
    Hdf5FormatReader.open(source.read, { size, location: url }),
    Hdf5Structure.open(source.read, size),
  ]);
  return { reader, structure };
}
