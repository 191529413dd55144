/** What the Zarr backend can do, for core to decide by (`StorageCapabilities`). */
import type { StorageCapabilities } from '@nwbjs/core';
import { BLOSC_CNAMES, SUPPORTED_CODECS } from './codecs.js';

/**
 * The codecs numcodecs' WASM build has (blosc with its inner compressors), shuffle, external
 * links and compounds; no region references (hdmf-zarr has no layout for them). Arrays up to
 * 16 MiB are stored as one chunk when no chunk shape is given.
 */
export const ZARR_CAPABILITIES: StorageCapabilities = {
  compression: SUPPORTED_CODECS,
  bloscCompressors: BLOSC_CNAMES,
  shuffle: true,
  externalLinks: true,
  compound: true,
  regionReferences: false,
  maxUnchunkedBytes: 16 * 1024 * 1024,
};
