/**
 * One chunk of an array: its store key, reading and decoding it (filters and compressor, then the
 * element codec), encoding and storing it, and the chunk an unwritten one reads as.
 */
import type { AbsolutePath } from '@zarrita/storage';
import type { NumericArray } from '@nwbjs/core';
import { BackendError, InvalidFileError, isNWBError, isTextDType } from '@nwbjs/core';
import { MAX_CHUNK_BYTES, typedArrayFor } from '@nwbjs/core/backend';
import type { ChunkValues } from './conventions/elements.js';
import { decodeElements, encodeElements } from './conventions/elements.js';
import { fillNumber } from './fill-values.js';
import type { ArrayRecord } from './metadata.js';
import { codecsOf } from './metadata.js';
import { keyOf } from './stores/keys.js';
import type { StagingStore, ZarrStore } from './stores/store.js';
import { causeDetail } from './stores/store.js';

/**
 * Whether a caller of {@link readChunk} only reads the chunk (`share`), or keeps or changes it
 * (`own`, so it must not be a view of bytes a store keeps).
 */
export type ChunkUse = 'share' | 'own';

/**
 * Reads one chunk of `count` elements for `use`; undefined when it was never written. `alone`: the
 * only chunk its read waits for (see `ByteCodec.decode`).
 */
export type ChunkReader = (
  record: ArrayRecord,
  index: readonly number[],
  count: number,
  use: ChunkUse,
  alone?: boolean,
) => Promise<ChunkValues | undefined>;

/** The store key of the chunk at `index` (`0` for a scalar). */
export function chunkKey(record: ArrayRecord, index: readonly number[]): AbsolutePath {
  return keyOf(record.path, index.length === 0 ? '0' : index.join(record.separator));
}

/**
 * Reads and decodes one chunk of `count` elements (undefined when it was never written). A numeric
 * chunk may be a view over the bytes the store returned: with `share` the caller only reads it;
 * with `own` it is copied unless those bytes are new (decoded by a codec, or from a store whose
 * values are fresh, see `ZarrBackendInit.freshValues`), never shared with a store's own values.
 */
export async function readChunk(
  store: ZarrStore,
  record: ArrayRecord,
  index: readonly number[],
  count: number,
  use: ChunkUse,
  freshValues: boolean,
  alone = false,
): Promise<ChunkValues | undefined> {
  checkChunkBudget(record, count);
  const key = chunkKey(record, index);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(key);
  } catch (cause) {
    throw new BackendError(`could not read chunk ${key.slice(1)}${causeDetail(cause)}`, {
      path: record.path,
      backend: 'zarr',
      cause,
    });
  }
  if (bytes === undefined) return undefined;
  try {
    const expected =
      record.element.kind === 'numeric' || record.element.kind === 'structured'
        ? count * record.element.itemSize
        : undefined;
    const b = await unpackChunk(record, bytes, expected, alone);
    const fresh = b.buffer !== bytes.buffer || freshValues;
    return decodeElements(record.element, b, count, use === 'own' && !fresh);
  } catch (cause) {
    // A codec this package lacks is not damage: its UnsupportedError names the codec.
    if (isNWBError(cause, 'UnsupportedError')) throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidFileError(`chunk ${key.slice(1)} is corrupt: ${detail}`, { path: record.path, cause });
  }
}

/**
 * A stored chunk's element bytes: the compressor undone, then the filters in reverse (`expected`,
 * the decoded size when known, lets a codec refuse a chunk that inflates past it; `alone`: the only
 * chunk its read waits for).
 */
export async function unpackChunk(
  record: ArrayRecord,
  bytes: Uint8Array,
  expected?: number,
  alone = false,
): Promise<Uint8Array> {
  const { filters, compressor } = await codecsOf(record);
  let b = compressor === undefined ? bytes : await compressor.decode(bytes, expected, alone);
  for (let i = filters.length - 1; i >= 0; i--) b = await filters[i]!.decode(b);
  return b;
}

/** A chunk's element bytes as stored: the filters, then the compressor (none: the same buffer). */
export async function packChunk(record: ArrayRecord, elements: Uint8Array): Promise<Uint8Array> {
  const { filters, compressor } = await codecsOf(record);
  let b = elements;
  for (const f of filters) b = await f.encode(b);
  return compressor === undefined ? b : compressor.encode(b);
}

/** Encodes one chunk and stores it; the chunk's buffer is handed on, not copied. */
export async function writeChunk(
  staging: StagingStore,
  record: ArrayRecord,
  index: readonly number[],
  chunk: ChunkValues,
): Promise<void> {
  const key = chunkKey(record, index);
  try {
    // No copy for uncompressed chunks: writeData gave this chunk a buffer of its own.
    await staging.set(key, await packChunk(record, encodeElements(record.element, chunk, record.chunks)));
  } catch (cause) {
    throw isNWBError(cause)
      ? cause
      : new BackendError(`could not write chunk ${key.slice(1)}`, {
          path: record.path,
          backend: 'zarr',
          cause,
        });
  }
}

/** Refuses chunks whose elements would take more than the memory budget of one chunk (see {@link checkChunkBytes}). */
function checkChunkBudget(record: ArrayRecord, count: number): void {
  const itemSize =
    record.element.kind === 'numeric' || record.element.kind === 'structured' ? record.element.itemSize : 8;
  checkChunkBytes(record.path, count * itemSize);
}

/**
 * Refuses chunks of more than the memory budget of one chunk (`MAX_CHUNK_BYTES`, 1 GiB): array
 * metadata asking for such chunks is broken or hostile.
 */
export function checkChunkBytes(path: string, bytes: number): void {
  if (bytes > MAX_CHUNK_BYTES)
    throw new InvalidFileError(`its chunks of ${bytes} bytes are more than a chunk may take (1 GiB)`, {
      path,
    });
}

/** What a chunk never written holds: the fill value, empty text, or missing objects. */
export function fillChunk(record: ArrayRecord, count: number): ChunkValues {
  checkChunkBudget(record, count);
  if (record.element.kind === 'structured') return new Array<unknown>(count).fill({});
  if (record.element.kind !== 'numeric')
    return new Array<unknown>(count).fill(isTextDType(record.dtype) ? '' : undefined);
  const out = new (typedArrayFor(record.element.dtype))(count) as NumericArray;
  const fill = fillNumber(record.fill);
  if (fill !== 0) {
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) out.fill(BigInt(Math.trunc(fill)));
    else out.fill(fill);
  }
  return out;
}
