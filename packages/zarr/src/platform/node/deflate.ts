/**
 * Node: gzip and zlib on node:zlib's thread pool with a 1 MiB chunkSize, so several chunks
 * compress at once on several cores (the default 16 KiB chunkSize gains nothing). A chunk decodes
 * into one piece of the size expected when that is known (up to the same 1 MiB), and small chunks
 * and the only chunk a read waits for decode on the calling thread: the hand-over to the pool and
 * back costs more than it gains when nothing runs next to them.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { DeflateCodecFactory } from '../contract.js';

const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** node:zlib output buffer size: large, so a chunk is one job on the thread pool. */
const ZLIB_CHUNK_SIZE = 1 << 20;

/** Compressed chunks smaller than this decode on the calling thread; so does a read's only chunk up to {@link MAX_INLINE_ALONE}. */
const INLINE_DECODE = 16 * 1024;
const MAX_INLINE_ALONE = 4 * 1024 * 1024;

const asU8 = (b: Uint8Array | Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** A node:zlib codec compressing at `level`. */
export const deflateCodec: DeflateCodecFactory = (format, level) => {
  const opts = { level, chunkSize: ZLIB_CHUNK_SIZE };
  return {
    encode: async (data) => asU8(await (format === 'zlib' ? deflate : gzip)(data, opts)),
    decode: async (data, maxOutputBytes, alone) => {
      // A little more than the output: zlib finds the end of the stream with room left in the
      // piece; a piece filled exactly costs a second piece and a second pass to learn that.
      const chunkSize = Math.min((maxOutputBytes ?? ZLIB_CHUNK_SIZE) + 64, ZLIB_CHUNK_SIZE);
      const options =
        maxOutputBytes === undefined ? { chunkSize } : { chunkSize, maxOutputLength: maxOutputBytes };
      if (data.length < INLINE_DECODE || (alone === true && data.length <= MAX_INLINE_ALONE))
        return asU8(format === 'zlib' ? zlib.inflateSync(data, options) : zlib.gunzipSync(data, options));
      return asU8(await (format === 'zlib' ? inflate : gunzip)(data, options));
    },
  };
};
