/**
 * Memory in the WASM heap for HDF5 to read into and write from. Reads reuse one scratch buffer, so
 * reading frame after frame of a series allocates nothing per call; big buffers are released after
 * use so that one large read does not pin heap memory for the life of the file.
 */
import { encodeText } from '@nwbjs/core/backend';
import type { H5Module } from './module.js';

/** Buffers above this size are freed after each use instead of being kept for reuse. */
const KEEP_BYTES = 64 * 1024 * 1024;

/** A growable heap buffer, reused between calls. */
export class ScratchBuffer {
  #ptr = 0;
  #capacity = 0;
  readonly #module: H5Module;

  constructor(module: H5Module) {
    this.#module = module;
  }

  /** A heap address with room for `bytes` (at least 1) bytes; valid until the next call or release. */
  acquire(bytes: number): number {
    const need = Math.max(8, bytes);
    if (need > this.#capacity) {
      this.free();
      const ptr = allocate(this.#module, need);
      this.#ptr = ptr;
      this.#capacity = need;
    }
    return this.#ptr;
  }

  /** Ends one use: gives big buffers back to the heap. */
  release(): void {
    if (this.#capacity > KEEP_BYTES) this.free();
  }

  /** Frees the buffer. */
  free(): void {
    if (this.#ptr !== 0) this.#module._free(this.#ptr);
    this.#ptr = 0;
    this.#capacity = 0;
  }
}

/** Allocates `bytes` in the heap, or throws (instead of returning the null pointer). */
export function allocate(module: H5Module, bytes: number): number {
  const size = Math.max(8, bytes);
  if (size > module.MAXIMUM_MEMORY) {
    throw new RangeError(`cannot allocate ${size} bytes in the WASM heap (at most ${module.MAXIMUM_MEMORY})`);
  }
  const ptr = module._malloc(size);
  if (ptr === 0) throw new RangeError(`allocating ${size} bytes in the WASM heap failed`);
  return ptr;
}

/** Copies `bytes` into a fresh heap allocation; the caller frees it. */
export function copyToHeap(module: H5Module, bytes: Uint8Array): number {
  const ptr = allocate(module, bytes.byteLength);
  // HEAPU8 is replaced when the heap grows, so it is looked up after allocating.
  module.HEAPU8.set(bytes, ptr);
  return ptr;
}

/** The bytes of a typed array (a view, not a copy). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes a list of strings into the heap as C strings plus an array of pointers to them (the
 * memory layout of HDF5 variable-length strings). Returns the pointer array and a function that
 * frees everything.
 */
export function stringsToHeap(
  module: H5Module,
  values: readonly string[],
): { ptr: number; free: () => void } {
  const encoded = values.map((v) => encodeText(v));
  const total = encoded.reduce((n, e) => n + e.byteLength + 1, 0);
  const chars = allocate(module, total);
  const table = allocate(module, values.length * 4);
  try {
    let at = chars;
    const pointers = new Uint32Array(values.length);
    encoded.forEach((e, i) => {
      module.HEAPU8.set(e, at);
      module.HEAPU8[at + e.byteLength] = 0;
      pointers[i] = at;
      at += e.byteLength + 1;
    });
    module.HEAPU8.set(bytesOf(pointers), table);
  } catch (error) {
    module._free(chars);
    module._free(table);
    throw error;
  }
  return {
    ptr: table,
    free: () => {
      module._free(chars);
      module._free(table);
    },
  };
}
