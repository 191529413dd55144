/**
 * An element of the fixed and extensible array indexes: a chunk's address, and for filtered
 * datasets (client id 1) also its stored size and filter mask.
 */
import type { Cursor } from '../cursor.js';
import { corrupt } from '../errors.js';

/** A decoded element; `address` undefined for a chunk never written. */
export interface ArrayElement {
  readonly address: number | undefined;
  readonly size: number;
  readonly filterMask: number;
}

/** Reads one element of `elementSize` bytes. */
export function readElement(
  c: Cursor,
  client: number,
  elementSize: number,
  unfilteredSize: number,
): ArrayElement {
  const address = c.offset();
  if (client === 0) return { address, size: unfilteredSize, filterMask: 0 };
  const sizeBytes = elementSize - c.sizes.offsetSize - 4;
  if (sizeBytes < 1 || sizeBytes > 8) corrupt(`chunk index element of ${elementSize} bytes`);
  const size = c.uint(sizeBytes);
  return { address, size, filterMask: c.u32() };
}

/** Whether bit `index` of an HDF5 bitmap is set (most significant bit first in each byte). */
export function bitSet(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}
