/**
 * The path of an object from its header address, which is all an HDF5 object or region reference
 * holds. Found by walking the group tree once, breadth-first, each level's headers read at once
 * (over HTTP a level costs one round trip, not one per group); names in sorted order, so an object
 * reachable by several hard links gets its shortest, first-sorted path. Soft and external links are
 * not followed; a group reached twice is walked once.
 */
import type { Hdf5Structure } from '../format/hdf5-structure.js';
import { joinPath } from '@nwbjs/core/backend';

/** Every object's first path, by header address. */
export async function indexObjectPaths(structure: Hdf5Structure): Promise<Map<number, string>> {
  const root = structure.superblock.root;
  const paths = new Map<number, string>([[root, '/']]);
  let level: { address: number; path: string }[] = [{ address: root, path: '/' }];
  while (level.length > 0) {
    const listed = await Promise.all(
      level.map(async (group) => {
        const links = await structure.linksAt(group.address);
        return {
          group,
          links: links.filter((l) => l.kind === 'hard').sort((a, b) => compare(a.name, b.name)),
        };
      }),
    );
    const found: { address: number; path: string }[] = [];
    for (const { group, links } of listed) {
      for (const link of links) {
        if (link.kind !== 'hard' || paths.has(link.address)) continue;
        const path = joinPath(group.path, link.name);
        paths.set(link.address, path);
        found.push({ address: link.address, path });
      }
    }
    const kinds = await Promise.all(found.map((f) => structure.kindAt(f.address)));
    level = found.filter((_, i) => kinds[i] === 'group');
  }
  return paths;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
