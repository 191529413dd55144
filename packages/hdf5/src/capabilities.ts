/** What the HDF5 backend can do, for core to decide by (`StorageCapabilities`). */
import type { StorageCapabilities } from '@nwbjs/core';
import { DEFAULT_MAX_CALL_BYTES } from '@nwbjs/core/backend';

/**
 * What this backend can do: gzip only (one filter per dataset), no shuffle, no compressed
 * variable-length text (h5wasm), external links, compounds, region references. A contiguous
 * dataset is written from the heap in one call, so one piece holds at most what one call carries.
 */
export const HDF5_CAPABILITIES: StorageCapabilities = Object.freeze({
  compression: Object.freeze(['gzip'] as const),
  shuffle: false,
  textCompression: false,
  externalLinks: true,
  compound: true,
  regionReferences: true,
  maxUnchunkedBytes: DEFAULT_MAX_CALL_BYTES,
});
