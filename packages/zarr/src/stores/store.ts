/**
 * The store contract, which is zarrita's (`@zarrita/storage`): a store is anything with
 * `get(key)` (and optionally `getRange`), keys are absolute (`/a/b/.zarray`), and a writable store
 * adds `set`. zarrita's `FetchStore`, `FileSystemStore`, `ReferenceStore`, a `Map<string,
 * Uint8Array>` and zarrita's store extensions (`withByteCaching`, ...) are all stores here, and
 * the stores of this package are zarrita stores.
 *
 * Optional additions, each a plain method a store may have:
 * - `listChildren(prefix)`: the store can list itself (a directory, a Map). Such a store is read
 *   directly and is the authority on what it holds; any other is opened through its consolidated
 *   metadata, which is also what lists it (see `consolidated.ts`).
 * - `commit()` and `abort()` on a writable store: writes are staged and appear at the target only
 *   at commit, which is how a writer never leaves a half-written store that looks complete.
 * - `listFiles(prefix)`: the values directly under a prefix (an array's chunks), which is how
 *   conversion by copying chunks finds the chunks that exist (`stored-chunks.ts`); without it,
 *   every chunk of the grid is asked for.
 * - `readSpans(key, size, spans, concurrent)`: parts of a value read into memory the caller gives
 *   (see {@link SpanReadableStore}), which is how chunks stored as plain element bytes are read
 *   straight into a read's result (`raw-chunks.ts`); without it, each chunk is got whole and copied.
 * - `setMany(entries)` on a staging store: several values written in one go (a directory store
 *   writes a batch of chunk files without a hand-over to the thread pool per file); without it,
 *   {@link setAll} sets them one by one.
 */
import type { AbsolutePath, AsyncReadable, AsyncWritable, Readable } from '@zarrita/storage';

/** Any zarrita store: `get` (and optionally `getRange`), sync or async, absolute keys. */
export type ZarrStore = Readable;

/** A store that can list its own entries; read directly, without consolidated metadata. */
export interface ListableStore extends AsyncReadable {
  /**
   * Names of the entries directly under `prefix` (`/` or `/a/b/`) that have entries of their own
   * (the child groups and arrays, in Zarr terms); order does not matter.
   */
  listChildren(prefix: AbsolutePath): Promise<string[]>;
}

/**
 * A writable store whose writes are staged: they appear at the target only at `commit()`;
 * `abort()` is called instead when the write fails. Whether an existing store at the target may be
 * replaced is the store's decision, made at commit. `get` reads what was staged.
 */
export interface StagingStore extends AsyncReadable, AsyncWritable {
  /** Makes what was written the store at the target, replacing what was there if allowed. */
  commit(): Promise<void>;
  /** Discards everything written. */
  abort(): Promise<void>;
  /**
   * Optional: stores each value under its key, as one `set` per entry would, in one go. Settles
   * once the store is done with every value (the caller may then reuse their memory). A failure is
   * a {@link StoreWriteError} naming the key that failed; entries before it may be staged.
   */
  setMany?(entries: readonly (readonly [AbsolutePath, Uint8Array])[]): Promise<void>;
}

/** A value of a batch (`setMany`, {@link setAll}) that could not be stored: which key, and why. */
export class StoreWriteError extends Error {
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(`could not store ${key}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreWriteError';
  }
}

/**
 * Stores a batch of values in `staging`: with its `setMany` when it has one, else one `set` after
 * another. Settles once the store is done with every value; a failure is a
 * {@link StoreWriteError} naming the key.
 */
export async function setAll(
  staging: StagingStore,
  entries: readonly (readonly [AbsolutePath, Uint8Array])[],
): Promise<void> {
  if (staging.setMany !== undefined) return staging.setMany(entries);
  for (const [key, value] of entries) {
    try {
      await staging.set(key, value);
    } catch (cause) {
      throw new StoreWriteError(key, cause);
    }
  }
}

/** One part of a stored value to read: `into.length` bytes from byte `offset` of the value. */
export interface ValueSpan {
  readonly offset: number;
  readonly into: Uint8Array;
}

/** A store that reads parts of a value into memory the caller gives (a directory on disk). */
export interface SpanReadableStore extends AsyncReadable {
  /**
   * Reads each of `spans` of the value at `key` when the value is `size` bytes long, and answers
   * the value's size: `size` once every span is read, another size (and nothing read) when the
   * value is not `size` bytes long, undefined when there is no value. Rejects when a span cannot be
   * read whole. `concurrent`: the caller reads other values at the same time, so a big read may go
   * to a worker thread and run next to them; otherwise reads may block the calling thread (from a
   * page cache, that is quicker than a hand-over to another thread).
   */
  readSpans(
    key: AbsolutePath,
    size: number,
    spans: readonly ValueSpan[],
    concurrent: boolean,
  ): Promise<number | undefined>;
}

/** True when `store` can list its entries. */
export function isListable(store: Readable): store is ListableStore {
  return typeof (store as Partial<ListableStore>).listChildren === 'function';
}

/** True when `store` reads parts of values into given memory. */
export function isSpanReadable(store: Readable): store is SpanReadableStore {
  return typeof (store as Partial<SpanReadableStore>).readSpans === 'function';
}

/** True when `store` can be written with staged writes. */
export function isStaging(store: Readable): store is StagingStore {
  const s = store as Partial<StagingStore>;
  return typeof s.set === 'function' && typeof s.commit === 'function' && typeof s.abort === 'function';
}

/** A name for a store in messages: its URL, directory or `location`, else what kind it is. */
export function storeName(store: Readable): string {
  const s = store as { url?: unknown; root?: unknown; location?: unknown };
  for (const v of [s.location, s.url, s.root]) {
    if (typeof v === 'string') return v;
    if (v instanceof URL) return v.href;
  }
  return store instanceof Map ? 'memory' : 'a store';
}

/** The directory prefix of a node's entries: `/` for the root, `/a/b/` for `/a/b`. */
export function prefixOf(path: string): AbsolutePath {
  return (path === '/' ? '/' : `${path}/`) as AbsolutePath;
}

/**
 * `: why` for a store's own refusals (a key outside the store) and failed HTTP requests (`HTTP 500
 * ...`, `no answer within 30 s`), which say more than the error that wraps them; nothing for other
 * failures.
 */
export function causeDetail(cause: unknown): string {
  if ((cause as { code?: unknown }).code === 'EOUTSIDESTORE') return `: ${(cause as Error).message}`;
  const reason = (cause as { reason?: unknown }).reason;
  if ((cause as { name?: unknown }).name === 'HttpRequestError' && typeof reason === 'string')
    return `: ${reason}`;
  return '';
}
