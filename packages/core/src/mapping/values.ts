/**
 * Small builders and readers of the values the mapping writes and reads: text and number
 * attributes, typed-object attributes, and the dtypes PyNWB gives each numeric field.
 */
import type { Attributes } from '../storage/backend.js';
import type { NumericDType } from '../storage/dtype.js';
import { isNumericDType, isTextDType } from '../storage/dtype.js';
import type { NdArray } from '../storage/values.js';
import { ndarray, numericScalar, textArray, textScalar } from '../storage/values.js';
import type { NWBObject } from '../model/nwb-object.js';

/**
 * The dtype each numeric field is written with when the object was not read from a file. These
 * are what PyNWB 2.8 writes for plain Python numbers (checked against the fixtures with h5dump):
 * floats as float64 and ints as int64, although the schema names float32/int32 for several (both
 * validate; readers accept either). Fields read from a file keep their stored dtype.
 */
export const WRITE_DTYPES = {
  'data@conversion': 'float64',
  'data@offset': 'float64',
  'data@resolution': 'float64',
  'starting_time@rate': 'float64',
  'timestamps@interval': 'int64',
  'external_file@starting_frame': 'int64',
  dimension: 'int64',
  distance: 'float64',
  field_of_view: 'float64',
  '@resolution': 'float64',
} as const satisfies Record<string, NumericDType>;

/** A key of {@link WRITE_DTYPES}. */
export type NumericField = keyof typeof WRITE_DTYPES;

/** The dtype to write `field` of `object` with: as read, else PyNWB's. */
export function dtypeFor(object: NWBObject, field: NumericField): NumericDType {
  return object.storedDtypes.get(field) ?? WRITE_DTYPES[field];
}

/** A numeric scalar of `dtype` (integers are rounded for integer dtypes). */
export function numberScalar(value: number, dtype: NumericDType): NdArray {
  return numericScalar(dtype, dtype.includes('int') ? Math.round(value) : value);
}

/** A 1-D numeric array of `dtype`. */
export function numberArray(values: readonly number[], dtype: NumericDType): NdArray {
  const big = dtype === 'int64' || dtype === 'uint64';
  const data = big
    ? dtype === 'int64'
      ? BigInt64Array.from(values, (v) => BigInt(Math.round(v)))
      : BigUint64Array.from(values, (v) => BigInt(Math.round(v)))
    : numberTypedArray(dtype, values);
  return ndarray(dtype, [values.length], data);
}

function numberTypedArray(dtype: Exclude<NumericDType, 'int64' | 'uint64'>, values: readonly number[]) {
  switch (dtype) {
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
      return Uint8Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'uint16':
      return Uint16Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'uint32':
      return Uint32Array.from(values);
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
  }
}

/** The attributes every typed object carries: namespace, neurodata_type, object_id. */
export function typedAttrs(object: NWBObject): Attributes {
  return {
    namespace: textScalar(object.namespace),
    neurodata_type: textScalar(object.neurodataType),
    object_id: textScalar(object.objectId),
  };
}

/** A scalar UTF-8 text value. */
export const text = (value: string): NdArray => textScalar(value);

/** A 1-D UTF-8 text array. */
export const textList = (values: readonly string[]): NdArray => textArray(values);

/** The strings of a text array (scalar or any shape), or undefined when it is not text. */
export function stringsOf(array: NdArray): string[] | undefined {
  if (!isTextDType(array.dtype)) return undefined;
  return (array.data as unknown[]).map((v) =>
    v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v),
  );
}

/** The single string of a text value (scalar or one element), or undefined. */
export function stringOf(array: NdArray | undefined): string | undefined {
  if (array === undefined) return undefined;
  const all = stringsOf(array);
  return all !== undefined && all.length === 1 ? all[0] : undefined;
}

/** The numbers of a numeric value (bigints as numbers), or undefined when it is not numeric. */
export function numbersOfValue(array: NdArray | undefined): number[] | undefined {
  if (array === undefined) return undefined;
  if (!isNumericDType(array.dtype) && array.dtype !== 'bool') return undefined;
  return Array.from(array.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** The single number of a numeric value (scalar or one element), or undefined. */
export function numberOf(array: NdArray | undefined): number | undefined {
  const all = numbersOfValue(array);
  return all !== undefined && all.length === 1 ? all[0] : undefined;
}

/** The numeric dtype of a value, when it has one. */
export function numericDTypeOf(array: { dtype: NdArray['dtype'] } | undefined): NumericDType | undefined {
  return array !== undefined && isNumericDType(array.dtype) ? array.dtype : undefined;
}

/** Records the dtype a numeric field was stored with, so it is written back the same. */
export function remember(
  object: NWBObject,
  field: NumericField,
  value: { dtype: NdArray['dtype'] } | undefined,
): void {
  const dtype = numericDTypeOf(value);
  if (dtype !== undefined) object.storedDtypes.set(field, dtype);
}

/** `{ [key]: value }`, or `{}` when the value is undefined (for optional model options). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
