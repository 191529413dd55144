/**
 * The bytes of a selection of a dataset, read without h5wasm: the chunks the selection touches are
 * read with positioned reads and decoded (deflate through the given inflate, shuffle and fletcher32
 * by hand); contiguous data is read as the byte spans the selection covers; compact data is in the
 * header. Unwritten chunks and unallocated data read as the fill value. Elements stay as stored
 * (`datatype.size` bytes each, the file's byte order): callers decode them.
 *
 * Where the source can read into a given buffer (a local file), chunks stored without filters are
 * not read whole and copied: the runs of the selection they hold are read straight into the
 * result, runs of neighbouring chunks that neighbour in the file and in the result as one read.
 */
import { shapeSize } from '@nwbjs/core';
import { PromiseCache } from '@nwbjs/core/backend';
import type { ByteSource, ByteSourceInto } from '../format/byte-source.js';
import type { ChunkLocation } from '../format/chunk-index/chunk.js';
import type { DatasetStructure } from '../format/dataset.js';
import { corrupt, hex, unread } from '../format/errors.js';
import type { Hdf5Structure } from '../format/hdf5-structure.js';
import { type Selection, blockRuns, copyBlock } from './copy-block.js';
import { type FilterDecoders, type Inflate, decodableFilters, decodeChunk } from './decode-chunk.js';

/** Chunks read and decoded at once. */
const CONCURRENCY = 8;
/**
 * Decoded chunks are kept up to this many bytes (least recently used go first), so that reading
 * a series frame by frame decodes each chunk once, not once per frame it holds.
 */
const DECODED_CACHE_BYTES = 32 * 1024 * 1024;
/** Chunks bigger than this are not kept. */
const MAX_CACHED_CHUNK = 8 * 1024 * 1024;
/** Contiguous data is read in spans of at most this many bytes. */
const MAX_SPAN = 64 * 1024 * 1024;
/** Runs of unfiltered chunks read straight into the result are merged up to this many bytes. */
const MAX_DIRECT_READ = 16 * 1024 * 1024;
/**
 * An unfiltered chunk is read as its runs straight into the result when at most this many of them
 * are shorter than {@link BIG_RUN} bytes; otherwise it is read whole (and kept) and copied from.
 */
const MAX_DIRECT_RUNS = 8;
const BIG_RUN = 64 * 1024;

/** A read of file bytes straight into the result. */
interface DirectRead {
  /** Absolute file offset. */
  file: number;
  /** Byte offset in the result. */
  dst: number;
  bytes: number;
}

/** What is known of a chunked dataset's chunks on its current grid. */
interface ChunkGrid {
  /** The chunks by their row-major index on the grid. */
  readonly chunks: Map<number, ChunkLocation>;
  readonly grid: readonly number[];
}

/** Reads the bytes of selections of datasets of one file. */
export class SlabReader {
  readonly #structure: Hdf5Structure;
  readonly #source: ByteSource;
  readonly #inflate: Inflate;
  readonly #decoders: FilterDecoders;
  readonly #readInto: ByteSourceInto | undefined;
  /** Chunk grids by dataset address; a failed read is read again when asked again. */
  readonly #grids = new PromiseCache<number, ChunkGrid>();
  readonly #fills = new Map<number, Uint8Array>();
  /** Decoded chunks by their file address, least recently used first. */
  readonly #decoded = new Map<number, { bytes: Promise<Uint8Array>; size: number }>();
  #decodedBytes = 0;

  /**
   * `decoders`: filters beyond the built-in ones (deflate, shuffle, fletcher32, LZF); `readInto`:
   * the same file as `source`, read into a given buffer, where the source can.
   */
  constructor(
    structure: Hdf5Structure,
    source: ByteSource,
    inflate: Inflate,
    decoders: FilterDecoders = {},
    readInto?: ByteSourceInto,
  ) {
    this.#structure = structure;
    this.#source = source;
    this.#inflate = inflate;
    this.#decoders = decoders;
    this.#readInto = readInto;
  }

