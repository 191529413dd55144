/**
 * Compound (table-row) datasets, as hdmf-zarr (<= 0.13) writes them. The `zarr_dtype` attribute
 * lists the fields, `[{"name": "x", "dtype": "float64"}, ...]`, with numpy's type names and
 * `"object"` for reference fields, `"str"`/`"bytes"` for text. The elements are stored one of two
 * ways:
 *
 * - only numbers and bools: a numpy structured array (`.zarray` dtype `[["x", "<f8"], ...]`, the
 *   fill value the base64 of a zeroed record), chunks holding packed records;
 * - with a reference or text field: an object array (`|O`, JSON codec), each element the list of
 *   the row's values in field order, references as the reference dicts of `references.ts`.
 */
import type {
  CompoundDType,
  CompoundField,
  CompoundRow,
  NumericDType,
  ObjectRef,
  ScalarDType,
} from '@nwbjs/core';
import { InvalidFileError, UnsupportedError, formatDType, isObjectRef } from '@nwbjs/core';
import type { JsonOut, JsonValue } from './json.js';
import { referenceFromStored, storedReference } from './references.js';

/** One field of a structured (packed) record. */
export interface StructuredField {
  readonly name: string;
  readonly dtype: NumericDType | 'bool';
  /** Byte offset in the record. */
  readonly offset: number;
  readonly itemSize: number;
  readonly bigEndian: boolean;
}

/** numpy type names hdmf-zarr writes in `zarr_dtype` (`np.dtype(...).type.__name__`), by dtype. */
const NUMPY_NAMES: Record<NumericDType | 'bool', string> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
  bool: 'bool_',
};

const FROM_ZARR_DTYPE: Record<string, ScalarDType> = {
  ...Object.fromEntries(Object.entries(NUMPY_NAMES).map(([dtype, name]) => [name, dtype as ScalarDType])),
  bool: 'bool',
  float: 'float32',
  double: 'float64',
  int: 'int32',
  long: 'int64',
  short: 'int16',
  object: 'ref',
  reference: 'ref',
  ref: 'ref',
  region: 'region',
  str: 'utf8',
  utf: 'utf8',
  utf8: 'utf8',
  'utf-8': 'utf8',
  text: 'utf8',
  bytes: 'ascii',
  ascii: 'ascii',
};

/** The compound dtype a `zarr_dtype` list describes, or undefined when `zarrDType` is not a list. */
export function compoundFromZarrDType(zarrDType: JsonValue, path: string): CompoundDType | undefined {
  if (!Array.isArray(zarrDType)) return undefined;
  const compound = zarrDType.map((entry): CompoundField => {
    const name = entry instanceof Map ? entry.get('name') : undefined;
    const spelled = entry instanceof Map ? entry.get('dtype') : undefined;
    const dtype = typeof spelled === 'string' ? FROM_ZARR_DTYPE[spelled] : undefined;
    if (typeof name !== 'string' || dtype === undefined) {
      throw new InvalidFileError(
        `zarr_dtype lists a field it does not describe (${JSON.stringify(spelled)})`,
        {
          path,
        },
      );
    }
    return { name, dtype };
  });
  if (compound.length === 0) throw new InvalidFileError('zarr_dtype lists no fields', { path });
  return { compound };
}

/** The `zarr_dtype` list hdmf-zarr writes for a compound dtype. */
export function zarrDTypeOfCompound(dtype: CompoundDType): JsonOut {
  return dtype.compound.map((field) => ({ name: field.name, dtype: zarrDTypeName(field.dtype) }));
}

function zarrDTypeName(dtype: ScalarDType): string {
  switch (dtype) {
    case 'ref':
      return 'object';
    case 'region':
      return 'region';
    case 'utf8':
      return 'str';
    case 'ascii':
      return 'bytes';
    default:
      return NUMPY_NAMES[dtype];
  }
}

/** True when every field is a number or bool: such compounds are stored as structured arrays. */
export function isPacked(dtype: CompoundDType): boolean {
  return dtype.compound.every((f) => f.dtype in NUMPY_NAMES);
}

/** Rows from the JSON elements of an object-array compound (lists in field order). */
export function rowsFromStored(
  dtype: CompoundDType,
  elements: readonly unknown[],
  path: string,
): CompoundRow[] {
  return elements.map((element, i) => {
    if (!Array.isArray(element) || element.length !== dtype.compound.length) {
      throw new InvalidFileError(`compound element ${i} is not a list of ${dtype.compound.length} values`, {
        path,
      });
    }
    const row: CompoundRow = {};
    dtype.compound.forEach((field, k) => {
      row[field.name] = fieldFromStored(field, element[k], path, i);
    });
    return row;
  });
}

