/**
 * The HDF5 storage backend: {@link openHdf5} opens a file by path for reading, or creates one to
 * write (into a temporary sibling that becomes the target only when `close()` succeeds). Files
 * given as bytes or written to memory use the same backend (see `in-memory.ts`).
 */
import { rewriteBoolStandIns } from './bool-enum.js';
import type { Attributes, NdArray, NumericDType, OpenMode, StorageWriter } from '@nwbjs/core';
import type {
  ChunkEncoding,
  DatasetDefinition,
  Hyperslab,
  LinkTarget,
  NodeInfo,
  ReadOptions,
} from '@nwbjs/core/backend';
import { InvalidFileError, UnsupportedError, isNWBError, isNumericDType, shapeSize } from '@nwbjs/core';
import { PromiseCache, hyperslabShape } from '@nwbjs/core/backend';
import { platform } from '#platform';
import { HDF5_CAPABILITIES } from './capabilities.js';
import { FORMAT, backendError, hdf5Reason, unsupported, wrapError } from './errors.js';
import { Hdf5File } from './file-handle.js';
import type { H5Module } from './module.js';
import type { PathFiles } from './platform/types.js';
import { DecodeLimitError, type Inflate } from './fast-read/decode-chunk.js';
import { FastReader } from './fast-read/fast-reader.js';
import { StoredChunks } from './fast-read/stored-chunks.js';
import { assertFiltersAvailable } from './filter-plugins.js';
import type { ByteSource, ByteSourceInto } from './format/byte-source.js';
import { Hdf5Structure } from './format/hdf5-structure.js';
import { streamInflate } from './format-reader/inflate.js';
import {
  type Hdf5DatasetInfo,
  groupIdentity,
  listGroup,
  readAttributes,
  readData,
  readTarget,
  statPath,
} from './read.js';
import {
  createDataset,
  createGroup,
  createLink,
  resizeDataset,
  setAttribute,
  settleBoolAttributes,
  writeData,
} from './write.js';

export { HDF5_CAPABILITIES };

type State = 'open' | 'closed' | 'aborted';

/** A numeric chunked dataset whose chunks the fast reader's structure hands out as stored. */
interface ChunkSource {
  readonly chunks: StoredChunks;
  readonly encoding: ChunkEncoding;
  /** The dataset's own path (where `stat` found it). */
  readonly path: string;
  readonly dtype: NumericDType;
  readonly shape: readonly number[];
}

/**
 * @internal What happens to the file where HDF5 works on it once HDF5 has closed it: `finish()`
 * after a successful close (a writer's file is moved to its target or taken as bytes; a copy made
 * for reading is removed), `discard()` after an abort or a failed close (everything is removed;
 * must be safe to call again).
 */
export interface FileStorage {
  finish(): void;
  discard(): void;
}

/**
 * An HDF5 file as a {@link StorageWriter} (and so a StorageReader). Obtain one with
 * {@link openHdf5}; a backend opened with mode `'r'` refuses every write.
 */
export class Hdf5Backend implements StorageWriter {
  readonly format = FORMAT;
  readonly capabilities = HDF5_CAPABILITIES;
  /** The target path (what `close()` commits to, for a writer). */
  readonly location: string;
  /** The mode the file was opened with. */
  readonly mode: OpenMode;
  readonly #file: Hdf5File;
  readonly #storage: FileStorage | undefined;
  #state: State = 'open';
  /**
   * A file opened read-only by path on a real file system, or given as bytes: numeric data may be
   * read without h5wasm (which also bounds what a chunk may inflate to).
   */
  readonly #fastPath: FastSource | undefined;
  #fast:
    Promise<{ reader: FastReader; chunks: StoredChunks; close(): Promise<void> } | undefined> | undefined;
  /** Per dataset path: its chunks as stored, where they can be handed out. */
  readonly #chunkSources = new PromiseCache<string, ChunkSource | undefined>();

  /**
   * @internal Use {@link openHdf5}, `openHdf5Bytes` or `createHdf5InMemory`. `fastPath`: the file's
   * path or bytes, for reading data directly (read-only files only).
   */
  constructor(
    file: Hdf5File,
    location: string,
    mode: OpenMode,
    storage: FileStorage | undefined,
    fastPath?: FastSource,
  ) {
    this.#file = file;
    this.location = location;
    this.mode = mode;
    this.#storage = storage;
    this.#fastPath = mode === 'r' ? fastPath : undefined;
  }

