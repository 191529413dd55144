/**
 * A concurrency limit for work that goes out in parallel (reads of a tree's groups, prefetched
 * metadata, batches of chunks being copied): at most `max` tasks run at once, the others wait their
 * turn in the order they came.
 */
export class Limiter {
  readonly #max: number;
  #active = 0;
  /**
   * Tasks waiting for a place, read from `#head`: Array.prototype.shift moves every element, which
   * made a group of 100 000 children take minutes.
   */
  #waiting: (() => void)[] = [];
  #head = 0;
  /** Callers of {@link whenFree} and {@link idle}, each with what it waits for. */
  #watchers: { ready: () => boolean; go: () => void }[] = [];

  /** `max` tasks at once, at most (at least 1). */
  constructor(max: number) {
    this.#max = Math.max(1, Math.floor(max));
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /**
   * Runs `task` once fewer than `max` tasks run, and settles as it does. A finishing task hands
   * its place straight to the next waiting one, so the count never overshoots. Give it only tasks
   * that do not wait for other tasks of the same limiter: those could wait forever for a place.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#max) this.#active++;
    else await new Promise<void>((go) => this.#waiting.push(go));
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /**
   * Resolves once a task could start at once: a producer that awaits it after starting each task
   * holds back (reads no further input) while every place is taken.
   */
  whenFree(): Promise<void> {
    return this.#until(() => this.#active < this.#max);
  }

  /** Resolves once no task runs or waits. */
  idle(): Promise<void> {
    return this.#until(() => this.#active === 0);
  }

  #until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((go) => this.#watchers.push({ ready, go }));
  }

  #release(): void {
    if (this.#head < this.#waiting.length) {
      const next = this.#waiting[this.#head++]!;
      if (this.#head === this.#waiting.length || this.#head > 4096) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      next();
      return;
    }
    this.#active--;
    if (this.#watchers.length === 0) return;
    const watchers = this.#watchers;
    this.#watchers = [];
    for (const watcher of watchers) {
      if (watcher.ready()) watcher.go();
      else this.#watchers.push(watcher);
    }
  }
}
