/**
 * What a v3 array is made of when written: the dataset definition becomes hdmf-zarr 0.14's
 * spelling (`data_type`, `fill_value`, `codecs` as zarr-python writes them by default, `_DTYPE`),
 * and a record in the package's `ArrayRecord` shape, so that the v2 writer's block-to-chunk
 * machinery (`write-data.ts`, `chunk-io.ts`'s fill) serves both formats. A scalar is a 0-d array
 * (its record, like v2's, holds it as shape (1,), which only the chunk key tells apart).
 */
import type { CompoundDType, NdArray } from '@nwbjs/core';
import type { DatasetDefinition } from '@nwbjs/core/backend';
import { UnsupportedError, isNumericDType, isTextDType } from '@nwbjs/core';
import { isCompoundDType } from '@nwbjs/core/backend';
import { compressionMetadata } from '../codecs.js';
import type { JsonOut, JsonValue } from '../conventions/json.js';
import { JsonNumber, parseJson, stringifyJson } from '../conventions/json.js';
import { fillJson } from '../fill-values.js';
import type { ArrayRecord } from '../metadata.js';
import type { PackedField } from './packed-records.js';
import { packedNumberSize, utf32Length } from './packed-records.js';

/** hdmf-zarr's minimum width of a text or reference field of a struct, in characters. */
export const STRUCT_TEXT_MIN_LENGTH = 512;

/** What the v3 writer adds to an array record. */
export interface V3Extras {
  /** `data_type` as written. */
  readonly dataType: JsonOut;
  /** `fill_value` as written. */
  readonly fill: JsonOut;
  /** `codecs` as written. */
  readonly codecs: JsonOut[];
  /** Packed records (`struct`): field layout; undefined for every other type. */
  readonly struct?: {
    readonly fields: readonly PackedField[];
    readonly itemSize: number;
    readonly dtype: CompoundDType;
  };
  /** A 0-d array. */
  readonly zeroD: boolean;
  /** Text kind v3 cannot keep (ascii), kept in the `nwbjs` member for this library. */
  readonly textKind?: { readonly ascii: true; readonly length?: number };
  /**
   * An empty dataset of region references (or records with such fields), which v3 cannot hold but
   * an empty one can stand for: `true` for a region array, else the region fields' names.
   */
  readonly region?: true | readonly string[];
}

/** An array record of the v3 writer. */
export type V3ArrayRecord = ArrayRecord & { readonly v3: V3Extras };

function toJsonValue(value: JsonOut): JsonValue {
  return parseJson(stringifyJson(value, 0, false));
}

/** The v3 compressor codecs for a compression (after the serializer). */
function compressorCodecs(v2: { compressor: JsonOut; filters: JsonOut[] }, itemSize: number): JsonOut[] {
  const out: JsonOut[] = [];
  for (const f of v2.filters) {
    const filter = f as { id: string; elementsize: number };
    out.push({ name: 'numcodecs.shuffle', configuration: { elementsize: filter.elementsize } });
  }
  const c = v2.compressor as Record<string, JsonOut> | null;
  if (c === null) return out;
  switch (c['id']) {
    case 'zstd':
      out.push({ name: 'zstd', configuration: { level: c['level']!, checksum: false } });
      break;
    case 'gzip':
      out.push({ name: 'gzip', configuration: { level: c['level']! } });
      break;
    case 'blosc':
      out.push({
        name: 'blosc',
        configuration: {
          typesize: itemSize,
          cname: c['cname']!,
          clevel: c['clevel']!,
          shuffle: c['shuffle'] === 0 ? 'noshuffle' : 'shuffle',
          blocksize: 0,
        },
      });
      break;
    case 'lz4':
      out.push({ name: 'numcodecs.lz4', configuration: { acceleration: c['acceleration']! } });
      break;
  }
  return out;
}

function structOf(
  dtype: CompoundDType,
  data: NdArray | undefined,
): { fields: PackedField[]; itemSize: number; json: JsonOut; fill: JsonOut } {
  let longest = 0;
  if (data !== undefined) {
    for (const row of data.data as Record<string, unknown>[]) {
      for (const f of dtype.compound) {
        const v = row[f.name];
        const text = typeof v === 'string' ? v : f.dtype === 'ref' ? (v as { path: string }).path : undefined;
        if (text !== undefined) longest = Math.max(longest, utf32Length(text));
      }
    }
  }
  const width = Math.max(STRUCT_TEXT_MIN_LENGTH, longest) * 4;
  let offset = 0;
  const fields: PackedField[] = [];
  const jsonFields: JsonOut[] = [];
  const fill: Record<string, JsonOut> = {};
  for (const f of dtype.compound) {
    if (f.dtype === 'ref' || f.dtype === 'region' || isTextDType(f.dtype)) {
      fields.push({ name: f.name, kind: 'utf32', offset, size: width });
      jsonFields.push({
        name: f.name,
        data_type: { name: 'fixed_length_utf32', configuration: { length_bytes: width } },
      });
      fill[f.name] = '';
      offset += width;
    } else {
      const size = packedNumberSize(f.dtype)!;
      fields.push({ name: f.name, kind: 'number', type: f.dtype, offset, size });
      jsonFields.push({ name: f.name, data_type: f.dtype });
      fill[f.name] =
        f.dtype === 'bool' ? false : f.dtype.startsWith('float') ? new JsonNumber('0.0', true) : 0;
      offset += size;
    }
  }
  return { fields, itemSize: offset, json: { name: 'struct', configuration: { fields: jsonFields } }, fill };
}

