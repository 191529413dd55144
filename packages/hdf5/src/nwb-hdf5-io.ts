/**
 * NWBHDF5IO: PyNWB's familiar entry point, a thin wrapper over {@link openHdf5} and core's
 * readNWBFile / writeNWBFile.
 */
import type { NWBFile, OpenMode, WriteNWBFileOptions, WriteTreeResult } from '@nwbjs/core';
import { readNWBFile, writeNWBFile } from '@nwbjs/core';
import type { Hdf5Backend } from './backend.js';
import { openHdf5 } from './backend.js';
import { backendError } from './errors.js';
import { assertNwbFile } from './nwb-check.js';

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
 */
export class NWBHDF5IO {
  readonly path: string;
  readonly mode: OpenMode;
  #backend: Promise<Hdf5Backend> | undefined;
  #used = false;
  #closed = false;

  constructor(path: string, mode: OpenMode = 'r') {
    if (mode !== 'r' && mode !== 'w' && mode !== 'w-') {
      throw backendError(path, `unknown mode ${JSON.stringify(mode)} (use 'r', 'w' or 'w-')`);
    }
    this.path = path;
    this.mode = mode;
  }

  /** The open backend (opened on first use), for storage-level access. */
  backend(): Promise<Hdf5Backend> {
    if (this.#closed) return Promise.reject(backendError(this.path, 'the NWBHDF5IO is closed'));
    this.#backend ??= openHdf5(this.path, this.mode);
    return this.#backend;
  }

  /** Reads the file's NWBFile (mode `'r'`); InvalidFileError if the file is HDF5 but not NWB. */
  async read(): Promise<NWBFile> {
    if (this.mode !== 'r') throw backendError(this.path, `read() needs mode 'r', this IO has '${this.mode}'`);
    const reader = await this.backend();
    await assertNwbFile(reader);
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
