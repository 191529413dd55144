/**
 * zlib inflate where the platform offers none of its own (the browser): the web's
 * DecompressionStream, whose 'deflate' format is zlib-wrapped deflate as HDF5's filter 1 stores it.
 */
import type { Inflate } from '../fast-read/decode-chunk.js';

/** Inflates zlib-wrapped deflate data through a DecompressionStream. */
export const streamInflate: Inflate = async (bytes) => {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};
