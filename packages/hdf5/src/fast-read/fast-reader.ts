/**
 * Reading numeric slabs of a dataset without h5wasm, for the h5wasm backend's read-only files: the
 * bytes come from a {@link SlabReader}. Only datasets whose stored elements already are the typed
 * array's take this path: little-endian integers and floats of the dtype's exact width, a simple
 * dataspace, and deflate/shuffle/fletcher32 filters; for anything else `read` answers undefined
 * and the caller reads through h5wasm.
 */
import type { NumericArray, NumericDType } from '@nwbjs/core';
import { shapeSize } from '@nwbjs/core';
import { PromiseCache, byteSize, typedArrayFor } from '@nwbjs/core/backend';
import type { ByteSource, ByteSourceInto } from '../format/byte-source.js';
import type { DatasetStructure } from '../format/dataset.js';
import type { Hdf5Structure } from '../format/hdf5-structure.js';
import type { Selection } from './copy-block.js';
import { type Inflate, decodableFilters } from './decode-chunk.js';
import { SlabReader } from './slab-reader.js';

/** Reads numeric slabs of the datasets it understands. */
export class FastReader {
  readonly #structure: Hdf5Structure;
  readonly #slabs: SlabReader;
  readonly #plans = new PromiseCache<string, DatasetStructure | undefined>();
  readonly #allocate: (bytes: number) => ArrayBuffer;

  /**
   * `readInto`: the file of `source`, read into a given buffer (unfiltered chunks are read that
   * way); `allocate`: memory for results, which need not be zeroed (every byte of a result is
   * written before it is handed out).
   */
  constructor(
    structure: Hdf5Structure,
    source: ByteSource,
    inflate: Inflate,
    options: { readInto?: ByteSourceInto; allocate?: (bytes: number) => ArrayBuffer } = {},
  ) {
    this.#structure = structure;
    this.#slabs = new SlabReader(structure, source, inflate, {}, options.readInto);
    this.#allocate = options.allocate ?? ((bytes) => new ArrayBuffer(bytes));
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
    const dataset = await this.#plan(path, dtype, shape);
    if (dataset === undefined) return undefined;
    const total = shapeSize(sel.count);
    const ctor = typedArrayFor(dtype);
    // The caller's buffer itself when it fits exactly, its start when it is longer (as h5wasm reads do).
    const target: NumericArray =
      out instanceof ctor && out.length >= total
        ? ((out.length === total ? out : out.subarray(0, total)) as NumericArray)
        : new ctor(this.#allocate(total * ctor.BYTES_PER_ELEMENT), 0, total);
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    await this.#slabs.read(path, dataset, shape, sel, bytes);
    return target;
  }

  /**
   * The dataset at `path` when the fast path reads it, found once: whatever fails here (a structure
   * it does not read, a corrupt one, a failed read) is h5wasm's to read or report, for good.
   */
  #plan(path: string, dtype: NumericDType, shape: readonly number[]): Promise<DatasetStructure | undefined> {
    return this.#plans.get(path, () => this.#understood(path, dtype, shape).catch(() => undefined));
  }

  /** The dataset, when its stored elements are `dtype`'s typed array as is. */
  async #understood(
    path: string,
    dtype: NumericDType,
    shape: readonly number[],
  ): Promise<DatasetStructure | undefined> {
    const dataset = await this.#structure.dataset(path);
    const { layout, filters } = dataset;
    const understood =
      understoodNumeric(dataset, dtype, shape) &&
      (layout.kind === 'chunked' ? decodableFilters(filters) : filters.length === 0);
    return understood ? dataset : undefined;
  }
}

/**
 * Whether the dataset's elements are `dtype` exactly as this package reads them (little-endian
 * integers and floats of the dtype's full width, a fill value of one element) over a simple
 * dataspace of `shape`, with its data in this file.
 */
export function understoodNumeric(
  dataset: DatasetStructure,
  dtype: NumericDType,
  shape: readonly number[],
): boolean {
  const { datatype: t, dataspace } = dataset;
  const size = byteSize(dtype);
  const isFloat = dtype === 'float32' || dtype === 'float64';
  return (
    !dataset.external &&
    dataspace.kind === 'simple' &&
    dataspace.shape.length === shape.length &&
    dataspace.shape.every((n, i) => n === shape[i]) &&
    t.size === size &&
    t.littleEndian &&
    t.bitOffset === 0 &&
    t.precision === size * 8 &&
    (isFloat ? t.class === 'float' : t.class === 'integer' && t.signed === dtype.startsWith('int')) &&
    (dataset.fillValue === undefined || dataset.fillValue.length === size)
  );
}
