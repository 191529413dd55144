/**
 * Default chunk shapes for datasets written without one: about 1 MiB per chunk (within 0.5-4 MiB
 * when the data allows), one frame per chunk for image-like (3-D and 4-D) data so that reading a
 * frame decodes one chunk, and never tiny chunks (each costs an index entry, a request or a file).
 */
import type { DType } from '../storage/dtype.js';
import { elementBytes } from './sizes.js';
import { ValidationError } from '../errors.js';

const TARGET_BYTES = 1024 * 1024;
const MAX_BYTES = 4 * 1024 * 1024;
/** Frames at least this big get a chunk each; smaller frames are grouped towards the target. */
const MIN_FRAME_BYTES = 128 * 1024;

/**
 * A chunk shape for a dataset of `dtype` and `shape` (rank at least 1). Every chunk extent is at
 * least 1 and at most the axis length (or 1 for an empty axis), so it also suits datasets that
 * grow along the first axis.
 */
export function defaultChunks(dtype: DType, shape: readonly number[]): number[] {
  const rank = shape.length;
  if (rank === 0) throw new ValidationError('a scalar dataset has no chunks', { rule: 'chunks' });
  const itemBytes = Math.max(1, elementBytes(dtype));
  const chunks = shape.map((d) => Math.max(1, d));
  const bytes = () => chunks.reduce((n, d) => n * d, itemBytes);

  // The trailing axes (a row, or a frame) stay whole unless they alone exceed the maximum; then the
  // largest of them is halved until the chunk fits.
  chunks[0] = 1;
  while (bytes() > MAX_BYTES) {
    let largest = 1;
    for (let axis = 2; axis < rank; axis++) if (chunks[axis]! > chunks[largest]!) largest = axis;
    if (rank === 1 || chunks[largest]! <= 1) break;
    chunks[largest] = Math.ceil(chunks[largest]! / 2);
  }

  // Along the first axis: one frame per chunk for image-like data whose frames are big enough,
  // otherwise as many rows as reach the target.
  const rowBytes = bytes();
  const imageLike = rank >= 3 && rowBytes >= MIN_FRAME_BYTES;
  if (!imageLike) {
    const rows = Math.max(1, Math.floor(TARGET_BYTES / rowBytes));
    chunks[0] = Math.min(rows, Math.max(1, shape[0]!));
  }
  return chunks;
}
