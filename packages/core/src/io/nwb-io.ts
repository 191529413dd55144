/**
 * NWBIO: reading or writing one whole NWB file through any backend's descriptor. The format
 * packages' IO classes (NWBHDF5IO, NWBZarrIO) are this with their descriptor, so the mode checks,
 * the NWB-root check, write defaults, closing and aborting are decided here once.
 */
import type { OpenMode, StorageWriter } from '../storage/backend.js';
import { BackendError } from '../errors.js';
import type { NWBFile } from '../model/nwb-file.js';
import type { WriteNWBFileOptions } from '../mapping/nwb-io.js';
import { readNWBFile } from '../mapping/nwb-io.js';
import { nwbFileToTree } from '../mapping/write-file.js';
import type { WriteTreeResult } from '../tree/write-tree.js';
import { writeTree } from '../tree/write-tree.js';
import type { BackendDescriptor } from './backend-descriptor.js';
import { applyDefaultCompression } from './default-compression.js';
import { assertNWBRoot } from './nwb-root.js';

/**
 * One NWB file, read (`'r'`: {@link read} returns the file with its data left in the store as lazy
 * handles, so keep the IO open while using them) or written (`'w'`, `'w-'`: {@link write} once,
 * then {@link close} commits; `'w-'` fails if the location exists). The backend opens on first use.
 *
 * ```ts
 * const io = new NWBIO(zarrDescriptor, 'session.nwb.zarr', 'r');
 * const nwbfile = await io.read();
 * ```
 */
export class NWBIO<Location = string, Options = undefined, Backend extends StorageWriter = StorageWriter> {
  #backend: Promise<Backend> | undefined;
  #used = false;
  #closed = false;

  /** Throws a BackendError for a mode other than `'r'`, `'w'` and `'w-'`. */
  constructor(
    /** The format the file is in. */
    readonly descriptor: BackendDescriptor<Location, Options, Backend>,
    /** Where the file lives. */
    readonly location: Location,
    /** How it is opened. */
    readonly mode: OpenMode = 'r',
    /** Options of the backend's open. */
    readonly options?: Options,
  ) {
    if (mode !== 'r' && mode !== 'w' && mode !== 'w-') {
      throw this.#error(`unknown mode ${JSON.stringify(mode)} (use 'r', 'w' or 'w-')`);
    }
  }

  /** Opens the backend; subclasses holding a file some other way (e.g. as bytes) open it here. */
  protected openBackend(): Promise<Backend> {
    return this.descriptor.open(this.location, this.mode, this.options);
  }

  /** The backend if it was opened (or is opening), without opening it. */
  protected get openedBackend(): Promise<Backend> | undefined {
    return this.#backend;
  }

  /** Marks the IO closed: later calls are refused. */
  protected markClosed(): void {
    this.#closed = true;
  }

  /** A BackendError about this IO's file. */
  #error(message: string): BackendError {
    return new BackendError(message, {
      path: this.descriptor.describe(this.location),
      backend: this.descriptor.format,
    });
  }

  /** The open backend (opened on first use), for storage-level access. */
  backend(): Promise<Backend> {
    if (this.#closed) return Promise.reject(this.#error(`the ${this.constructor.name} is closed`));
    this.#backend ??= this.openBackend();
    return this.#backend;
  }

  /** Reads the file's NWBFile (mode `'r'`); InvalidFileError if the store is not NWB. */
  async read(): Promise<NWBFile> {
    if (this.mode !== 'r') throw this.#error(`read() needs mode 'r', this IO has '${this.mode}'`);
    const reader = await this.backend();
    await assertNWBRoot(reader);
    return readNWBFile(reader);
  }

  /**
   * Writes `nwbfile` (modes `'w'`/`'w-'`, once), with the backend's write defaults (e.g. Zarr's
   * default compression) where `options` set none. Nothing appears at the location until
   * {@link close} succeeds; if writing fails the partial file is discarded and the error rethrown.
   */
  async write(nwbfile: NWBFile, options: WriteNWBFileOptions = {}): Promise<WriteTreeResult> {
    if (this.mode === 'r') throw this.#error("write() needs mode 'w' or 'w-', this IO has 'r'");
    if (this.#used) throw this.#error(`this ${this.constructor.name} has already written a file`);
    this.#used = true;
    const writer = await this.backend();
    const tree = nwbFileToTree(nwbfile, options);
    const defaults = this.descriptor.writeDefaults;
    if (options.compression === undefined && defaults.compression !== undefined) {
      applyDefaultCompression(tree, defaults.compression);
    }
    return writeTree(writer, tree, options);
  }

  /** Closes the file; for a writer, commits it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A file that failed to open has nothing to close (the open already threw).
    const backend = await this.#backend?.catch(() => undefined);
    await backend?.close();
  }

  /** Discards what a writer wrote: nothing is left at the location. */
  async abort(): Promise<void> {
    this.#closed = true;
    const backend = await this.#backend?.catch(() => undefined);
    await backend?.abort();
  }

  /**
   * `await using io = new NWBHDF5IO(...)`: {@link close} when the block ends, as PyNWB's `with`
   * does. A failed {@link write} has already discarded its file, so only a complete one is committed.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// The well-known symbol, declared here too so that these types compile in projects whose `lib`
// lacks `esnext.disposable` (TypeScript merges this with the lib's own declaration where present).
declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}
