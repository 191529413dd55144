/**
 * Fill values as `.zarray` stores them (zarr-python's JSON: floats with a decimal point, `NaN` and
 * the infinities as strings, base64 for packed records) and as numbers again.
 */
import type { DatasetDefinition } from '@nwbjs/core/backend';
import { isNumericDType } from '@nwbjs/core';
import type { JsonOut, JsonValue } from './conventions/json.js';
import { JsonNumber } from './conventions/json.js';

/** The `.zarray` fill value for a dataset of `dtype` filled with `fill`. */
export function fillJson(fill: DatasetDefinition['fillValue'], dtype: DatasetDefinition['dtype']): JsonOut {
  if (!isNumericDType(dtype) && dtype !== 'bool') return 0;
  if (dtype === 'bool') return fill === true;
  const isFloat = dtype === 'float32' || dtype === 'float64';
  if (fill === undefined || typeof fill === 'string') return isFloat ? new JsonNumber('0.0', true) : 0;
  if (typeof fill === 'boolean') return fill ? 1 : 0;
  if (typeof fill === 'bigint') return fill;
  if (!isFloat) return Math.trunc(fill);
  if (Number.isNaN(fill)) return 'NaN';
  if (!Number.isFinite(fill)) return fill > 0 ? 'Infinity' : '-Infinity';
  return new JsonNumber(String(fill).match(/[.eE]/) ? String(fill) : `${fill}.0`, true);
}

/** A stored numeric fill value as a number (0 for anything else). */
export function fillNumber(fill: JsonValue): number {
  if (fill instanceof JsonNumber) return fill.value;
  if (fill === 'NaN') return NaN;
  if (fill === 'Infinity') return Infinity;
  if (fill === '-Infinity') return -Infinity;
  if (fill === true) return 1;
  return 0;
}

/** zarr-python's fill value for packed records: a zeroed record, base64-encoded. */
export function zeroRecordJson(itemSize: number): JsonOut {
  return btoa(String.fromCharCode(...new Uint8Array(itemSize)));
}