  /**
   * Fills `out` with the elements of `sel` (row-major over `sel.count`) of `dataset`, whose extent
   * is `shape` (`[]` for a scalar); `path` names it in errors.
   */
  async read(
    path: string,
    dataset: DatasetStructure,
    shape: readonly number[],
    sel: Selection,
    out: Uint8Array,
  ): Promise<void> {
    if (shape.length === 0) {
      // A scalar is a one-element array to the copying code.
      return this.read(path, dataset, [1], { start: [0], count: [1], step: [1] }, out);
    }
    if (dataset.external) unread('data in external files');
    const { layout } = dataset;
    const elementSize = dataset.datatype.size;
    if (layout.kind === 'compact') {
      if (layout.data.length < shapeSize(shape) * elementSize)
        unread('compact data shorter than its dataset');
      copyBlock(
        { bytes: layout.data, base: 0, origin: shape.map(() => 0), strides: stridesOf(shape) },
        sel,
        sel.count.map(() => 0),
        sel.count,
        out,
        elementSize,
      );
    } else if (layout.kind === 'contiguous') {
      if (dataset.filters.length > 0) unread('filtered contiguous data');
      await this.#readContiguous(dataset, shape, sel, out, layout.address);
    } else {
      if (!decodableFilters(dataset.filters, this.#decoders)) {
        const names = dataset.filters.map((f) => f.name ?? `filter ${f.id}`).join(', ');
        unread(`data compressed with ${names}`);
      }
      await this.#readChunked(path, dataset, shape, sel, out);
    }
  }

  #grid(path: string, dataset: DatasetStructure, shape: readonly number[]): Promise<ChunkGrid> {
    return this.#grids.get(dataset.address, () => this.#makeGrid(path, dataset, shape));
  }

