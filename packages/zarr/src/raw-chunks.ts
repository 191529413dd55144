/**
 * Reading arrays whose chunks are stored as their plain element bytes (no compressor, no filters,
 * little-endian or single bytes) from a store that reads parts of values into given memory (a
 * directory on disk): the runs of the selection that each chunk holds go from its file straight
 * into the result, with no buffer per chunk and no copy, and a chunk never written fills its runs
 * with the fill value. A chunk that the selection cuts into many small runs (a column of a wide
 * chunk, a step along the last axis) is read whole and copied from instead.
 */
import type { AbsolutePath } from '@zarrita/storage';
import type { NumericArray, NumericDType } from '@nwbjs/core';
import { BackendError, InvalidFileError, shapeSize } from '@nwbjs/core';
import { typedArrayFor } from '@nwbjs/core/backend';
import { unfilledMemory } from '#platform/memory.js';
import { axisParts, blockRuns, combinations, copyBlock, forEachLimit } from './chunk-grid.js';
import type { SpanReadableStore, ValueSpan } from './stores/store.js';
import { causeDetail } from './stores/store.js';
import { checkChunkBytes } from './chunk-io.js';

/**
 * A chunk is read as its runs when at most this many of them are shorter than {@link BIG_RUN}
 * bytes; otherwise one read of the whole chunk costs less than the many small ones.
 */
const MAX_SMALL_RUNS = 8;
const BIG_RUN = 64 * 1024;

/** What reading an array's plain chunks needs to know of it. */
export interface RawChunkArray {
  /** The array's path, for messages. */
  readonly path: string;
  /** Chunk shape (`[1]` for a 0-d array of format 2, `[]` for one of format 3). */
  readonly chunks: readonly number[];
  readonly dtype: NumericDType | 'bool';
  /** What each element of a chunk never written is. */
  readonly fill: number | bigint;
  /** The store key of the chunk at `index`. */
  keyOf(index: readonly number[]): AbsolutePath;
}

/** One run of a chunk: `length` elements from element `src` of the chunk to element `dst` of the result. */
interface Run {
  readonly src: number;
  readonly dst: number;
  readonly length: number;
}

/**
 * The elements of the selection (`start`, `count`, `step` per axis, checked against the array's
 * shape) into `out` when given (at least as long as the selection, checked), else into new memory
 * that every byte of is written (so it is not zeroed first). At most `concurrency` chunks are read
 * at once.
 */
export async function readRawChunks(
  store: SpanReadableStore,
  array: RawChunkArray,
  start: readonly number[],
  count: readonly number[],
  step: readonly number[],
  out: NumericArray | undefined,
  concurrency: number,
): Promise<NumericArray> {
  const ctor = typedArrayFor(array.dtype);
  const itemSize = ctor.BYTES_PER_ELEMENT;
  const size = shapeSize(count);
  const result = out ?? (new ctor(unfilledMemory(size * itemSize)) as NumericArray);
  const bytes = new Uint8Array(result.buffer, result.byteOffset, size * itemSize);
  const chunkElements = shapeSize(array.chunks);
  const chunkBytes = chunkElements * itemSize;
  checkChunkBytes(array.path, chunkBytes);
  const perAxis = count.map((c, axis) => axisParts(start[axis]!, c, step[axis]!, array.chunks[axis]!));
  const touched = perAxis.reduce((n, p) => n * p.length, 1);
  const concurrent = touched > 1;
  const fill = typedFill(result, array.fill);
  await forEachLimit(combinations(perAxis), Math.min(touched, concurrency), async (parts) => {
    const key = array.keyOf(parts.map((p) => p.chunk));
    const inChunk = parts.map((p) => p.inChunk);
    const outStart = parts.map((p) => p.outStart);
    const partCount = parts.map((p) => p.count);
    const runs: Run[] = [];
    let small = 0;
    let direct = true;
    blockRuns(array.chunks, inChunk, step, count, outStart, partCount, (src, dst, length, runStep) => {
      if (runStep !== 1 || (length * itemSize < BIG_RUN && ++small > MAX_SMALL_RUNS)) direct = false;
      runs.push({ src, dst, length });
      return direct;
    });
    let whole: Uint8Array | undefined;
    let spans: ValueSpan[];
    if (direct) {
      spans = runs.map((r) => ({
        offset: r.src * itemSize,
        into: bytes.subarray(r.dst * itemSize, (r.dst + r.length) * itemSize),
      }));
    } else {
      whole = new Uint8Array(unfilledMemory(chunkBytes));
      spans = [{ offset: 0, into: whole }];
    }
    let stored: number | undefined;
    try {
      stored = await store.readSpans(key, chunkBytes, spans, concurrent);
    } catch (cause) {
      throw new BackendError(`could not read chunk ${key.slice(1)}${causeDetail(cause)}`, {
        path: array.path,
        backend: 'zarr',
        cause,
      });
    }
    if (stored === undefined) {
      // Never written: the fill value, run by run (runs are contiguous in the result).
      blockRuns(array.chunks, inChunk, step, count, outStart, partCount, (_, dst, length) => {
        fill(dst, dst + length);
      });
    } else if (stored !== chunkBytes) {
      throw new InvalidFileError(
        `chunk ${key.slice(1)} is corrupt: it holds ${stored} bytes, expected ${chunkBytes}`,
        { path: array.path },
      );
    } else if (whole !== undefined) {
      const chunk = new ctor(whole.buffer as ArrayBuffer, 0, chunkElements);
      const indexable = (a: NumericArray) => a as unknown as { [i: number]: unknown; length: number };
      copyBlock(
        indexable(chunk as NumericArray),
        array.chunks,
        inChunk,
        step,
        indexable(result),
        count,
        outStart,
        partCount,
      );
    }
  });
  return result;
}

/** Fills elements `[from, to)` of `values` with `fill` (as a bigint for 64-bit integers). */
function typedFill(values: NumericArray, fill: number | bigint): (from: number, to: number) => void {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const big = typeof fill === 'bigint' ? fill : BigInt(Math.trunc(fill));
    return (from, to) => values.fill(big, from, to);
  }
  const n = Number(fill);
  const numbers = values as Float64Array;
  return (from, to) => numbers.fill(n, from, to);
}
