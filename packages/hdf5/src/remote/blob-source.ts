/**
 * The bytes of a Blob or File (a file the user picked or dropped in the browser, or any Blob in
 * Node), read piece by piece with `blob.slice(...).arrayBuffer()`: only what is asked for is ever
 * in memory, so a file of any size can be opened.
 */
import type { HttpTransferStats } from './http-range-source.js';

/**
 * A Blob's bytes as a ByteSource for the format reader ({@link read}), counting what it has read
 * ({@link stats}, shaped like a remote file's: one slice read is one request).
 */
export class BlobRangeSource {
  readonly #blob: Blob;
  #active = 0;
  #stats: HttpTransferStats = { requests: 0, roundTrips: 0, bytes: 0 };

  constructor(blob: Blob) {
    this.#blob = blob;
  }

  /** The Blob's size in bytes. */
  get size(): number {
    return this.#blob.size;
  }

  /** Slices read (`requests`), reads begun while none was in progress (`roundTrips`), bytes read (a copy). */
  get stats(): HttpTransferStats {
    return { ...this.#stats };
  }

  /** `length` bytes at `offset` (fewer only at the end of the Blob); the caller owns them. */
  read = async (offset: number, length: number): Promise<Uint8Array> => {
    const size = this.#blob.size;
    const start = Math.min(offset, size);
    const end = Math.min(offset + length, size);
    if (end <= start) return new Uint8Array(0);
    if (this.#active === 0) this.#stats.roundTrips++;
    this.#stats.requests++;
    this.#active++;
    try {
      const bytes = new Uint8Array(await this.#blob.slice(start, end).arrayBuffer());
      this.#stats.bytes += bytes.length;
      return bytes;
    } finally {
      this.#active--;
    }
  };
}
