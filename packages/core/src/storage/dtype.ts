/**
 * Element types of datasets and attributes, spelled once for every backend.
 *
 * The names follow numpy (what PyNWB, h5py and zarr-python report), plus `utf8`/`ascii` for
 * variable-length text (HDF5 keeps the character set, hdmf-zarr keeps it as vlen-utf8 versus
 * vlen-bytes), `ref` for object references, `region` for references to a region of a dataset (HDF5's
 * dataset region references, which MatNWB writes), and compound types for table rows.
 */
import { ValidationError } from '../errors.js';

/** Fixed-width numeric element types. */
export type NumericDType =
  'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

/** A member of a compound (struct) element type. */
export interface CompoundField {
  /** The field name. */
  name: string;
  /** The field type (fields are never compound themselves). */
  dtype: ScalarDType;
}

/** A compound element type: one value per row is a record of named fields. */
export interface CompoundDType {
  /** The fields, in storage order. */
  compound: CompoundField[];
}

/** Every element type that is not compound. */
export type ScalarDType = NumericDType | 'bool' | 'utf8' | 'ascii' | 'ref' | 'region';

/** Any element type a dataset or attribute can have. */
export type DType = ScalarDType | CompoundDType;

/** A typed array holding the elements of one numeric dtype. 64-bit integers use BigInt arrays. */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

const TYPED_ARRAYS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** The typed-array constructor for each numeric dtype. */
export type TypedArrayConstructorFor<D extends NumericDType> = (typeof TYPED_ARRAYS)[D];

/** True for the ten fixed-width numeric dtypes. */
export function isNumericDType(dtype: DType): dtype is NumericDType {
  return typeof dtype === 'string' && dtype in TYPED_ARRAYS;
}

/** True for `utf8` and `ascii`. */
export function isTextDType(dtype: DType): dtype is 'utf8' | 'ascii' {
  return dtype === 'utf8' || dtype === 'ascii';
}

/** True for dtypes whose values are references (object or region), or records holding some. */
export function holdsReferences(dtype: DType): boolean {
  if (isCompoundDType(dtype)) return dtype.compound.some((f) => f.dtype === 'ref' || f.dtype === 'region');
  return dtype === 'ref' || dtype === 'region';
}

/** True for `region` or a compound with a `region` field. */
export function holdsRegionReferences(dtype: DType): boolean {
  if (isCompoundDType(dtype)) return dtype.compound.some((f) => f.dtype === 'region');
  return dtype === 'region';
}

/** True for compound dtypes. */
export function isCompoundDType(dtype: DType): dtype is CompoundDType {
  return typeof dtype === 'object' && dtype !== null && Array.isArray(dtype.compound);
}

/** The typed-array constructor that holds `dtype`; bool is held as one byte per element. */
export function typedArrayFor(dtype: NumericDType | 'bool') {
  return dtype === 'bool' ? Uint8Array : TYPED_ARRAYS[dtype];
}

/** Bytes per element of a numeric or bool dtype. */
export function byteSize(dtype: NumericDType | 'bool'): number {
  return typedArrayFor(dtype).BYTES_PER_ELEMENT;
}

/** The numeric dtype a typed array holds (Uint8Array reads as uint8). */
export function dtypeOfTypedArray(array: NumericArray): NumericDType {
  for (const [name, ctor] of Object.entries(TYPED_ARRAYS)) {
    if (array instanceof ctor) return name as NumericDType;
  }
  throw new ValidationError(`not a numeric typed array: ${Object.prototype.toString.call(array)}`, {
    rule: 'dtype',
  });
}

/** A stable, readable spelling of a dtype, for messages and comparisons. */
export function formatDType(dtype: DType): string {
  if (isCompoundDType(dtype)) {
    return `{${dtype.compound.map((f) => `${f.name}: ${formatDType(f.dtype)}`).join(', ')}}`;
  }
  return dtype;
}

/** Structural equality of two dtypes. */
export function sameDType(a: DType, b: DType): boolean {
  return formatDType(a) === formatDType(b);
}

const INTEGER_RANGES: Partial<Record<NumericDType, [bigint, bigint]>> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-2147483648n, 2147483647n],
  uint32: [0n, 4294967295n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** The inclusive range of an integer dtype, or undefined for floats. */
export function integerRange(dtype: NumericDType): [bigint, bigint] | undefined {
  return INTEGER_RANGES[dtype];
}
