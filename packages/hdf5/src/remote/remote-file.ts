/**
 * A remote HDF5 file as a storage backend: {@link HttpRangeSource} for the bytes and the pure-TS
 * {@link Hdf5FormatReader} for everything read from them, so it runs in Node and the browser alike
 * and never downloads more than it reads. Read-only, as any HDF5 file opened with mode `'r'`.
 */
import type { Attributes, NdArray, OpenMode, StorageWriter } from '@nwbjs/core';
import type {
  ChunkEncoding,
  DatasetDefinition,
  Hyperslab,
  LinkTarget,
  NodeInfo,
  ReadOptions,
} from '@nwbjs/core/backend';
import { backendError } from '../errors.js';
import { Hdf5FormatReader } from '../format-reader/reader.js';
import { BlobRangeSource } from './blob-source.js';
import { type HttpRangeOptions, HttpRangeSource, type HttpTransferStats } from './http-range-source.js';

/** Options of {@link openHdf5Url}: how its requests are made (see {@link HttpRangeOptions}). */
export type Hdf5UrlOptions = HttpRangeOptions;

/**
 * An HDF5 file read over HTTP with Range requests ({@link openHdf5Url}), or piece by piece from a
 * Blob or File ({@link openHdf5Blob}). Every storage read is the format reader's; every write is
 * refused (BackendError naming the path). {@link stats} tells what it has cost so far.
 */
export class RemoteHdf5File implements StorageWriter {
  readonly format: string;
  readonly capabilities: Hdf5FormatReader['capabilities'];
  readonly mode: OpenMode = 'r';
  readonly #reader: Hdf5FormatReader;

  constructor(
    /** Where the bytes come from. */
    readonly source: HttpRangeSource | BlobRangeSource,
    reader: Hdf5FormatReader,
  ) {
    this.#reader = reader;
    this.format = reader.format;
    this.capabilities = reader.capabilities;
  }

  /** The file's URL, or the name of a file read from a Blob. */
  get location(): string {
    return this.#reader.location;
  }

  /** Requests (for a Blob: slice reads), round trips and bytes so far. */
  get stats(): HttpTransferStats {
    return this.source.stats;
  }

  stat(path: string): Promise<NodeInfo | undefined> {
    return this.#reader.stat(path);
  }

  list(path: string): Promise<string[]> {
    return this.#reader.list(path);
  }

  groupIdentity(path: string): Promise<string | undefined> {
    return this.#reader.groupIdentity(path);
  }

  readAttributes(path: string): Promise<Attributes> {
    return this.#reader.readAttributes(path);
  }

  readData(path: string, slab: Hyperslab, options?: ReadOptions): Promise<NdArray> {
    return this.#reader.readData(path, slab, options);
  }

  chunkEncoding(path: string): Promise<ChunkEncoding | undefined> {
    return this.#reader.chunkEncoding(path);
  }

  storedChunks(path: string): AsyncIterable<readonly number[]> {
    return this.#reader.storedChunks(path);
  }

  readStoredChunk(path: string, index: readonly number[]): Promise<Uint8Array | undefined> {
    return this.#reader.readStoredChunk(path, index);
  }

  readStoredChunks(
    path: string,
    indices: readonly (readonly number[])[],
  ): Promise<(Uint8Array | undefined)[]> {
    return this.#reader.readStoredChunks(path, indices);
  }

  close(): Promise<void> {
    return this.#reader.close();
  }

  abort(): Promise<void> {
    return this.#reader.close();
  }

  createGroup(path: string): Promise<void> {
    return this.#refuse(path, 'createGroup');
  }

  createDataset(path: string, _definition: DatasetDefinition): Promise<void> {
    return this.#refuse(path, 'createDataset');
  }

  writeData(path: string): Promise<void> {
    return this.#refuse(path, 'writeData');
  }

  resize(path: string): Promise<void> {
    return this.#refuse(path, 'resize');
  }

  setAttribute(path: string): Promise<void> {
    return this.#refuse(path, 'setAttribute');
  }

  createLink(path: string, _target: LinkTarget): Promise<void> {
    return this.#refuse(path, 'createLink');
  }

  #refuse(path: string, what: string): Promise<never> {
    const kind = this.source instanceof HttpRangeSource ? 'a remote file' : 'a file read from a Blob';
    return Promise.reject(backendError(path, `${what}: ${kind} is open for reading only`));
  }
}

/**
 * Opens the HDF5 file at an http(s) `url` for reading, with Range requests only: the first request
 * reads the file's head (see {@link HttpRangeOptions.headBytes}) and its size, then metadata and
 * chunks are read as they are needed, nearby reads merged into one request. Rejects with an
 * HttpRequestError naming the URL when the server fails or does not honour Range requests, and an
 * InvalidFileError when the bytes are not HDF5.
 *
 * ```ts
 * import { openHdf5Url } from '@nwbjs/hdf5';
 *
 * const file = await openHdf5Url('https://example.org/session.nwb', { timeoutMs: 10_000 });
 * console.log(await file.list('/acquisition'), file.stats);
 * await file.close();
 * ```
 */
export async function openHdf5Url(url: string | URL, options: Hdf5UrlOptions = {}): Promise<RemoteHdf5File> {
  const source = new HttpRangeSource(url, options);
  const size = await source.open();
  const reader = await Hdf5FormatReader.open(source.read, { size, location: new URL(url).href });
  return new RemoteHdf5File(source, reader);
}

/**
 * Opens an HDF5 file given as a Blob or File (what a file input or a drop hands over in the
 * browser) for reading, piece by piece: opening reads the file's metadata, and each read takes only
 * the bytes it needs with `blob.slice(...)`, so the file is never held whole in memory and may be
 * larger than 2 GiB (unlike `openHdf5Bytes`). Read-only (writes are a BackendError); pure
 * TypeScript (no h5wasm). `name` is what the file goes by in errors and as its `location` (by
 * default a File's own name, otherwise `blob.h5`). Non-HDF5 bytes are an InvalidFileError.
 *
 * ```ts
 * import { openHdf5Blob } from '@nwbjs/hdf5';
 *
 * const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
 * const file = await openHdf5Blob(input.files![0]!);
 * console.log(await file.list('/acquisition'), file.stats);
 * await file.close();
 * ```
 */
export async function openHdf5Blob(blob: Blob, name?: string): Promise<RemoteHdf5File> {
  const location =
    name ?? (typeof (blob as { name?: unknown }).name === 'string' ? (blob as File).name : 'blob.h5');
  const source = new BlobRangeSource(blob);
  const reader = await Hdf5FormatReader.open(source.read, { size: source.size, location });
  return new RemoteHdf5File(source, reader);
}
