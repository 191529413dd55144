/**
 * Reading a selection of an array: the chunks it touches, fetched and decoded a bounded number at a
 * time and copied into one output, then turned into neutral values (text as text, references
 * resolved and checked, records with every field).
 */
import type { CompoundDType, CompoundRow, NdArray, NumericArray, ObjectRef } from '@nwbjs/core';
import type { Hyperslab } from '@nwbjs/core/backend';
import {
  InvalidFileError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
  isObjectRef,
  shapeSize,
} from '@nwbjs/core';
import { holdsRegionReferences, hyperslabShape, isCompoundDType, typedArrayFor } from '@nwbjs/core/backend';
import { unfilledMemory } from '#platform/memory.js';
import { axisParts, combinations, copyBlock, forEachLimit } from './chunk-grid.js';
import type { ChunkReader } from './chunk-io.js';
import { chunkKey, fillChunk } from './chunk-io.js';
import { rowsFromStored } from './conventions/compound.js';
import type { ChunkValues } from './conventions/elements.js';
import { referenceFromStored } from './conventions/references.js';
import { fillNumber } from './fill-values.js';
import type { ArrayRecord } from './metadata.js';
import { codecsOf } from './metadata.js';
import { readRawChunks } from './raw-chunks.js';
import type { SpanReadableStore } from './stores/store.js';

/** Where a read gets its chunks, and how it learns whether a reference's target exists. */
export interface ChunkSource {
  /** Chunks read at once, at most. */
  readonly concurrency: number;
  /** One decoded chunk of `count` elements, or undefined when it was never written. */
  readonly readChunk: ChunkReader;
  /** Whether an object exists at `path`. */
  exists(path: string): Promise<boolean>;
  /**
   * Present when chunks may be read in parts straight into a read's result (a store that reads
   * parts of values, and no write under way): used for arrays whose chunks are plain element bytes.
   */
  readonly spans?: SpanReadableStore;
}

/** The elements of `slab` (already checked against the array's shape), into `out` when given. */
export async function readArray(
  source: ChunkSource,
  record: ArrayRecord,
  slab: Hyperslab,
  out?: NdArray['data'],
): Promise<NdArray> {
  const path = record.path;
  const start = record.scalar ? [0] : [...slab.start];
  const count = record.scalar ? [1] : [...slab.count];
  const step = record.scalar ? [1] : [...slab.step];
  const size = shapeSize(count);
  const perAxis = count.map((c, axis) => axisParts(start[axis]!, c, step[axis]!, record.chunks[axis]!));
  const chunkCount = shapeSize(record.chunks);
  const shape = record.scalar ? [] : hyperslabShape(slab);
  const touched = perAxis.reduce((n, p) => n * p.length, 1);
  if (source.spans !== undefined && (await storedAsElements(record))) {
    const element = record.element as Extract<ArrayRecord['element'], { kind: 'numeric' }>;
    const data = await readRawChunks(
      source.spans,
      {
        path,
        chunks: record.chunks,
        dtype: element.dtype,
        fill: fillNumber(record.fill),
        keyOf: (index) => chunkKey(record, index),
      },
      start,
      count,
      step,
      out === undefined ? undefined : (output(record, size, out, path) as NumericArray),
      source.concurrency,
    );
    return { dtype: record.dtype, shape, data };
  }
  // A selection of exactly one whole chunk (a frame of a one-frame-per-chunk movie) is the
  // decoded chunk itself when nobody else holds its bytes: no output buffer, no copy.
  if (touched === 1 && out === undefined && record.element.kind === 'numeric' && size === chunkCount) {
    const chunk =
      (await source.readChunk(
        record,
        perAxis.map((p) => p[0]!.chunk),
        chunkCount,
        'own',
        true,
      )) ?? fillChunk(record, chunkCount);
    return { dtype: record.dtype, shape, data: chunk as NumericArray };
  }
  const values = output(record, size, out, path);
  await forEachLimit(combinations(perAxis), Math.min(touched, source.concurrency), async (parts) => {
    const index = parts.map((p) => p.chunk);
    const chunk =
      (await source.readChunk(record, index, chunkCount, 'share', touched === 1)) ??
      fillChunk(record, chunkCount);
    copyBlock(
      chunk,
      record.chunks,
      parts.map((p) => p.inChunk),
      step,
      values as unknown as { [i: number]: unknown; length: number },
      count,
      parts.map((p) => p.outStart),
      parts.map((p) => p.count),
    );
  });
  const data = await neutralValues(source, record, values, path);
  return record.element.kind === 'fixed-text' && record.dtype === 'ascii'
    ? { dtype: record.dtype, shape, data, textLength: record.element.length }
    : { dtype: record.dtype, shape, data };
}

