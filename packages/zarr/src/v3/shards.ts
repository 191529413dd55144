/**
 * Shards of the v3 `sharding_indexed` codec, for the arrays this package decodes itself (packed
 * records, variable-length bytes): zarrita reads sharded arrays of the types it knows, but its
 * shard reader is not reachable for others. A shard is its inner chunks, each encoded with the
 * codec's inner `codecs`, plus an index of `(offset, nbytes)` per inner chunk (uint64, both
 * 2^64-1 for a chunk not written) encoded with `index_codecs` at the shard's end (or start), its
 * CRC-32C checked where `index_codecs` has one.
 */
import { InvalidFileError, UnsupportedError } from '@nwbjs/core';
import type { JsonObject, JsonValue } from '../conventions/json.js';
import { JsonNumber } from '../conventions/json.js';
import { crc32c } from './crc32c.js';

/** How the shards of one array are laid out. */
export interface ShardLayout {
  /** Shape of an inner chunk (divides the shard shape). */
  readonly innerShape: readonly number[];
  /** Codecs of an inner chunk, serializer first. */
  readonly innerCodecs: JsonObject[];
  /** True when the index comes before the chunks (`index_location: "start"`). */
  readonly indexAtStart: boolean;
  /** Encoded size of the index, in bytes. */
  readonly indexBytes: number;
  /** Byte order of the index's numbers. */
  readonly indexLittleEndian: boolean;
  /** Whether a CRC-32C of the index follows it (`crc32c` among `index_codecs`). */
  readonly indexChecksum: boolean;
}

/** Where an inner chunk's bytes are in its shard. */
export interface InnerChunk {
  readonly offset: number;
  readonly length: number;
}

function invalid(message: string, path: string): InvalidFileError {
  return new InvalidFileError(`sharding_indexed: ${message}`, { path });
}

function extents(value: JsonValue | undefined, path: string): number[] {
  if (
    !Array.isArray(value) ||
    !value.every((d) => d instanceof JsonNumber && !d.isFloat && Number.isSafeInteger(d.value) && d.value > 0)
  )
    throw invalid('chunk_shape is not a list of positive extents', path);
  return value.map((d) => (d as JsonNumber).value);
}

/** The layout a `sharding_indexed` codec describes, for shards of `shardShape`. */
export function shardLayoutOf(codec: JsonObject, shardShape: readonly number[], path: string): ShardLayout {
  const config = codec.get('configuration');
  if (!(config instanceof Map)) throw invalid('no configuration', path);
  const innerShape = extents(config.get('chunk_shape'), path);
  if (innerShape.length !== shardShape.length || innerShape.some((d, axis) => shardShape[axis]! % d !== 0))
    throw invalid(`inner chunks ${JSON.stringify(innerShape)} do not tile the shard`, path);
  const named = (value: JsonValue | undefined, what: string): JsonObject[] => {
    if (!Array.isArray(value) || !value.every((c) => c instanceof Map && typeof c.get('name') === 'string'))
      throw invalid(`${what} is not a list of named codecs`, path);
    return value as JsonObject[];
  };
  const innerCodecs = named(config.get('codecs'), 'codecs');
  const indexCodecs = named(config.get('index_codecs'), 'index_codecs');
  const location = config.get('index_location') ?? 'end';
  if (location !== 'start' && location !== 'end') throw invalid('index_location is not start or end', path);
  const [serializer, ...after] = indexCodecs;
  if (
    serializer?.get('name') !== 'bytes' ||
    after.length > 1 ||
    after.some((c) => c.get('name') !== 'crc32c')
  )
    throw new UnsupportedError(
      `shard index codecs ${indexCodecs.map((c) => c.get('name')).join(', ')} (only bytes and crc32c)`,
      { path, feature: 'zarr-v3:shard-index-codecs', backend: 'zarr' },
    );
  const endian = (serializer.get('configuration') as JsonObject | undefined)?.get('endian') ?? 'little';
  const inner = innerShape.reduce((n, d, axis) => n * (shardShape[axis]! / d), 1);
  return {
    innerShape,
    innerCodecs,
    indexAtStart: location === 'start',
    indexBytes: inner * 16 + after.length * 4,
    indexLittleEndian: endian !== 'big',
    indexChecksum: after.length === 1,
  };
}

const NOT_WRITTEN = 0xffffffffffffffffn;

/**
 * Where each of the `count` inner chunks of `shard` is (C order of the inner chunks), undefined for
 * one not written; every range is checked to lie within the shard's chunk bytes.
 */
export function innerChunksOf(
  shard: Uint8Array,
  layout: ShardLayout,
  count: number,
  path: string,
): (InnerChunk | undefined)[] {
  if (shard.length < layout.indexBytes) throw invalid('a shard is shorter than its index', path);
  const at = layout.indexAtStart ? 0 : shard.length - layout.indexBytes;
  const view = new DataView(shard.buffer, shard.byteOffset + at, count * 16);
  if (layout.indexChecksum) {
    const index = shard.subarray(at, at + count * 16);
    const stored = new DataView(shard.buffer, shard.byteOffset + at + count * 16, 4).getUint32(0, true);
    if (crc32c(index) !== stored) throw invalid("a shard's index fails its crc32c checksum", path);
  }
  const out = new Array<InnerChunk | undefined>(count);
  for (let i = 0; i < count; i++) {
    const offset = view.getBigUint64(i * 16, layout.indexLittleEndian);
    const length = view.getBigUint64(i * 16 + 8, layout.indexLittleEndian);
    if (offset === NOT_WRITTEN && length === NOT_WRITTEN) continue;
    const end = offset + length;
    const lo = BigInt(layout.indexAtStart ? layout.indexBytes : 0);
    const hi = BigInt(layout.indexAtStart ? shard.length : shard.length - layout.indexBytes);
    if (offset < lo || end > hi) throw invalid(`inner chunk ${i} lies outside its shard`, path);
    out[i] = { offset: Number(offset), length: Number(length) };
  }
  return out;
}
