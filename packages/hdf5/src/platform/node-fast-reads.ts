/**
 * What the fast read path needs from Node: positioned reads of the file (one handle, kept open
 * while the backend is) and zlib's inflate (on the thread pool when a read decodes several chunks,
 * so they inflate in parallel; inline for small chunks and for a read's only chunk, where handing
 * them to the pool costs more than it gains).
 *
 * Reads of up to {@link SYNC_READ} bytes are synchronous system calls: from the page cache they
 * take microseconds, less than the round trip through the thread pool that an asynchronous read
 * costs (which is most of the time of reading one frame). Bigger reads go to the thread pool, where
 * several can run at once.
 */
import { open } from 'node:fs/promises';
import { inflate, inflateSync } from 'node:zlib';
import { readAtPooled, readAtSync } from '@nwbjs/core/node';
import type { FastReadFiles } from './types.js';

/**
 * Chunks smaller than this are inflated on the main thread; so is the only chunk a read waits for
 * up to {@link MAX_INLINE_ALONE} bytes (a frame read frame by frame: the thread pool would add a
 * hand-over each way and run nothing next to it).
 */
const INLINE_INFLATE = 16 * 1024;
const MAX_INLINE_ALONE = 4 * 1024 * 1024;
/** zlib's output is one piece of the expected size up to this size. */
const MAX_OUTPUT_PIECE = 16 * 1024 * 1024;
/** Reads up to this many bytes are synchronous. */
const SYNC_READ = 1024 * 1024;

export const nodeFastReads: FastReadFiles = {
  async open(path) {
    const handle = await open(path, 'r');
    const { size } = await handle.stat();
    const fd = handle.fd;
    /** Reads into `target` at `offset`; the number of bytes read (fewer only at the end of the file). */
    const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
      const n = Math.max(0, Math.min(target.length, size - offset));
      const into = n === target.length ? target : target.subarray(0, n);
      return n <= SYNC_READ ? readAtSync(fd, into, offset) : readAtPooled(fd, into, offset);
    };
    return {
      size,
      source: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset));
        // Not zero-filled: every byte is read over (or cut off below).
        const buffer = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
        const done = await readInto(offset, buffer);
        return done === n ? buffer : buffer.subarray(0, done);
      },
      readInto,
      close: () => handle.close(),
    };
  },
  // Zeroing a frame's memory costs about as much as reading the frame from the page cache.
  allocate: (bytes) => Buffer.allocUnsafeSlow(bytes).buffer,
  inflate(bytes, maxBytes, hints) {
    // The output in one piece (zlib's default is 16 KiB pieces joined at the end), up to a bound,
    // so that a chunk claiming a huge size costs nothing up front. The piece is a little larger
    // than the output: zlib learns that the stream ended only with room left in the piece, so a
    // piece filled exactly costs a second piece and, off the main thread, a second pass.
    const chunkSize = Math.max(64, Math.min((maxBytes ?? 0) + 64, MAX_OUTPUT_PIECE));
    const options =
      maxBytes === undefined ? { chunkSize } : { chunkSize, maxOutputLength: Math.max(1, maxBytes) };
    const inline =
      bytes.length < INLINE_INFLATE || (hints?.alone === true && bytes.length <= MAX_INLINE_ALONE);
    if (inline) {
      try {
        return Promise.resolve(view(inflateSync(bytes, options)));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => {
      inflate(bytes, options, (error, result) => (error ? reject(error) : resolve(view(result))));
    });
  },
};

/** The buffer's bytes as a plain Uint8Array, not copied. */
function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
