/**
 * A backend's default compression ({@link WriteDefaults.compression}) applied to a tree before it
 * is written. Only data the caller supplies (arrays in memory and streams) get it; data read from
 * another file keep that file's layout, and scalars, text and references stay uncompressed.
 */
import type { Compression } from '../storage/backend.js';
import { isFixedWidth } from '../tree/sizes.js';
import type { GroupNode } from '../tree/nodes.js';
import { isDatasetHandle } from '../tree/nodes.js';

/** Gives every numeric or bool dataset of rank 1 or more that has no compression `compression`. */
export function applyDefaultCompression(group: GroupNode, compression: Compression): void {
  for (const child of group.children.values()) {
    if (child.kind === 'group') applyDefaultCompression(child, compression);
    if (child.kind !== 'dataset' || isDatasetHandle(child.value)) continue;
    const { dtype, shape } = child.value;
    if (!isFixedWidth(dtype) || shape.length === 0 || child.layout?.compression !== undefined) continue;
    child.layout = { ...child.layout, compression: { ...compression } };
  }
}
