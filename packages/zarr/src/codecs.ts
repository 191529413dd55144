/**
 * The byte side of a Zarr v2 chunk: the compressor and the byte filters (shuffle). Deflate and the
 * numcodecs WASM codecs (Blosc, Zstd, LZ4) come from the platform (`#platform/...`): in Node,
 * deflate runs on node:zlib's thread pool and the WASM codecs on a small worker pool, so several
 * chunks compress at once on several cores; in the browser, deflate runs on CompressionStream and
 * the WASM codecs in-thread. zarrita's own pure-JS/DecompressionStream deflate is never used.
 */
import type { Compression } from '@nwbjs/core';
import { UnsupportedError } from '@nwbjs/core';
import { MAX_CHUNK_BYTES } from '@nwbjs/core/backend';
import { sharedCodecPool } from '#platform/codec-pool.js';
import { deflateCodec } from '#platform/deflate.js';
import type { JsonObject, JsonOut, JsonValue } from './conventions/json.js';
import { JsonNumber } from './conventions/json.js';
import type { PooledCodec } from './numcodecs-codec.js';

/** No chunk may inflate beyond the memory budget of one chunk (a guard against decompression bombs). */
const MAX_DECODED_BYTES = MAX_CHUNK_BYTES;

/** Encodes and decodes the bytes of one chunk. */
export interface ByteCodec {
  readonly id: string;
  encode(data: Uint8Array): Promise<Uint8Array>;
  /**
   * `expectedBytes`, when known, bounds the output; `alone`: the only chunk its read waits for (a
   * codec may then decode on the calling thread).
   */
  decode(data: Uint8Array, expectedBytes?: number, alone?: boolean): Promise<Uint8Array>;
}

function zlibCodec(id: 'zlib' | 'gzip', level: number): ByteCodec {
  const codec = deflateCodec(id, level);
  return {
    id,
    encode: (data) => codec.encode(data),
    decode: (data, expectedBytes, alone) =>
      codec.decode(data, Math.max(1, Math.min(MAX_DECODED_BYTES, expectedBytes ?? MAX_DECODED_BYTES)), alone),
  };
}

/** Blosc, Zstd and LZ4 (numcodecs WASM), run by the platform's shared codec runner. */
function pooledCodec(id: PooledCodec['id'], config: Record<string, unknown>): ByteCodec {
  const codec: PooledCodec = { id, config };
  return {
    id,
    encode: (data) => sharedCodecPool.encode(codec, data),
    decode: async (data, expectedBytes) => {
      if (id === 'blosc') checkBloscFrame(data, expectedBytes);
      const out = await sharedCodecPool.decode(codec, data);
      if (expectedBytes !== undefined && out.length > expectedBytes)
        throw new Error(`${id} output is larger than the chunk`);
      return out;
    },
  };
}

/**
 * A Blosc frame's 16-byte header says how many bytes it holds (`cbytes`, offset 12) and decodes to
 * (`nbytes`, offset 4): a frame cut short, or one that would inflate past the chunk, is refused
 * before it is decoded.
 */
