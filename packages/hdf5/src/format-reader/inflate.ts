/**
 * zlib inflate where the platform offers none of its own (the browser): the web's
 * DecompressionStream, whose 'deflate' format is zlib-wrapped deflate as HDF5's filter 1 stores it.
 * Output is taken piece by piece, so a chunk inflating past its bound stops there.
 */
import type { Inflate } from '../fast-read/decode-chunk.js';

/** Inflates zlib-wrapped deflate data through a DecompressionStream. */
export const streamInflate: Inflate = async (bytes, maxBytes = Number.POSITIVE_INFINITY) => {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RangeError(`inflates to more than ${maxBytes} bytes`);
    }
    pieces.push(value);
  }
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
};
