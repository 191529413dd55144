/**
 * The neutral tree: a file as groups, datasets and links with attributes, knowing neither the NWB
 * schema nor the storage format (HDMF calls these builders). The data model maps to and from it;
 * backends read it from and write it to disk; conversion copies one tree to another.
 */
import { emptyAttributes, type Attributes, type DatasetLayout } from '../storage/backend.js';
import type { DType } from '../storage/dtype.js';
import type { Selection } from '../storage/selection.js';
import type { ArrayFor, NdArray } from '../storage/values.js';
import { hasDType } from '../storage/values.js';

/** A group: attributes and named children, in insertion order. */
export interface GroupNode {
  /** Always `group`. */
  readonly kind: 'group';
  /** Attributes by name. */
  attrs: Attributes;
  /** Children by name, in insertion order. */
  children: Map<string, TreeNode>;
}

/** A dataset: attributes, its content (in memory, lazily stored, or streamed) and its storage layout. */
export interface DatasetNode {
  /** Always `dataset`. */
  readonly kind: 'dataset';
  /** Attributes by name. */
  attrs: Attributes;
  /** The content: in memory, a lazy handle, or a stream. */
  value: DatasetValue;
  /** Chunking, compression and growth to write with; taken from a handle's layout when absent. */
  layout?: DatasetLayout;
}

/** A soft link (to `target` in this file) or an external link (to `target` in `file`). */
export interface LinkNode {
  /** Always `link`. */
  readonly kind: 'link';
  /** Absolute path the link points at. */
  target: string;
  /** For an external link, the file (relative to this one) holding the target. */
  file?: string;
}

/** Any node of the tree. */
export type TreeNode = GroupNode | DatasetNode | LinkNode;

/** A dataset's content: an array in memory, a lazy handle to stored data, or a stream of slabs. */
export type DatasetValue = NdArray | DatasetHandle | DataStream;

/** Options of {@link DatasetHandle.read}. */
export interface HandleReadOptions {
  /** A typed array to read into instead of allocating one (see `ReadOptions.out`). */
  out?: NdArray['data'];
  /** Stops the read: it rejects with the signal's reason (checked before and after reading). */
  signal?: AbortSignal;
}

/** One block of a dataset, as chunk iteration yields it: where it starts, and its elements. */
export interface DataBlock {
  /** Index of the block's first element, per axis. */
  readonly start: readonly number[];
  /** The block's elements; its shape is the block's extent. */
  readonly data: NdArray;
}

/**
 * A lazily read dataset: shape, dtype and layout are known, nothing else is read until asked.
 * `read()` with no selection reads everything. `D` is the dtype when known at compile time
 * (narrow with {@link isHandleOf}), so a read of a `uint8` dataset is typed `Uint8Array`.
 * `for await (const frame of handle)` reads one index of the first axis at a time.
 */
export interface DatasetHandle<D extends DType = DType> {
  /** Always `handle`. */
  readonly kind: 'handle';
  /** Absolute path of the dataset in its file. */
  readonly path: string;
  /** Element type. */
  readonly dtype: D;
  /** Extent of each axis. */
  readonly shape: readonly number[];
  /** Chunking, compression and growth as stored. */
  readonly layout: DatasetLayout;
  /** Reads a selection (numpy-style, see `Selection`). */
  read(selection?: Selection, options?: HandleReadOptions): Promise<NdArray<ArrayFor<D>>>;
  /**
   * Iterates the dataset in blocks that follow its chunking along the first axis (whole chunk
   * rows), or in blocks of about `targetBytes` for contiguous data. Each block is read when asked.
   */
  blocks(targetBytes?: number): AsyncIterable<DataBlock>;
  /** Iterates the frames (indices of the first axis; a scalar is one frame), each read when asked. */
  [Symbol.asyncIterator](): AsyncIterator<NdArray<ArrayFor<D>>>;
}

/** Whether `value` is a lazy handle of dtype `dtype` (`isHandleOf(series.data, 'uint8')`). */
export function isHandleOf<D extends DType>(value: DatasetValue, dtype: D): value is DatasetHandle<D> {
  return isDatasetHandle(value) && hasDType({ dtype: value.dtype, shape: [], data: [] }, dtype);
}

/**
 * The frames of a handle, read one index of the first axis at a time, the next one requested while
 * the caller works on the current one (a scalar is one frame; an empty dataset has none).
 */
export async function* handleFrames<D extends DType>(
  handle: Pick<DatasetHandle<D>, 'shape' | 'read'>,
  signal?: AbortSignal,
): AsyncGenerator<NdArray<ArrayFor<D>>> {
  if (handle.shape.length === 0) {
    yield await handle.read(undefined, signal === undefined ? {} : { signal });
    return;
  }
  const count = handle.shape[0]!;
  const read = (i: number) => handle.read([i], signal === undefined ? {} : { signal });
  let next = count > 0 ? read(0) : undefined;
  for (let i = 0; i < count; i++) {
    const current = next!;
    next = i + 1 < count ? read(i + 1) : undefined;
    // A read ahead that the caller never reaches must not be an unhandled rejection.
    next?.catch(() => undefined);
    yield await current;
  }
}

/**
 * A dataset to be written from a stream of slabs along the first axis, like PyNWB's
 * DataChunkIterator: the declared `shape` and `dtype` are the whole dataset's; each slab's shape is
 * `[k, ...shape.slice(1)]` and the slabs' `k` add up to `shape[0]`.
 */
export interface DataStream {
  /** Always `stream`. */
  readonly kind: 'stream';
  /** Element type of the whole dataset (and of every slab). */
  readonly dtype: DType;
  /** Shape of the whole dataset once every slab is written. */
  readonly shape: readonly number[];
  /** The slabs along the first axis, in order; read once. */
  readonly slabs: AsyncIterable<NdArray>;
}

/** True for a {@link DatasetHandle}. */
export function isDatasetHandle(value: DatasetValue): value is DatasetHandle {
  return (value as DatasetHandle).kind === 'handle';
}

/** True for a {@link DataStream}. */
export function isDataStream(value: DatasetValue): value is DataStream {
  return (value as DataStream).kind === 'stream';
}

/** Creates a group node. */
export function groupNode(
  attrs: Attributes = emptyAttributes(),
  children: Iterable<[string, TreeNode]> = [],
): GroupNode {
  return { kind: 'group', attrs, children: new Map(children) };
}

/** Creates a dataset node. */
export function datasetNode(
  value: DatasetValue,
  attrs: Attributes = emptyAttributes(),
  layout?: DatasetLayout,
): DatasetNode {
  return layout === undefined ? { kind: 'dataset', attrs, value } : { kind: 'dataset', attrs, value, layout };
}

/** Creates a soft link node, or an external link node when `file` is given. */
export function linkNode(target: string, file?: string): LinkNode {
  return file === undefined ? { kind: 'link', target } : { kind: 'link', target, file };
}
