/**
 * Chunks as they are stored, for conversion by copying chunks (`StorageReader.chunkEncoding` and
 * the members with it): a `.zarray`'s filters and compressor as core's neutral `ChunkEncoding` and
 * back, which chunks of an array exist, and one chunk's stored bytes read or written as they are.
 */
import type { AbsolutePath } from '@zarrita/storage';
import type { ChunkCodec, ChunkEncoding, DatasetDefinition } from '@nwbjs/core/backend';
import { sameDType } from '@nwbjs/core/backend';
import { newArrayRecord } from './array-record.js';
import { BackendError, ValidationError, isNumericDType } from '@nwbjs/core';
import { chunkKey } from './chunk-io.js';
import type { JsonOut, JsonValue } from './conventions/json.js';
import { JsonNumber, toJsonValue } from './conventions/json.js';
import { fillNumber } from './fill-values.js';
import type { ArrayRecord } from './metadata.js';
import { prefixOf } from './stores/store.js';
import type { ZarrStore } from './stores/store.js';
import { causeDetail, isListable } from './stores/store.js';

/**
 * How an array's chunks are stored, in core's terms; undefined where they cannot be handed out
 * as they are: scalars, non-numeric or big-endian elements, a fill value `stat` cannot report
 * (NaN), a filter other than shuffle, a compressor this package does not name.
 */
export function encodingOf(record: ArrayRecord): ChunkEncoding | undefined {
  if (record.scalar || record.element.kind !== 'numeric' || !isNumericDType(record.dtype)) return undefined;
  const raw = record.rawDType;
  if (typeof raw !== 'string' || !(raw.startsWith('<') || raw.startsWith('|'))) return undefined;
  if (Number.isNaN(fillNumber(record.fill))) return undefined;
  const codecs: ChunkCodec[] = [];
  if (record.filters !== null) {
    if (!Array.isArray(record.filters)) return undefined;
    for (const filter of record.filters) {
      if (!(filter instanceof Map) || filter.get('id') !== 'shuffle') return undefined;
      const size = numberIn(filter, 'elementsize');
      if (size === undefined) return undefined;
      codecs.push({ id: 'shuffle', elementSize: size });
    }
  }
  const compressor = record.compressor;
  if (compressor !== null) {
    if (!(compressor instanceof Map)) return undefined;
    const id = compressor.get('id');
    const level = numberIn(compressor, 'level') ?? 1;
    if (id === 'zlib' || id === 'gzip' || id === 'zstd') codecs.push({ id, level });
    else if (id === 'lz4') codecs.push({ id });
    else if (id === 'blosc') {
      const cname = compressor.get('cname');
      if (typeof cname !== 'string') return undefined;
      codecs.push({
        id,
        cname,
        level: numberIn(compressor, 'clevel') ?? 5,
        shuffle: numberIn(compressor, 'shuffle') ?? 1,
      });
    } else return undefined;
  }
  return { dtype: record.dtype, chunks: [...record.chunks], codecs };
}

/**
 * The `.zarray` filters and compressor that store chunks encoded as `encoding`: shuffles, then at
 * most one compressor; undefined for any other pipeline.
 */
export function encodingMetadata(
  encoding: ChunkEncoding,
): { compressor: JsonOut; filters: JsonOut[] | null } | undefined {
  const filters: JsonOut[] = [];
  let compressor: JsonOut = null;
  for (const codec of encoding.codecs) {
    if (compressor !== null) return undefined;
    switch (codec.id) {
      case 'shuffle':
        filters.push({ id: 'shuffle', elementsize: codec.elementSize });
        break;
      case 'zlib':
      case 'gzip':
      case 'zstd':
        compressor = { id: codec.id, level: codec.level };
        break;
      case 'lz4':
        compressor = { id: 'lz4', acceleration: 1 };
        break;
      case 'blosc':
        compressor = {
          id: 'blosc',
          cname: codec.cname,
          clevel: codec.level,
          shuffle: codec.shuffle,
          blocksize: 0,
        };
        break;
      default:
        return undefined;
    }
  }
  return { compressor, filters: filters.length > 0 ? filters : null };
}

/** Where an array's chunk keys live and how they are spelled, for listing its chunks. */
export interface ChunkKeys {
  /** The array's path. */
  readonly path: string;
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  /** Between the indices of a key: `.` or `/`. */
  readonly separator: string;
  /** A first key part before the indices (format 3's default keys: `c`), if any. */
  readonly lead?: string;
}

/**
 * The grid index of every chunk of the array that exists. A store that lists its files is listed
 * (one directory per array for `.`-separated keys, one level per axis for `/`); of any other
 * store the whole grid is yielded, and reading tells which chunks exist.
 */
