/**
 * NWBZarrIO: read or write a whole NWB file in an hdmf-zarr store, a thin wrapper over
 * {@link openZarr} and core's readNWBFile / writeNWBFile (named after hdmf-zarr's class).
 */
import type { NWBFile, OpenMode, WriteNWBFileOptions, WriteTreeResult } from '@nwbjs/core';
import { BackendError, nwbFileToTree, readNWBFile, writeTree } from '@nwbjs/core';
import type { ZarrBackend } from './backend.js';
import { applyDefaultCompression } from './default-compression.js';
import type { OpenZarrOptions, ZarrLocation } from './open.js';
import { openZarr } from './open.js';

/** Reads or writes one NWB file in a Zarr store (directory, Map, or URL for reading). */
export class NWBZarrIO {
  #backend: Promise<ZarrBackend> | undefined;

  constructor(
    readonly location: ZarrLocation,
    readonly mode: OpenMode = 'r',
    readonly options: OpenZarrOptions = {},
  ) {}

  #open(): Promise<ZarrBackend> {
    this.#backend ??= openZarr(this.location, this.mode, this.options);
    return this.#backend;
  }

  /**
   * Writes `file` (mode 'w' or 'w-'); the store appears at its location at {@link close}.
   *
   * Without a `compression` option, numeric arrays and streams that carry no compression of their
   * own are written with hdmf-zarr's default, Blosc LZ4 level 5 with shuffle
   * ({@link DEFAULT_ZARR_COMPRESSION}); data read from another file keep their stored compression.
   * `compression: 'keep'` writes exactly what each dataset carries, `null` writes nothing
   * compressed, and a Compression applies to every numeric dataset.
   */
  async write(file: NWBFile, options: WriteNWBFileOptions = {}): Promise<WriteTreeResult> {
    if (this.mode === 'r') throw new BackendError('opened for reading', { path: '/', backend: 'zarr' });
    const backend = await this.#open();
    const tree = nwbFileToTree(file, options);
    if (options.compression === undefined) applyDefaultCompression(tree);
    return writeTree(backend, tree, options);
  }

  /** Reads the file (mode 'r'); data stay lazy until read, so keep the IO open while using them. */
  async read(): Promise<NWBFile> {
    return readNWBFile(await this.#open());
  }

  /** Commits a write, or releases a reader. */
  async close(): Promise<void> {
    if (this.#backend !== undefined) await (await this.#backend).close();
  }
}
