/**
 * NWBHDF5IO: PyNWB's familiar entry point, a thin wrapper over {@link openHdf5} (or, for files held
 * as bytes, `openHdf5Bytes` / `createHdf5InMemory`) and core's readNWBFile / writeNWBFile.
 */
import type { NWBFile, OpenMode, WriteNWBFileOptions, WriteTreeResult } from '@nwbjs/core';
import { readNWBFile, writeNWBFile } from '@nwbjs/core';
import type { Hdf5Backend } from './backend.js';
import { openHdf5 } from './backend.js';
import { backendError } from './errors.js';
import type { Hdf5Bytes } from './in-memory.js';
import { Hdf5MemoryWriter, createHdf5InMemory, openHdf5Bytes } from './in-memory.js';
import { assertNWBFile } from './nwb-check.js';

/**
 * One NWB HDF5 file, read or written. `'r'` reads (`read()` returns the file with its data left
 * in the file as lazy handles, so keep the IO open while using them); `'w'` and `'w-'` write
 * (`write(nwbfile)`, then `close()` commits the file to `path`; `'w-'` fails if `path` exists).
 *
 * ```ts
 * const io = new NWBHDF5IO('session.nwb', 'w');
 * await io.write(nwbfile);
 * await io.close();
 * ```
 *
 * Without a file system (in the browser), use {@link NWBHDF5IO.fromBytes} to read and
 * {@link NWBHDF5IO.inMemory} with {@link NWBHDF5IO.toBytes} to write.
 */
export class NWBHDF5IO {
  /** The file's path, or for a file held as bytes the name it goes by. */
  readonly path: string;
  readonly mode: OpenMode;
  #open: () => Promise<Hdf5Backend>;
  #backend: Promise<Hdf5Backend> | undefined;
  #used = false;
  #closed = false;

  /** An IO on the file at `path` (Node only: in the browser its first use throws UnsupportedError). */
  constructor(path: string, mode: OpenMode = 'r') {
    if (mode !== 'r' && mode !== 'w' && mode !== 'w-') {
      throw backendError(path, `unknown mode ${JSON.stringify(mode)} (use 'r', 'w' or 'w-')`);
    }
    this.path = path;
    this.mode = mode;
    this.#open = () => openHdf5(path, mode);
  }

  /**
   * An IO reading an NWB file given as bytes (an ArrayBuffer, a typed array, a Blob or File); see
   * `openHdf5Bytes` for how the bytes are held. `name` names the file in errors.
   *
   * ```ts
   * const io = NWBHDF5IO.fromBytes(fileInput.files[0]);
   * const nwbfile = await io.read();
   * ```
   */
  static fromBytes(bytes: Hdf5Bytes, name?: string): NWBHDF5IO {
    const io = new NWBHDF5IO(name ?? 'in-memory.nwb', 'r');
    io.#open = () => openHdf5Bytes(bytes, name);
    return io;
  }

  /**
   * An IO writing a new NWB file in memory: `write(nwbfile)`, then {@link toBytes} closes it and
   * returns the file's bytes. `name` names the file in errors.
   */
  static inMemory(name = 'in-memory.nwb'): NWBHDF5IO {
    const io = new NWBHDF5IO(name, 'w');
    io.#open = () => createHdf5InMemory(name);
    return io;
  }

  /** The open backend (opened on first use), for storage-level access. */
  backend(): Promise<Hdf5Backend> {
    if (this.#closed) return Promise.reject(backendError(this.path, 'the NWBHDF5IO is closed'));
    this.#backend ??= this.#open();
    return this.#backend;
  }

  /**
   * For an IO made by {@link NWBHDF5IO.inMemory}: closes the file (if still open) and returns its
   * bytes. A BackendError for any other IO, or if nothing was written.
   */
  async toBytes(): Promise<Uint8Array> {
    const backend = await this.#backend;
    if (!(backend instanceof Hdf5MemoryWriter)) {
      throw backendError(
        this.path,
        backend === undefined
          ? 'toBytes(): nothing was written'
          : 'toBytes() needs an NWBHDF5IO made by NWBHDF5IO.inMemory()',
      );
    }
    this.#closed = true;
    return backend.toBytes();
  }

  /** Reads the file's NWBFile (mode `'r'`); InvalidFileError if the file is HDF5 but not NWB. */
  async read(): Promise<NWBFile> {
    if (this.mode !== 'r') throw backendError(this.path, `read() needs mode 'r', this IO has '${this.mode}'`);
    const reader = await this.backend();
    await assertNWBFile(reader);
    return readNWBFile(reader);
  }

  /**
   * Writes `nwbfile` (modes `'w'`/`'w-'`, once). Nothing appears at `path` until {@link close}
   * succeeds; if writing fails the partial file is discarded and the error rethrown.
   */
  async write(nwbfile: NWBFile, options: WriteNWBFileOptions = {}): Promise<WriteTreeResult> {
    if (this.mode === 'r') throw backendError(this.path, "write() needs mode 'w' or 'w-', this IO has 'r'");
    if (this.#used) throw backendError(this.path, 'this NWBHDF5IO has already written a file');
    this.#used = true;
    const writer = await this.backend();
    return writeNWBFile(writer, nwbfile, options);
  }

  /** Closes the file; for a writer, commits it to `path`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A file that failed to open has nothing to close (the open already threw).
    const backend = await this.#backend?.catch(() => undefined);
    await backend?.close();
  }

  /** Discards what a writer wrote: nothing is left at `path`. */
  async abort(): Promise<void> {
    this.#closed = true;
    const backend = await this.#backend?.catch(() => undefined);
    await backend?.abort();
  }
}
