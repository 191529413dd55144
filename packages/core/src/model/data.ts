/**
 * What array fields of the model accept, and the facts validation may use about them. A field holds
 * a tree `DatasetValue`: an array in memory, a lazy handle (read from a file) or a stream (written
 * slab by slab); shape and dtype are known for all three, values only for the first.
 */
import type { DType, NumericArray, NumericDType } from '../storage/dtype.js';
import { integerRange, isNumericDType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { fromTypedArray, ndarray, shapeSize } from '../storage/values.js';
import { ValidationError } from '../errors.js';
import type { DatasetValue } from '../tree/nodes.js';
import { isDataStream, isDatasetHandle } from '../tree/nodes.js';

/** Nested JS arrays of numbers, bigints, booleans or strings, as numpy's `np.array` takes them. */
export type NestedArray = ReadonlyArray<number | bigint | boolean | string | NestedArray>;

/**
 * An array field's value: a `DatasetValue`, a bare typed array (1-D), or nested JS arrays
 * (`[[1, 2], [3, 4]]`). For big data give an NdArray, e.g. `fromTypedArray(frames, [100, 512, 512])`.
 */
export type DataInput = DatasetValue | NumericArray | NestedArray;

/**
 * The `DatasetValue` for an input. A bare typed array becomes a 1-D NdArray. Nested JS arrays must
 * be rectangular and of one kind, and get numpy's dtypes: integers int64, other numbers float64,
 * bigints int64, booleans bool, strings utf8; anything else is a ValidationError (rule `data`) at
 * `where` saying what to pass.
 */
export function toDatasetValue(input: DataInput, where = 'data'): DatasetValue {
  if (ArrayBuffer.isView(input)) return fromTypedArray(input);
  if (Array.isArray(input)) return fromNested(input as NestedArray, where);
  return input as DatasetValue;
}

function fromNested(input: NestedArray, where: string): NdArray {
  const bad = (why: string) =>
    new ValidationError(
      `${why}; pass a typed array, an NdArray (fromTypedArray(values, shape)), or rectangular nested arrays of one kind`,
      { path: where, rule: 'data' },
    );
  const shape: number[] = [];
  for (let level: unknown = input; Array.isArray(level); level = level[0]) shape.push(level.length);
  const flat: unknown[] = [];
  const walk = (value: unknown, axis: number, at: string): void => {
    if (axis === shape.length) {
      if (Array.isArray(value))
        throw bad(`${at} is nested deeper than ${at.replace(/\[\d+\]$/, '')}'s siblings`);
      flat.push(value);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[axis])
      throw bad(
        `nested arrays are not rectangular: ${at} has ${Array.isArray(value) ? value.length : 'no'} elements where ${shape[axis]} were expected`,
      );
    value.forEach((v, i) => walk(v, axis + 1, `${at}[${i}]`));
  };
  walk(input, 0, 'data');
  const kinds = new Set(flat.map((v) => typeof v));
  if (kinds.size > 1) throw bad(`nested arrays mix ${[...kinds].join(' and ')}`);
  const kind = [...kinds][0] ?? 'number';
  switch (kind) {
    case 'number': {
      const values = flat as number[];
      if (values.every((v) => Number.isSafeInteger(v)) && values.length > 0) {
        return ndarray(
          'int64',
          shape,
          BigInt64Array.from(values, (v) => BigInt(v)),
        );
      }
      return ndarray('float64', shape, Float64Array.from(values));
    }
    case 'bigint':
      return ndarray('int64', shape, BigInt64Array.from(flat as bigint[]));
    case 'boolean':
      return ndarray(
        'bool',
        shape,
        Uint8Array.from(flat as boolean[], (v) => (v ? 1 : 0)),
      );
    case 'string':
      return ndarray('utf8', shape, flat as string[]);
    default:
      throw bad(`nested arrays hold ${kind} values`);
  }
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