/**
 * True when the array's chunks are stored as their element bytes in this platform's order: numbers
 * with no compressor and no filters, little-endian (or one byte each).
 */
async function storedAsElements(record: ArrayRecord): Promise<boolean> {
  const element = record.element;
  if (element.kind !== 'numeric' || (element.bigEndian && element.itemSize > 1)) return false;
  const { filters, compressor } = await codecsOf(record);
  return compressor === undefined && filters.length === 0;
}

/** Where a read's elements go: `out` (checked) or a new array. */
function output(
  record: ArrayRecord,
  size: number,
  out: NdArray['data'] | undefined,
  path: string,
): ChunkValues {
  if (record.element.kind !== 'numeric') return new Array<unknown>(size);
  const ctor = typedArrayFor(record.element.dtype);
  // Not zeroed: every element of a numeric read is written (a chunk never written with its fill).
  if (out === undefined) return new ctor(unfilledMemory(size * ctor.BYTES_PER_ELEMENT)) as NumericArray;
  if (!(out instanceof ctor) || out.length < size) {
    throw new ValidationError(`out must be a ${ctor.name} of at least ${size} elements`, {
      path,
      rule: 'out-buffer',
    });
  }
  return out.length === size ? out : (out.subarray(0, size) as NumericArray);
}

/** Chunk element values as neutral values: references resolved and checked, text as text. */
async function neutralValues(
  source: ChunkSource,
  record: ArrayRecord,
  values: ChunkValues,
  path: string,
): Promise<NdArray['data']> {
  if (ArrayBuffer.isView(values)) return values;
  if (isCompoundDType(record.dtype)) {
    const rows =
      record.element.kind === 'structured'
        ? (values as CompoundRow[]).map((row) => zeroFilled(record.dtype as CompoundDType, row))
        : rowsFromStored(record.dtype, missingAsError(values, path), path);
    await checkTargets(
      source,
      rows.flatMap((row) => Object.values(row).filter(isObjectRef)),
      path,
    );
    return rows;
  }
  if (holdsRegionReferences(record.dtype)) {
    throw new UnsupportedError('region references are not supported in Zarr', {
      path,
      feature: 'dtype:region',
      backend: 'zarr',
    });
  }
  if (record.dtype === 'ref') {
    const refs: ObjectRef[] = values.map((v) => {
      if (v === undefined || v === null || typeof v !== 'object')
        throw new InvalidFileError('a reference element is missing or not a reference', { path });
      return referenceFromStored(v, path);
    });
    await checkTargets(source, refs, path);
    return refs;
  }
  return values.map((v) =>
    typeof v === 'string' ? v : v === undefined || v === null || v === 0 ? '' : JSON.stringify(v),
  );
}

/** Checks that every reference points at an object of this store. */
async function checkTargets(source: ChunkSource, refs: readonly ObjectRef[], path: string): Promise<void> {
  const targets = [...new Set(refs.map((r) => r.path))];
  await Promise.all(
    targets.map(async (target) => {
      if (!(await source.exists(target)))
        throw new NotFoundError(`reference to a missing object ${target}`, { path });
    }),
  );
}

/** A record with every field present (fields of a chunk never written are zero). */
function zeroFilled(dtype: CompoundDType, row: CompoundRow): CompoundRow {
  if (dtype.compound.every((f) => f.name in row)) return row;
  const out: CompoundRow = {};
  for (const f of dtype.compound) {
    out[f.name] =
      row[f.name] ?? (f.dtype === 'bool' ? false : f.dtype === 'int64' || f.dtype === 'uint64' ? 0n : 0);
  }
  return out;
}

/** Object elements of chunks never written are missing: a compound has no fill value to give. */
function missingAsError(values: readonly unknown[], path: string): unknown[] {
  if (values.some((v) => v === undefined))
    throw new InvalidFileError('a compound element is missing (a chunk was never written)', { path });
  return values as unknown[];
}
