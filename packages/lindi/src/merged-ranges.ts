/**
 * Range reads of files at URLs, merged: the reads asked for within one turn of the event loop are
 * grouped by URL and sorted, and those lying next to each other go out as one Range request whose
 * answer is cut back into the reads. A LINDI reference is one chunk `[url, offset, size]`; a slab
 * of frames whose chunks HDF5 wrote one after another is then one request instead of one per chunk.
 */

/**
 * Reads at most this many bytes apart are merged (64 KiB). Fetching the gap costs less than a
 * round trip of its own: at 10-100 MB/s, 64 KiB take 1-6 ms, while a request to a remote server
 * such as S3 takes 20-100 ms before its first byte. HDF5 chunks written one after another have no
 * gap at all; small gaps are metadata (B-tree nodes, heaps) between them.
 */
export const MERGE_GAP_BYTES = 64 * 1024;

/**
 * A merged request covers at most this many bytes (16 MiB), unless a single read is larger. This
 * bounds the memory one answer holds before it is cut into chunks, and keeps a large read as
 * several requests that go out in parallel rather than one long one.
 */
export const MAX_MERGED_BYTES = 16 * 1024 * 1024;

/** `length` bytes at `offset` of `url`; `what` names what is read (for errors). */
export type RangeFetch = (url: string, offset: number, length: number, what: string) => Promise<Uint8Array>;

/** A read waiting for the next batch. */
interface PendingRead {
  readonly url: string;
  readonly offset: number;
  readonly end: number;
  readonly what: string;
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Merges range reads made together into few requests (see {@link MERGE_GAP_BYTES} and
 * {@link MAX_MERGED_BYTES}), each made by `fetchRange`. A merged request that fails fails every
 * read it carried, with its error; reads carried alone get bytes of their own, merged ones a copy
 * of their part (no read shares memory with another).
 */
export class MergedRanges {
  readonly #fetchRange: RangeFetch;
  #pending: PendingRead[] = [];
  #scheduled = false;

  constructor(fetchRange: RangeFetch) {
    this.#fetchRange = fetchRange;
  }

  /** `length` bytes at `offset` of `url` (fewer if the server sends fewer), in the next batch. */
  read(url: string, offset: number, length: number, what: string): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.push({ url, offset, end: offset + length, what, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // One turn of the event loop: the chunk reads of one slab (and of reads made together) meet.
      setTimeout(() => {
        this.#scheduled = false;
        this.#flush();
      }, 0);
    });
  }

  /** Sends the pending reads: per URL, sorted, neighbours merged, every group at once. */
  #flush(): void {
    const reads = this.#pending.sort((a, b) =>
      a.url < b.url ? -1 : a.url > b.url ? 1 : a.offset - b.offset,
    );
    this.#pending = [];
    let group: PendingRead[] = [];
    let start = 0;
    let end = 0;
    for (const read of reads) {
      const joins =
        group.length > 0 &&
        read.url === group[0]!.url &&
        read.offset <= end + MERGE_GAP_BYTES &&
        Math.max(end, read.end) - start <= Math.max(MAX_MERGED_BYTES, read.end - read.offset);
      if (joins) {
        group.push(read);
        end = Math.max(end, read.end);
        continue;
      }
      if (group.length > 0) this.#send(group, start, end);
      group = [read];
      start = read.offset;
      end = read.end;
    }
    if (group.length > 0) this.#send(group, start, end);
  }

  /** One request for `[start, end)` of the group's URL, cut into its reads. */
  #send(group: readonly PendingRead[], start: number, end: number): void {
    const first = group[0]!;
    const what =
      group.length === 1 ? first.what : `${first.what} (with ${group.length - 1} neighbouring references)`;
    this.#fetchRange(first.url, start, end - start, what).then(
      (bytes) => {
        if (group.length === 1) return first.resolve(bytes);
        for (const read of group) read.resolve(bytes.slice(read.offset - start, read.end - start));
      },
      (error: unknown) => {
        for (const read of group) read.reject(error);
      },
    );
  }
}
