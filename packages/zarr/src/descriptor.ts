/**
 * The Zarr backend as the rest of nwbjs sees it: http(s) URLs and directories holding `.zgroup`
 * (format 2) or `zarr.json` (format 3, whose content `openZarr` checks),
 * opened with {@link openZarr}, named `.zarr` when created, and written with hdmf-zarr's default
 * compression.
 */
import type { BackendDescriptor } from '@nwbjs/core/backend';
import { DEFAULT_ZARR_COMPRESSION, DEFAULT_ZARR_V3_COMPRESSION } from './default-compression.js';
import type { OpenZarrOptions, ZarrLocation, ZarrStorage } from './open.js';
import { openZarr } from './open.js';
import { storeName } from './stores/store.js';

/** The Zarr format's descriptor, for NWBIO and apps that pick a format by asking. */
export const zarrDescriptor: BackendDescriptor<ZarrLocation, OpenZarrOptions, ZarrStorage> = {
  format: 'zarr',
  extensions: ['.zarr'],
  headBytes: 0,
  recognizes: async (probe) =>
    probe.kind === 'url' ||
    (probe.kind === 'directory' && ((await probe.has('.zgroup')) || (await probe.has('zarr.json')))),
  open: (location, mode, options) => openZarr(location, mode, options),
  describe: (location) =>
    typeof location === 'string' ? location : location instanceof URL ? location.href : storeName(location),
  writeDefaults: { compression: DEFAULT_ZARR_COMPRESSION },
};

/**
 * The Zarr descriptor for writing Zarr format 3 (hdmf-zarr 0.14's layout): stores are opened with
 * `zarrFormat: 3`, and data that come without compression get zarr-python 3's default, zstd.
 * Reading is the same as {@link zarrDescriptor}'s (the content tells the format).
 */
export const zarrV3Descriptor: BackendDescriptor<ZarrLocation, OpenZarrOptions, ZarrStorage> = {
  ...zarrDescriptor,
  open: (location, mode, options) => openZarr(location, mode, { ...options, zarrFormat: 3 }),
  writeDefaults: { compression: DEFAULT_ZARR_V3_COMPRESSION },
};
