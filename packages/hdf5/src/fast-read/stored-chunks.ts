/**
 * A dataset's chunks as they are stored, for conversion by copying chunks (core's
 * `StorageReader.chunkEncoding` and the members with it): the filter pipeline in core's neutral
 * terms (deflate writes a zlib stream, shuffle is numcodecs' shuffle), which chunks exist, and one
 * chunk's stored bytes. Only pipelines every chunk went through whole are handed out: a chunk that
 * skipped a filter (its filter mask), edge chunks stored unfiltered, a filter other than deflate
 * and shuffle, a fill value other than zero, or elements the fast reader does not understand make
 * the dataset's chunks unavailable (undefined), and conversion decodes them instead.
 */
import type { NumericDType } from '@nwbjs/core';
import { InvalidFileError, isNWBError } from '@nwbjs/core';
import type { ChunkCodec, ChunkEncoding } from '@nwbjs/core/backend';
import { MAX_CHUNK_BYTES, PromiseCache, byteSize } from '@nwbjs/core/backend';
import type { ByteSource, ByteSourceInto } from '../format/byte-source.js';
import type { ChunkLocation } from '../format/chunk-index/chunk.js';
import type { DatasetStructure } from '../format/dataset.js';
import { UnreadStructureError } from '../format/errors.js';
import { FilterId } from '../format/filters.js';
import type { Hdf5Structure } from '../format/hdf5-structure.js';
import { understoodNumeric } from './fast-reader.js';

/** At most this many bytes of adjacent chunks are read with one positioned read. */
export const MERGED_READ_BYTES = 8 * 1024 * 1024;

/** What is known of one dataset's stored chunks. */
interface ChunkTable {
  readonly encoding: ChunkEncoding;
  /** Stored chunks within the current extent, by their grid index joined with commas. */
  readonly chunks: Map<string, ChunkLocation>;
}

/** The stored chunks of the datasets of one file, read through its structure. */
export class StoredChunks {
  readonly #structure: Hdf5Structure;
  readonly #source: ByteSource;
  readonly #readInto: ByteSourceInto | undefined;
  readonly #tables = new PromiseCache<string, ChunkTable | undefined>();

  /** `readInto`, where given, reads into memory a caller of {@link readMany} lends. */
  constructor(structure: Hdf5Structure, source: ByteSource, readInto?: ByteSourceInto) {
    this.#structure = structure;
    this.#source = source;
    this.#readInto = readInto;
  }