/** `_DTYPE` as hdmf-zarr writes it (numpy's name; `str` for text; `object_reference` for references). */
function dtypeAttribute(dtype: DatasetDefinition['dtype']): string | undefined {
  if (isCompoundDType(dtype)) return undefined;
  if (dtype === 'ref') return 'object_reference';
  if (isTextDType(dtype) || dtype === 'region') return 'str';
  return dtype;
}

/** The record of a new v3 array at `path`; `chunks` is the chunk shape (ignored for a scalar). */
export function v3ArrayRecord(
  path: string,
  definition: DatasetDefinition,
  chunks: readonly number[] | undefined,
  data: NdArray | undefined,
): V3ArrayRecord {
  const { dtype, shape } = definition;
  const zeroD = shape.length === 0;
  // hdmf-zarr has no layout for region references; an empty dataset of them is written as text
  // (records with text fields) and marked for this library, as the v2 writer marks it `region`.
  const regionFields = isCompoundDType(dtype)
    ? dtype.compound.filter((f) => f.dtype === 'region').map((f) => f.name)
    : [];
  const region: V3Extras['region'] =
    dtype === 'region' ? true : regionFields.length > 0 ? regionFields : undefined;
  if (region !== undefined && shape.some((d) => d > 0))
    throw new UnsupportedError('region references have no Zarr layout', {
      path,
      feature: 'dtype:region',
      backend: 'zarr',
    });
  if (zeroD && isCompoundDType(dtype) && dtype.compound.some((f) => f.dtype === 'ref'))
    throw new UnsupportedError('a scalar compound with references has no hdmf-zarr layout', {
      path,
      feature: 'compound-scalar',
      backend: 'zarr',
    });
  let element: ArrayRecord['element'];
  let dataType: JsonOut;
  let fill: JsonOut;
  let serializer: JsonOut;
  let itemSize: number;
  let struct: V3Extras['struct'];
  if (isCompoundDType(dtype)) {
    const s = structOf(dtype, data);
    struct = { fields: s.fields, itemSize: s.itemSize, dtype };
    element = { kind: 'structured', fields: [], itemSize: s.itemSize };
    dataType = s.json;
    fill = s.fill;
    serializer = { name: 'bytes', configuration: { endian: 'little' } };
    itemSize = s.itemSize;
  } else if (isNumericDType(dtype) || dtype === 'bool') {
    itemSize = packedNumberSize(dtype)!;
    element = { kind: 'numeric', dtype, itemSize, bigEndian: false };
    dataType = dtype;
    fill = dtype === 'bool' ? definition.fillValue === true : fillJson(definition.fillValue, dtype);
    serializer = itemSize === 1 ? { name: 'bytes' } : { name: 'bytes', configuration: { endian: 'little' } };
  } else {
    itemSize = 8;
    element = { kind: 'object', codec: 'vlen-utf8' };
    dataType = 'string';
    fill = '';
    serializer = { name: 'vlen-utf8', configuration: {} };
  }
  // Text and references without a compression get hdmf-zarr's default (zstd), as numbers do from
  // the IO's write defaults.
  const compression =
    definition.compression ?? (element.kind === 'object' ? { codec: 'zstd' as const, level: 0 } : undefined);
  const v2 = compressionMetadata(compression, itemSize, path);
  // zstd without a level: zarr-python 3's default, level 0 (zstd's own default level).
  if (compression?.codec === 'zstd' && compression.level === undefined)
    (v2.compressor as Record<string, JsonOut>)['level'] = 0;
  const codecs = [serializer, ...compressorCodecs(v2, itemSize)];
  const attrs = new Map<string, JsonValue>();
  const marker = dtypeAttribute(dtype);
  if (marker !== undefined) attrs.set('_DTYPE', marker);
  if (isCompoundDType(dtype)) {
    const refs = dtype.compound.filter((f) => f.dtype === 'ref').map((f) => f.name);
    if (refs.length > 0) attrs.set('_REFERENCE_FIELDS', refs);
  }
  const textKind: V3Extras['textKind'] =
    dtype === 'ascii'
      ? { ascii: true, ...(data?.textLength !== undefined ? { length: data.textLength } : {}) }
      : undefined;
  const storedShape = zeroD ? [1] : [...shape];
  const chunkShape = zeroD ? [1] : chunks !== undefined ? [...chunks] : shape.map((d) => Math.max(1, d));
  return {
    kind: 'array',
    path,
    shape: storedShape,
    chunks: chunkShape,
    scalar: zeroD,
    dtype,
    rawDType: toJsonValue(dataType),
    element,
    separator: '/',
    fill: toJsonValue(fill),
    compressor: toJsonValue(v2.compressor),
    filters: toJsonValue(v2.filters.length > 0 ? v2.filters : null),
    maxShape: definition.maxShape === undefined || zeroD ? undefined : [...definition.maxShape],
    attrs,
    attributeDTypes: new Map(),
    v3: {
      dataType,
      fill,
      codecs,
      ...(struct ? { struct } : {}),
      zeroD,
      ...(textKind ? { textKind } : {}),
      ...(region ? { region } : {}),
    },
  };
}