  async stat(path: string): Promise<NodeInfo | undefined> {
    return this.#read(path, 'stat', () => statPath(this.#file, path));
  }

  async list(path: string): Promise<string[]> {
    return this.#read(path, 'list', () => listGroup(this.#file, path));
  }

  /** The group's object header address: the same through every hard link to it. */
  async groupIdentity(path: string): Promise<string | undefined> {
    return this.#read(path, 'finding the group', () => groupIdentity(this.#file, path));
  }

  async readAttributes(path: string): Promise<Attributes> {
    return this.#read(path, 'reading attributes', () => readAttributes(this.#file, path));
  }

  async readData(path: string, slab: Hyperslab, options?: ReadOptions): Promise<NdArray> {
    if (this.#fastPath !== undefined) {
      const fast = await this.#fastRead(path, slab, options);
      if (fast !== undefined) return fast;
    }
    return this.#read(path, 'reading data', () => {
      try {
        return readData(this.#file, path, slab, options);
      } catch (error) {
        // HDF5 fails on a filter it lacks with an opaque message; say which one, and how to add it.
        const info = statPath(this.#file, path);
        if (info?.kind === 'dataset') {
          assertFiltersAvailable(this.#file.module, info.path, (info as Hdf5DatasetInfo).filters);
        }
        throw error;
      }
    });
  }

  /**
   * Numeric data read from the file's chunks directly, when the fast path understands the dataset;
   * undefined otherwise, and on any failure of its own, so that h5wasm reads it (and reports what
   * is wrong with the file in its words).
   */
  async #fastRead(path: string, slab: Hyperslab, options?: ReadOptions): Promise<NdArray | undefined> {
    const target = this.#read(path, 'reading data', () => readTarget(this.#file, path, slab));
    const { dtype, shape } = target;
    if (!isNumericDType(dtype) || shape.length === 0 || shapeSize(slab.count) === 0) return undefined;
    try {
      const fast = await this.#fastReader();
      const data = await fast?.reader.read(target.path, dtype, shape, slab, options?.out);
      return data === undefined ? undefined : { dtype, shape: hyperslabShape(slab), data };
    } catch (error) {
      if (error instanceof DecodeLimitError)
        throw new InvalidFileError(error.message, { path: target.path, cause: error });
      return undefined;
    }
  }

