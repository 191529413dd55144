/**
 * Reads shared by whoever wants them, cancelled when nobody does any more.
 *
 * A read (a block of frames, an image) is started once per key and handed to every caller that
 * asks for the key while it runs or stays cached. Each caller passes its own AbortSignal: when
 * every caller of an unfinished read has aborted, the read is aborted too: dropped from the
 * queue if it had not started (so it never fetches), and its own signal aborted if it had.
 * Finished reads stay cached, least recently used dropped first, up to a byte budget.
 */

/** Which reads go first when more are waiting than may run. */
export type Priority = 'now' | 'later';

interface Waiting {
  readonly run: () => void;
  readonly priority: Priority;
}

/** Runs at most `limit` reads at once; waiting reads can be dropped before they start. */
export class ReadScheduler {
  #running = 0;
  readonly #queue: Waiting[] = [];

  constructor(readonly limit: number) {}

  /** Runs `task` when a slot is free; rejects without running it if `signal` aborts first. */
  schedule<T>(task: () => Promise<T>, signal: AbortSignal, priority: Priority): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const entry: Waiting = {
        priority,
        run: () => {
          signal.removeEventListener('abort', drop);
          this.#running += 1;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.#running -= 1;
              this.#next();
            });
        },
      };
      const drop = () => {
        const at = this.#queue.indexOf(entry);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', drop, { once: true });
      if (priority === 'now') {
        const firstLater = this.#queue.findIndex((w) => w.priority === 'later');
        this.#queue.splice(firstLater < 0 ? this.#queue.length : firstLater, 0, entry);
      } else {
        this.#queue.push(entry);
      }
      this.#next();
    });
  }

  /** Reads waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  #next(): void {
    while (this.#running < this.limit && this.#queue.length > 0) this.#queue.shift()!.run();
  }
}

interface Entry<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
  settled: boolean;
  bytes: number;
  lastUse: number;
}

/** Options of {@link ReadCache.get}. */
export interface CacheGetOptions {
  readonly signal?: AbortSignal | undefined;
  readonly priority?: Priority;
}

/** Keyed, shared, cancellable reads with a byte budget for the finished ones. */
export class ReadCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  #clock = 0;

  constructor(
    readonly scheduler: ReadScheduler,
    readonly sizeOf: (value: T) => number,
    readonly maxBytes: number,
  ) {}

  /** True when the key's read has finished and is cached. */
  has(key: string): boolean {
    return this.#entries.get(key)?.settled === true;
  }

  /**
   * The value for `key`, read by `read` (given the read's own signal) unless it is cached or
   * already being read. Rejects with `signal`'s reason when it aborts first.
   */
  get(key: string, read: (signal: AbortSignal) => Promise<T>, options: CacheGetOptions = {}): Promise<T> {
    const { signal, priority = 'now' } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let entry = this.#entries.get(key);
    if (entry === undefined) entry = this.#start(key, read, priority);
    entry.lastUse = ++this.#clock;
    if (entry.settled) return entry.promise;
    const current = entry;
    current.waiters += 1;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#release(key, current);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          signal?.removeEventListener('abort', onAbort);
          current.waiters -= 1;
          resolve(value);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          current.waiters -= 1;
          reject(error);
        },
      );
    });
  }

  #start(key: string, read: (signal: AbortSignal) => Promise<T>, priority: Priority): Entry<T> {
    const controller = new AbortController();
    const promise = this.scheduler.schedule(() => read(controller.signal), controller.signal, priority);
    const entry: Entry<T> = { promise, controller, waiters: 0, settled: false, bytes: 0, lastUse: 0 };
    this.#entries.set(key, entry);
    promise.then(
      (value) => {
        entry.settled = true;
        entry.bytes = this.sizeOf(value);
        this.#evict();
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry;
  }

  #release(key: string, entry: Entry<T>): void {
    entry.waiters -= 1;
    if (entry.settled || entry.waiters > 0) return;
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    entry.controller.abort(new DOMException('nobody wants this read any more', 'AbortError'));
  }

  #evict(): void {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.bytes;
    if (total <= this.maxBytes) return;
    const done = [...this.#entries].filter(([, e]) => e.settled).sort((a, b) => a[1].lastUse - b[1].lastUse);
    for (const [key, entry] of done) {
      if (total <= this.maxBytes) break;
      this.#entries.delete(key);
      total -= entry.bytes;
    }
  }
}
