/**
 * What the elements of a v3 array are, in core's terms, and who decodes them. The type comes from
 * `data_type`, refined by hdmf-zarr's attributes: `_DTYPE: "object_reference"` makes a `string`
 * array a reference array (elements are target paths), `_REFERENCE_FIELDS` marks the reference
 * fields of a struct. Stores converted from v2 by hdmf-zarr may carry the legacy `zarr_dtype`
 * instead (`"object"` for references). `_DTYPE` is never parsed for widths: hdmf-zarr writes it
 * inconsistently (`"float"`, `"<f8"`), and `data_type` is the truth.
 */
import type { CompoundDType, CompoundField, DType, NumericDType } from '@nwbjs/core';
import { InvalidFileError, UnsupportedError, isNumericDType } from '@nwbjs/core';
import { NUMPY_TYPES } from '../conventions/zarr-dtype.js';
import type { JsonValue } from '../conventions/json.js';
import type { V3Array } from './node-document.js';
import type { PackedField, PackedLayout, PackedNumber } from './packed-records.js';
import { packedNumberSize, structFields, utf32Width } from './packed-records.js';

/**
 * How an array's elements are read: `zarrita` (numbers, bools and `string` text, decoded by
 * zarrita's codec pipeline), or `packed` (struct records, fixed-width text and float16, widened to
 * float32, decoded here from the bytes zarrita's codecs leave).
 */
export type V3Element =
  | { readonly kind: 'zarrita'; readonly dtype: NumericDType | 'bool' | 'utf8' | 'ref' }
  /** Variable-length bytes (`variable_length_bytes`, serializer `vlen-bytes`), read as ASCII text here. */
  | { readonly kind: 'vlen-bytes'; readonly dtype: 'ascii' }
  /** An empty array of region references, as this library writes one (see `regionOf`). */
  | { readonly kind: 'empty-region'; readonly dtype: 'region' }
  | {
      readonly kind: 'packed';
      readonly dtype: DType;
      readonly layout: PackedLayout;
      readonly littleEndian: boolean;
      readonly refFields: ReadonlySet<string>;
    };

function unsupported(what: string, path: string): UnsupportedError {
  return new UnsupportedError(`${what} is not supported`, {
    path,
    feature: `zarr-v3:${what}`,
    backend: 'zarr',
  });
}

/** True when the attributes mark a `string` array as references. */
function isReferenceArray(attrs: V3Array['attrs']): boolean {
  const marker = attrs.get('_DTYPE') ?? attrs.get('zarr_dtype');
  return marker === 'object_reference' || marker === 'object';
}

/**
 * What this library's `nwbjs` member says of region references (v3 has no layout for them; only
 * empty datasets of them are written): `true` for a region array, else the region fields' names.
 */
function regionOf(array: V3Array): true | Set<string> {
  const ext = array.document.get('nwbjs');
  if (!(ext instanceof Map)) return new Set();
  if (ext.get('dtype') === 'region') return true;
  const fields = ext.get('region_fields');
  return new Set(Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : []);
}

