/**
 * Node metadata: `.zarray` / `.zgroup` / `.zattrs` parsed and checked into records the backend
 * works from, and turned back into the JSON files a writer stores.
 */
import type { DType } from '@nwbjs/core';
import { InvalidFileError, UnsupportedError } from '@nwbjs/core';
import type { ByteCodec } from './codecs.js';
import { byteFiltersFromMetadata, compressorFromMetadata } from './codecs.js';
import type { JsonObject, JsonOut, JsonValue } from './conventions/json.js';
import { JsonNumber, parseJson } from './conventions/json.js';
import type { StoredLink } from './conventions/links.js';
import { linksFromJson } from './conventions/links.js';
import type { ElementCodec } from './conventions/zarr-dtype.js';
import { elementCodecOf, neutralDType } from './conventions/zarr-dtype.js';

/** The extension member this library adds to `.zgroup` / `.zarray` (ignored by zarr-python). */
export const EXTENSION_KEY = 'nwbjs';

/** A group as the backend knows it. */
export interface GroupRecord {
  readonly kind: 'group';
  readonly path: string;
  /** `.zattrs` as stored, reserved entries included. */
  attrs: Map<string, JsonValue>;
  links: Map<string, StoredLink>;
  /** Attribute dtypes JSON cannot carry. */
  attributeDTypes: Map<string, string>;
}

/** An array as the backend knows it. */
export interface ArrayRecord {
  readonly kind: 'array';
  readonly path: string;
  /** Stored shape ((1,) for a scalar) and chunk shape. */
  shape: number[];
  readonly chunks: number[];
  readonly scalar: boolean;
  readonly dtype: DType;
  /** The `.zarray` dtype as stored (`<f8`, `|O`, ...). */
  readonly rawDType: JsonValue;
  readonly element: ElementCodec;
  readonly separator: string;
  readonly fill: JsonValue;
  readonly compressor: JsonValue;
  readonly filters: JsonValue;
  readonly maxShape: (number | null)[] | undefined;
  attrs: Map<string, JsonValue>;
  attributeDTypes: Map<string, string>;
  /** Byte codecs (filters then compressor), loaded on first use. */
  codecs?: Promise<{ filters: ByteCodec[]; compressor: ByteCodec | undefined }>;
}

/** Any node record. */
export type NodeRecord = GroupRecord | ArrayRecord;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a metadata file's bytes as JSON; failures become InvalidFileError naming the path. */
export function parseMetadataBytes(bytes: Uint8Array, key: string, path: string): JsonValue {
  try {
    return parseJson(decoder.decode(bytes));
  } catch (cause) {
    throw new InvalidFileError(`${key} is not valid JSON`, { path, cause });
  }
}

function dims(value: JsonValue | undefined, what: string, path: string, min: number): number[] {
  if (!Array.isArray(value)) throw new InvalidFileError(`.zarray ${what} is not a list`, { path });
  return value.map((d) => {
    if (!(d instanceof JsonNumber) || d.isFloat || !Number.isSafeInteger(d.value) || d.value < min) {
      throw new InvalidFileError(`.zarray ${what} holds an invalid extent`, { path });
    }
    return d.value;
  });
}

/** Where a Zarr format 2 array's chunks are: its shape, chunk shape and chunk key separator. */
export interface ZarrayGrid {
  readonly shape: number[];
  readonly chunks: number[];
  readonly separator: '.' | '/';
}

/**
 * The chunk grid of a parsed `.zarray`, checked: format 2, whole non-negative extents, chunks of
 * the shape's rank, C order, a known separator. Shared by every reader of `.zarray` files (this
 * package's and LINDI's reference files), so they accept and refuse the same things.
 */
export function zarrayGrid(zarray: JsonObject, path: string): ZarrayGrid {
  const format = zarray.get('zarr_format');
  if (!(format instanceof JsonNumber) || format.value !== 2)
    throw new InvalidFileError('.zarray is not Zarr format 2', { path });
  const shape = dims(zarray.get('shape'), 'shape', path, 0);
  const chunks = dims(zarray.get('chunks'), 'chunks', path, 1);
  if (chunks.length !== shape.length)
    throw new InvalidFileError('.zarray chunks and shape differ in rank', { path });
  const order = zarray.get('order') ?? 'C';
  if (order !== 'C')
    throw new UnsupportedError(`.zarray order ${JSON.stringify(order)} is not supported (only C)`, {
      path,
      feature: `order:${typeof order === 'string' ? order : 'unknown'}`,
      backend: 'zarr',
    });
  const separator = zarray.get('dimension_separator') ?? '.';
  if (separator !== '.' && separator !== '/')
    throw new InvalidFileError('invalid dimension_separator', { path });
  return { shape, chunks, separator };
}

function extension(meta: JsonObject): {
  attributeDTypes: Map<string, string>;
  maxShape: (number | null)[] | undefined;
  dtype: 'ref' | 'ascii' | undefined;
} {
  const ext = meta.get(EXTENSION_KEY);
  const marked = ext instanceof Map ? ext.get('dtype') : undefined;
  const dtype = marked === 'ref' || marked === 'ascii' ? marked : undefined;
  const attributeDTypes = new Map<string, string>();
  let maxShape: (number | null)[] | undefined;
  if (ext instanceof Map) {
    const dt = ext.get('attribute_dtypes');
    if (dt instanceof Map) for (const [k, v] of dt) if (typeof v === 'string') attributeDTypes.set(k, v);
    const ms = ext.get('max_shape');
    if (Array.isArray(ms) && ms.every((d) => d === null || (d instanceof JsonNumber && !d.isFloat))) {
      maxShape = ms.map((d) => (d === null ? null : (d as JsonNumber).value));
    }
  }
  return { attributeDTypes, maxShape, dtype };
}