export async function* storedChunkIndices(store: ZarrStore, keys: ChunkKeys): AsyncGenerator<number[]> {
  const grid = keys.shape.map((n, axis) => Math.ceil(n / keys.chunks[axis]!));
  if (grid.some((n) => n === 0)) return;
  if (!canListFiles(store) || !isListable(store)) {
    yield* wholeGrid(grid);
    return;
  }
  const prefix = prefixOf(keys.path);
  const lead = keys.lead;
  if (keys.separator === '.') {
    for (const name of await store.listFiles(prefix)) {
      const parts = name.split('.');
      if (lead !== undefined && parts.shift() !== lead) continue;
      const index = parseIndex(parts, grid);
      if (index !== undefined) yield index;
    }
    return;
  }
  // `/`-separated keys: a directory per axis but the last, whose entries are files.
  let level: { key: string; index: number[] }[] = [
    { key: lead === undefined ? prefix : `${prefix}${lead}/`, index: [] },
  ];
  for (let axis = 0; axis < grid.length - 1; axis++) {
    const next: { key: string; index: number[] }[] = [];
    for (const { key, index } of level) {
      for (const name of await store.listChildren(key as AbsolutePath)) {
        const i = parseIndex([name], [grid[axis]!]);
        if (i !== undefined) next.push({ key: `${key}${name}/`, index: [...index, i[0]!] });
      }
    }
    level = next;
  }
  for (const { key, index } of level) {
    for (const name of await store.listFiles(key as AbsolutePath)) {
      const i = parseIndex([name], [grid[grid.length - 1]!]);
      if (i !== undefined) yield [...index, i[0]!];
    }
  }
}

/** The stored bytes of the chunk at `index`, as they are; undefined when it was never written. */
export async function readStoredChunk(
  store: ZarrStore,
  record: ArrayRecord,
  index: readonly number[],
): Promise<Uint8Array | undefined> {
  return readStoredKey(store, record.path, chunkKey(record, index));
}

/** The stored bytes at `key` (a chunk of the array at `path`); undefined when there are none. */
export async function readStoredKey(
  store: ZarrStore,
  path: string,
  key: AbsolutePath,
): Promise<Uint8Array | undefined> {
  try {
    return (await store.get(key)) ?? undefined;
  } catch (cause) {
    throw new BackendError(`could not read chunk ${key.slice(1)}${causeDetail(cause)}`, {
      path,
      backend: 'zarr',
      cause,
    });
  }
}

/** Throws unless `index` is a chunk index on the array's grid. */
export function checkChunkIndex(
  record: Pick<ArrayRecord, 'path' | 'shape' | 'chunks'> & { readonly scalar?: boolean },
  index: readonly number[],
): void {
  const ok =
    record.scalar !== true &&
    index.length === record.shape.length &&
    index.every(
      (c, axis) =>
        Number.isSafeInteger(c) && c >= 0 && c < Math.ceil(record.shape[axis]! / record.chunks[axis]!),
    );
  if (!ok)
    throw new ValidationError(`[${index.join(', ')}] is not a chunk index of this array`, {
      path: record.path,
      rule: 'chunk-index',
    });
}

/**
 * The format 2 record of a new array whose chunks are stored encoded as `encoding`: the plain
 * record of `definition`, with `encoding`'s filters and compressor; undefined when the encoding is
 * not one `.zarray` can name or does not fit the definition (dtype, chunk shape).
 */
export function encodedArrayRecord(
  path: string,
  definition: DatasetDefinition,
  encoding: ChunkEncoding,
): ArrayRecord | undefined {
  const codecs = encodingMetadata(encoding);
  if (codecs === undefined || !encodingFits(definition, encoding)) return undefined;
  const plain = newArrayRecord(path, { ...definition, compression: undefined });
  const sameChunks =
    plain.chunks.length === encoding.chunks.length && plain.chunks.every((n, i) => n === encoding.chunks[i]);
  if (!sameChunks) return undefined;
  return { ...plain, compressor: toJsonValue(codecs.compressor), filters: toJsonValue(codecs.filters) };
}

/**
 * Whether chunks encoded as `encoding` can make the dataset `definition` describes: numbers of the
 * same dtype, not a scalar, and the definition's chunk shape (where it gives one) the encoding's.
 */
export function encodingFits(definition: DatasetDefinition, encoding: ChunkEncoding): boolean {
  return (
    isNumericDType(definition.dtype) &&
    sameDType(definition.dtype, encoding.dtype) &&
    definition.shape.length > 0 &&
    encoding.chunks.length === definition.shape.length &&
    (definition.chunks === undefined || definition.chunks.every((n, i) => n === encoding.chunks[i]))
  );
}

/** A store that can list the files (not only the directories) under a prefix. */
interface FileListingStore {
  /** Names of the entries directly under `prefix` that hold a value (files, in a directory). */
  listFiles(prefix: AbsolutePath): Promise<string[]>;
}

function canListFiles(store: ZarrStore): store is ZarrStore & FileListingStore {
  return typeof (store as Partial<FileListingStore>).listFiles === 'function';
}

function* wholeGrid(grid: readonly number[]): Generator<number[]> {
  const index = grid.map(() => 0);
  for (;;) {
    yield [...index];
    let axis = grid.length - 1;
    for (; axis >= 0; axis--) {
      index[axis]!++;
      if (index[axis]! < grid[axis]!) break;
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}

/** The chunk index a key's parts spell, when each is a plain decimal within the grid. */
function parseIndex(parts: readonly string[], grid: readonly number[]): number[] | undefined {
  if (parts.length !== grid.length) return undefined;
  const index: number[] = [];
  for (let axis = 0; axis < parts.length; axis++) {
    const part = parts[axis]!;
    if (!/^(0|[1-9]\d{0,15})$/.test(part)) return undefined;
    const i = Number(part);
    if (i >= grid[axis]!) return undefined;
    index.push(i);
  }
  return index;
}

/** A safe integer setting of a codec's configuration. */
export function numberIn(config: Map<string, JsonValue>, key: string): number | undefined {
  const v = config.get(key);
  return v instanceof JsonNumber && Number.isSafeInteger(v.value) ? v.value : undefined;
}
