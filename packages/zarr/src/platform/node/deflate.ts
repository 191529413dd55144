/**
 * Node: gzip and zlib on node:zlib's thread pool with a 1 MiB chunkSize, so several chunks
 * compress at once on several cores (the default 16 KiB chunkSize gains nothing).
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

const asU8 = (b: Uint8Array | Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** A node:zlib codec compressing at `level`. */
export const deflateCodec: DeflateCodecFactory = (format, level) => {
  const opts = { level, chunkSize: ZLIB_CHUNK_SIZE };
  return {
    encode: async (data) => asU8(await (format === 'zlib' ? deflate : gzip)(data, opts)),
    decode: async (data, maxOutputBytes) => {
      const limit = maxOutputBytes === undefined ? {} : { maxOutputLength: maxOutputBytes };
      return asU8(
        await (format === 'zlib' ? inflate : gunzip)(data, { chunkSize: ZLIB_CHUNK_SIZE, ...limit }),
      );
    },
  };
};