  /** How the chunks of the dataset at `path` (of `dtype` and `shape`) are stored, if they can be handed out. */
  async encoding(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
  ): Promise<ChunkEncoding | undefined> {
    return (await this.#table(path, dtype, shape))?.encoding;
  }

  /** Grid indices of the stored chunks within the current extent (none where `encoding` is undefined). */
  async *indices(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
  ): AsyncGenerator<readonly number[]> {
    const table = await this.#table(path, dtype, shape);
    if (table === undefined) return;
    for (const key of table.chunks.keys()) yield key.split(',').map(Number);
  }

  /** The stored bytes of the chunk at grid index `index`; undefined when it was never written. */
  async read(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
    index: readonly number[],
  ): Promise<Uint8Array | undefined> {
    return (await this.readMany(path, dtype, shape, [index]))[0];
  }

  /**
   * The stored bytes of the chunks at `indices`, in that order (undefined for a chunk never
   * written). Chunks that lie one right after another in the file are read with one positioned
   * read of up to {@link MERGED_READ_BYTES} and handed out as views of that buffer. `into` is
   * memory the caller lends: where this file reads into lent memory, the runs that fit are read
   * into it, one after another, and handed out as views of it.
   */
  async readMany(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
    indices: readonly (readonly number[])[],
    into?: Uint8Array,
  ): Promise<(Uint8Array | undefined)[]> {
    const table = await this.#table(path, dtype, shape);
    const found: { at: number; chunk: ChunkLocation }[] = [];
    indices.forEach((index, at) => {
      const chunk = table?.chunks.get(index.join(','));
      if (chunk === undefined) return;
      if (chunk.size > MAX_CHUNK_BYTES)
        throw new InvalidFileError(
          `chunk at [${chunk.offset.join(', ')}] stores ${chunk.size} bytes, more than a chunk may take (1 GiB)`,
          { path },
        );
      found.push({ at, chunk });
    });
    const out = new Array<Uint8Array | undefined>(indices.length).fill(undefined);
    let lent = 0;
    await Promise.all(
      adjacentRuns(found).map(async (run) => {
        const first = run[0]!.chunk;
        const last = run[run.length - 1]!.chunk;
        const length = last.address + last.size - first.address;
        const offset = this.#structure.fileOffset(first.address);
        let bytes: Uint8Array;
        if (this.#readInto !== undefined && into !== undefined && lent + length <= into.length) {
          const memory = into.subarray(lent, lent + length);
          lent += length;
          bytes = memory.subarray(0, await this.#readInto(offset, memory));
        } else bytes = await this.#source(offset, length);
        for (const { at, chunk } of run) {
          const from = chunk.address - first.address;
          const got = Math.max(0, Math.min(chunk.size, bytes.length - from));
          if (got !== chunk.size)
            throw new InvalidFileError(
              `chunk at [${chunk.offset.join(', ')}] is cut short: ${got} of ${chunk.size} bytes`,
              { path },
            );
          out[at] = bytes.subarray(from, from + chunk.size);
        }
      }),
    );
    return out;
  }

  /**
   * The dataset's chunk table, read once per path. Only a structure this reader does not read (an
   * unread chunk index, layout or message: UnreadStructureError, UnsupportedError) means "cannot be
   * handed out" (undefined, and conversion decodes instead); anything else (a failed or timed-out
   * read of the file, a corrupt structure) rejects, so that the caller fails naming the dataset
   * rather than silently reading every chunk again another way. A rejection is not kept: asking
   * again reads again.
   */
  #table(path: string, dtype: NumericDType, shape: readonly number[]): Promise<ChunkTable | undefined> {
    return this.#tables.get(path, () =>
      this.#makeTable(path, dtype, shape).catch((error: unknown) => {
        if (cannotHandOut(error)) return undefined;
        throw error;
      }),
    );
  }

  async #makeTable(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
  ): Promise<ChunkTable | undefined> {
    const dataset = await this.#structure.dataset(path);
    const { layout, filters } = dataset;
    if (layout.kind !== 'chunked' || !understoodNumeric(dataset, dtype, shape)) return undefined;
    if (dataset.fillValue !== undefined && dataset.fillValue.some((b) => b !== 0)) return undefined;
    if (layout.unfilteredEdges && filters.length > 0) return undefined;
    const codecs = codecsOf(dataset, byteSize(dtype));
    if (codecs === undefined) return undefined;
    const chunkShape = layout.chunkShape;
    const chunks = new Map<string, ChunkLocation>();
    for (const chunk of await this.#structure.chunks(path)) {
      if (chunk.filterMask !== 0 && filters.length > 0) return undefined;
      const index = chunk.offset.map((o, axis) => o / chunkShape[axis]!);
      if (chunk.offset.some((o, axis) => o >= shape[axis]!)) continue; // outside the current extent
      chunks.set(index.join(','), chunk);
    }
    return { encoding: { dtype, chunks: [...chunkShape], codecs }, chunks };
  }
}

/** Whether `error` says only that the dataset's structure is one this reader does not hand out. */
function cannotHandOut(error: unknown): boolean {
  return error instanceof UnreadStructureError || isNWBError(error, 'UnsupportedError');
}

/**
 * Wanted chunks (each with where it is stored) in runs that are each read at once: sorted by
 * address, a chunk joins the run before it
 * when it starts where that run ends and the run stays within {@link MERGED_READ_BYTES} (a bigger
 * chunk is a run of its own). Chunks elsewhere in the file, or stored twice at one address, start
 * a run of their own.
 */
export function adjacentRuns<T extends { readonly chunk: ChunkLocation }>(wanted: readonly T[]): T[][] {
  const sorted = [...wanted].sort((a, b) => a.chunk.address - b.chunk.address);
  const runs: T[][] = [];
  let run: T[] | undefined;
  let runStart = 0;
  let runEnd = 0;
  for (const item of sorted) {
    const { chunk } = item;
    if (
      run !== undefined &&
      chunk.address === runEnd &&
      chunk.address + chunk.size - runStart <= MERGED_READ_BYTES
    ) {
      run.push(item);
      runEnd += chunk.size;
      continue;
    }
    run = [item];
    runs.push(run);
    runStart = chunk.address;
    runEnd = chunk.address + chunk.size;
  }
  return runs;
}

/** The pipeline as neutral codecs, in the order they were applied; undefined for other filters. */
function codecsOf(dataset: DatasetStructure, elementSize: number): ChunkCodec[] | undefined {
  const codecs: ChunkCodec[] = [];
  for (const filter of dataset.filters) {
    if (filter.id === FilterId.deflate) codecs.push({ id: 'zlib', level: filter.values[0] ?? 6 });
    else if (filter.id === FilterId.shuffle)
      codecs.push({ id: 'shuffle', elementSize: filter.values[0] ?? elementSize });
    else return undefined;
  }
  return codecs;
}
