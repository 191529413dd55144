/**
 * In-memory values that cross the storage interface: n-dimensional arrays (dataset contents and
 * attribute values) and object references.
 */
import type { CompoundDType, DType, NumericArray, NumericDType } from './dtype.js';
import { dtypeOfTypedArray, isCompoundDType, isNumericDType, typedArrayFor } from './dtype.js';

/**
 * A reference to another object in the same file, by absolute path. `objectId` is the target's
 * `object_id` when known; backends that store it (hdmf-zarr) fill it in, others ignore it.
 */
export interface ObjectRef {
  /** Absolute path of the target. */
  readonly path: string;
  /** The target's `object_id`, when known. */
  readonly objectId?: string;
}

/** Creates an {@link ObjectRef}. */
export function objectRef(path: string, objectId?: string): ObjectRef {
  return objectId === undefined ? { path } : { path, objectId };
}

/** True for values shaped like an {@link ObjectRef}. */
export function isObjectRef(value: unknown): value is ObjectRef {
  return typeof value === 'object' && value !== null && typeof (value as ObjectRef).path === 'string';
}

/** One row of a compound dataset: field name to value. */
export type CompoundRow = Record<string, number | bigint | boolean | string | ObjectRef>;

/** The element storage of an {@link NdArray}, by dtype. */
export type ArrayData = NumericArray | string[] | ObjectRef[] | CompoundRow[];

/**
 * An n-dimensional array in C (row-major) order. `shape` is `[]` for a scalar (one element).
 *
 * Storage by dtype: numeric dtypes use the matching typed array (BigInt64Array/BigUint64Array for
 * 64-bit integers); `bool` uses a Uint8Array of 0/1; `utf8`/`ascii` use `string[]`; `ref` uses
 * `ObjectRef[]`; compound dtypes use one record per element.
 */
export interface NdArray<D extends ArrayData = ArrayData> {
  /** Element type. */
  readonly dtype: DType;
  /** Extent of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The elements in C order, stored as the dtype needs (see above). */
  readonly data: D;
}

/** The number of elements a shape holds (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that `data` suits `dtype` and holds exactly the elements `shape` calls for. */
export function ndarray<D extends ArrayData>(dtype: DType, shape: readonly number[], data: D): NdArray<D> {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`invalid shape [${shape.join(', ')}]`);
  }
  const expected = shapeSize(shape);
  if (data.length !== expected) {
    throw new RangeError(`shape [${shape.join(', ')}] holds ${expected} elements, data has ${data.length}`);
  }
  checkStorage(dtype, data);
  return { dtype, shape: [...shape], data };
}

function checkStorage(dtype: DType, data: ArrayData): void {
  if (isNumericDType(dtype) || dtype === 'bool') {
    const ctor = typedArrayFor(dtype);
    if (!(data instanceof ctor)) {
      throw new TypeError(`dtype ${dtype} needs a ${ctor.name}, got ${Object.prototype.toString.call(data)}`);
    }
  } else if (!Array.isArray(data)) {
    throw new TypeError(`dtype ${isCompoundDType(dtype) ? 'compound' : dtype} needs a plain array`);
  }
}

/** A numeric array from a typed array; its dtype is that of the typed array. */
export function fromTypedArray(data: NumericArray, shape: readonly number[] = [data.length]): NdArray {
  return ndarray(dtypeOfTypedArray(data), shape, data);
}

/** A scalar of a numeric dtype. */
export function numericScalar(dtype: NumericDType, value: number | bigint): NdArray {
  const ctor = typedArrayFor(dtype);
  const big = dtype === 'int64' || dtype === 'uint64';
  const data = new ctor(1) as NumericArray;
  data[0] = big ? BigInt(value) : Number(value);
  return { dtype, shape: [], data };
}

/** A text scalar (`utf8` unless given `ascii`). */
export function textScalar(value: string, dtype: 'utf8' | 'ascii' = 'utf8'): NdArray<string[]> {
  return { dtype, shape: [], data: [value] };
}

/** A 1-D text array (`utf8` unless given `ascii`). */
export function textArray(values: readonly string[], dtype: 'utf8' | 'ascii' = 'utf8'): NdArray<string[]> {
  return { dtype, shape: [values.length], data: [...values] };
}

/** A bool array (or scalar, with `shape` `[]`). */
export function boolArray(values: readonly boolean[], shape: readonly number[] = [values.length]): NdArray {
  return ndarray(
    'bool',
    shape,
    Uint8Array.from(values, (v) => (v ? 1 : 0)),
  );
}

/** A scalar object reference, or a 1-D array of them. */
export function refArray(refs: readonly ObjectRef[], scalar = false): NdArray<ObjectRef[]> {
  if (scalar && refs.length !== 1) throw new RangeError('a scalar reference holds exactly one reference');
  return { dtype: 'ref', shape: scalar ? [] : [refs.length], data: [...refs] };
}

/** A compound array of rows. */
export function compoundArray(dtype: CompoundDType, rows: readonly CompoundRow[]): NdArray<CompoundRow[]> {
  return { dtype, shape: [rows.length], data: [...rows] };
}

/** True when the array is a scalar (shape `[]`). */
export function isScalar(array: NdArray): boolean {
  return array.shape.length === 0;
}

/**
 * The elements of an array as plain JS values (numbers, bigints, booleans, strings, refs), in C order.
 * Meant for small arrays such as attributes; datasets should stay typed.
 */
export function toJsValues(
  array: NdArray,
): Array<number | bigint | boolean | string | ObjectRef | CompoundRow> {
  if (array.dtype === 'bool') return Array.from(array.data as Uint8Array, (v) => v !== 0);
  return Array.from(array.data as ArrayLike<number | bigint | string | ObjectRef | CompoundRow>);
}

/** The single element of a scalar or one-element array, as a plain JS value. */
export function scalarValue(array: NdArray): number | bigint | boolean | string | ObjectRef | CompoundRow {
  if (array.data.length !== 1) {
    throw new RangeError(`expected one element, got shape [${array.shape.join(', ')}]`);
  }
  return toJsValues(array)[0]!;
}
