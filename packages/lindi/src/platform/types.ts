/**
 * What differs between Node and the browser for LINDI: reading files by path. The browser has no
 * file system, so there only URLs (and reference files given as objects or text) can be read.
 */

/** Reads files by path. */
export interface LocalFiles {
  /** The whole file at `path`. */
  read(path: string): Promise<Uint8Array>;
  /** `length` bytes at `offset` of the file at `path` (fewer only at its end). */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** The file's size in bytes. */
  size(path: string): Promise<number>;
  /** Whether `path` is a directory. */
  isDirectory(path: string): Promise<boolean>;
  /** Writes `text` to `path`, whole: through a temporary sibling renamed into place. */
  writeText(path: string, text: string): Promise<void>;
  /** The absolute form of `path`. */
  absolute(path: string): string;
  /** Resolves `relative` against the directory holding `file`. */
  sibling(file: string, relative: string): string;
}

/** The platform's files, or undefined where there are none. */
export interface Platform {
  readonly files: LocalFiles | undefined;
}