  /** How the dataset's chunks are stored, when they can be handed out as they are (read-only files). */
  async chunkEncoding(path: string): Promise<ChunkEncoding | undefined> {
    return (await this.#chunkSource(path))?.encoding;
  }

  async *storedChunks(path: string): AsyncGenerator<readonly number[]> {
    const source = await this.#requireChunkSource(path);
    yield* source.chunks.indices(source.path, source.dtype, source.shape);
  }

  async readStoredChunk(path: string, index: readonly number[]): Promise<Uint8Array | undefined> {
    const source = await this.#requireChunkSource(path);
    return source.chunks.read(source.path, source.dtype, source.shape, index);
  }

  /** Several chunks' stored bytes; chunks next to each other in the file are read at once (into `into` where they fit). */
  async readStoredChunks(
    path: string,
    indices: readonly (readonly number[])[],
    into?: Uint8Array,
  ): Promise<(Uint8Array | undefined)[]> {
    const source = await this.#requireChunkSource(path);
    return source.chunks.readMany(source.path, source.dtype, source.shape, indices, into);
  }

  /** The dataset's stored chunks, where they can be handed out; found once per path (the file does not change; a failure is not kept). */
  #chunkSource(path: string): Promise<ChunkSource | undefined> {
    return this.#read(path, 'reading stored chunks', () =>
      this.#chunkSources.get(path, () => this.#findChunkSource(path)),
    );
  }

  async #findChunkSource(path: string): Promise<ChunkSource | undefined> {
    if (this.#fastPath === undefined) return undefined;
    const info = this.#read(path, 'stat', () => statPath(this.#file, path));
    if (info?.kind !== 'dataset' || !isNumericDType(info.dtype) || info.shape.length === 0) return undefined;
    const chunks = (await this.#fastReader())?.chunks;
    // Whatever the format reader fails on here, h5wasm still decodes the dataset (and reports what
    // is wrong with the file in its words): a local file's chunks are then simply not handed out.
    const encoding = await chunks?.encoding(info.path, info.dtype, info.shape).catch(() => undefined);
    if (chunks === undefined || encoding === undefined) return undefined;
    return { chunks, encoding, path: info.path, dtype: info.dtype, shape: info.shape };
  }

  async #requireChunkSource(path: string): Promise<ChunkSource> {
    const source = await this.#chunkSource(path);
    if (source === undefined)
      throw unsupported(path, 'its chunks cannot be handed out as they are stored', 'stored-chunks');
    return source;
  }

  #fastReader(): Promise<{ reader: FastReader; chunks: StoredChunks; close(): Promise<void> } | undefined> {
    const from = this.#fastPath;
    if (this.#fast === undefined) {
      this.#fast =
        from === undefined
          ? Promise.resolve(undefined)
          : (async () => {
              const file = await openFastSource(from);
              if (file === undefined) return undefined;
              try {
                const structure = await Hdf5Structure.open(file.source, file.size);
                return {
                  reader: new FastReader(structure, file.source, file.inflate, {
                    ...(file.readInto === undefined ? {} : { readInto: file.readInto }),
                    ...(file.allocate === undefined ? {} : { allocate: file.allocate }),
                  }),
                  chunks: new StoredChunks(structure, file.source, file.readInto),
                  close: file.close,
                };
              } catch {
                await file.close();
                return undefined;
              }
            })().catch(() => undefined);
    }
    return this.#fast;
  }

  /** Closes the fast path's file handle, if one was opened. */
  async #closeFast(): Promise<void> {
    const fast = await this.#fast;
    this.#fast = Promise.resolve(undefined);
    await fast?.close().catch(() => undefined);
  }

  async createGroup(path: string, attributes?: Attributes): Promise<void> {
    this.#write(path, 'creating a group', () => createGroup(this.#file, path, attributes));
  }

  async createDataset(
    path: string,
    definition: DatasetDefinition,
    attributes?: Attributes,
    data?: NdArray,
  ): Promise<void> {
    this.#write(path, 'creating a dataset', () =>
      createDataset(this.#file, path, definition, attributes, data),
    );
  }

  async writeData(path: string, start: readonly number[], data: NdArray): Promise<void> {
    this.#write(path, 'writing data', () => writeData(this.#file, path, start, data));
  }

  async resize(path: string, shape: readonly number[]): Promise<void> {
    this.#write(path, 'resizing', () => resizeDataset(this.#file, path, shape));
  }

  async setAttribute(path: string, name: string, value: NdArray): Promise<void> {
    this.#write(path, `setting attribute ${name}`, () => setAttribute(this.#file, path, name, value));
  }

  async createLink(path: string, target: LinkTarget): Promise<void> {
    this.#write(path, 'creating a link', () => createLink(this.#file, path, target));
  }

  /**
   * Closes the file. A writer flushes, closes and moves the temporary file onto the target; if any
   * step fails the temporary file is deleted and nothing appears at the target.
   */
  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    await this.#closeFast();
    const { module, fileId } = this.#file;
    this.#file.freeBuffers();
    if (this.mode === 'r') {
      try {
        module.close_file(fileId);
      } catch (error) {
        throw wrapError(error, this.location, 'closing the file');
      } finally {
        this.#storage?.finish();
      }
      return;
    }
    try {
      settleBoolAttributes(this.#file);
      const flushed = module.flush(fileId);
      const closed = module.close_file(fileId);
      if (flushed < 0 || closed < 0)
        throw backendError(this.location, 'flushing and closing the file failed');
      if (this.#file.fsPath !== undefined)
        rewriteBoolStandIns(module, this.#file.fsPath, this.#file.boolStandIns, this.location);
    } catch (error) {
      this.#storage?.discard();
      throw wrapError(error, this.location, 'closing the file');
    }
    this.#storage?.finish();
  }

  /** Discards a writer's file: nothing is left at the target (or at the temporary path). */
  async abort(): Promise<void> {
    if (this.#state !== 'open') {
      this.#storage?.discard();
      return;
    }
    this.#state = 'aborted';
    await this.#closeFast();
    this.#file.freeBuffers();
    try {
      this.#file.module.close_file(this.#file.fileId);
    } catch {
      // The file is being thrown away; a failing close changes nothing.
    } finally {
      this.#storage?.discard();
    }
  }

  #read<T>(path: string, what: string, fn: () => T): T {
    if (this.#state !== 'open') throw backendError(path, `${what}: the file is ${this.#state}`);
    try {
      return fn();
    } catch (error) {
      throw wrapError(error, path, what);
    }
  }

  #write(path: string, what: string, fn: () => void): void {
    if (this.mode === 'r') throw backendError(path, `${what}: the file is open for reading only`);
    this.#read(path, what, fn);
  }
}

