/**
 * Zarr format 3 chunks as they are stored, for conversion by copying chunks: an unsharded array's
 * `codecs` as core's neutral `ChunkEncoding` and back. Only chains that mean exactly the same bytes
 * on both sides are named: the `bytes` serializer little-endian (nothing before it: no `transpose`),
 * then `numcodecs.shuffle`, then at most one of `gzip`, `zstd` (without checksums), `blosc`,
 * `numcodecs.lz4` (and, read only, `numcodecs.zlib`). Format 2's `gzip`/`zstd`/`blosc`/`lz4`
 * compressors are these same numcodecs codecs, so their chunks move between the formats as they
 * are; format 2's `zlib` (HDF5's deflate) has no standard v3 codec and is decoded instead.
 * A sharded array's chunks are shards of inner chunks: never handed out (conversion decodes them).
 */
import type { ChunkCodec, ChunkEncoding, DatasetDefinition } from '@nwbjs/core/backend';
import type { DType, NumericDType } from '@nwbjs/core';
import { isNumericDType } from '@nwbjs/core';
import type { JsonOut, JsonObject } from '../conventions/json.js';
import { toJsonValue } from '../conventions/json.js';
import { encodingFits, encodingMetadata, numberIn } from '../stored-chunks.js';
import type { V3ArrayRecord } from './array-definition.js';
import { v3ArrayRecord } from './array-definition.js';
import { numericFill } from './fill-value.js';
import type { V3Array } from './node-document.js';

/** Blosc's shuffle setting: v3 names, core's numbers. */
const BLOSC_SHUFFLES = ['noshuffle', 'shuffle', 'bitshuffle'] as const;

/**
 * How the chunks of `array` are stored, in core's terms; undefined where they cannot be handed out
 * as they are: 0-d arrays, elements other than numbers, big-endian or transposed elements, a fill
 * value `stat` cannot report (NaN), sharding, or a codec not named above.
 */
export function v3EncodingOf(array: V3Array): ChunkEncoding | undefined {
  const dtype = array.dataType;
  if (array.shape.length === 0 || typeof dtype !== 'string' || !isNumericDType(dtype as DType))
    return undefined;
  const fill = numericFill(array.fill, dtype, array.path);
  if (fill === undefined || (typeof fill === 'number' && Number.isNaN(fill))) return undefined;
  const [serializer, ...rest] = array.codecs;
  if (serializer?.get('name') !== 'bytes') return undefined;
  const endian = configOf(serializer).get('endian');
  if (endian !== 'little' && !(endian === undefined && (dtype === 'int8' || dtype === 'uint8')))
    return undefined;
  const codecs: ChunkCodec[] = [];
  for (const codec of rest) {
    const step = neutralCodec(codec);
    if (step === undefined) return undefined;
    // Shuffles, then one compressor, as every format 2 pipeline core names.
    if (codecs.some((c) => c.id !== 'shuffle')) return undefined;
    codecs.push(step);
  }
  return { dtype: dtype as NumericDType, chunks: [...array.chunkShape], codecs };
}

/** One bytes-to-bytes codec in core's terms; undefined for one that is not named exactly. */
function neutralCodec(codec: JsonObject): ChunkCodec | undefined {
  const config = configOf(codec);
  switch (codec.get('name')) {
    case 'numcodecs.shuffle': {
      const elementSize = numberIn(config, 'elementsize');
      return elementSize === undefined ? undefined : { id: 'shuffle', elementSize };
    }
    case 'gzip':
      return { id: 'gzip', level: numberIn(config, 'level') ?? 5 };
    case 'numcodecs.zlib':
      return { id: 'zlib', level: numberIn(config, 'level') ?? 1 };
    case 'zstd': {
      const checksum = config.get('checksum');
      if (checksum !== undefined && checksum !== false) return undefined;
      return { id: 'zstd', level: numberIn(config, 'level') ?? 0 };
    }
    case 'blosc': {
      const cname = config.get('cname');
      const shuffle = BLOSC_SHUFFLES.indexOf(config.get('shuffle') as (typeof BLOSC_SHUFFLES)[number]);
      if (typeof cname !== 'string' || shuffle < 0) return undefined;
      return { id: 'blosc', cname, level: numberIn(config, 'clevel') ?? 5, shuffle };
    }
    case 'numcodecs.lz4':
      return { id: 'lz4' };
    default:
      return undefined;
  }
}

function configOf(codec: JsonObject): JsonObject {
  const config = codec.get('configuration');
  return config instanceof Map ? config : new Map();
}

/**
 * The v3 record of a new array whose chunks are stored encoded as `encoding`: the plain record of
 * `definition` with `encoding`'s codecs after the serializer; undefined when the encoding has no
 * exact v3 spelling (`zlib`, a Blosc shuffle v3 cannot name) or does not fit the definition.
 */
export function v3EncodedArrayRecord(
  path: string,
  definition: DatasetDefinition,
  encoding: ChunkEncoding,
): V3ArrayRecord | undefined {
  const v2 = encodingMetadata(encoding);
  if (v2 === undefined || !encodingFits(definition, encoding)) return undefined;
  const plain = v3ArrayRecord(path, { ...definition, compression: undefined }, encoding.chunks, undefined);
  const itemSize = plain.element.kind === 'numeric' ? plain.element.itemSize : 0;
  const codecs: JsonOut[] = [];
  for (const codec of encoding.codecs) {
    const spelled = v3Codec(codec, itemSize);
    if (spelled === undefined) return undefined;
    codecs.push(spelled);
  }
  return {
    ...plain,
    compressor: toJsonValue(v2.compressor),
    filters: toJsonValue(v2.filters),
    v3: { ...plain.v3, codecs: [plain.v3.codecs[0]!, ...codecs] },
  };
}

/** A neutral codec as a v3 codec, spelled as this package's v3 writer spells it. */
function v3Codec(codec: ChunkCodec, itemSize: number): JsonOut | undefined {
  switch (codec.id) {
    case 'shuffle':
      return { name: 'numcodecs.shuffle', configuration: { elementsize: codec.elementSize } };
    case 'gzip':
      return { name: 'gzip', configuration: { level: codec.level } };
    case 'zstd':
      return { name: 'zstd', configuration: { level: codec.level, checksum: false } };
    case 'blosc': {
      const shuffle = BLOSC_SHUFFLES[codec.shuffle];
      if (shuffle === undefined) return undefined;
      return {
        name: 'blosc',
        configuration: { typesize: itemSize, cname: codec.cname, clevel: codec.level, shuffle, blocksize: 0 },
      };
    }
    case 'lz4':
      return { name: 'numcodecs.lz4', configuration: { acceleration: 1 } };
    default:
      // zlib: numcodecs.zlib is no standard v3 codec; other readers would not know it.
      return undefined;
  }
}
