/**
 * What a tree says that a file would be wrong to: soft links to nothing, and a root that calls
 * itself an NWBFile without what every NWB file has. `inspect` and `validate` report these; a
 * conversion warns of the first and refuses the second (unless forced), so that what it writes is
 * NWB and not only something labelled NWB.
 */
import type { GroupNode, TreeNode } from '@nwbjs/core';

/** A soft link whose target is not in the file. */
export interface DanglingLink {
  /** Where the link is. */
  path: string;
  /** Where it points. */
  target: string;
}

/** How many links in a row a target may pass through before it counts as dangling (a loop). */
const MAX_HOPS = 32;

/** The node at absolute `path`, following soft links on the way; undefined if there is none. */
function resolve(root: GroupNode, path: string, hops = 0): TreeNode | undefined {
  let node: TreeNode = root;
  for (const name of path.split('/').filter(Boolean)) {
    if (node.kind === 'link') {
      if (node.file !== undefined || hops >= MAX_HOPS) return undefined;
      const followed = resolve(root, node.target, hops + 1);
      if (followed === undefined) return undefined;
      node = followed;
    }
    if (node.kind !== 'group') return undefined;
    const child = node.children.get(name);
    if (child === undefined) return undefined;
    node = child;
  }
  if (node.kind === 'link' && node.file === undefined) {
    return hops >= MAX_HOPS ? undefined : resolve(root, node.target, hops + 1);
  }
  return node;
}

/** Every soft link of the tree (external links are not followed) whose target does not exist. */
export function danglingLinks(root: GroupNode): DanglingLink[] {
  const found: DanglingLink[] = [];
  const pending: [string, GroupNode][] = [['', root]];
  while (pending.length > 0) {
    const [at, group] = pending.pop()!;
    for (const [name, child] of group.children) {
      const path = `${at}/${name}`;
      if (child.kind === 'group') pending.push([path, child]);
      else if (child.kind === 'link' && child.file === undefined && resolve(root, child.target) === undefined)
        found.push({ path, target: child.target });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The root datasets PyNWB cannot open an NWBFile without. */
export const REQUIRED_ROOT_DATASETS = ['identifier', 'session_description', 'session_start_time'] as const;

/** The required root datasets that `root` lacks (none for a real NWB file). */
export function missingRootParts(root: GroupNode): string[] {
  return REQUIRED_ROOT_DATASETS.filter((name) => root.children.get(name)?.kind !== 'dataset');
}
