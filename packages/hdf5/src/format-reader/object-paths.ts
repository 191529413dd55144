/**
 * The path of an object from its header address, which is all an HDF5 object or region reference
 * holds. Found by walking the group tree breadth-first, a level at a time, each level's headers
 * read at once (over HTTP a level costs one round trip, not one per group), and only as deep as
 * the addresses asked for need: the root's `.specloc` (pointing at `/specifications`) costs one
 * level, not the whole file. Names are taken in sorted order within a level, so an object reachable
 * by several hard links gets its shortest, first-sorted path whenever it is asked for. Soft and
 * external links are not followed; a group reached twice is walked once. The h5wasm backend's
 * ReferencePaths gives the same paths (see there why it is a walker of its own).
 */
import { joinPath } from '@nwbjs/core/backend';
import type { Hdf5Structure } from '../format/hdf5-structure.js';

interface Found {
  readonly address: number;
  readonly path: string;
}

/** Paths of the objects of one file by header address, found on demand. */
export class ObjectPaths {
  readonly #structure: Hdf5Structure;
  readonly #paths: Map<number, string>;
  /** The groups whose links are not walked yet (the next level). */
  #level: Found[];
  #walking: Promise<void> | undefined;

  constructor(structure: Hdf5Structure) {
    this.#structure = structure;
    const root = structure.superblock.root;
    this.#paths = new Map([[root, '/']]);
    this.#level = [{ address: root, path: '/' }];
  }

  /** The first path of the object whose header is at `address`, or undefined if no path reaches it. */
  async pathOf(address: number): Promise<string | undefined> {
    for (;;) {
      const known = this.#paths.get(address);
      if (known !== undefined || this.#level.length === 0) return known;
      if (this.#walking === undefined) {
        const walking = this.#walkLevel();
        this.#walking = walking;
        walking.then(
          () => (this.#walking = undefined),
          () => (this.#walking = undefined),
        );
      }
      await this.#walking;
    }
  }

  /** Walks one level: the links of its groups, read at once; what they reach is known after. */
  async #walkLevel(): Promise<void> {
    const structure = this.#structure;
    const listed = await Promise.all(
      this.#level.map(async (group) => {
        const links = await structure.linksAt(group.address);
        const hard = links.flatMap((l) => (l.kind === 'hard' ? [l] : []));
        return { group, links: hard.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
      }),
    );
    const found: Found[] = [];
    const seen = new Set<number>();
    for (const { group, links } of listed) {
      for (const link of links) {
        if (this.#paths.has(link.address) || seen.has(link.address)) continue;
        seen.add(link.address);
        found.push({ address: link.address, path: joinPath(group.path, link.name) });
      }
    }
    const kinds = await Promise.all(found.map((f) => structure.kindAt(f.address)));
    // Only a level read whole is kept, so a failed walk can be tried again.
    for (const f of found) this.#paths.set(f.address, f.path);
    this.#level = found.filter((_, i) => kinds[i] === 'group');
  }
}
