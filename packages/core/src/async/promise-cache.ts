/**
 * One promise per key: work that is asked for again and again (a header, a page of a file, a
 * dataset's chunk table) is started once, and every ask, while it runs and after, shares its
 * answer. A promise that rejects is forgotten, so the next ask starts the work again: a failed read
 * (a timeout, a dropped connection) is not the file's final answer.
 */
export class PromiseCache<K, V> {
  readonly #promises = new Map<K, Promise<V>>();

  /**
   * The promise kept for `key`, or, when there is none, the one `start(key)` returns, kept until it
   * rejects. What a failure means is the caller's to say inside `start`: to answer something
   * instead (`start` catches and resolves) is to keep that answer; to fail is to be asked again.
   * `start` may {@link clear} the cache (one that bounds its size) before it begins.
   */
  get(key: K, start: (key: K) => Promise<V>): Promise<V> {
    let known = this.#promises.get(key);
    if (known === undefined) {
      const started = start(key);
      this.#promises.set(key, started);
      // Only this promise's own entry: the cache may have been cleared and the key asked again.
      started.catch(() => {
        if (this.#promises.get(key) === started) this.#promises.delete(key);
      });
      known = started;
    }
    return known;
  }

  /** The promises kept now (those that rejected are gone), e.g. to close what they opened. */
  values(): IterableIterator<Promise<V>> {
    return this.#promises.values();
  }

  /** Forgets every kept promise (those still pending go on, but are no longer shared). */
  clear(): void {
    this.#promises.clear();
  }
}
