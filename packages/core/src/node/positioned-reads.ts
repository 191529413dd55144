/**
 * Reading a given number of bytes at a position of an open file into memory the caller gives, either
 * with blocking calls (quicker than a hand-over to the thread pool for small reads from the page
 * cache) or on the thread pool (big reads, several files side by side). Both backends' fast paths
 * read files this way. A read may return fewer bytes than asked only at the end of the file.
 */
import { read, readSync } from 'node:fs';

/** Reads `into.length` bytes from `position` with blocking calls; the number read (fewer at the end). */
export function readAtSync(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Reads `into.length` bytes from `position` on the thread pool; the number read (fewer at the end). */
export function readAtPooled(fd: number, into: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const from = (done: number): void => {
      if (done >= into.length) return resolve(done);
      read(fd, into, done, into.length - done, position + done, (error, n) => {
        if (error !== null) reject(error);
        else if (n === 0) resolve(done);
        else from(done + n);
      });
    };
    from(0);
  });
}