function fieldFromStored(
  field: CompoundField,
  value: unknown,
  path: string,
  row: number,
): CompoundRow[string] {
  const bad = () =>
    new InvalidFileError(`compound element ${row} field ${field.name} is not a ${formatDType(field.dtype)}`, {
      path,
    });
  switch (field.dtype) {
    case 'ref':
      return referenceFromStored(value, path);
    case 'region':
      throw new UnsupportedError('region references are not supported in Zarr', {
        path,
        feature: 'dtype:region',
        backend: 'zarr',
      });
    case 'utf8':
    case 'ascii':
      if (typeof value !== 'string') throw bad();
      return value;
    case 'bool':
      if (typeof value !== 'boolean' && typeof value !== 'number') throw bad();
      return Boolean(value);
    case 'int64':
    case 'uint64':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad();
      return BigInt(value);
    default:
      if (typeof value !== 'number') throw bad();
      return value;
  }
}

/** The JSON elements of an object-array compound: each row as the list of its values. */
export function rowsToStored(
  dtype: CompoundDType,
  rows: readonly CompoundRow[],
  rootObjectId: string | undefined,
  path: string,
): unknown[] {
  return rows.map((row, i) =>
    dtype.compound.map((field) => {
      const value = row[field.name];
      if (value === undefined) {
        throw new InvalidFileError(`row ${i} lacks field ${field.name}`, { path });
      }
      if (field.dtype === 'ref') {
        if (!isObjectRef(value))
          throw new InvalidFileError(`row ${i} field ${field.name} is not a reference`, { path });
        return { ...storedReference(value as ObjectRef, rootObjectId) };
      }
      if (typeof value === 'bigint') return Number(value);
      return value;
    }),
  );
}

/** Field layout of a packed record: each field after the previous one, little-endian. */
export function packedFields(dtype: CompoundDType): { fields: StructuredField[]; itemSize: number } {
  let offset = 0;
  const fields = dtype.compound.map((field) => {
    const numeric = field.dtype as NumericDType | 'bool';
    const itemSize = numeric === 'bool' ? 1 : Number(/\d+$/.exec(numeric)![0]) / 8;
    const out: StructuredField = { name: field.name, dtype: numeric, offset, itemSize, bigEndian: false };
    offset += itemSize;
    return out;
  });
  return { fields, itemSize: offset };
}

/** The `.zarray` dtype of packed records: `[["x", "<f8"], ...]`. */
export function structuredDTypeJson(fields: readonly StructuredField[]): JsonOut {
  return fields.map((f) => [f.name, `${f.itemSize === 1 ? '|' : '<'}${typeChar(f.dtype)}${f.itemSize}`]);
}

function typeChar(dtype: NumericDType | 'bool'): string {
  if (dtype === 'bool') return 'b';
  if (dtype.startsWith('float')) return 'f';
  return dtype.startsWith('u') ? 'u' : 'i';
}

/** Reads one record's fields out of packed bytes. */
export function unpackRecord(view: DataView, at: number, fields: readonly StructuredField[]): CompoundRow {
  const row: CompoundRow = {};
  for (const f of fields) row[f.name] = readField(view, at + f.offset, f);
  return row;
}

function readField(view: DataView, at: number, f: StructuredField): number | bigint | boolean {
  const le = !f.bigEndian;
  switch (f.dtype) {
    case 'bool':
      return view.getUint8(at) !== 0;
    case 'int8':
      return view.getInt8(at);
    case 'uint8':
      return view.getUint8(at);
    case 'int16':
      return view.getInt16(at, le);
    case 'uint16':
      return view.getUint16(at, le);
    case 'int32':
      return view.getInt32(at, le);
    case 'uint32':
      return view.getUint32(at, le);
    case 'int64':
      return view.getBigInt64(at, le);
    case 'uint64':
      return view.getBigUint64(at, le);
    case 'float32':
      return view.getFloat32(at, le);
    case 'float64':
      return view.getFloat64(at, le);
  }
}

/** Writes one record's fields into packed bytes (little-endian); a missing field is zero. */
export function packRecord(
  view: DataView,
  at: number,
  fields: readonly StructuredField[],
  row: CompoundRow | undefined,
): void {
  for (const f of fields) {
    const raw = row?.[f.name] ?? 0;
    const value = typeof raw === 'boolean' ? Number(raw) : raw;
    if (typeof value !== 'number' && typeof value !== 'bigint') {
      throw new TypeError(`field ${f.name} is not a number`);
    }
    const o = at + f.offset;
    switch (f.dtype) {
      case 'bool':
      case 'uint8':
        view.setUint8(o, Number(value));
        break;
      case 'int8':
        view.setInt8(o, Number(value));
        break;
      case 'int16':
        view.setInt16(o, Number(value), true);
        break;
      case 'uint16':
        view.setUint16(o, Number(value), true);
        break;
      case 'int32':
        view.setInt32(o, Number(value), true);
        break;
      case 'uint32':
        view.setUint32(o, Number(value), true);
        break;
      case 'int64':
        view.setBigInt64(o, BigInt(value), true);
        break;
      case 'uint64':
        view.setBigUint64(o, BigInt(value), true);
        break;
      case 'float32':
        view.setFloat32(o, Number(value), true);
        break;
      case 'float64':
        view.setFloat64(o, Number(value), true);
        break;
    }
  }
}
