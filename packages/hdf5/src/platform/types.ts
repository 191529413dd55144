/**
 * What differs between Node and the browser, behind one interface: which h5wasm build is loaded,
 * whether there is a real file system to open paths on, and where a file given as bytes (or written
 * to memory) lives while HDF5 works on it. Shared code gets the platform through the `#platform`
 * import, which package.json maps to `./platform/browser.js` under the `browser` condition and to
 * `./platform/node.js` otherwise, so a browser bundle never contains Node built-ins.
 */
import type { Inflate } from '../fast-read/decode-chunk.js';
import type { ByteSource, ByteSourceInto } from '../format/byte-source.js';
import type { H5Module, H5Runtime } from '../module.js';

/** The environment this build of the package runs in. */
export type PlatformName = 'node' | 'browser';

/** One platform's implementation. */
export interface Platform {
  readonly name: PlatformName;
  /** Loads this platform's h5wasm build once, with HDF5's throwing error handler on. */
  loadH5(): Promise<H5Runtime>;
  /** Files addressed by path on a real file system; undefined where there is none (the browser). */
  readonly files: PathFiles | undefined;
  /** Where files opened from bytes, or written to memory, live while they are open. */
  readonly scratch: ScratchFiles;
  /** Positioned reads and inflate for reading data without h5wasm; undefined where there are none. */
  readonly fastReads: FastReadFiles | undefined;
  /**
   * Puts HDF5 filter plugins where `module`'s HDF5 can load them from and returns that directory
   * (of `module`'s file system) for its plugin search path.
   */
  writePlugins(module: H5Module, plugins: readonly { file: string; bytes: Uint8Array }[]): string;
}

/** Files opened for positioned reads, and zlib's inflate. */
export interface FastReadFiles {
  /** Opens the file at `path` for positioned reads (`readInto`: the same, into the caller's buffer). */
  open(
    path: string,
  ): Promise<{ source: ByteSource; readInto: ByteSourceInto; size: number; close(): Promise<void> }>;
  /** Inflates zlib-wrapped deflate data. */
  inflate: Inflate;
  /** Memory for read results, not zeroed (the fast path writes every byte before handing it out). */
  allocate(bytes: number): ArrayBuffer;
}

/** Real files: checks before opening, and the temporary-sibling dance that makes writes atomic. */
export interface PathFiles {
  /** The absolute form of `path`. */
  resolve(path: string): string;
  /** Throws NotFoundError for a missing file, InvalidFileError for one that is not HDF5. */
  checkHdf5File(path: string): void;
  /** Throws unless a file can be created at `target` ('w-' also refuses an existing file). */
  checkTarget(target: string, mode: 'w' | 'w-'): void;
  /** A fresh temporary path next to `target`. */
  temporarySibling(target: string): string;
  /** Moves the finished `temp` onto `target` (deleting `temp` if that fails). */
  commit(temp: string, target: string, mode: 'w' | 'w-'): void;
  /** Deletes `temp`, if it exists. */
  discard(temp: string): void;
}

/**
 * Short-lived files that HDF5 opens by a path of its own file system: bytes to read are put there,
 * a file written to memory is created there and taken back as bytes when it is closed.
 */
export interface ScratchFiles {
  /** Makes `bytes` openable by HDF5 and returns the path to open; the bytes must not change meanwhile. */
  put(module: H5Module, bytes: Uint8Array): string;
  /** A fresh path where HDF5 can create a new file. */
  reserve(module: H5Module): string;
  /** The whole content of the file at `path` (which HDF5 has closed). */
  read(module: H5Module, path: string): Uint8Array<ArrayBuffer>;
  /** Removes the file at `path` and anything made for it; does nothing if it is gone. */
  remove(module: H5Module, path: string): void;
}
