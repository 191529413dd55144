/**
 * The compression NWBZarrIO gives data that come without one, as hdmf-zarr does: zarr-python 2's
 * default compressor, Blosc with LZ4 at level 5 and byte shuffle (see the descriptor's
 * `writeDefaults`; core applies it).
 */
import type { Compression } from '@nwbjs/core';

/** Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE): hdmf-zarr's (zarr-python 2's) default. */
export const DEFAULT_ZARR_COMPRESSION: Readonly<Compression> = Object.freeze({
  codec: 'blosc',
  cname: 'lz4',
  level: 5,
  shuffle: true,
});

/** zarr-python 3's (so hdmf-zarr 0.14's) default compressor, zstd at its default level. */
export const DEFAULT_ZARR_V3_COMPRESSION: Readonly<Compression> = Object.freeze({ codec: 'zstd' });
