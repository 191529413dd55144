/**
 * Reading a slab of a dataset without h5wasm: the chunks the slab touches are read with positioned
 * reads and decoded here (deflate through the platform's zlib, shuffle and fletcher32 by hand);
 * contiguous data is read as the byte spans the slab covers. Only datasets this reader fully
 * understands take this path: little-endian integers and floats of the dtype's exact width, a
 * simple dataspace, and deflate/shuffle/fletcher32 filters; for anything else `read` answers
 * undefined and the caller reads through h5wasm.
 */
import type { NumericArray, NumericDType } from '@nwbjs/core';
import { shapeSize } from '@nwbjs/core';
import { byteSize, typedArrayFor } from '@nwbjs/core/backend';
import type { ByteSource } from '../format/byte-source.js';
import type { ChunkLocation } from '../format/chunk-index/chunk.js';
import type { DatasetStructure } from '../format/dataset.js';
import type { Hdf5Structure } from '../format/hdf5-structure.js';
import { type Selection, copyBlock } from './copy-block.js';
import { type Inflate, decodableFilters, decodeChunk } from './decode-chunk.js';

/** Chunks read and decoded at once. */
const CONCURRENCY = 8;
/** Contiguous data is read in spans of at most this many bytes. */
const MAX_SPAN = 64 * 1024 * 1024;

/** What the fast path knows of a dataset it can read. */
interface Plan {
  readonly dataset: DatasetStructure;
  readonly elementSize: number;
  /** Chunked datasets: the chunks by their row-major index on the current grid. */
  readonly chunks?: Map<number, ChunkLocation>;
  readonly grid?: readonly number[];
  /** A whole chunk of fill values, made on first need. */
  fillChunk?: Uint8Array;
}

/** Reads numeric slabs of the datasets it understands. */
export class FastReader {
  readonly #structure: Hdf5Structure;
  readonly #source: ByteSource;
  readonly #inflate: Inflate;
  readonly #plans = new Map<string, Promise<Plan | undefined>>();

  constructor(structure: Hdf5Structure, source: ByteSource, inflate: Inflate) {
    this.#structure = structure;
    this.#source = source;
    this.#inflate = inflate;
  }

  /**
   * The elements of `sel` of the dataset at `path` (already resolved and checked against `shape`),
   * as `dtype`; undefined when the fast path does not understand the dataset.
   */
  async read(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
    sel: Selection,
    out?: unknown,
  ): Promise<NumericArray | undefined> {
    const plan = await this.#plan(path, dtype, shape);
    if (plan === undefined) return undefined;
    const total = shapeSize(sel.count);
    const ctor = typedArrayFor(dtype);
    // The caller's buffer itself when it fits exactly, its start when it is longer (as h5wasm reads do).
    const target: NumericArray =
      out instanceof ctor && out.length >= total
        ? ((out.length === total ? out : out.subarray(0, total)) as NumericArray)
        : new ctor(total);
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    const { layout } = plan.dataset;
    if (layout.kind === 'compact') {
      copyBlock(
        { bytes: layout.data, base: 0, origin: shape.map(() => 0), strides: stridesOf(shape) },
        sel,
        zeros(sel),
        sel.count,
        bytes,
        plan.elementSize,
      );
    } else if (layout.kind === 'contiguous') {
      await this.#readContiguous(plan, shape, sel, bytes, layout.address);
    } else {
      await this.#readChunked(plan, shape, sel, bytes);
    }
    return target;
  }

