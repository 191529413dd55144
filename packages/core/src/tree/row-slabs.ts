/**
 * Cutting arrays into runs of rows along the first axis, and joining such runs: how big writes are
 * split into bounded backend calls and how streamed slabs are gathered.
 */
import type { DType, NumericArray, NumericDType } from '../storage/dtype.js';
import { typedArrayFor } from '../storage/dtype.js';
import type { ArrayData, NdArray } from '../storage/values.js';
import { shapeSize } from '../storage/values.js';
import { isFixedWidth } from './sizes.js';

/** Rows `[from, to)` of `array` along its first axis; typed arrays are viewed, not copied. */
export function sliceRows(array: NdArray, from: number, to: number): NdArray {
  const rowSize = shapeSize(array.shape.slice(1));
  const data = array.data;
  const part: ArrayData = ArrayBuffer.isView(data)
    ? (data as NumericArray).subarray(from * rowSize, to * rowSize)
    : ((data as unknown[]).slice(from * rowSize, to * rowSize) as ArrayData);
  return { dtype: array.dtype, shape: [to - from, ...array.shape.slice(1)], data: part };
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
