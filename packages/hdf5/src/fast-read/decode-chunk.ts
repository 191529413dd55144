/**
 * A stored chunk back to its elements: the dataset's filters undone in reverse order, skipping those
 * the chunk's filter mask says were not applied. Deflate, shuffle, fletcher32 and h5py's LZF are
 * decoded here; other filters (HDF5's plugin filters: Blosc, Zstd, ...) only by decoders the caller
 * supplies. A pipeline with any other filter is not read without h5wasm at all.
 */
import { MAX_CHUNK_BYTES } from '@nwbjs/core/backend';
import { CorruptStructureError, corrupt, unread } from '../format/errors.js';
import { type Filter, FilterId } from '../format/filters.js';
import { checkFletcher32 } from './fletcher32.js';
import { lzfDecompress } from './lzf.js';
import { unshuffle } from './shuffle.js';

/**
 * Inflates zlib-wrapped deflate data (the platform's zlib). With `maxBytes`, output beyond that
 * many bytes is a RangeError (a chunk that inflates past its size is damaged, or a bomb), found
 * without inflating the rest. `hints.alone`: this is the only chunk the read waits for, so an
 * implementation with a thread pool may rather inflate it at once on the calling thread (nothing
 * would run next to it, and the hand-over costs time).
 */
export type Inflate = (
  bytes: Uint8Array,
  maxBytes?: number,
  hints?: { readonly alone?: boolean },
) => Promise<Uint8Array>;

/**
 * A chunk that decodes past its declared size, or whose declared size is past the memory budget
 * (`MAX_CHUNK_BYTES`): the file is broken or hostile (a decompression bomb). The h5wasm backend
 * does not hand such a chunk to h5wasm (which would inflate all of it) but reports it.
 */
export class DecodeLimitError extends CorruptStructureError {}

/**
 * Undoes one HDF5 filter that is not built in (a plugin filter such as Blosc, 32001, or Zstd,
 * 32015): `bytes` are the filter's output as stored, `filter` its id and parameters (the filter
 * pipeline's client data values), `expectedBytes` the size of a whole decoded chunk, which the
 * result should not exceed.
 */
export type FilterDecoder = (
  bytes: Uint8Array,
  filter: { readonly id: number; readonly values: readonly number[] },
  expectedBytes: number,
) => Promise<Uint8Array>;

/** Decoders of filters that are not built in, by HDF5 filter id. */
export type FilterDecoders = Readonly<Record<number, FilterDecoder>>;

/** What a filter inside deflate may add to a chunk (fletcher32's checksum), so inflating may give. */
const SLACK = 4;

const BUILT_IN: ReadonlySet<number> = new Set([
  FilterId.deflate,
  FilterId.shuffle,
  FilterId.fletcher32,
  FilterId.lzf,
]);

/** True when every filter of the pipeline is built in or has one of `extra`'s decoders. */
export function decodableFilters(filters: readonly Filter[], extra: FilterDecoders = {}): boolean {
  return filters.every((f) => BUILT_IN.has(f.id) || Object.hasOwn(extra, f.id));
}

/** The chunk's elements: `expected` bytes, or an error. */
export async function decodeChunk(
  stored: Uint8Array,
  filters: readonly Filter[],
  filterMask: number,
  elementSize: number,
  expected: number,
  inflate: Inflate,
  extra: FilterDecoders = {},
): Promise<Uint8Array> {
  if (expected > MAX_CHUNK_BYTES)
    throw new DecodeLimitError(`its chunks of ${expected} bytes are more than a chunk may take (1 GiB)`);
  let bytes = stored;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (filterMask & (1 << i)) continue;
    const filter = filters[i]!;
    if (filter.id === FilterId.deflate) bytes = await inflateChunk(inflate, bytes, expected);
    else if (filter.id === FilterId.shuffle) bytes = unshuffle(bytes, filter.values[0] ?? elementSize);
    else if (filter.id === FilterId.fletcher32) bytes = checkFletcher32(bytes);
    else if (filter.id === FilterId.lzf) bytes = lzfDecompress(bytes, expected);
    else if (Object.hasOwn(extra, filter.id))
      bytes = await decodeExtra(extra[filter.id]!, bytes, filter, expected);
    else unread(`filter ${filter.id}`);
  }
  if (bytes.length > expected + SLACK) throw new DecodeLimitError(tooBig(expected));
  if (bytes.length < expected) corrupt(`a chunk decodes to ${bytes.length} bytes, not ${expected}`);
  return bytes.length === expected ? bytes : bytes.subarray(0, expected);
}

async function inflateChunk(inflate: Inflate, bytes: Uint8Array, expected: number): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = await inflate(bytes, expected + SLACK);
  } catch (error) {
    if (error instanceof RangeError) throw new DecodeLimitError(tooBig(expected));
    return corrupt(`a chunk does not inflate (${error instanceof Error ? error.message : String(error)})`);
  }
  if (out.length > expected + SLACK) throw new DecodeLimitError(tooBig(expected));
  return out;
}

function tooBig(expected: number): string {
  return `a chunk decodes to more than its ${expected} bytes`;
}

async function decodeExtra(
  decoder: FilterDecoder,
  bytes: Uint8Array,
  filter: Filter,
  expected: number,
): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = await decoder(bytes, { id: filter.id, values: filter.values }, expected);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return corrupt(`a chunk does not decode with filter ${filter.name ?? filter.id} (${reason})`);
  }
  if (!(out instanceof Uint8Array)) corrupt(`filter ${filter.id}'s decoder gave no bytes`);
  return out;
}
