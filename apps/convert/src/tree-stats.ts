/** Counts and sizes of a tree, for summaries and progress totals. */
import { isNumericDType, shapeSize, type GroupNode } from '@nwbjs/core';
import { byteSize } from '@nwbjs/core/backend';

/** How many objects a tree holds and how many bytes its datasets hold. */
export interface TreeCounts {
  groups: number;
  datasets: number;
  links: number;
  /** Uncompressed bytes of numeric and bool data (text and references are not counted). */
  bytes: number;
}

/** Walks a tree and counts its objects and data bytes. */
export function countTree(root: GroupNode): TreeCounts {
  const counts: TreeCounts = { groups: 1, datasets: 0, links: 0, bytes: 0 };
  const visit = (group: GroupNode) => {
    for (const child of group.children.values()) {
      if (child.kind === 'group') {
        counts.groups += 1;
        visit(child);
      } else if (child.kind === 'link') {
        counts.links += 1;
      } else {
        counts.datasets += 1;
        const { dtype, shape } = child.value;
        if (isNumericDType(dtype) || dtype === 'bool') counts.bytes += shapeSize(shape) * byteSize(dtype);
      }
    }
  };
  visit(root);
  return counts;
}