function attrsMap(attrs: JsonValue | undefined, path: string): Map<string, JsonValue> {
  if (attrs === undefined) return new Map();
  if (!(attrs instanceof Map)) throw new InvalidFileError('.zattrs is not a JSON object', { path });
  return attrs;
}

/** A group record from parsed `.zgroup` and `.zattrs`. */
export function groupRecord(path: string, zgroup: JsonValue, zattrs: JsonValue | undefined): GroupRecord {
  if (!(zgroup instanceof Map)) throw new InvalidFileError('.zgroup is not a JSON object', { path });
  const format = zgroup.get('zarr_format');
  if (!(format instanceof JsonNumber) || format.value !== 2)
    throw new InvalidFileError('.zgroup is not Zarr format 2', { path });
  const attrs = attrsMap(zattrs, path);
  const links = new Map(linksFromJson(attrs.get('zarr_link'), path).map((l) => [l.name, l]));
  return { kind: 'group', path, attrs, links, attributeDTypes: extension(zgroup).attributeDTypes };
}

/** An array record from parsed `.zarray` and `.zattrs`. */
export function arrayRecord(path: string, zarray: JsonValue, zattrs: JsonValue | undefined): ArrayRecord {
  if (!(zarray instanceof Map)) throw new InvalidFileError('.zarray is not a JSON object', { path });
  const { shape, chunks, separator } = zarrayGrid(zarray, path);
  const filters = zarray.get('filters') ?? null;
  const element = elementCodecOf(zarray.get('dtype') ?? null, filters, path);
  const attrs = attrsMap(zattrs, path);
  const zarrDType = attrs.get('zarr_dtype');
  const scalar = zarrDType === 'scalar' && shape.length === 1 && shape[0] === 1;
  const ext = extension(zarray);
  return {
    kind: 'array',
    path,
    shape,
    chunks,
    scalar,
    // A scalar reference is spelled like a cached spec (json2, "scalar"), and ASCII text like
    // UTF-32 text (`<U`, which Python reads as str); this writer marks both.
    dtype:
      scalar && ext.dtype === 'ref' && element.kind === 'object'
        ? 'ref'
        : ext.dtype === 'ascii' && element.kind === 'fixed-text' && element.encoding === 'U'
          ? 'ascii'
          : neutralDType(element, zarrDType ?? null, path),
    rawDType: zarray.get('dtype') ?? null,
    element,
    separator,
    fill: zarray.get('fill_value') ?? null,
    compressor: zarray.get('compressor') ?? null,
    filters,
    maxShape: ext.maxShape,
    attrs,
    attributeDTypes: ext.attributeDTypes,
  };
}

/** Byte codecs of an array, loaded once. */
export function codecsOf(
  record: ArrayRecord,
): Promise<{ filters: ByteCodec[]; compressor: ByteCodec | undefined }> {
  record.codecs ??= (async () => ({
    filters:
      record.element.kind === 'numeric' || record.element.kind === 'structured'
        ? byteFiltersFromMetadata(record.filters, record.path)
        : [],
    compressor: await compressorFromMetadata(record.compressor, record.path),
  }))();
  return record.codecs;
}

/** The `.zarray` JSON of an array record. */
export function zarrayJson(record: ArrayRecord): JsonOut {
  const out: Record<string, JsonOut> = {
    chunks: record.chunks,
    compressor: record.compressor as JsonOut,
    dtype: record.rawDType as JsonOut,
    fill_value: record.fill as JsonOut,
    filters: record.filters as JsonOut,
    order: 'C',
    shape: record.shape,
    zarr_format: 2,
  };
  const marked =
    record.scalar && record.dtype === 'ref'
      ? 'ref'
      : record.dtype === 'ascii' && record.element.kind === 'fixed-text' && record.element.encoding === 'U'
        ? 'ascii'
        : undefined;
  const ext = extensionJson(record.attributeDTypes, record.maxShape, marked);
  if (ext !== undefined) out[EXTENSION_KEY] = ext;
  return out;
}

/** The `.zgroup` JSON of a group record. */
export function zgroupJson(record: GroupRecord): JsonOut {
  const out: Record<string, JsonOut> = { zarr_format: 2 };
  const ext = extensionJson(record.attributeDTypes, undefined, undefined);
  if (ext !== undefined) out[EXTENSION_KEY] = ext;
  return out;
}

function extensionJson(
  dtypes: Map<string, string>,
  maxShape: (number | null)[] | undefined,
  dtype: 'ref' | 'ascii' | undefined,
): JsonOut | undefined {
  if (dtypes.size === 0 && maxShape === undefined && dtype === undefined) return undefined;
  const out: Record<string, JsonOut> = {};
  if (dtype !== undefined) out['dtype'] = dtype;
  if (dtypes.size > 0) out['attribute_dtypes'] = Object.fromEntries(dtypes);
  if (maxShape !== undefined) out['max_shape'] = maxShape;
  return out;
}
