/**
 * HDF5 files as bytes: {@link openHdf5Bytes} reads a file given as an ArrayBuffer, a typed array or
 * a Blob/File; {@link createHdf5InMemory} writes a new file and hands its bytes back when closed.
 * These are the only way in and out in the browser, and they work the same in Node.
 */
import type { OpenMode } from '@nwbjs/core';
import { ValidationError } from '@nwbjs/core';
import { platform } from '#platform';
import type { FileStorage } from './backend.js';
import { Hdf5Backend, createFile, openForReading } from './backend.js';
import { backendError } from './errors.js';
import { Hdf5File } from './file-handle.js';
import type { H5Module } from './module.js';
import { checkHdf5Bytes } from './signature.js';

/** Anything with the bytes of a file: what a Blob or File (or a fetch Response) offers. */
export interface BytesSource {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The bytes of an HDF5 file: an ArrayBuffer, any typed array or DataView over one (a Node Buffer
 * too), or a Blob / File (read whole with `arrayBuffer()`).
 */
export type Hdf5Bytes = ArrayBuffer | ArrayBufferView | BytesSource;

const DEFAULT_NAME = 'in-memory.h5';

/**
 * Opens an HDF5 file given as bytes, for reading; returns the same {@link Hdf5Backend} as
 * `openHdf5(path, 'r')`. Non-HDF5 or truncated bytes are an InvalidFileError. `name` is what the
 * file goes by in errors and as the backend's `location` (by default a File's own name, otherwise
 * `in-memory.h5`).
 *
 * The whole file is held in memory while it is open. In the browser the bytes are used in place
 * (not copied), so they must not be changed until the backend is closed; in Node they are written
 * to a private temporary file, removed on `close()`.
 *
 * ```ts
 * const reader = await openHdf5Bytes(await (await fetch('session.nwb')).arrayBuffer());
 * const tree = await readTree(reader);
 * await reader.close();
 * ```
 */
export async function openHdf5Bytes(bytes: Hdf5Bytes, name?: string): Promise<Hdf5Backend> {
  name ??= fileName(bytes) ?? DEFAULT_NAME;
  const data = await toUint8Array(bytes, name);
  checkHdf5Bytes(data, name);
  const { module } = await platform.loadH5();
  const staged = platform.scratch.put(module, data);
  const remove = (): void => platform.scratch.remove(module, staged);
  let fileId: bigint;
  try {
    fileId = openForReading(module, staged, name);
  } catch (error) {
    remove();
    throw error;
  }
  // The bytes also serve numeric reads without h5wasm, which bounds what a chunk inflates to (a
  // gzip bomb read through h5wasm runs its heap out of memory).
  return new Hdf5Backend(
    new Hdf5File(module, fileId, staged),
    name,
    'r',
    { finish: remove, discard: remove },
    data,
  );
}

/**
 * A new HDF5 file written in memory. It is an {@link Hdf5Backend} open for writing (what
 * `writeTree` and `writeNWBFile` of `@nwbjs/core` take); {@link Hdf5MemoryWriter.toBytes} closes
 * it and returns the finished file's bytes. `name` is what the file goes by in errors and as the
 * writer's `location`. In the browser the file grows in memory as it is written; in Node it is
 * written to a private temporary file and read back by `toBytes()`.
 *
 * ```ts
 * const writer = await createHdf5InMemory('session.nwb');
 * await writeNWBFile(writer, nwbfile);
 * const bytes = await writer.toBytes(); // a Uint8Array: save it, upload it, download it
 * ```
 */
export async function createHdf5InMemory(name = DEFAULT_NAME): Promise<Hdf5MemoryWriter> {
  const { module } = await platform.loadH5();
  const path = platform.scratch.reserve(module);
  const output = new MemoryOutput(module, path);
  const fileId = createFile(module, path, name, () => output.discard());
  return new Hdf5MemoryWriter(new Hdf5File(module, fileId, path), name, 'w', output);
}

/**
 * An HDF5 file being written in memory (made by {@link createHdf5InMemory}). Write to it like any
 * {@link Hdf5Backend}; `close()` finishes it and keeps its bytes, `toBytes()` returns them.
 */
export class Hdf5MemoryWriter extends Hdf5Backend {
  readonly #output: MemoryOutput;

  /** @internal Use {@link createHdf5InMemory}. */
  constructor(file: Hdf5File, location: string, mode: OpenMode, output: MemoryOutput) {
    super(file, location, mode, output);
    this.#output = output;
  }

  /**
   * Closes the file if it is still open, and returns its bytes (the same array on every call).
   * Throws a BackendError if the file was aborted or failed to close.
   */
  async toBytes(): Promise<Uint8Array<ArrayBuffer>> {
    await this.close();
    const bytes = this.#output.bytes;
    if (bytes === undefined) throw backendError(this.location, 'the file was aborted, so it has no bytes');
    return bytes;
  }
}

/** @internal Takes a closed in-memory file's bytes and frees its scratch file. */
export class MemoryOutput implements FileStorage {
  /** The finished file, once closed. */
  bytes: Uint8Array<ArrayBuffer> | undefined;
  readonly #module: H5Module;
  readonly #path: string;

  constructor(module: H5Module, path: string) {
    this.#module = module;
    this.#path = path;
  }

  finish(): void {
    try {
      this.bytes = platform.scratch.read(this.#module, this.#path);
    } finally {
      this.discard();
    }
  }

  discard(): void {
    platform.scratch.remove(this.#module, this.#path);
  }
}

/** The bytes of `input` as a Uint8Array (a view where possible, never a copy of a buffer). */
async function toUint8Array(input: Hdf5Bytes, name: string): Promise<Uint8Array> {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (isArrayBuffer(input)) return new Uint8Array(input);
  if (typeof (input as Partial<BytesSource> | null)?.arrayBuffer === 'function') {
    return new Uint8Array(await (input as BytesSource).arrayBuffer());
  }
  throw new ValidationError('expected the bytes of an HDF5 file: an ArrayBuffer, a typed array or a Blob', {
    path: name,
    rule: 'hdf5-bytes',
  });
}

/** True for an ArrayBuffer, also one from another realm (a worker, an iframe). */
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/** A File's own name, if `input` is one. */
function fileName(input: Hdf5Bytes): string | undefined {
  const name = (input as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