  async #makeGrid(path: string, dataset: DatasetStructure, shape: readonly number[]): Promise<ChunkGrid> {
    const { layout } = dataset;
    if (layout.kind !== 'chunked') return { chunks: new Map(), grid: [] };
    const grid = shape.map((n, i) => Math.ceil(n / layout.chunkShape[i]!));
    const chunks = new Map<number, ChunkLocation>();
    for (const chunk of await this.#structure.chunksOf(path, dataset)) {
      const coords = chunk.offset.map((o, i) => o / layout.chunkShape[i]!);
      if (coords.some((c, i) => c >= grid[i]!)) continue; // outside the current extent
      chunks.set(linear(coords, grid), chunk);
    }
    return { chunks, grid };
  }

  async #readChunked(
    path: string,
    dataset: DatasetStructure,
    shape: readonly number[],
    sel: Selection,
    out: Uint8Array,
  ): Promise<void> {
    const layout = dataset.layout;
    if (layout.kind !== 'chunked') return;
    const elementSize = dataset.datatype.size;
    const { chunks, grid } = await this.#grid(path, dataset, shape);
    const chunkShape = layout.chunkShape;
    const rank = shape.length;
    const chunkStrides = stridesOf(chunkShape);
    const chunkBytes = shapeSize(chunkShape) * elementSize;
    // Per axis: the chunks holding selected elements, and the selection indices in each.
    const perAxis: { chunk: number; from: number; to: number }[][] = [];
    for (let d = 0; d < rank; d++) {
      const list: { chunk: number; from: number; to: number }[] = [];
      const { start, count, step } = { start: sel.start[d]!, count: sel.count[d]!, step: sel.step[d]! };
      const size = chunkShape[d]!;
      let i = 0;
      while (i < count) {
        const chunk = Math.floor((start + i * step) / size);
        const end = (chunk + 1) * size; // first index past this chunk
        const next = Math.min(count, Math.ceil((end - start) / step));
        list.push({ chunk, from: i, to: next });
        i = next;
      }
      perAxis.push(list);
    }
    if (perAxis.some((l) => l.length === 0)) return;
    const tasks: (() => Promise<void>)[] = [];
    const direct: DirectRead[] = [];
    const decoded: { chunk: ChunkLocation; from: number[]; to: number[]; origin: number[] }[] = [];
    const pick = new Array<number>(rank).fill(0);
    for (;;) {
      const parts = pick.map((p, d) => perAxis[d]![p]!);
      const coords = parts.map((p) => p.chunk);
      const from = parts.map((p) => p.from);
      const to = parts.map((p) => p.to);
      const chunk = chunks.get(linear(coords, grid));
      const origin = coords.map((c, d) => c * chunkShape[d]!);
      const block = { origin, strides: chunkStrides };
      if (chunk === undefined) {
        tasks.push(async () => {
          const bytes = this.#fill(dataset, chunkBytes);
          copyBlock({ ...block, bytes, base: 0 }, sel, from, to, out, elementSize);
        });
      } else if (!this.#directReads(dataset, chunk, shape, chunkBytes, block, sel, from, to, direct)) {
        decoded.push({ chunk, from, to, origin });
      }
      let d = rank - 1;
      while (d >= 0) {
        pick[d]!++;
        if (pick[d]! < perAxis[d]!.length) break;
        pick[d] = 0;
        d--;
      }
      if (d < 0) break;
    }
    const alone = decoded.length === 1;
    for (const { chunk, from, to, origin } of decoded) {
      tasks.push(async () => {
        const bytes = await this.#chunkBytes(dataset, chunk, shape, chunkBytes, alone);
        copyBlock({ bytes, base: 0, origin, strides: chunkStrides }, sel, from, to, out, elementSize);
      });
    }
    for (const read of mergeReads(direct)) tasks.push(() => this.#readStraight(read, out));
    await runLimited(tasks, CONCURRENCY);
  }

  /**
   * For a chunk stored without filters (by the pipeline or its filter mask), when the source reads
   * into given buffers: adds the reads of its runs of the selection to `direct` and answers true.
   * False when the chunk is read and decoded whole instead: it is filtered, or its size is not
   * that of a chunk, or the selection makes many small runs in it (a strided read).
   */
  #directReads(
    dataset: DatasetStructure,
    chunk: ChunkLocation,
    shape: readonly number[],
    chunkBytes: number,
    block: { origin: readonly number[]; strides: readonly number[] },
    sel: Selection,
    from: readonly number[],
    to: readonly number[],
    direct: DirectRead[],
  ): boolean {
    if (this.#readInto === undefined || chunk.size !== chunkBytes) return false;
    if (this.#filtersOf(dataset, chunk, shape).some((_, i) => !(chunk.filterMask & (1 << i)))) return false;
    const runs: DirectRead[] = [];
    let small = 0;
    const base = this.#structure.fileOffset(chunk.address);
    blockRuns(block, sel, from, to, dataset.datatype.size, (src, dst, bytes) => {
      if (bytes < BIG_RUN && ++small > MAX_DIRECT_RUNS) return false;
      runs.push({ file: base + src, dst, bytes });
      return true;
    });
    if (small > MAX_DIRECT_RUNS) return false;
    for (const run of runs) direct.push(run);
    return true;
  }

  /** Reads `read.bytes` bytes of the file straight into `out`. */
  async #readStraight(read: DirectRead, out: Uint8Array): Promise<void> {
    const done = await this.#readInto!(read.file, out.subarray(read.dst, read.dst + read.bytes));
    if (done !== read.bytes)
      corrupt(`data at offset ${read.file} (${read.bytes} bytes) lies past the end of the file`);
  }

  /** The filters applied to `chunk` as stored (none for edge chunks stored unfiltered). */
  #filtersOf(
    dataset: DatasetStructure,
    chunk: ChunkLocation,
    shape: readonly number[],
  ): DatasetStructure['filters'] {
    const layout = dataset.layout;
    if (layout.kind === 'chunked' && layout.unfilteredEdges) {
      // Edge chunks that stick out of the dataset were stored without filters.
      const partial = chunk.offset.some((o, d) => o + layout.chunkShape[d]! > shape[d]!);
      if (partial) return [];
    }
    return dataset.filters;
  }

  /**
   * A chunk's decoded bytes, from the cache of decoded chunks when it holds them; `alone`: the
   * only chunk the read decodes (see {@link Inflate}).
   */
  #chunkBytes(
    dataset: DatasetStructure,
    chunk: ChunkLocation,
    shape: readonly number[],
    expected: number,
    alone: boolean,
  ): Promise<Uint8Array> {
    const known = this.#decoded.get(chunk.address);
    if (known !== undefined) {
      this.#decoded.delete(chunk.address);
      this.#decoded.set(chunk.address, known);
      return known.bytes;
    }
    const bytes = this.#decodeChunk(dataset, chunk, shape, expected, alone);
    if (expected > MAX_CACHED_CHUNK) return bytes;
    const entry = { bytes, size: expected };
    this.#decoded.set(chunk.address, entry);
    this.#decodedBytes += expected;
    bytes.catch(() => this.#forget(chunk.address, entry));
    for (const [address, oldest] of this.#decoded) {
      if (this.#decodedBytes <= DECODED_CACHE_BYTES) break;
      this.#forget(address, oldest);
    }
    return bytes;
  }

  #forget(address: number, entry: { size: number }): void {
    if (this.#decoded.get(address) !== entry) return;
    this.#decoded.delete(address);
    this.#decodedBytes -= entry.size;
  }

  async #decodeChunk(
    dataset: DatasetStructure,
    chunk: ChunkLocation,
    shape: readonly number[],
    expected: number,
    alone: boolean,
  ): Promise<Uint8Array> {
    const stored = await this.#readExactly(chunk.address, chunk.size);
    const filters = this.#filtersOf(dataset, chunk, shape);
    const { size } = dataset.datatype;
    const inflate: Inflate = alone ? (bytes, max) => this.#inflate(bytes, max, { alone }) : this.#inflate;
    return decodeChunk(stored, filters, chunk.filterMask, size, expected, inflate, this.#decoders);
  }

  /** At least `bytes` bytes of fill values (kept per dataset, grown on need). */
  #fill(dataset: DatasetStructure, bytes: number): Uint8Array {
    let fill = this.#fills.get(dataset.address);
    if (fill === undefined || fill.length < bytes) {
      fill = new Uint8Array(bytes);
      const value = dataset.fillValue;
      if (value !== undefined && value.length === dataset.datatype.size && value.some((b) => b !== 0)) {
        for (let at = 0; at + value.length <= bytes; at += value.length) fill.set(value, at);
      }
      this.#fills.set(dataset.address, fill);
    }
    return fill;
  }

  async #readContiguous(
    dataset: DatasetStructure,
    shape: readonly number[],
    sel: Selection,
    out: Uint8Array,
    address: number | undefined,
  ): Promise<void> {
    const elementSize = dataset.datatype.size;
    const strides = stridesOf(shape);
    if (address === undefined) {
      out.set(this.#fill(dataset, out.length).subarray(0, out.length));
      return;
    }
    // Rows along the first axis are read in groups whose byte span stays under MAX_SPAN.
    const rowBytes = strides[0]! * elementSize;
    const perGroup = Math.max(1, Math.floor(MAX_SPAN / Math.max(1, rowBytes * sel.step[0]!)));
    const tasks: (() => Promise<void>)[] = [];
    const rank = shape.length;
    for (let first = 0; first < sel.count[0]!; first += perGroup) {
      const last = Math.min(sel.count[0]!, first + perGroup);
      const from = [first, ...new Array<number>(rank - 1).fill(0)];
      const to = [last, ...sel.count.slice(1)];
      const lo = sel.start.map((s, d) => s + from[d]! * sel.step[d]!);
      const hi = sel.start.map((s, d) => s + (to[d]! - 1) * sel.step[d]!);
      const begin = linear(lo, shape) * elementSize;
      const end = (linear(hi, shape) + 1) * elementSize;
      tasks.push(async () => {
        const bytes = await this.#readExactly(address + begin, end - begin);
        copyBlock(
          { bytes, base: -begin, origin: shape.map(() => 0), strides },
          sel,
          from,
          to,
          out,
          elementSize,
        );
      });
    }
    await runLimited(tasks, CONCURRENCY);
  }

  async #readExactly(address: number, length: number): Promise<Uint8Array> {
    const bytes = await this.#source(this.#structure.fileOffset(address), length);
    if (bytes.length !== length)
      corrupt(`data at ${hex(address)} (${length} bytes) lies past the end of the file`);
    return bytes;
  }
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d]!;
  }
  return strides;
}

function linear(coords: readonly number[], extent: readonly number[]): number {
  let index = 0;
  for (let d = 0; d < coords.length; d++) index = index * extent[d]! + coords[d]!;
  return index;
}

/**
 * The reads, those that continue the one before them in the file and in the result merged (up to
 * {@link MAX_DIRECT_READ} bytes): chunks written one after the other are read in big pieces.
 */
function mergeReads(reads: readonly DirectRead[]): DirectRead[] {
  const merged: DirectRead[] = [];
  let last: DirectRead | undefined;
  for (const read of reads) {
    if (
      last !== undefined &&
      last.file + last.bytes === read.file &&
      last.dst + last.bytes === read.dst &&
      last.bytes + read.bytes <= MAX_DIRECT_READ
    ) {
      last.bytes += read.bytes;
    } else {
      last = { ...read };
      merged.push(last);
    }
  }
  return merged;
}

/** Runs `tasks` with at most `limit` at a time; the first failure rejects. */
async function runLimited(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