function checkBloscFrame(data: Uint8Array, expectedBytes: number | undefined): void {
  if (data.length < 16) throw new Error(`blosc frame of ${data.length} bytes is shorter than its header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const nbytes = view.getUint32(4, true);
  const cbytes = view.getUint32(12, true);
  if (cbytes > data.length) throw new Error(`blosc frame is cut short (${data.length} of ${cbytes} bytes)`);
  if (nbytes > (expectedBytes ?? MAX_DECODED_BYTES))
    throw new Error(`blosc frame would decode to ${nbytes} bytes, more than the chunk holds`);
}

/** numcodecs' Shuffle filter: byte k of every element together. */
export function shuffleCodec(elementSize: number): ByteCodec {
  return {
    id: 'shuffle',
    encode: async (data) => shuffleBytes(data, elementSize, true),
    decode: async (data) => shuffleBytes(data, elementSize, false),
  };
}

function shuffleBytes(data: Uint8Array, size: number, forward: boolean): Uint8Array {
  if (size <= 1) return data;
  const n = Math.floor(data.length / size);
  const out = new Uint8Array(data.length);
  for (let b = 0; b < size; b++) {
    const base = b * n;
    if (forward) for (let i = 0; i < n; i++) out[base + i] = data[i * size + b]!;
    else for (let i = 0; i < n; i++) out[i * size + b] = data[base + i]!;
  }
  // Trailing bytes that do not fill an element stay in place, as numcodecs does.
  out.set(data.subarray(n * size), n * size);
  return out;
}

function num(obj: JsonObject, key: string, fallback: number): number {
  const v = obj.get(key);
  return v instanceof JsonNumber ? v.value : fallback;
}

/** The compressor a `.zarray` names (`null` for none). Unknown codecs are an UnsupportedError. */
export async function compressorFromMetadata(
  config: JsonValue,
  path: string,
): Promise<ByteCodec | undefined> {
  if (config === null) return undefined;
  if (!(config instanceof Map))
    throw new UnsupportedError('compressor is not an object', {
      path,
      feature: 'compressor',
      backend: 'zarr',
    });
  const id = config.get('id');
  switch (id) {
    case 'zlib':
    case 'gzip':
      return zlibCodec(id, num(config, 'level', 1));
    case 'blosc':
      return pooledCodec('blosc', {
        cname: bloscCname(config.get('cname') ?? 'lz4', path),
        clevel: num(config, 'clevel', 5),
        shuffle: num(config, 'shuffle', 1),
        blocksize: num(config, 'blocksize', 0),
      });
    case 'zstd':
      return pooledCodec('zstd', { level: num(config, 'level', 1) });
    case 'lz4':
      return pooledCodec('lz4', { acceleration: num(config, 'acceleration', 1) });
    default:
      throw new UnsupportedError(`compressor ${JSON.stringify(id)} is not supported`, {
        path,
        feature: `compression:${String(id)}`,
        backend: 'zarr',
      });
  }
}

/** Blosc's inner compressors that numcodecs' WASM build has. */
export const BLOSC_CNAMES: readonly string[] = ['blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd'];

function bloscCname(cname: unknown, path: string): string {
  if (typeof cname === 'string' && BLOSC_CNAMES.includes(cname)) return cname;
  throw new UnsupportedError(`blosc compressor ${JSON.stringify(cname)} is not supported`, {
    path,
    feature: `compression:blosc-${String(cname)}`,
    backend: 'zarr',
  });
}

/** Byte filters of a numeric array's `.zarray` (shuffle only). */
export function byteFiltersFromMetadata(filters: JsonValue, path: string): ByteCodec[] {
  if (filters === null) return [];
  if (!Array.isArray(filters))
    throw new UnsupportedError('filters is not a list', { path, feature: 'filters', backend: 'zarr' });
  return filters.map((f) => {
    const id = f instanceof Map ? f.get('id') : undefined;
    if (id === 'shuffle' && f instanceof Map) return shuffleCodec(num(f, 'elementsize', 4));
    throw new UnsupportedError(`filter ${JSON.stringify(id)} is not supported`, {
      path,
      feature: `filter:${String(id)}`,
      backend: 'zarr',
    });
  });
}

/** The codecs createDataset accepts. */
export const SUPPORTED_CODECS: readonly Compression['codec'][] = ['gzip', 'zstd', 'blosc', 'lz4'];

/** `.zarray` compressor and filters for a requested compression of elements of `itemSize` bytes. */
export function compressionMetadata(
  compression: Compression | undefined,
  itemSize: number,
  path: string,
): { compressor: JsonOut; filters: JsonOut[] } {
  if (compression === undefined) return { compressor: null, filters: [] };
  const shuffle = compression.shuffle === true && itemSize > 1;
  const shuffleFilter: JsonOut[] = shuffle ? [{ id: 'shuffle', elementsize: itemSize }] : [];
  switch (compression.codec) {
    case 'gzip':
      return { compressor: { id: 'gzip', level: compression.level ?? 4 }, filters: shuffleFilter };
    case 'zstd':
      return { compressor: { id: 'zstd', level: compression.level ?? 3 }, filters: shuffleFilter };
    case 'lz4':
      return { compressor: { id: 'lz4', acceleration: 1 }, filters: shuffleFilter };
    case 'blosc':
      return {
        compressor: {
          id: 'blosc',
          cname: bloscCname(compression.cname ?? 'lz4', path),
          clevel: compression.level ?? 5,
          shuffle: compression.shuffle === false ? 0 : 1,
          blocksize: 0,
        },
        filters: [],
      };
    default:
      throw new UnsupportedError(`compression ${compression.codec} is not supported by the Zarr backend`, {
        path,
        feature: `compression:${compression.codec}`,
        backend: 'zarr',
      });
  }
}

/** The neutral description of a `.zarray`'s compressor and filters, for `stat`. */
export function compressionFromMetadata(compressor: JsonValue, filters: JsonValue): Compression | undefined {
  if (!(compressor instanceof Map)) return undefined;
  const shuffled =
    Array.isArray(filters) && filters.some((f) => f instanceof Map && f.get('id') === 'shuffle');
  const id = compressor.get('id');
  const withShuffle = (c: Compression): Compression => (shuffled ? { ...c, shuffle: true } : c);
  switch (id) {
    case 'zlib':
    case 'gzip':
      return withShuffle({ codec: 'gzip', level: num(compressor, 'level', 1) });
    case 'zstd':
      return withShuffle({ codec: 'zstd', level: num(compressor, 'level', 1) });
    case 'lz4':
      return withShuffle({ codec: 'lz4' });
    case 'blosc': {
      const cname = compressor.get('cname');
      return {
        codec: 'blosc',
        level: num(compressor, 'clevel', 5),
        shuffle: num(compressor, 'shuffle', 1) !== 0,
        ...(typeof cname === 'string' ? { cname } : {}),
      };
    }
    default:
      return undefined;
  }
}
