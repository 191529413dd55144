/**
 * A stored chunk back to its elements: the dataset's filters undone in reverse order, skipping those
 * the chunk's filter mask says were not applied. Only deflate, shuffle, fletcher32 and h5py's LZF
 * are decoded here; a pipeline with any other filter is not read by the fast path at all.
 */
import { corrupt, unread } from '../format/errors.js';
import { type Filter, FilterId } from '../format/filters.js';
import { checkFletcher32 } from './fletcher32.js';
import { lzfDecompress } from './lzf.js';
import { unshuffle } from './shuffle.js';

/** Inflates zlib-wrapped deflate data (the platform's zlib). */
export type Inflate = (bytes: Uint8Array) => Promise<Uint8Array>;

/** True when every filter of the pipeline is one this decoder undoes. */
export function decodableFilters(filters: readonly Filter[]): boolean {
  return filters.every(
    (f) =>
      f.id === FilterId.deflate ||
      f.id === FilterId.shuffle ||
      f.id === FilterId.fletcher32 ||
      f.id === FilterId.lzf,
  );
}

/** The chunk's elements: `expected` bytes, or an error. */
export async function decodeChunk(
  stored: Uint8Array,
  filters: readonly Filter[],
  filterMask: number,
  elementSize: number,
  expected: number,
  inflate: Inflate,
): Promise<Uint8Array> {
  let bytes = stored;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (filterMask & (1 << i)) continue;
    const filter = filters[i]!;
    if (filter.id === FilterId.deflate) bytes = await inflateChunk(inflate, bytes);
    else if (filter.id === FilterId.shuffle) bytes = unshuffle(bytes, filter.values[0] ?? elementSize);
    else if (filter.id === FilterId.fletcher32) bytes = checkFletcher32(bytes);
    else if (filter.id === FilterId.lzf) bytes = lzfDecompress(bytes, expected);
    else unread(`filter ${filter.id}`);
  }
  if (bytes.length < expected) corrupt(`a chunk decodes to ${bytes.length} bytes, not ${expected}`);
  return bytes.length === expected ? bytes : bytes.subarray(0, expected);
}

async function inflateChunk(inflate: Inflate, bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await inflate(bytes);
  } catch (error) {
    return corrupt(`a chunk does not inflate (${error instanceof Error ? error.message : String(error)})`);
  }
}
