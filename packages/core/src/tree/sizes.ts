/**
 * Byte estimates of elements and arrays, used to size chunks, blocks and progress. Exact for
 * numeric and bool dtypes; text, references and compound members holding them are variable-length,
 * so they get a fixed guess (what a pointer or a short string costs in memory).
 */
import type { DType } from '../storage/dtype.js';
import { byteSize, isCompoundDType, isNumericDType } from '../storage/dtype.js';
import { shapeSize } from '../storage/values.js';

/** Guess for one variable-length element (a string or a reference). */
const VARIABLE_ELEMENT_BYTES = 16;

/** Bytes one element of `dtype` takes (a guess for variable-length dtypes). */
export function elementBytes(dtype: DType): number {
  if (isCompoundDType(dtype)) return dtype.compound.reduce((sum, f) => sum + elementBytes(f.dtype), 0);
  if (isNumericDType(dtype) || dtype === 'bool') return byteSize(dtype);
  return VARIABLE_ELEMENT_BYTES;
}

/** Bytes an array of `dtype` and `shape` takes (a guess for variable-length dtypes). */
export function arrayBytes(dtype: DType, shape: readonly number[]): number {
  return shapeSize(shape) * elementBytes(dtype);
}

/** True for dtypes held in typed arrays (numeric and bool): the ones written block by block. */
export function isFixedWidth(dtype: DType): boolean {
  return dtype === 'bool' || (typeof dtype === 'string' && isNumericDType(dtype));
}