/** Where the fast path reads a read-only file: its path on the real file system, or its bytes. */
export type FastSource = string | Uint8Array;

/** Positioned reads of `from` and the inflate to use on its chunks; undefined where there are none. */
async function openFastSource(from: FastSource): Promise<
  | {
      source: ByteSource;
      readInto?: ByteSourceInto;
      allocate?: (bytes: number) => ArrayBuffer;
      size: number;
      inflate: Inflate;
      close(): Promise<void>;
    }
  | undefined
> {
  const files = platform.fastReads;
  if (typeof from === 'string') {
    if (files === undefined) return undefined;
    return { ...(await files.open(from)), inflate: files.inflate, allocate: files.allocate };
  }
  return {
    // A copy: what readers do with the bytes they get must not reach the caller's buffer.
    source: async (offset, length) => from.slice(offset, offset + length),
    readInto: async (offset, target) => {
      const part = from.subarray(offset, offset + target.length);
      target.set(part);
      return part.length;
    },
    size: from.length,
    inflate: files?.inflate ?? streamInflate,
    close: async () => undefined,
  };
}

/**
 * Opens an HDF5 file by path (Node only: in the browser, where there is no file system, this
 * throws UnsupportedError; use `openHdf5Bytes` and `createHdf5InMemory` there). `'r'` reads an
 * existing file (NotFoundError if missing, InvalidFileError if it is not HDF5 or is damaged); `'w'`
 * creates a file, replacing what is at `path` when `close()` succeeds; `'w-'` does the same but
 * fails if `path` exists. The file is written at a temporary sibling path until then; `abort()`
 * removes it.
 */
export async function openHdf5(path: string, mode: OpenMode = 'r'): Promise<Hdf5Backend> {
  const files = pathFiles(path);
  const { module } = await platform.loadH5();
  const location = files.resolve(path);
  if (mode === 'r') {
    files.checkHdf5File(location);
    const fileId = openForReading(module, location, location);
    return new Hdf5Backend(new Hdf5File(module, fileId, location), location, mode, undefined, location);
  }
  if (mode !== 'w' && mode !== 'w-')
    throw backendError(location, `unknown open mode ${JSON.stringify(mode)}`);
  files.checkTarget(location, mode);
  const temp = files.temporarySibling(location);
  const fileId = createFile(module, temp, location, () => files.discard(temp));
  return new Hdf5Backend(new Hdf5File(module, fileId, temp), location, mode, {
    finish: () => files.commit(temp, location, mode),
    discard: () => files.discard(temp),
  });
}

/** The platform's file system, or an UnsupportedError saying how to do without one. */
function pathFiles(path: string): PathFiles {
  if (platform.files !== undefined) return platform.files;
  throw new UnsupportedError(
    'opening a file by path needs a file system, which the browser build of @nwbjs/hdf5 does not have: ' +
      'use openHdf5Bytes / NWBHDF5IO.fromBytes to read, createHdf5InMemory / NWBHDF5IO.inMemory to write',
    { path, feature: 'file paths', backend: FORMAT },
  );
}

/**
 * @internal Opens `fsPath` (a path of h5wasm's file system) read-only; failures are
 * InvalidFileErrors about `location`.
 */
export function openForReading(module: H5Module, fsPath: string, location: string): bigint {
  let fileId: bigint;
  try {
    fileId = module.open(fsPath, module.H5F_ACC_RDONLY, false, -1, -1);
  } catch (error) {
    throw new InvalidFileError(`cannot be opened as HDF5 (damaged or truncated?): ${hdf5Reason(error)}`, {
      path: location,
      cause: error,
    });
  }
  if (fileId < 0n) throw new InvalidFileError('cannot be opened as HDF5', { path: location });
  return fileId;
}

/**
 * @internal Creates a new file at `fsPath` (a path of h5wasm's file system); on failure calls
 * `cleanUp` and throws an error about `location`.
 */
export function createFile(module: H5Module, fsPath: string, location: string, cleanUp: () => void): bigint {
  let fileId: bigint;
  try {
    fileId = module.open(fsPath, module.H5F_ACC_EXCL, false, -1, -1);
  } catch (error) {
    cleanUp();
    throw isNWBError(error) ? error : wrapError(error, location, 'creating the file');
  }
  if (fileId < 0n) {
    cleanUp();
    throw backendError(location, 'creating the file failed');
  }
  return fileId;
}
