/**
 * The Picker: a reader's view of one stored node that notes which attributes and children the
 * mapping used, so whatever it did not use is kept in the object's `unmapped` and written back.
 */
import { emptyAttributes } from '../storage/backend.js';
import type { NdArray } from '../storage/values.js';
import type { DatasetNode, GroupNode, TreeNode } from '../tree/nodes.js';
import type { NWBObject, Unmapped } from '../model/nwb-object.js';

/** The attributes every typed object has, read by the mapping itself. */
export const TYPED_ATTRS = ['namespace', 'neurodata_type', 'object_id'];

/** Tracks which attributes and children of a node the mapping used, to keep the rest. */
export class Picker {
  readonly #usedAttrs = new Set<string>(TYPED_ATTRS);
  readonly #usedChildren = new Set<string>();
  readonly #usedChildAttrs = new Map<string, Set<string>>();

  constructor(
    readonly path: string,
    readonly node: GroupNode | DatasetNode,
    /** Finds what a soft link points at (child attributes are read through links). */
    readonly follow: (target: string) => TreeNode | undefined = () => undefined,
  ) {}

  /** An attribute of the node (noted as used). */
  attr(name: string): NdArray | undefined {
    this.#usedAttrs.add(name);
    return this.node.attrs[name];
  }

  /** A child of any kind (noted as used when present). */
  child(name: string): TreeNode | undefined {
    if (this.node.kind !== 'group') return undefined;
    const child = this.node.children.get(name);
    if (child !== undefined) this.#usedChildren.add(name);
    return child;
  }

  /** A child dataset (undefined if absent or not a dataset; a link is left unused). */
  dataset(name: string): DatasetNode | undefined {
    if (this.node.kind !== 'group') return undefined;
    const child = this.node.children.get(name);
    if (child?.kind !== 'dataset') return undefined;
    this.#usedChildren.add(name);
    return child;
  }

  /** An attribute of a child dataset or group, read through a link when the child is one. */
  childAttr(child: string, name: string): NdArray | undefined {
    if (this.node.kind !== 'group') return undefined;
    const node = this.node.children.get(child);
    if (node === undefined) return undefined;
    if (node.kind === 'link') {
      // A linked dataset (data shared with another series) has its attributes where it lives.
      let target: TreeNode | undefined = node;
      for (let hops = 0; target?.kind === 'link' && target.file === undefined && hops < 32; hops++) {
        target = this.follow(target.target);
      }
      return target === undefined || target.kind === 'link' ? undefined : target.attrs[name];
    }
    let used = this.#usedChildAttrs.get(child);
    if (used === undefined) this.#usedChildAttrs.set(child, (used = new Set()));
    used.add(name);
    return node.attrs[name];
  }

  /** Marks a child unused again (e.g. a link that could not be resolved). */
  release(name: string): void {
    this.#usedChildren.delete(name);
  }

  /** Moves what was not used into `target` (an object's `unmapped`). */
  keepRest(target: Unmapped): void {
    for (const [name, value] of Object.entries(this.node.attrs)) {
      if (!this.#usedAttrs.has(name)) target.attrs[name] = value;
    }
    if (this.node.kind !== 'group') return;
    for (const [name, child] of this.node.children) {
      if (!this.#usedChildren.has(name)) {
        target.children.set(name, child);
        continue;
      }
      if (child.kind === 'link') continue;
      const used = this.#usedChildAttrs.get(name) ?? new Set<string>();
      const extra = emptyAttributes();
      for (const [key, value] of Object.entries(child.attrs)) if (!used.has(key)) extra[key] = value;
      if (Object.keys(extra).length > 0) target.childAttrs.set(name, extra);
    }
  }
}

/** Puts back what an object carried beyond its fields: attributes, children, child attributes. */
export function restoreExtras<T extends TreeNode>(node: T, object: NWBObject): T {
  if (node.kind === 'link') return node;
  const { attrs, children, childAttrs } = object.unmapped;
  for (const [name, value] of Object.entries(attrs)) if (!(name in node.attrs)) node.attrs[name] = value;
  if (node.kind === 'group') {
    for (const [name, child] of children) if (!node.children.has(name)) node.children.set(name, child);
    for (const [name, extra] of childAttrs) {
      const child = node.children.get(name);
      if (child === undefined || child.kind === 'link') continue;
      for (const [key, value] of Object.entries(extra)) if (!(key in child.attrs)) child.attrs[key] = value;
    }
  }
  return node;
}