/** The element type of `array`. */
export function elementOf(array: V3Array): V3Element {
  const { dataType, path } = array;
  const region = regionOf(array);
  if (region === true) return { kind: 'empty-region', dtype: 'region' };
  if (typeof dataType === 'string') {
    if (isNumericDType(dataType as DType)) return { kind: 'zarrita', dtype: dataType as NumericDType };
    if (dataType === 'float16') {
      // zarrita needs a Float16Array (Node 20 has none): read here, widened to float32.
      const field: PackedField = { name: '', kind: 'number', type: 'float16', offset: 0, size: 2 };
      return {
        kind: 'packed',
        dtype: 'float32',
        layout: { fields: [field], itemSize: 2 },
        littleEndian: bytesEndian(array) !== 'big',
        refFields: new Set(),
      };
    }
    if (dataType === 'bool') return { kind: 'zarrita', dtype: 'bool' };
    // zarr-python 3's name for numpy's object arrays of bytes (`bytes` in its first releases).
    if (dataType === 'variable_length_bytes' || dataType === 'bytes')
      return { kind: 'vlen-bytes', dtype: 'ascii' };
    if (dataType === 'string')
      return { kind: 'zarrita', dtype: isReferenceArray(array.attrs) ? 'ref' : 'utf8' };
    throw unsupported(`data_type ${dataType}`, path);
  }
  const little = bytesEndian(array) !== 'big';
  const width = utf32Width(dataType);
  if (width !== undefined) {
    if (width < 0) throw new InvalidFileError('fixed_length_utf32 has no valid length_bytes', { path });
    const field: PackedField = { name: '', kind: 'utf32', offset: 0, size: width };
    return {
      kind: 'packed',
      dtype: isReferenceArray(array.attrs) ? 'ref' : 'utf8',
      layout: { fields: [field], itemSize: width },
      littleEndian: little,
      refFields: new Set(),
    };
  }
  const fields = structFields(dataType);
  if (fields === undefined) throw unsupported(`data_type ${JSON.stringify(dataType)}`, path);
  if (fields.length === 0) throw new InvalidFileError('struct data_type lists no fields', { path });
  const refFields = referenceFields(array.attrs.get('_REFERENCE_FIELDS'), path);
  let offset = 0;
  const packed: PackedField[] = [];
  const compound: CompoundField[] = [];
  for (const [name, type] of fields) {
    if (name === '') throw new InvalidFileError('a struct field has no name', { path });
    const field = packedField(name, type, offset, path);
    packed.push(field);
    offset += field.size;
    compound.push({
      name,
      dtype: refFields.has(name)
        ? 'ref'
        : region.has(name) && field.kind === 'utf32'
          ? 'region'
          : field.kind === 'utf32'
            ? 'utf8'
            : field.type === 'float16'
              ? 'float32'
              : field.type,
    });
  }
  for (const name of refFields) {
    const field = packed.find((f) => f.name === name);
    if (field?.kind !== 'utf32')
      throw new InvalidFileError(`_REFERENCE_FIELDS names ${JSON.stringify(name)}, not a text field`, {
        path,
      });
  }
  const dtype: CompoundDType = { compound };
  return {
    kind: 'packed',
    dtype,
    layout: { fields: packed, itemSize: offset },
    littleEndian: little,
    refFields,
  };
}

function packedField(name: string, type: JsonValue, offset: number, path: string): PackedField {
  if (typeof type === 'string') {
    // `structured` spells numpy types (`<f8`, `|b1`); `struct` spells v3 names.
    const v3 = typeof type === 'string' ? numpyToV3(type) : undefined;
    const size = v3 === undefined ? undefined : packedNumberSize(v3);
    if (size !== undefined) return { name, kind: 'number', type: v3 as PackedNumber, offset, size };
    const utf = /^[<>|]?U(\d+)$/.exec(type);
    if (utf !== null) return { name, kind: 'utf32', offset, size: Number(utf[1]) * 4 };
  }
  const width = utf32Width(type);
  if (width !== undefined && width >= 0) return { name, kind: 'utf32', offset, size: width };
  throw unsupported(`struct field ${name} of type ${JSON.stringify(type)}`, path);
}

function numpyToV3(type: string): string | undefined {
  if (packedNumberSize(type) !== undefined) return type;
  const m = /^[<>|=]?([biuf]\d)$/.exec(type);
  return m === null ? undefined : NUMPY_TYPES[m[1]!];
}

function referenceFields(value: JsonValue | undefined, path: string): Set<string> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new InvalidFileError('_REFERENCE_FIELDS is not a list of field names', { path });
  return new Set(value as string[]);
}

/** The `bytes` codec's `endian` (undefined when absent or when no bytes codec is used). */
function bytesEndian(array: V3Array): string | undefined {
  const bytes = array.codecs.find((c) => c.get('name') === 'bytes');
  const config = bytes?.get('configuration');
  const endian = config instanceof Map ? config.get('endian') : undefined;
  return typeof endian === 'string' ? endian : undefined;
}
