/**
 * What the fast read path needs from Node: positioned reads of the file (one handle, kept open
 * while the backend is) and zlib's inflate (on the thread pool for big chunks; small ones inline,
 * where handing them to the pool costs more than inflating them).
 */
import { open } from 'node:fs/promises';
import { inflate, inflateSync } from 'node:zlib';
import type { FastReadFiles } from './types.js';

/** Chunks smaller than this are inflated on the main thread. */
const INLINE_INFLATE = 128 * 1024;

export const nodeFastReads: FastReadFiles = {
  async open(path) {
    const handle = await open(path, 'r');
    const { size } = await handle.stat();
    return {
      size,
      source: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset));
        const buffer = new Uint8Array(n);
        let done = 0;
        while (done < n) {
          const { bytesRead } = await handle.read(buffer, done, n - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === n ? buffer : buffer.subarray(0, done);
      },
      close: () => handle.close(),
    };
  },
  inflate(bytes, maxBytes) {
    const options = maxBytes === undefined ? {} : { maxOutputLength: Math.max(1, maxBytes) };
    if (bytes.length < INLINE_INFLATE) return Promise.resolve(new Uint8Array(inflateSync(bytes, options)));
    return new Promise((resolve, reject) => {
      inflate(bytes, options, (error, result) =>
        error ? reject(error) : resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength)),
      );
    });
  },
};
