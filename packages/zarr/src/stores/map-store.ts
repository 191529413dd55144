/**
 * A Zarr store in a `Map<string, Uint8Array>` (keys as in a directory store, `a/b/.zarray`).
 * Writes are staged in a private map and moved into the caller's map at commit.
 */
import type { StagingStore, ZarrStore } from './store.js';

/** Reads a Map store. */
export class MapStore implements ZarrStore {
  readonly local = true;
  readonly location: string = 'memory';
  constructor(protected readonly map: Map<string, Uint8Array>) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.map.get(key);
  }

  async listChildren(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    for (const key of this.map.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash > 0) names.add(rest.slice(0, slash));
    }
    return [...names];
  }
}

/** Writes into a staging map; `commit` moves everything into the target map. */
export class MapStagingStore extends MapStore implements StagingStore {
  #done = false;
  constructor(
    private readonly target: Map<string, Uint8Array>,
    private readonly replace: boolean,
  ) {
    super(new Map());
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    this.map.set(key, value);
  }

  async commit(): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    if (this.target.size > 0) {
      if (!this.replace) throw new Error('the target map is not empty');
      this.target.clear();
    }
    for (const [k, v] of this.map) this.target.set(k, v);
    this.map.clear();
    this.#done = true;
  }

  async abort(): Promise<void> {
    this.#done = true;
    this.map.clear();
  }
}
