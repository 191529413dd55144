/**
 * One node's `zarr.json` (Zarr format 3), parsed and checked: a group or an array, its attributes
 * kept as parsed JSON (bare `NaN` tokens included, see `conventions/json.ts`). What the document
 * says is checked here once, so the rest of the v3 code works from trusted fields.
 */
import { InvalidFileError } from '@nwbjs/core';
import type { JsonObject, JsonValue } from '../conventions/json.js';
import { JsonNumber } from '../conventions/json.js';

/** A group's `zarr.json`. */
export interface V3Group {
  readonly kind: 'group';
  readonly path: string;
  /** The `attributes` member (reserved names included). */
  readonly attrs: JsonObject;
  /** The document as read, for `consolidated_metadata` on the root. */
  readonly document: JsonObject;
}

/** An array's `zarr.json`. */
export interface V3Array {
  readonly kind: 'array';
  readonly path: string;
  readonly attrs: JsonObject;
  readonly document: JsonObject;
  readonly shape: number[];
  /** The regular grid's chunk shape (a shard's shape when sharded). */
  readonly chunkShape: number[];
  /** `data_type` as stored: a name (`float64`, `string`) or an object (`struct`, `fixed_length_utf32`). */
  readonly dataType: JsonValue;
  /** `/` or `.`, from `chunk_key_encoding`. */
  readonly separator: '/' | '.';
  /** `default` keys (`c/0/1`) or `v2` keys (`0.1`). */
  readonly keyEncoding: 'default' | 'v2';
  readonly fill: JsonValue;
  /** `codecs` as stored: a list of `{name, configuration}`. */
  readonly codecs: JsonObject[];
}

/** A v3 node. */
export type V3Node = V3Group | V3Array;

/** True when `doc` is a Zarr format 3 node document (the content test of format detection). */
export function isV3Document(doc: JsonValue): doc is JsonObject {
  const format = doc instanceof Map ? doc.get('zarr_format') : undefined;
  return format instanceof JsonNumber && format.value === 3;
}

function extents(value: JsonValue | undefined, what: string, path: string, min: number): number[] {
  if (!Array.isArray(value)) throw new InvalidFileError(`zarr.json ${what} is not a list`, { path });
  return value.map((d) => {
    if (!(d instanceof JsonNumber) || d.isFloat || !Number.isSafeInteger(d.value) || d.value < min)
      throw new InvalidFileError(`zarr.json ${what} holds an invalid extent`, { path });
    return d.value;
  });
}

function attributesOf(doc: JsonObject, path: string): JsonObject {
  const attrs = doc.get('attributes');
  if (attrs === undefined || attrs === null) return new Map();
  if (!(attrs instanceof Map)) throw new InvalidFileError('zarr.json attributes is not an object', { path });
  return attrs;
}

/** Parses the `zarr.json` of the node at `path`; anything that is not format 3 is an InvalidFileError. */
export function parseNodeDocument(doc: JsonValue, path: string): V3Node {
  if (!isV3Document(doc)) throw new InvalidFileError('zarr.json is not Zarr format 3', { path });
  const attrs = attributesOf(doc, path);
  const nodeType = doc.get('node_type');
  if (nodeType === 'group') return { kind: 'group', path, attrs, document: doc };
  if (nodeType !== 'array')
    throw new InvalidFileError(`zarr.json node_type ${JSON.stringify(nodeType)} is unknown`, { path });
  const shape = extents(doc.get('shape'), 'shape', path, 0);
  const grid = doc.get('chunk_grid');
  const gridConfig = grid instanceof Map ? grid.get('configuration') : undefined;
  if (!(grid instanceof Map) || grid.get('name') !== 'regular' || !(gridConfig instanceof Map))
    throw new InvalidFileError('zarr.json chunk_grid is not a regular grid', { path });
  const chunkShape = extents(gridConfig.get('chunk_shape'), 'chunk_shape', path, 1);
  if (chunkShape.length !== shape.length)
    throw new InvalidFileError('zarr.json chunk_shape and shape differ in rank', { path });
  const encoding = doc.get('chunk_key_encoding');
  const encodingName = encoding instanceof Map ? encoding.get('name') : 'default';
  if (encodingName !== 'default' && encodingName !== 'v2')
    throw new InvalidFileError(`zarr.json chunk_key_encoding ${JSON.stringify(encodingName)} is unknown`, {
      path,
    });
  const config = encoding instanceof Map ? encoding.get('configuration') : undefined;
  const separator =
    (config instanceof Map ? config.get('separator') : undefined) ?? (encodingName === 'default' ? '/' : '.');
  if (separator !== '/' && separator !== '.')
    throw new InvalidFileError('zarr.json chunk key separator is neither / nor .', { path });
  const codecs = doc.get('codecs');
  if (!Array.isArray(codecs) || !codecs.every((c) => c instanceof Map && typeof c.get('name') === 'string'))
    throw new InvalidFileError('zarr.json codecs is not a list of named codecs', { path });
  const transformers = doc.get('storage_transformers');
  if (Array.isArray(transformers) && transformers.length > 0)
    throw new InvalidFileError('zarr.json storage_transformers are not supported', { path });
  return {
    kind: 'array',
    path,
    attrs,
    document: doc,
    shape,
    chunkShape,
    dataType: doc.get('data_type') ?? null,
    separator,
    keyEncoding: encodingName,
    fill: doc.get('fill_value') ?? null,
    codecs: codecs as JsonObject[],
  };
}

/** The store key of chunk `index` of `array`, relative to the array (`c/0/1`, `c` for 0-d, `0.1` for v2 keys). */
export function chunkKeyOf(array: V3Array, index: readonly number[]): string {
  if (array.keyEncoding === 'v2') return index.length === 0 ? '0' : index.join(array.separator);
  return ['c', ...index].join(array.separator);
}
