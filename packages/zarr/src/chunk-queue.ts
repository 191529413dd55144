/**
 * Write-behind for chunks: a write call hands each chunk over and returns while the chunk is still
 * being encoded and stored, so compression of consecutive chunks overlaps even when the caller
 * writes one chunk per call (a stream of single frames). At most `limit` chunks, and about
 * `maxBytes` of them, are in flight, which bounds memory; a second write of a chunk waits for the
 * first. A batch of chunks stored in one go (conversion copying chunks) is one write under all
 * its keys. A failure is kept and thrown by the next `add` or by `drain`.
 */

/** Options of {@link ChunkWriteQueue}. */
export interface ChunkWriteQueueOptions {
  /** Chunks in flight at most (at least 1). */
  readonly limit: number;
  /** Bytes of (unencoded) chunks in flight at most; one chunk is always allowed. */
  readonly maxBytes: number;
}

/** One write in flight: of one chunk, or of several stored in one go. */
interface Pending {
  readonly keys: readonly string[];
  readonly bytes: number;
  done: Promise<void>;
}

/** Bounded set of chunk writes in flight, keyed by store key. */
export class ChunkWriteQueue {
  readonly #limit: number;
  readonly #maxBytes: number;
  /** Each write in flight under every key it writes. */
  readonly #byKey = new Map<string, Pending>();
  readonly #pending = new Set<Pending>();
  #bytes = 0;
  #failure: { error: unknown } | undefined;

  constructor(options: ChunkWriteQueueOptions) {
    this.#limit = Math.max(1, Math.floor(options.limit));
    this.#maxBytes = Math.max(0, options.maxBytes);
  }

  /** Writes in flight now (a write of several chunks counts once). */
  get size(): number {
    return this.#pending.size;
  }

  /** The first failure, if a write failed. */
  get failure(): { error: unknown } | undefined {
    return this.#failure;
  }

  /**
   * Starts `job` (the write of the chunk at `key`, or of the chunks at several keys in one go,
   * `bytes` long unencoded) once there is room and no other write of those keys is in flight.
   * Resolves when the job has started, not when it is done.
   */
  async add(key: string | readonly string[], bytes: number, job: () => Promise<void>): Promise<void> {
    const keys = typeof key === 'string' ? [key] : key;
    for (;;) {
      this.#throwIfFailed();
      const same = this.#firstPending(keys);
      if (same !== undefined) await same.done;
      else if (
        this.#pending.size >= this.#limit ||
        (this.#pending.size > 0 && this.#bytes + bytes > this.#maxBytes)
      ) {
        await Promise.race([...this.#pending].map((p) => p.done));
      } else break;
    }
    const entry: Pending = { keys, bytes, done: Promise.resolve() };
    entry.done = job().then(
      () => this.#settle(entry),
      (error: unknown) => {
        this.#failure ??= { error };
        this.#settle(entry);
      },
    );
    this.#pending.add(entry);
    for (const k of keys) this.#byKey.set(k, entry);
    this.#bytes += bytes;
  }

  /** Waits until no write of `key` is in flight (before reading the chunk back). */
  async waitFor(key: string): Promise<void> {
    for (let p = this.#byKey.get(key); p !== undefined; p = this.#byKey.get(key)) await p.done;
  }

  /** Waits for every write in flight; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.#throwIfFailed();
  }

  /** Waits for every write in flight, ignoring failures (before discarding everything). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending].map((p) => p.done));
  }

  #firstPending(keys: readonly string[]): Pending | undefined {
    for (const k of keys) {
      const p = this.#byKey.get(k);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  #settle(entry: Pending): void {
    if (!this.#pending.delete(entry)) return;
    for (const k of entry.keys) if (this.#byKey.get(k) === entry) this.#byKey.delete(k);
    this.#bytes -= entry.bytes;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
