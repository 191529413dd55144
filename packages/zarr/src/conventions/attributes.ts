/**
 * Attributes as hdmf-zarr keeps them in `.zattrs`: JSON values, references as
 * `{"zarr_dtype": "object", "value": {...}}`, the root `.specloc` as a plain path string.
 *
 * JSON knows only "integer" and "float", so reading gives int64 / float64 / utf8 / bool. To give
 * back exactly what was written (int32, float32, ascii, ...), this writer records the dtypes JSON
 * cannot carry in an extra `nwbjs` member of the node's `.zgroup` / `.zarray` (zarr-python and
 * hdmf-zarr ignore it); stores without it read with the JSON-implied dtypes.
 */
import type { DType, NdArray, NumericArray, NumericDType, ObjectRef } from '@nwbjs/core';
import { InvalidFileError, UnsupportedError, formatDType, isNumericDType } from '@nwbjs/core';
import { typedArrayFor } from '@nwbjs/core/backend';
import type { JsonOut, JsonValue } from './json.js';
import { JsonNumber, jsonFloat, toPlain } from './json.js';
import { referenceFromStored, storedReference } from './references.js';

/** Attribute names the backend owns; never shown as attributes. */
export const RESERVED_ATTRIBUTES = new Set(['zarr_dtype', 'zarr_link']);

const INT64_MAX = 2n ** 63n - 1n;

/** The neutral value of one `.zattrs` entry; `dtypeNote` is the recorded dtype, if any. */
export function attributeFromJson(
  value: JsonValue,
  name: string,
  where: string,
  isRoot: boolean,
  dtypeNote?: string,
): NdArray {
  if (isRoot && name === '.specloc' && typeof value === 'string') {
    return { dtype: 'ref', shape: [], data: [{ path: value.startsWith('/') ? value : `/${value}` }] };
  }
  if (value instanceof Map && value.get('zarr_dtype') === 'object') {
    const inner = value.get('value') ?? null;
    if (Array.isArray(inner))
      return {
        dtype: 'ref',
        shape: [inner.length],
        data: inner.map((r) => referenceFromStored(toPlain(r), where)),
      };
    return { dtype: 'ref', shape: [], data: [referenceFromStored(toPlain(inner), where)] };
  }
  if (value instanceof Map) {
    // Not an hdmf-zarr attribute shape: kept as its JSON text so nothing is lost silently.
    return { dtype: 'utf8', shape: [], data: [JSON.stringify(toPlain(value))] };
  }
  const shape: number[] = [];
  let probe: JsonValue = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: JsonValue[] = [];
  flatten(value, 0, shape, flat, where, name);
  const inferred = inferDType(flat);
  const fixed = /^ascii:(\d+)$/.exec(dtypeNote ?? '');
  const dtype = chooseDType(inferred, fixed === null ? dtypeNote : 'ascii', flat);
  const data = toData(dtype, flat, where, name);
  return dtype === 'ascii' && fixed !== null
    ? { dtype, shape, data, textLength: Number(fixed[1]) }
    : { dtype, shape, data };
}

function flatten(
  v: JsonValue,
  axis: number,
  shape: number[],
  out: JsonValue[],
  where: string,
  name: string,
): void {
  if (axis === shape.length) {
    if (Array.isArray(v)) throw new InvalidFileError(`attribute ${name} is a ragged list`, { path: where });
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[axis])
    throw new InvalidFileError(`attribute ${name} is a ragged list`, { path: where });
  for (const item of v) flatten(item, axis + 1, shape, out, where, name);
}

function inferDType(flat: JsonValue[]): DType {
  if (flat.length === 0) return 'float64';
  if (flat.every((v) => typeof v === 'string')) return 'utf8';
  if (flat.every((v) => typeof v === 'boolean')) return 'bool';
  if (flat.every((v) => v instanceof JsonNumber)) {
    const nums = flat as JsonNumber[];
    if (nums.some((n) => n.isFloat)) return 'float64';
    return nums.some((n) => n.big > INT64_MAX) ? 'uint64' : 'int64';
  }
  if (flat.every((v) => v instanceof Map && v.has('path'))) return 'ref';
  return 'utf8';
}

