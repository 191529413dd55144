/**
 * NWBHDF5IO: PyNWB's familiar entry point, core's {@link NWBIO} on the HDF5 descriptor, plus
 * files held as bytes (`openHdf5Bytes` / `createHdf5InMemory`) where there is no file system.
 */
import type { OpenMode } from '@nwbjs/core';
import { NWBIO } from '@nwbjs/core';
import type { Hdf5Backend } from './backend.js';
import { hdf5Descriptor } from './descriptor.js';
import { backendError } from './errors.js';
import type { Hdf5Bytes } from './in-memory.js';
import type { Hdf5UrlOptions, RemoteHdf5File } from './remote/remote-file.js';
import { Hdf5MemoryWriter, createHdf5InMemory, openHdf5Bytes } from './in-memory.js';
import { openHdf5Blob } from './remote/remote-file.js';

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
 * An http(s) URL is read with HTTP Range requests (Node and the browser): opening reads the
 * file's metadata, and each read fetches only the chunks it needs. `options` say how the requests
 * are made (custom `fetch`, `headers`, `timeoutMs`, `signal`, ...).
 *
 * ```ts
 * const io = new NWBHDF5IO('https://example.org/session.nwb', 'r', { timeoutMs: 10_000 });
 * const remote = await io.read();
 * ```
 *
 * Without a file system (in the browser), use {@link NWBHDF5IO.fromBlob} (piece by piece) or
 * {@link NWBHDF5IO.fromBytes} (whole, in memory) to read local files, and {@link NWBHDF5IO.inMemory}
 * with {@link NWBHDF5IO.toBytes} to write.
 */
export class NWBHDF5IO extends NWBIO<string, Hdf5UrlOptions | undefined, Hdf5Backend | RemoteHdf5File> {
  #open: (() => Promise<Hdf5Backend | RemoteHdf5File>) | undefined;

  /**
   * An IO on the file at `path`, or at an http(s) URL (read only). Paths work in Node only: in the
   * browser their first use throws UnsupportedError.
   */
  constructor(path: string, mode: OpenMode = 'r', options?: Hdf5UrlOptions) {
    super(hdf5Descriptor, path, mode, options);
  }

  /** The file's path, or for a file held as bytes the name it goes by. */
  get path(): string {
    return this.location;
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
   * An IO reading an NWB file given as a Blob or File piece by piece, never whole in memory (see
   * `openHdf5Blob`): read-only, any size. `name` names the file in errors (by default a File's name).
   *
   * ```ts
   * const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
   * const io = NWBHDF5IO.fromBlob(input.files![0]!);
   * const nwbfile = await io.read();
   * ```
   */
  static fromBlob(blob: Blob, name?: string): NWBHDF5IO {
    const fileName = (blob as { name?: unknown }).name;
    const io = new NWBHDF5IO(name ?? (typeof fileName === 'string' ? fileName : 'blob.nwb'), 'r');
    io.#open = () => openHdf5Blob(blob, name);
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

  protected override openBackend(): Promise<Hdf5Backend | RemoteHdf5File> {
    return this.#open?.() ?? super.openBackend();
  }

  /**
   * For an IO made by {@link NWBHDF5IO.inMemory}: closes the file (if still open) and returns its
   * bytes. A BackendError for any other IO, or if nothing was written.
   */
  async toBytes(): Promise<Uint8Array<ArrayBuffer>> {
    const backend = await this.openedBackend;
    if (!(backend instanceof Hdf5MemoryWriter)) {
      throw backendError(
        this.path,
        backend === undefined
          ? 'toBytes(): nothing was written'
          : 'toBytes() needs an NWBHDF5IO made by NWBHDF5IO.inMemory()',
      );
    }
    this.markClosed();
    return backend.toBytes();
  }
}
