/**
 * Cutting arrays into runs of rows along the first axis, and joining such runs: how big writes are
 * split into bounded backend calls and how streamed slabs are gathered.
 */
import type { DType, NumericArray, NumericDType } from '../storage/dtype.js';
import { typedArrayFor } from '../storage/dtype.js';
import type { ArrayData, NdArray } from '../storage/values.js';
import { shapeSize } from '../storage/values.js';
import { arrayBytes, isFixedWidth } from './sizes.js';

/** Rows `[from, to)` of `array` along its first axis; typed arrays are viewed, not copied. */
export function sliceRows(array: NdArray, from: number, to: number): NdArray {
  const rowSize = shapeSize(array.shape.slice(1));
  const data = array.data;
  const part: ArrayData = ArrayBuffer.isView(data)
    ? (data as NumericArray).subarray(from * rowSize, to * rowSize)
    : ((data as unknown[]).slice(from * rowSize, to * rowSize) as ArrayData);
  const rows: NdArray = { dtype: array.dtype, shape: [to - from, ...array.shape.slice(1)], data: part };
  return array.textLength === undefined ? rows : { ...rows, textLength: array.textLength };
}

/** Options of {@link rowRuns}. */
export interface RowRunOptions {
  /** One row's size in bytes (by default as `arrayBytes` estimates it). */
  rowBytes?: number;
  /**
   * Rows per chunk of the target: runs end on chunk rows where one fits in a run, so that no chunk
   * is written by two calls.
   */
  chunkRows?: number | undefined;
}

/**
 * `data`, whose first element lands at `start`, cut along its first axis into runs of whole rows
 * of at most `maxBytes` each (at least one row a run), each with where it lands: how a big write
 * becomes bounded calls. A scalar, or data within `maxBytes`, is one run.
 */
export function* rowRuns(
  start: readonly number[],
  data: NdArray,
  maxBytes: number,
  options: RowRunOptions = {},
): Generator<{ start: number[]; data: NdArray }> {
  const rows = data.shape[0];
  const rowBytes = options.rowBytes ?? arrayBytes(data.dtype, data.shape.slice(1));
  const perRun = Math.max(1, Math.floor(maxBytes / Math.max(1, rowBytes)));
  if (rows === undefined || rows <= perRun) {
    yield { start: [...start], data };
    return;
  }
  const first = start[0]!;
  const { chunkRows } = options;
  for (let from = 0; from < rows;) {
    let to = Math.min(rows, from + perRun);
    if (chunkRows !== undefined && chunkRows <= perRun && to < rows) {
      const boundary = Math.floor((first + to) / chunkRows) * chunkRows - first;
      if (boundary > from) to = boundary;
    }
    yield { start: [first + from, ...start.slice(1)], data: sliceRows(data, from, to) };
    from = to;
  }
}
/** Joins arrays of the same dtype and row shape along the first axis. */
export function concatRows(dtype: DType, rowShape: readonly number[], parts: readonly NdArray[]): NdArray {
  const rows = parts.reduce((n, p) => n + (p.shape[0] ?? 0), 0);
  const total = rows * shapeSize(rowShape);
  let data: ArrayData;
  if (isFixedWidth(dtype)) {
    const out = new (typedArrayFor(dtype as NumericDType | 'bool'))(total);
    let offset = 0;
    for (const p of parts) {
      (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(p.data as NumericArray, offset);
      offset += p.data.length;
    }
    data = out;
  } else {
    data = parts.flatMap((p) => p.data as unknown[]) as ArrayData;
  }
  return { dtype, shape: [rows, ...rowShape], data };
}

/** An array of `dtype` and `shape` with no elements (a shape with a zero extent). */
export function emptyArray(dtype: DType, shape: readonly number[]): NdArray {
  return { dtype, shape: [...shape], data: concatRows(dtype, [], []).data };
}
