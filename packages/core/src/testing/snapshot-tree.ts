/**
 * Plain, comparable pictures of trees and arrays for tests: every dataset read in full, typed
 * arrays turned into plain arrays, references into their paths (object ids are stored by some
 * formats and not others, so they are left out unless asked for).
 */
import type { Attributes } from '../storage/backend.js';
import { formatDType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { canonicalSelection, isObjectRef, isRegionRef } from '../storage/values.js';
import type { DataStream, GroupNode, TreeNode } from '../tree/nodes.js';
import { isDataStream, isDatasetHandle } from '../tree/nodes.js';
import { concatRows } from '../tree/row-slabs.js';

/** An array as plain values: dtype spelled out, shape, and elements in C order. */
export interface PlainArray {
  /** The dtype as `formatDType` spells it. */
  dtype: string;
  /** The shape (`[]` for a scalar). */
  shape: number[];
  /** The elements in C order, as plain JS values. */
  values: unknown[];
}

/** A tree as plain values; children are keyed by name, so their order does not matter. */
export type PlainNode =
  | { kind: 'group'; attrs: Record<string, PlainArray>; children: Record<string, PlainNode> }
  | { kind: 'dataset'; attrs: Record<string, PlainArray>; data: PlainArray }
  | { kind: 'link'; target: string; file?: string };

/** Options of {@link snapshotTree} and {@link plainArray}. */
export interface SnapshotOptions {
  /** Keep references' object ids (default false: a reference is its path). */
  objectIds?: boolean;
}

/** An array as plain values: bools as booleans, 64-bit integers as bigints, references as paths. */
export function plainArray(array: NdArray, options: SnapshotOptions = {}): PlainArray {
  const plainValue = (v: unknown): unknown => {
    if (isRegionRef(v)) return { region: v.path, selection: canonicalSelection(v.selection) };
    if (isObjectRef(v))
      return options.objectIds === true ? { path: v.path, objectId: v.objectId } : `->${v.path}`;
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
    }
    return v;
  };
  const values =
    array.dtype === 'bool'
      ? Array.from(array.data as Uint8Array, (v) => v !== 0)
      : Array.from(array.data as ArrayLike<unknown>, plainValue);
  return { dtype: formatDType(array.dtype), shape: [...array.shape], values };
}

/**
 * A tree as plain values, reading every lazy dataset in full and consuming every stream. Meant for
 * the small trees of tests.
 */
export async function snapshotTree(node: TreeNode, options: SnapshotOptions = {}): Promise<PlainNode> {
  const attrs = (a: Attributes) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, plainArray(v, options)]));
  if (node.kind === 'link')
    return node.file === undefined
      ? { kind: 'link', target: node.target }
      : { kind: 'link', target: node.target, file: node.file };
  if (node.kind === 'dataset') {
    const value = node.value;
    const data = isDataStream(value)
      ? await readStream(value)
      : isDatasetHandle(value)
        ? await value.read()
        : value;
    return { kind: 'dataset', attrs: attrs(node.attrs), data: plainArray(data, options) };
  }
  return snapshotGroup(node, options);
}

async function snapshotGroup(group: GroupNode, options: SnapshotOptions): Promise<PlainNode> {
  const children: Record<string, PlainNode> = {};
  for (const [name, child] of group.children) children[name] = await snapshotTree(child, options);
  const attrs = Object.fromEntries(Object.entries(group.attrs).map(([k, v]) => [k, plainArray(v, options)]));
  return { kind: 'group', attrs, children };
}

async function readStream(stream: DataStream): Promise<NdArray> {
  const parts: NdArray[] = [];
  for await (const slab of stream.slabs) parts.push(slab);
  return concatRows(stream.dtype, stream.shape.slice(1), parts);
}
