/**
 * The path of an object from its header address, which is all an object reference holds (and, in
 * its heap object, a region reference). HDF5's own answer (`H5Iget_name` after dereferencing, what
 * h5wasm's `get_referenced_name` does) walks the whole file, depth first in name order, for every
 * reference: the root's `.specloc` cost 5 s in a file of 100 000 groups, read twice per
 * conversion, and a table of references paid it per row. Here the tree is walked breadth first
 * through the file's cached listings, one link at a time and only until the address turns up, and
 * every address met on the way is kept: `.specloc` (pointing at `/specifications`) costs the
 * root's dozen links, and the whole file is walked at most once however many references are read.
 *
 * Names are taken in sorted order within a group, so an object with several hard links gets its
 * shortest, first-sorted path (as the format reader's ObjectPaths gives it). Soft and external
 * links are not followed; a group reached twice is walked once.
 *
 * Why not ObjectPaths over the fast path's Hdf5Structure: references are decoded synchronously,
 * out of h5wasm's memory, inside a read; files open for writing (on disk or in memory), and files
 * whose structures the format reader does not read, have no structure; and here each link costs
 * h5wasm calls, so the walk stops at the link, where ObjectPaths reads a whole level at once (one
 * round trip over HTTP).
 */
import { joinPath } from '@nwbjs/core/backend';
import type { Hdf5File } from './file-handle.js';

/** Paths of one file's objects by header address, found on demand. */
export class ReferencePaths {
  readonly #file: Hdf5File;
  /** Header address (hex, as {@link Hdf5File.addressOf} gives it) -> first path found. */
  readonly #paths = new Map<string, string>();
  /** Groups found but not walked yet, in walking order, read from `#head`. */
  #groups: string[] = [];
  #head = 0;
  /** The group being walked and its sorted names, read from `#next`. */
  #walking: { path: string; names: string[] } | undefined;
  #next = 0;
  #started = false;

  constructor(file: Hdf5File) {
    this.#file = file;
  }

  /**
   * The first path (breadth first, sorted names) of the object whose header is at `address`, or
   * undefined if no hard link reaches it from the root (or it was created after its group was walked).
   */
  pathOf(address: string): string | undefined {
    if (!this.#started) {
      this.#started = true;
      this.#paths.set(this.#file.addressOf('/'), '/');
      this.#groups.push('/');
    }
    for (;;) {
      const known = this.#paths.get(address);
      if (known !== undefined) return known;
      if (!this.#step()) return undefined;
    }
  }

  /** Looks at one more link; false when every group reachable has been walked. */
  #step(): boolean {
    const file = this.#file;
    while (this.#walking === undefined || this.#next >= this.#walking.names.length) {
      if (this.#head >= this.#groups.length) return false;
      const path = this.#groups[this.#head++]!;
      this.#walking = { path, names: [...file.childNames(path)].sort() };
      this.#next = 0;
    }
    const path = joinPath(this.#walking.path, this.#walking.names[this.#next++]!);
    const kind = file.kindOf(path)?.kind;
    if (kind !== 'group' && kind !== 'dataset') return true;
    const address = file.addressOf(path);
    if (this.#paths.has(address)) return true;
    this.#paths.set(address, path);
    if (kind === 'group') this.#groups.push(path);
    return true;
  }
}

/** The hex of the 8 address bytes an object reference starts with (missing bytes count as 0). */
export function addressKey(bytes: ArrayLike<number>): string {
  let key = '';
  for (let i = 0; i < 8; i++) key += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return key;
}
