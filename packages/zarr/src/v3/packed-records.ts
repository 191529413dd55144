/**
 * Packed records, the bytes of the v3 extension data types zarr-python writes for compounds and
 * fixed-width text: `struct` (zarr-python >= 3.2: `{"name": "struct", "configuration": {"fields":
 * [{"name", "data_type"}, ...]}}`), its predecessor `structured` (`{"fields": [["x", "float32"],
 * ...]}`) and `fixed_length_utf32` (`{"length_bytes": 4N}`). A record is its fields concatenated in
 * order with no padding, each in the `bytes` codec's byte order; text is N UTF-32 code units,
 * zero-padded. Written so it could be proposed to zarrita as its struct data type.
 */
import type { JsonValue } from '../conventions/json.js';
import { JsonNumber } from '../conventions/json.js';

/** A numeric core data type a record field may have. */
export type PackedNumber =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64';

/** One field of a packed record. */
export type PackedField =
  | {
      readonly name: string;
      readonly kind: 'number';
      readonly type: PackedNumber;
      readonly offset: number;
      readonly size: number;
    }
  | { readonly name: string; readonly kind: 'utf32'; readonly offset: number; readonly size: number };

/** The layout of a packed record. */
export interface PackedLayout {
  readonly fields: readonly PackedField[];
  readonly itemSize: number;
}

const SIZES: Record<PackedNumber, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
};

/** The byte size of a v3 core numeric data type name, or undefined for any other name. */
export function packedNumberSize(name: string): number | undefined {
  return Object.hasOwn(SIZES, name) ? SIZES[name as PackedNumber] : undefined;
}

/** `fixed_length_utf32`'s width in bytes, or undefined when `dataType` is not that type. */
export function utf32Width(dataType: JsonValue): number | undefined {
  if (!(dataType instanceof Map) || dataType.get('name') !== 'fixed_length_utf32') return undefined;
  const config = dataType.get('configuration');
  const bytes = config instanceof Map ? config.get('length_bytes') : undefined;
  if (!(bytes instanceof JsonNumber) || bytes.isFloat || bytes.value < 0 || bytes.value % 4 !== 0) return -1;
  return bytes.value;
}

/**
 * The fields of a `struct` or `structured` data type (name and field data type as stored), or
 * undefined when `dataType` is neither.
 */
export function structFields(dataType: JsonValue): [string, JsonValue][] | undefined {
  if (!(dataType instanceof Map)) return undefined;
  const name = dataType.get('name');
  if (name !== 'struct' && name !== 'structured') return undefined;
  const config = dataType.get('configuration');
  const fields = config instanceof Map ? config.get('fields') : undefined;
  if (!Array.isArray(fields)) return [];
  return fields.map((f): [string, JsonValue] => {
    if (f instanceof Map) return [String(f.get('name')), f.get('data_type') ?? null];
    if (Array.isArray(f) && f.length >= 2 && typeof f[0] === 'string') return [f[0], f[1]!];
    return ['', null];
  });
}

/** Reads the field at `at` of a record. */
export function readPackedField(
  view: DataView,
  at: number,
  field: PackedField,
  little: boolean,
): number | bigint | boolean | string {
  const o = at + field.offset;
  if (field.kind === 'utf32') return readUtf32(view, o, field.size, little);
  switch (field.type) {
    case 'bool':
      return view.getUint8(o) !== 0;
    case 'int8':
      return view.getInt8(o);
    case 'uint8':
      return view.getUint8(o);
    case 'int16':
      return view.getInt16(o, little);
    case 'uint16':
      return view.getUint16(o, little);
    case 'int32':
      return view.getInt32(o, little);
    case 'uint32':
      return view.getUint32(o, little);
    case 'int64':
      return view.getBigInt64(o, little);
    case 'uint64':
      return view.getBigUint64(o, little);
    case 'float16':
      return halfToFloat(view.getUint16(o, little));
    case 'float32':
      return view.getFloat32(o, little);
    case 'float64':
      return view.getFloat64(o, little);
  }
}

/** An IEEE 754 half-precision value (read only: core has no float16, it reads as float32). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Writes `value` into the field at `at` of a record (little-endian when `little`). */
export function writePackedField(
  view: DataView,
  at: number,
  field: PackedField,
  value: number | bigint | boolean | string,
  little: boolean,
): void {
  const o = at + field.offset;
  if (field.kind === 'utf32') {
    writeUtf32(view, o, field.size, String(value), little);
    return;
  }
  const n = typeof value === 'boolean' ? Number(value) : value;
  switch (field.type) {
    case 'float16':
      throw new RangeError('float16 is read only');
    case 'bool':
    case 'uint8':
      view.setUint8(o, Number(n));
      return;
    case 'int8':
      view.setInt8(o, Number(n));
      return;
    case 'int16':
      view.setInt16(o, Number(n), little);
      return;
    case 'uint16':
      view.setUint16(o, Number(n), little);
      return;
    case 'int32':
      view.setInt32(o, Number(n), little);
      return;
    case 'uint32':
      view.setUint32(o, Number(n), little);
      return;
    case 'int64':
      view.setBigInt64(o, BigInt(n), little);
      return;
    case 'uint64':
      view.setBigUint64(o, BigInt(n), little);
      return;
    case 'float32':
      view.setFloat32(o, Number(n), little);
      return;
    case 'float64':
      view.setFloat64(o, Number(n), little);
      return;
  }
}

function readUtf32(view: DataView, at: number, size: number, little: boolean): string {
  let end = size / 4;
  // Trailing U+0000 are padding.
  while (end > 0 && view.getUint32(at + (end - 1) * 4, little) === 0) end--;
  let out = '';
  for (let i = 0; i < end; i++) {
    const cp = view.getUint32(at + i * 4, little);
    out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  }
  return out;
}

/** Code points of `text` (the length that must fit a `fixed_length_utf32` field). */
export function utf32Length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function writeUtf32(view: DataView, at: number, size: number, text: string, little: boolean): void {
  let i = 0;
  for (const ch of text) {
    if (i * 4 >= size) throw new RangeError(`text longer than ${size / 4} characters`);
    view.setUint32(at + i * 4, ch.codePointAt(0)!, little);
    i++;
  }
  for (; i * 4 < size; i++) view.setUint32(at + i * 4, 0, little);
}
