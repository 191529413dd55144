/**
 * What the backend needs from a store: keyed bytes, optional listing, and for writing, staged
 * writes that become visible only at commit. Keys are `/`-separated and relative (`a/b/.zarray`).
 * Callers can pass their own (IndexedDB, the File System Access API, an object-store client) to
 * `openZarr`.
 */

/**
 * A readable store. A `local` store is read key by key (and listed, if it can list); any other is
 * opened through its `.zmetadata`, one request, as a remote store is.
 */
export interface ZarrStore {
  /** Where it lives (a directory, a URL, or `memory`), for messages. */
  readonly location: string;
  /**
   * Whether the store is cheap to ask and authoritative (a local directory or a Map): such stores
   * are read directly and a stale `.zmetadata` is never relied on.
   */
  readonly local: boolean;
  /**
   * True when each `get` returns a new buffer that nothing else holds (a file just read, a response
   * body), so a read of exactly one chunk can hand the chunk's bytes to the caller without a copy.
   * Leave it unset when `get` returns values the store keeps (a Map store does).
   */
  readonly freshValues?: boolean;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Names of the entries directly under `prefix` (`''` or `a/b/`), when the store can list. */
  listChildren?(prefix: string): Promise<string[]>;
}

/**
 * A store being written: writes are staged and appear at the target only at `commit()`; `abort()`
 * is called instead when the write fails. Whether an existing store at the target may be replaced
 * is the store's decision, made at commit.
 */
export interface StagingStore extends ZarrStore {
  set(key: string, value: Uint8Array): Promise<void>;
  /** Makes what was written the store at the target, replacing what was there if allowed. */
  commit(): Promise<void>;
  /** Discards everything written. */
  abort(): Promise<void>;
}
