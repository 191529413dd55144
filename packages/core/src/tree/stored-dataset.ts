/**
 * The lazy dataset handle over a store: knows a dataset's shape, dtype and layout from `stat`, and
 * reads data only when asked, one selection or one block at a time.
 */
import type { DatasetInfo, DatasetLayout, StorageReader } from '../storage/backend.js';
import type { DType } from '../storage/dtype.js';
import type { Hyperslab, Selection } from '../storage/selection.js';
import { toHyperslab } from '../storage/selection.js';
import type { ArrayFor, NdArray } from '../storage/values.js';
import { ValidationError } from '../errors.js';
import type { DataBlock, DatasetHandle, HandleReadOptions } from './nodes.js';
import { handleFrames } from './nodes.js';
import { elementBytes } from './sizes.js';

/** Default size of the blocks {@link StoredDataset.blocks} reads: 16 MiB. */
export const DEFAULT_BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * A chunk row bigger than the block target is still read whole up to this many times the target,
 * so that compressed chunks are decoded once; beyond that memory wins and chunks are split.
 */
const WHOLE_CHUNK_SLACK = 4;

/** A {@link DatasetHandle} reading from a {@link StorageReader}. Nothing is read on construction. */
export class StoredDataset<D extends DType = DType> implements DatasetHandle<D> {
  /** Always `handle`. */
  readonly kind = 'handle';
  /** Absolute path of the dataset in its store. */
  readonly path: string;
  /** Element type. */
  readonly dtype: D;
  /** Extent of each axis. */
  readonly shape: readonly number[];
  /** Chunking, compression, growth and fill as stored. */
  readonly layout: DatasetLayout;
  readonly #reader: StorageReader;

  /** A handle on the dataset `info` describes (as `reader.stat(path)` returned it). */
  constructor(reader: StorageReader, info: DatasetInfo) {
    this.#reader = reader;
    this.path = info.path;
    this.dtype = info.dtype as D;
    this.shape = [...info.shape];
    const layout: DatasetLayout = {};
    if (info.chunks !== undefined) layout.chunks = [...info.chunks];
    if (info.maxShape !== undefined) layout.maxShape = [...info.maxShape];
    if (info.compression !== undefined) layout.compression = { ...info.compression };
    if (info.fillValue !== undefined) layout.fillValue = info.fillValue;
    this.layout = layout;
  }

  /** The store this handle reads from. */
  get reader(): StorageReader {
    return this.#reader;
  }

  /** Reads a selection (numpy-style); with none, the whole dataset. */
  async read(selection?: Selection, options: HandleReadOptions = {}): Promise<NdArray<ArrayFor<D>>> {
    options.signal?.throwIfAborted();
    let slab: Hyperslab;
    try {
      slab = toHyperslab(this.shape, selection);
    } catch (error) {
      throw new ValidationError((error as Error).message, {
        path: this.path,
        rule: 'selection',
        cause: error,
      });
    }
    const data = await this.#reader.readData(
      this.path,
      slab,
      options.out === undefined ? undefined : { out: options.out },
    );
    options.signal?.throwIfAborted();
    return data as NdArray<ArrayFor<D>>;
  }

  /** The frames, one index of the first axis at a time (see {@link handleFrames}). */
  [Symbol.asyncIterator](): AsyncIterator<NdArray<ArrayFor<D>>> {
    return handleFrames<D>(this);
  }

  /**
   * Iterates the dataset in blocks of about `targetBytes` (default {@link DEFAULT_BLOCK_BYTES}):
   * whole trailing axes and whole chunk rows when they fit, in C order. Each block is read when
   * the iteration asks for it, so at most one block is held at a time. With `parts`, each block
   * is read as the parts it answers (none: the block is skipped), which is how conversion leaves
   * out chunks never written.
   */
  async *blocks(
    targetBytes: number = DEFAULT_BLOCK_BYTES,
    parts?: (block: BlockPlan) => readonly BlockPlan[],
  ): AsyncGenerator<DataBlock> {
    for (const block of planBlocks(this.shape, this.layout.chunks, elementBytes(this.dtype), targetBytes)) {
      for (const part of parts === undefined ? [block] : parts(block)) {
        const slab: Hyperslab = {
          start: part.start,
          count: part.count,
          step: part.count.map(() => 1),
          dropped: part.count.map(() => false),
        };
        yield { start: part.start, data: await this.#reader.readData(this.path, slab) };
      }
    }
  }
}

/** One block of a dataset: where it starts and how many elements it spans per axis. */
export interface BlockPlan {
  /** First index per axis. */
  readonly start: readonly number[];
  /** Elements per axis. */
  readonly count: readonly number[];
}

/**
 * The blocks covering a dataset of `shape`, about `targetBytes` each, in C order. Trailing axes are
 * kept whole as long as they fit; the first axis that does not fit is cut into runs of whole
 * chunks (when `chunks` is known) and the axes before it into single indices. An empty dataset has
 * no blocks; a scalar has one.
 */
export function* planBlocks(
  shape: readonly number[],
  chunks: readonly number[] | undefined,
  bytesPerElement: number,
  targetBytes: number = DEFAULT_BLOCK_BYTES,
): Generator<BlockPlan> {
  if (shape.some((d) => d === 0)) return;
  const rank = shape.length;
  if (rank === 0) {
    yield { start: [], count: [] };
    return;
  }
  const target = Math.max(1, targetBytes);
  const block = [...shape];
  let inner = Math.max(1, bytesPerElement);
  for (let axis = rank - 1; axis >= 0; axis--) {
    const extent = shape[axis]!;
    if (inner * extent <= target) {
      inner *= extent;
      continue;
    }
    let n = Math.max(1, Math.floor(target / inner));
    const chunk = chunks?.length === rank ? chunks[axis] : undefined;
    if (chunk !== undefined && chunk > 0) {
      if (n >= chunk) n -= n % chunk;
      else if (chunk * inner <= target * WHOLE_CHUNK_SLACK) n = chunk;
    }
    block[axis] = Math.min(n, extent);
    for (let outer = 0; outer < axis; outer++) block[outer] = 1;
    break;
  }
  const start = shape.map(() => 0);
  for (;;) {
    yield { start: [...start], count: start.map((s, axis) => Math.min(block[axis]!, shape[axis]! - s)) };
    let axis = rank - 1;
    for (; axis >= 0; axis--) {
      start[axis] = start[axis]! + block[axis]!;
      if (start[axis]! < shape[axis]!) break;
      start[axis] = 0;
    }
    if (axis < 0) return;
  }
}
