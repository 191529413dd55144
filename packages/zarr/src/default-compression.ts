/**
 * The compression NWBZarrIO gives data that come without one, as hdmf-zarr does: zarr-python 2's
 * default compressor, Blosc with LZ4 at level 5 and byte shuffle. Only data the caller supplies
 * (arrays in memory and streams) get it; data read from another file keep that file's layout, and
 * scalars, text and references stay uncompressed.
 */
import type { Compression, GroupNode } from '@nwbjs/core';
import { isDatasetHandle, isFixedWidth } from '@nwbjs/core';

/** Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE): hdmf-zarr's (zarr-python 2's) default. */
export const DEFAULT_ZARR_COMPRESSION: Readonly<Compression> = Object.freeze({
  codec: 'blosc',
  cname: 'lz4',
  level: 5,
  shuffle: true,
});

/** Gives every numeric or bool dataset of rank 1 or more that has no compression `compression`. */
export function applyDefaultCompression(
  group: GroupNode,
  compression: Compression = DEFAULT_ZARR_COMPRESSION,
): void {
  for (const child of group.children.values()) {
    if (child.kind === 'group') applyDefaultCompression(child, compression);
    if (child.kind !== 'dataset' || isDatasetHandle(child.value)) continue;
    const { dtype, shape } = child.value;
    if (!isFixedWidth(dtype) || shape.length === 0 || child.layout?.compression !== undefined) continue;
    child.layout = { ...child.layout, compression: { ...compression } };
  }
}
