/**
 * Reading a dataset one index of its first axis at a time (a frame, a timestamp, an index) while
 * fetching whole chunk rows: the block of indices that share the frame's chunks is read once,
 * cached, and the next frames of the block cost no request.
 */
import type { DatasetHandle, HandleReadOptions, NdArray, NumericArray } from '@nwbjs/core';
import { isNumericDType, shapeSize, slice } from '@nwbjs/core';
import { byteSize } from '@nwbjs/core/backend';
import type { Priority, ReadCache } from './read-cache.js';

/** Blocks larger than this are read one index at a time instead (they still fetch whole chunks). */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** Handle options with the AbortSignal the library takes (ignored by versions without it). */
type ReadOptionsWithSignal = HandleReadOptions & { signal?: AbortSignal };

/** Reads `selection` of `handle`, passing `signal` down to the fetches. */
export function readWithSignal(
  handle: DatasetHandle,
  selection: Parameters<DatasetHandle['read']>[0],
  signal: AbortSignal,
): Promise<NdArray> {
  const options: ReadOptionsWithSignal = { signal };
  return handle.read(selection, options);
}

/** One index's elements: a view into its cached block. */
export interface Row {
  readonly values: ArrayLike<number>;
  readonly dtype: string;
}

/** Numbers of a typed array; 64-bit integers become doubles. */
export function numbersOf(data: NumericArray): ArrayLike<number> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
  return data;
}

/** Index-at-a-time reads of a numeric dataset, fetched and cached in chunk-aligned blocks. */
export class AxisReader {
  /** Length of the first axis. */
  readonly length: number;
  /** Elements per index. */
  readonly rowSize: number;
  /** Indices per block. */
  readonly blockLength: number;

  constructor(
    readonly handle: DatasetHandle,
    readonly cache: ReadCache<NdArray>,
  ) {
    if (!isNumericDType(handle.dtype) && handle.dtype !== 'bool')
      throw new TypeError(`${handle.path} holds ${String(handle.dtype)}, not numbers`);
    this.length = handle.shape[0] ?? 1;
    this.rowSize = shapeSize(handle.shape.slice(1));
    const chunkLength = handle.layout.chunks?.[0] ?? 1;
    const blockBytes = chunkLength * this.rowSize * byteSize(handle.dtype);
    this.blockLength = blockBytes <= MAX_BLOCK_BYTES ? Math.max(1, chunkLength) : 1;
  }

  /** The elements at `index` of the first axis. */
  async row(index: number, signal?: AbortSignal, priority: Priority = 'now'): Promise<Row> {
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new RangeError(`${this.handle.path}: index ${index} is outside 0..${this.length - 1}`);
    const block = Math.floor(index / this.blockLength);
    const data = await this.#block(block, signal, priority);
    const offset = (index - block * this.blockLength) * this.rowSize;
    const values = (data.data as NumericArray).subarray(offset, offset + this.rowSize) as NumericArray;
    return { values: numbersOf(values), dtype: String(this.handle.dtype) };
  }

  /** Starts reading the blocks of `indices`; dropped when `signal` aborts. */
  prefetch(indices: readonly number[], signal: AbortSignal): void {
    const blocks = new Set(
      indices.filter((i) => i >= 0 && i < this.length).map((i) => Math.floor(i / this.blockLength)),
    );
    for (const block of blocks) this.#block(block, signal, 'later').catch(() => undefined);
  }

  /** True when `index` can be shown without a read. */
  isCached(index: number): boolean {
    return this.cache.has(this.#key(Math.floor(index / this.blockLength)));
  }

  #key(block: number): string {
    return `${this.handle.path}#${block}`;
  }

  #block(block: number, signal: AbortSignal | undefined, priority: Priority): Promise<NdArray> {
    const start = block * this.blockLength;
    const stop = Math.min(this.length, start + this.blockLength);
    const rest = this.handle.shape.slice(1).map(() => null);
    const selection = this.handle.shape.length === 0 ? [] : [slice(start, stop), ...rest];
    return this.cache.get(this.#key(block), (own) => readWithSignal(this.handle, selection, own), {
      signal,
      priority,
    });
  }
}
