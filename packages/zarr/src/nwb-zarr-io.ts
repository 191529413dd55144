/**
 * NWBZarrIO: read or write a whole NWB file in an hdmf-zarr store (reading: Zarr format 2 or 3), core's {@link NWBIO} on the
 * Zarr descriptor (named after hdmf-zarr's class).
 */
import type { OpenMode } from '@nwbjs/core';
import { NWBIO } from '@nwbjs/core';
import { zarrDescriptor, zarrV3Descriptor } from './descriptor.js';
import type { OpenZarrOptions, ZarrLocation, ZarrStorage } from './open.js';

/**
 * Reads or writes one NWB file in a Zarr store (directory, Map, or URL for reading). Reading
 * refuses a store that is not NWB (InvalidFileError). Writing (mode 'w' or 'w-', once) puts the
 * store at its location at `close()`; `abort()` discards it.
 *
 * Without a `compression` option, numeric arrays and streams that carry no compression of their
 * own are written with hdmf-zarr's default, Blosc LZ4 level 5 with shuffle
 * ({@link DEFAULT_ZARR_COMPRESSION}); data read from another file keep their stored compression.
 * `compression: 'keep'` writes exactly what each dataset carries, `null` writes nothing
 * compressed, and a Compression applies to every numeric dataset.
 *
 * `{ zarrFormat: 3 }` writes hdmf-zarr 0.14's Zarr format 3 layout instead, with zarr-python 3's
 * default compression (zstd, text included). Pick 3 only for readers that have hdmf-zarr >= 0.14
 * (or nwbjs): older hdmf-zarr cannot open it, while every hdmf-zarr reads format 2.
 */
export class NWBZarrIO extends NWBIO<ZarrLocation, OpenZarrOptions, ZarrStorage> {
  /** Options of the store's open (HTTP timeouts, chunk concurrency). */
  declare readonly options: OpenZarrOptions;

  /** An IO on the store at `location`, opened on first use. */
  constructor(location: ZarrLocation, mode: OpenMode = 'r', options: OpenZarrOptions = {}) {
    super(options.zarrFormat === 3 ? zarrV3Descriptor : zarrDescriptor, location, mode, options);
  }
}
