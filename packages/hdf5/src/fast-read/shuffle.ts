/**
 * HDF5's shuffle filter on read: the chunk holds the first byte of every element, then every
 * second byte, and so on; this puts each element's bytes back together. Trailing bytes that do not
 * make a whole element were left in place by the writer.
 */

/** The unshuffled bytes of a chunk of `elementSize`-byte elements. */
export function unshuffle(bytes: Uint8Array, elementSize: number): Uint8Array {
  if (elementSize <= 1) return bytes;
  const count = Math.floor(bytes.length / elementSize);
  const out = new Uint8Array(bytes.length);
  for (let b = 0; b < elementSize; b++) {
    const plane = b * count;
    for (let i = 0, o = b; i < count; i++, o += elementSize) out[o] = bytes[plane + i]!;
  }
  out.set(bytes.subarray(count * elementSize), count * elementSize);
  return out;
}