  #plan(path: string, dtype: NumericDType, shape: readonly number[]): Promise<Plan | undefined> {
    let plan = this.#plans.get(path);
    if (plan === undefined) {
      plan = this.#makePlan(path, dtype, shape).catch(() => undefined);
      this.#plans.set(path, plan);
    }
    return plan;
  }

  async #makePlan(path: string, dtype: NumericDType, shape: readonly number[]): Promise<Plan | undefined> {
    const dataset = await this.#structure.dataset(path);
    const { datatype: t, dataspace, layout, filters } = dataset;
    const size = byteSize(dtype);
    const isFloat = dtype === 'float32' || dtype === 'float64';
    const understood =
      !dataset.external &&
      dataspace.kind === 'simple' &&
      dataspace.shape.length === shape.length &&
      dataspace.shape.every((n, i) => n === shape[i]) &&
      t.size === size &&
      t.littleEndian &&
      t.bitOffset === 0 &&
      t.precision === size * 8 &&
      (isFloat ? t.class === 'float' : t.class === 'integer' && t.signed === dtype.startsWith('int')) &&
      (layout.kind === 'chunked' ? decodableFilters(filters) : filters.length === 0) &&
      (dataset.fillValue === undefined || dataset.fillValue.length === size);
    if (!understood) return undefined;
    if (layout.kind !== 'chunked') return { dataset, elementSize: size };
    const grid = shape.map((n, i) => Math.ceil(n / layout.chunkShape[i]!));
    const chunks = new Map<number, ChunkLocation>();
    for (const chunk of await this.#structure.chunks(path)) {
      const coords = chunk.offset.map((o, i) => o / layout.chunkShape[i]!);
      if (coords.some((c, i) => c >= grid[i]!)) continue; // outside the current extent
      chunks.set(linear(coords, grid), chunk);
    }
    return { dataset, elementSize: size, chunks, grid };
  }

  async #readChunked(plan: Plan, shape: readonly number[], sel: Selection, out: Uint8Array): Promise<void> {
    const { dataset, elementSize } = plan;
    const layout = dataset.layout;
    if (layout.kind !== 'chunked') return;
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
    const tasks: (() => Promise<void>)[] = [];
    const pick = new Array<number>(rank).fill(0);
    if (perAxis.some((l) => l.length === 0)) return;
    for (;;) {
      const parts = pick.map((p, d) => perAxis[d]![p]!);
      const coords = parts.map((p) => p.chunk);
      const from = parts.map((p) => p.from);
      const to = parts.map((p) => p.to);
      const chunk = plan.chunks!.get(linear(coords, plan.grid!));
      const origin = coords.map((c, d) => c * chunkShape[d]!);
      tasks.push(async () => {
        const bytes =
          chunk === undefined
            ? this.#fillChunk(plan, chunkBytes)
            : await this.#chunkBytes(plan, chunk, shape, chunkBytes);
        copyBlock({ bytes, base: 0, origin, strides: chunkStrides }, sel, from, to, out, elementSize);
      });
      let d = rank - 1;
      while (d >= 0) {
        pick[d]!++;
        if (pick[d]! < perAxis[d]!.length) break;
        pick[d] = 0;
        d--;
      }
      if (d < 0) break;
    }
    await runLimited(tasks, CONCURRENCY);
  }

  async #chunkBytes(
    plan: Plan,
    chunk: ChunkLocation,
    shape: readonly number[],
    expected: number,
  ): Promise<Uint8Array> {
    const { dataset, elementSize } = plan;
    const layout = dataset.layout;
    const stored = await this.#readExactly(chunk.address, chunk.size);
    let filters = dataset.filters;
    if (layout.kind === 'chunked' && layout.unfilteredEdges) {
      // Edge chunks that stick out of the dataset were stored without filters.
      const partial = chunk.offset.some((o, d) => o + layout.chunkShape[d]! > shape[d]!);
      if (partial) filters = [];
    }
    return decodeChunk(stored, filters, chunk.filterMask, elementSize, expected, this.#inflate);
  }

  #fillChunk(plan: Plan, chunkBytes: number): Uint8Array {
    if (plan.fillChunk === undefined) {
      const fill = new Uint8Array(chunkBytes);
      const value = plan.dataset.fillValue;
      if (value !== undefined && value.some((b) => b !== 0)) {
        for (let at = 0; at < chunkBytes; at += value.length) fill.set(value, at);
      }
      plan.fillChunk = fill;
    }
    return plan.fillChunk;
  }

  async #readContiguous(
    plan: Plan,
    shape: readonly number[],
    sel: Selection,
    out: Uint8Array,
    address: number | undefined,
  ): Promise<void> {
    const { elementSize } = plan;
    const strides = stridesOf(shape);
    if (address === undefined) {
      const fill = this.#fillChunk(plan, shapeSize(sel.count) * elementSize);
      out.set(fill.subarray(0, out.length));
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
    if (bytes.length !== length) throw new Error(`read ${bytes.length} of ${length} bytes at ${address}`);
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

function zeros(sel: Selection): number[] {
  return sel.count.map(() => 0);
}

/** Runs `tasks` with at most `limit` at a time; the first failure rejects. */
async function runLimited(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
