/**
 * Write-behind for chunks: a write call hands each chunk over and returns while the chunk is still
 * being encoded and stored, so compression of consecutive chunks overlaps even when the caller
 * writes one chunk per call (a stream of single frames). At most `limit` chunks, and about
 * `maxBytes` of them, are in flight, which bounds memory; a second write of a chunk waits for the
 * first. A failure is kept and thrown by the next `add` or by `drain`.
 */

/** Options of {@link ChunkWriteQueue}. */
export interface ChunkWriteQueueOptions {
  /** Chunks in flight at most (at least 1). */
  readonly limit: number;
  /** Bytes of (unencoded) chunks in flight at most; one chunk is always allowed. */
  readonly maxBytes: number;
}

/** Bounded set of chunk writes in flight, keyed by store key. */
export class ChunkWriteQueue {
  readonly #limit: number;
  readonly #maxBytes: number;
  readonly #pending = new Map<string, { done: Promise<void>; bytes: number }>();
  #bytes = 0;
  #failure: { error: unknown } | undefined;

  constructor(options: ChunkWriteQueueOptions) {
    this.#limit = Math.max(1, Math.floor(options.limit));
    this.#maxBytes = Math.max(0, options.maxBytes);
  }

  /** Chunks in flight now. */
  get size(): number {
    return this.#pending.size;
  }

  /** The first failure, if a write failed. */
  get failure(): { error: unknown } | undefined {
    return this.#failure;
  }

  /**
   * Starts `job` (the write of the chunk at `key`, `bytes` long unencoded) once there is room and
   * no other write of `key` is in flight. Resolves when the job has started, not when it is done.
   */
  async add(key: string, bytes: number, job: () => Promise<void>): Promise<void> {
    for (;;) {
      this.#throwIfFailed();
      const same = this.#pending.get(key);
      if (same !== undefined) await same.done;
      else if (
        this.#pending.size >= this.#limit ||
        (this.#pending.size > 0 && this.#bytes + bytes > this.#maxBytes)
      ) {
        await Promise.race([...this.#pending.values()].map((p) => p.done));
      } else break;
    }
    const entry = { bytes, done: Promise.resolve() };
    entry.done = job().then(
      () => this.#settle(key),
      (error: unknown) => {
        this.#failure ??= { error };
        this.#settle(key);
      },
    );
    this.#pending.set(key, entry);
    this.#bytes += bytes;
  }

  /** Waits until no write of `key` is in flight (before reading the chunk back). */
  async waitFor(key: string): Promise<void> {
    for (let p = this.#pending.get(key); p !== undefined; p = this.#pending.get(key)) await p.done;
  }

  /** Waits for every write in flight; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.#throwIfFailed();
  }

  /** Waits for every write in flight, ignoring failures (before discarding everything). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending.values()].map((p) => p.done));
  }

  #settle(key: string): void {
    const entry = this.#pending.get(key);
    if (entry === undefined) return;
    this.#pending.delete(key);
    this.#bytes -= entry.bytes;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
