/**
 * A `Map<string, Uint8Array>` as a store. zarrita takes a Map as a store with absolute keys
 * (`/a/b/.zarray`); this package has always written Maps with the keys of a directory store
 * (`a/b/.zarray`), so either spelling is read (a Map whose keys start with `/` is zarrita's), and a
 * Map is written in the spelling it already has (relative when empty). Writes are staged in a
 * private Map and moved into the caller's Map at commit.
 */
import type { AbsolutePath, RangeQuery } from '@zarrita/storage';
import type { ListableStore, StagingStore } from './store.js';

/** How a Map spells its keys: `a/b/.zarray` (relative, a directory's) or `/a/b/.zarray` (zarrita's). */
export type MapKeyStyle = 'relative' | 'absolute';

/** The key spelling a Map uses (relative when it is empty). */
export function keyStyleOf(map: ReadonlyMap<string, unknown>): MapKeyStyle {
  for (const key of map.keys()) return key.startsWith('/') ? 'absolute' : 'relative';
  return 'relative';
}

/** Cuts `range` out of `value` (a view, no copy). */
export function sliceRange(value: Uint8Array, range: RangeQuery): Uint8Array {
  if ('suffixLength' in range) return value.subarray(Math.max(0, value.length - range.suffixLength));
  return value.subarray(range.offset, range.offset + range.length);
}

/** Reads a Map store; lists it from its keys. */
export class MapStore implements ListableStore {
  readonly location: string = 'memory';

  constructor(
    protected readonly map: Map<string, Uint8Array>,
    readonly keyStyle: MapKeyStyle = keyStyleOf(map),
  ) {}

  protected mapKey(key: AbsolutePath): string {
    return this.keyStyle === 'absolute' ? key : key.slice(1);
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    return this.map.get(this.mapKey(key));
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    const value = this.map.get(this.mapKey(key));
    return value === undefined ? undefined : sliceRange(value, range);
  }

  async listChildren(prefix: AbsolutePath): Promise<string[]> {
    const start = this.mapKey(prefix);
    const names = new Set<string>();
    for (const key of this.map.keys()) {
      if (!key.startsWith(start)) continue;
      const rest = key.slice(start.length);
      const slash = rest.indexOf('/');
      if (slash > 0) names.add(rest.slice(0, slash));
    }
    return [...names];
  }

  /** Names of the values directly under `prefix` (an array's chunks, for copying them). */
  async listFiles(prefix: AbsolutePath): Promise<string[]> {
    const start = this.mapKey(prefix);
    const names: string[] = [];
    for (const key of this.map.keys()) {
      if (!key.startsWith(start)) continue;
      const rest = key.slice(start.length);
      if (rest !== '' && !rest.includes('/')) names.push(rest);
    }
    return names;
  }
}

/** Writes into a private Map; `commit` moves everything into the target Map. */
export class MapStagingStore extends MapStore implements StagingStore {
  #done = false;

  constructor(
    private readonly target: Map<string, Uint8Array>,
    private readonly replace: boolean,
  ) {
    super(new Map(), keyStyleOf(target));
  }

  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    this.map.set(this.mapKey(key), value);
  }

  /**
   * Stores copies of the values: a batch's values are memory its caller lends and reuses once this
   * settles (conversion copying chunks), which a Map must not keep.
   */
  async setMany(entries: readonly (readonly [AbsolutePath, Uint8Array])[]): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    for (const [key, value] of entries) this.map.set(this.mapKey(key), value.slice());
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
