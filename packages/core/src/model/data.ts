/**
 * What array fields of the model accept, and the facts validation may use about them. A field holds
 * a tree `DatasetValue`: an array in memory, a lazy handle (read from a file) or a stream (written
 * slab by slab); shape and dtype are known for all three, values only for the first.
 */
import type { DType, NumericArray, NumericDType } from '../storage/dtype.js';
import { integerRange, isNumericDType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { fromTypedArray, shapeSize } from '../storage/values.js';
import type { DatasetValue } from '../tree/nodes.js';
import { isDataStream, isDatasetHandle } from '../tree/nodes.js';

/**
 * An array field's value: a `DatasetValue`, or a bare typed array (1-D). For more dimensions give an
 * NdArray, e.g. `fromTypedArray(frames, [100, 512, 512])`.
 */
export type DataInput = DatasetValue | NumericArray;

/** The `DatasetValue` for an input (a bare typed array becomes a 1-D NdArray). */
export function toDatasetValue(input: DataInput): DatasetValue {
  return ArrayBuffer.isView(input) ? fromTypedArray(input) : input;
}

/** True when the values are in memory (an NdArray), so validation may look at them. */
export function isInMemory(value: DatasetValue): value is NdArray {
  return !isDatasetHandle(value) && !isDataStream(value);
}

/** True when the value holds no element. */
export function isEmpty(value: DatasetValue): boolean {
  return shapeSize(value.shape) === 0;
}

/** True for integer dtypes. */
export function isIntegerDType(dtype: DType): dtype is NumericDType {
  return isNumericDType(dtype) && integerRange(dtype) !== undefined;
}

/** The numbers of an in-memory numeric array as a plain array (bigints become numbers). */
export function numbersOf(array: NdArray): number[] {
  return Array.from(array.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Formats a shape for messages: `(200, 50, 50, 3)`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}
