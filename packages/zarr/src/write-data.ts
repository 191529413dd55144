/**
 * Writing a block of an array: the block is cut into the chunks it touches, each copied once into
 * a buffer of its own (partly covered chunks start from what is stored), and handed to the
 * write-behind queue that encodes and stores several at once.
 */
import type { CompoundRow, NdArray, NumericArray, ObjectRef } from '@nwbjs/core';
import { shapeSize } from '@nwbjs/core';
import { isCompoundDType, typedArrayFor } from '@nwbjs/core/backend';
import { axisParts, chunkRun, combinations, copyBlock, strides } from './chunk-grid.js';
import type { ChunkReader } from './chunk-io.js';
import { chunkKey, fillChunk } from './chunk-io.js';
import type { ChunkWriteQueue } from './chunk-queue.js';
import { rowsToStored } from './conventions/compound.js';
import type { ChunkValues } from './conventions/elements.js';
import { storedReference } from './conventions/references.js';
import type { ArrayRecord } from './metadata.js';

/** Where a write's chunks go, and what it needs to know to lay them out. */
export interface ChunkSink {
  /** Chunks being encoded and stored after their writeData call returned. */
  readonly queue: ChunkWriteQueue;
  /** A stored chunk (to be partly overwritten), or undefined when it was never written. */
  readonly readChunk: ChunkReader;
  /** Encodes and stores one chunk. */
  writeChunk(record: ArrayRecord, index: readonly number[], chunk: ChunkValues): Promise<void>;
  /** The root's `object_id`, which stored references name as their source. */
  rootObjectId(): string | undefined;
}

/** Writes `data` (already checked against the array) with its first element at `start`. */
export async function writeArray(
  sink: ChunkSink,
  record: ArrayRecord,
  start: readonly number[],
  data: NdArray,
): Promise<void> {
  const blockStart = record.scalar ? [0] : [...start];
  const blockShape = record.scalar ? [1] : [...data.shape];
  const values = storedValues(record, data, sink.rootObjectId());
  const perAxis = blockShape.map((c, axis) => axisParts(blockStart[axis]!, c, 1, record.chunks[axis]!));
  const chunkCount = shapeSize(record.chunks);
  const ones = blockShape.map(() => 1);
  const blockStrides = strides(blockShape);
  const numeric =
    record.element.kind === 'numeric' && ArrayBuffer.isView(values) ? (values as NumericArray) : undefined;
  // Chunks are cut out one after another and handed to the write-behind queue, which encodes and
  // stores several at once; this call returns once the last is handed over, so the next block is
  // prepared while earlier chunks still compress.
  //
  // Because this call returns while chunks are still queued, compressing or being written, a
  // queued chunk is never a view of the caller's data: the caller may refill its buffer as soon as
  // the call resolves (a DataStream may yield one reused buffer; writeTree awaits each writeData
  // before asking for the next slab). Each chunk is therefore copied exactly once, into a buffer of
  // its own: with one set() when the chunk is a contiguous run of the block (whole frames into
  // one-frame chunks), else with copyBlock into a filled chunk. From then on the chunk is ours, so
  // it goes to the encoder and the store without another copy, and a store may keep it. (Passing
  // views and waiting for their writes instead would stall the caller on every call, and a stream
  // of single frames would lose its compression overlap.)
  for (const parts of combinations(perAxis)) {
    const index = parts.map((p) => p.chunk);
    const run = numeric === undefined ? undefined : chunkRun(parts, record.chunks, blockShape, blockStrides);
    let chunk: ChunkValues;
    if (run !== undefined && record.element.kind === 'numeric') {
      // Not slice(): on a Node Buffer that is a view, not a copy.
      const copy = new (typedArrayFor(record.element.dtype))(chunkCount);
      (copy as unknown as { set(from: ArrayLike<unknown>): void }).set(
        numeric!.subarray(run, run + chunkCount),
      );
      chunk = copy as NumericArray;
    } else {
      const full = parts.every(
        (p, axis) =>
          p.inChunk === 0 &&
          p.count ===
            Math.min(record.chunks[axis]!, record.shape[axis]! - index[axis]! * record.chunks[axis]!),
      );
      chunk =
        (full ? undefined : await sink.readChunk(record, index, chunkCount, 'own')) ??
        fillChunk(record, chunkCount);
      copyBlock(
        values as unknown as { [i: number]: unknown; length: number },
        blockShape,
        parts.map((p) => p.outStart),
        ones,
        chunk as unknown as { [i: number]: unknown; length: number },
        record.chunks,
        parts.map((p) => p.inChunk),
        parts.map((p) => p.count),
      );
    }
    const bytes =
      record.element.kind === 'numeric' || record.element.kind === 'structured'
        ? chunkCount * record.element.itemSize
        : chunkCount * 16;
    await sink.queue.add(chunkKey(record, index), bytes, () => sink.writeChunk(record, index, chunk));
  }
}

/** A block's values as chunks store them: references and records holding them in hdmf-zarr's form. */
function storedValues(record: ArrayRecord, data: NdArray, rootObjectId: string | undefined): ChunkValues {
  if (isCompoundDType(record.dtype) && record.element.kind === 'object')
    return rowsToStored(record.dtype, data.data as CompoundRow[], rootObjectId, record.path);
  if (record.dtype === 'ref') {
    return (data.data as ObjectRef[]).map((r) => ({ ...storedReference(r, rootObjectId) }));
  }
  return data.data as ChunkValues;
}
