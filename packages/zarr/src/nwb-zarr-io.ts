/**
 * NWBZarrIO: read or write a whole NWB file in an hdmf-zarr store, a thin wrapper over
 * {@link openZarr} and core's readNWBFile / writeNWBFile (named after hdmf-zarr's class).
 */
import type { NWBFile, OpenMode, WriteNWBFileOptions } from '@nwbjs/core';
import { BackendError, readNWBFile, writeNWBFile } from '@nwbjs/core';
import type { ZarrBackend } from './backend.js';
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

  /** Writes `file` (mode 'w' or 'w-'); the store appears at its location at {@link close}. */
  async write(file: NWBFile, options: WriteNWBFileOptions = {}): Promise<void> {
    if (this.mode === 'r') throw new BackendError('opened for reading', { path: '/', backend: 'zarr' });
    await writeNWBFile(await this.#open(), file, options);
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