function chooseDType(inferred: DType, note: string | undefined, flat: JsonValue[]): DType {
  if (note === undefined) return inferred;
  const allNumbers = flat.every((v) => v instanceof JsonNumber);
  if (isNumericDType(note as DType) && allNumbers) return note as NumericDType;
  if (note === 'ascii' && inferred === 'utf8' && flat.every((v) => typeof v === 'string')) return 'ascii';
  if (note === 'bool' && inferred === 'bool') return 'bool';
  if ((note === 'utf8' || note === 'bool') && flat.length === 0) return note;
  return inferred;
}

function toData(dtype: DType, flat: JsonValue[], where: string, name: string): NdArray['data'] {
  if (dtype === 'utf8' || dtype === 'ascii')
    return flat.map((v) => (typeof v === 'string' ? v : JSON.stringify(toPlain(v))));
  if (dtype === 'bool') return Uint8Array.from(flat, (v) => (v === true ? 1 : 0));
  if (dtype === 'ref') return flat.map((v) => referenceFromStored(toPlain(v), where));
  if (isNumericDType(dtype)) {
    const out = new (typedArrayFor(dtype))(flat.length) as NumericArray;
    const big = dtype === 'int64' || dtype === 'uint64';
    flat.forEach((v, i) => {
      if (!(v instanceof JsonNumber))
        throw new InvalidFileError(`attribute ${name} mixes numbers and other values`, { path: where });
      out[i] = big ? (v.isFloat ? BigInt(Math.trunc(v.value)) : v.big) : v.value;
    });
    return out;
  }
  throw new InvalidFileError(`attribute ${name} has an unreadable value`, { path: where });
}

/** What to store for an attribute: its JSON, and the dtype to record when JSON loses it. */
export function attributeToJson(
  value: NdArray,
  name: string,
  where: string,
  isRoot: boolean,
  rootObjectId: string | undefined,
): { json: JsonOut; dtypeNote?: string } {
  const { dtype } = value;
  if (dtype === 'ref') {
    const refs = value.data as ObjectRef[];
    if (isRoot && name === '.specloc' && value.shape.length === 0)
      return { json: refs[0]!.path.replace(/^\/+/, '') };
    if (value.shape.length === 0)
      return { json: { zarr_dtype: 'object', value: { ...storedReference(refs[0]!, rootObjectId) } } };
    if (value.shape.length === 1)
      return {
        json: { zarr_dtype: 'object', value: refs.map((r) => ({ ...storedReference(r, rootObjectId) })) },
      };
  }
  let leaf: (i: number) => JsonOut;
  let note: string | undefined;
  if (dtype === 'utf8' || dtype === 'ascii') {
    const data = value.data as string[];
    leaf = (i) => data[i]!;
    // Fixed-length ASCII (`ascii:N`) keeps its length for the way back to HDF5.
    if (dtype === 'ascii') note = value.textLength === undefined ? 'ascii' : `ascii:${value.textLength}`;
  } else if (dtype === 'bool') {
    const data = value.data as Uint8Array;
    leaf = (i) => data[i] !== 0;
  } else if (isNumericDType(dtype)) {
    const data = value.data as NumericArray;
    if (dtype === 'float32' || dtype === 'float64') leaf = (i) => jsonFloat(data[i] as number);
    else if (dtype === 'int64' || dtype === 'uint64') leaf = (i) => data[i] as bigint;
    else leaf = (i) => data[i] as number;
    if (dtype !== 'int64' && dtype !== 'float64') note = dtype;
  } else {
    throw new UnsupportedError(`attribute ${name} of dtype ${formatDType(dtype)} cannot be stored as JSON`, {
      path: where,
      feature: `attribute-dtype:${formatDType(dtype)}`,
      backend: 'zarr',
    });
  }
  if (value.shape.length > 0 && value.data.length === 0 && dtype !== 'float64') note = dtype as string;
  const json = nest(value.shape, leaf);
  return note === undefined ? { json } : { json, dtypeNote: note };
}

function nest(shape: readonly number[], leaf: (i: number) => JsonOut): JsonOut {
  if (shape.length === 0) return leaf(0);
  let offset = 0;
  const build = (axis: number): JsonOut => {
    const n = shape[axis]!;
    const out: JsonOut[] = [];
    for (let i = 0; i < n; i++) out.push(axis === shape.length - 1 ? leaf(offset++) : build(axis + 1));
    return out;
  };
  return build(0);
}
