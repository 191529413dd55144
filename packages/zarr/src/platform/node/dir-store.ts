/**
 * Node: a Zarr store in a directory on disk, as a zarrita store (absolute keys, `get`/`getRange`,
 * and `set` while writing) that can also list itself. Reading reads files directly. Writing goes
 * into a temporary sibling directory that is renamed onto the target at commit, so the target is
 * either the old store or the complete new one, never a half-written one. Every key becomes a file
 * path in one place, {@link DirStore.fileOf}, which is where keys are checked; a file is read only
 * where it really is inside the store's directory (symbolic links are followed only within it), see
 * {@link DirStore.openInside}.
 */
import {
  close,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  open,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  write,
  writeSync,
} from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { AbsolutePath, RangeQuery } from '@zarrita/storage';
import { BackendError } from '@nwbjs/core';
import {
  readAtPooled,
  readAtSync,
  releaseTemporary,
  removeStaleTemporaries,
  temporarySibling,
} from '@nwbjs/core/node';
import type { ListableStore, SpanReadableStore, StagingStore, ValueSpan } from '../../stores/store.js';
import { StoreWriteError } from '../../stores/store.js';

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/**
 * A store key whose file is a symbolic link (or under one) that leads out of the store. The message
 * says why, not which key: whoever asked for the key names it.
 */
export class OutsideStoreError extends Error {
  readonly code = 'EOUTSIDESTORE';
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(why);
  }
}

/** Reads a directory store. */
export class DirStore implements ListableStore, SpanReadableStore {
  /** Each value read has an ArrayBuffer of its own (see get). */
  readonly freshValues = true;
  /** The store directory with every symbolic link resolved; set on the first read. */
  #root: string | undefined;
  /** Directories already found to be inside the root, each with its path after resolving links. */
  readonly #insideDirs = new Map<string, string>();
  constructor(readonly location: string) {}

  /** True when `real` (a resolved path) is the root or under it. */
  #isInside(real: string): boolean {
    this.#root ??= realpathSync.native(this.location);
    return (
      real === this.#root ||
      real.startsWith(this.#root.endsWith(nodePath.sep) ? this.#root : this.#root + nodePath.sep)
    );
  }

  /**
   * `dir` with every symbolic link resolved. Below a directory already resolved, only the last
   * name needs a look (one lstat): a `realpath` of the whole path costs a system call per level,
   * which made a walk down a deeply nested store quadratic in its depth.
   */
  #resolveDir(dir: string): string {
    const parent = this.#insideDirs.get(nodePath.dirname(dir));
    if (parent !== undefined && !lstatSync(dir).isSymbolicLink())
      return nodePath.join(parent, nodePath.basename(dir));
    return realpathSync.native(dir);
  }

  /**
   * Opens the file a key names for reading, only where it really is inside the store: its
   * directory is resolved once (a symbolic link among the directories may point anywhere), and the
   * file itself is opened without following a link; a link is followed only when it stays inside.
   * A store's own directories and files are read as they are, so this costs one `realpath` per
   * directory read from, not per chunk.
   */
  protected openInside(key: string): number {
    const file = this.fileOf(key);
    const dir = nodePath.dirname(file);
    if (!this.#insideDirs.has(dir)) {
      const real = this.#resolveDir(dir);
      if (!this.#isInside(real))
        throw new OutsideStoreError(key, 'under a symbolic link that leads outside the store');
      this.#insideDirs.set(dir, real);
    }
    try {
      return openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    }
    // A symbolic link (O_NOFOLLOW refused it): followed only to a file inside the store.
    const real = realpathSync.native(file);
    if (!this.#isInside(real))
      throw new OutsideStoreError(key, 'a symbolic link to a file outside the store');
    return openSync(real, constants.O_RDONLY);
  }

  /**
   * The file a key names. Keys are absolute (`/a/b/.zarray`) and made of plain names: an empty,
   * `.` or `..` component, a backslash or a NUL is refused, so no key reaches outside the store.
   */
  fileOf(key: string): string {
    const parts = key.split('/');
    if (parts[0] !== '' || parts.length < 2)
      throw new Error(`not an absolute store key: ${JSON.stringify(key)}`);
    const names = parts.slice(1);
    if (names.some((n) => n === '' || n === '.' || n === '..' || /[\\\0]/.test(n)))
      throw new Error(`unsafe store key ${JSON.stringify(key)}`);
    return nodePath.join(this.location, ...names);
  }

  /** The open file of the value at `key`, or undefined when there is none. */
  #openValue(key: AbsolutePath): number | undefined {
    try {
      return this.openInside(key);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    try {
      // Synchronous on purpose: a chunk file is small and usually in the page cache, and the
      // promise version costs four thread-pool round trips (open, fstat, read, close) per chunk,
      // which measured 10-40% slower on chunked reads. Writes stay asynchronous (see set).
      const fd = this.openInside(key);
      let b: Buffer;
      try {
        b = readFileSync(fd);
      } finally {
        closeSync(fd);
      }
      // readFileSync puts small files in Node's shared buffer pool; copy those out so that the
      // value owns its whole ArrayBuffer (freshValues).
      if (b.byteOffset !== 0 || b.buffer.byteLength !== b.byteLength) return new Uint8Array(b);
      return new Uint8Array(b.buffer, 0, b.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    const fd = this.#openValue(key);
    if (fd === undefined) return undefined;
    try {
      const size = fstatSync(fd).size;
      const offset = 'suffixLength' in range ? Math.max(0, size - range.suffixLength) : range.offset;
      const length = Math.max(0, Math.min(size - offset, 'suffixLength' in range ? size : range.length));
      const out = new Uint8Array(length);
      const done = readAtSync(fd, out, offset);
      return done === length ? out : out.subarray(0, done);
    } finally {
      closeSync(fd);
    }
  }

  async readSpans(
    key: AbsolutePath,
    size: number,
    spans: readonly ValueSpan[],
    concurrent: boolean,
  ): Promise<number | undefined> {
    const fd = this.#openValue(key);
    if (fd === undefined) return undefined;
    try {
      // Opening, fstat and closing are synchronous (microseconds each, see get); only the reads of
      // a read of several files may go to the thread pool, where they run side by side.
      const info = fstatSync(fd);
      // A directory where a value would be is no value, as for get (EISDIR).
      if (info.isDirectory()) return undefined;
      if (info.size !== size) return info.size;
      for (const span of spans) {
        const done =
          concurrent && span.into.length >= POOL_READ
            ? await readAtPooled(fd, span.into, span.offset)
            : readAtSync(fd, span.into, span.offset);
        if (done !== span.into.length)
          throw new Error(`the file ended at ${span.offset + done} bytes while being read (${size} before)`);
      }
      return size;
    } finally {
      closeSync(fd);
    }
  }

  async listChildren(prefix: AbsolutePath): Promise<string[]> {
    try {
      const dir = prefix === '/' ? this.location : this.fileOf(prefix.slice(0, -1));
      const entries = await readdir(dir, { withFileTypes: true });
      // A linked directory is listed too: reading it says where the link leads if that is outside.
      return entries
        .filter(
          (e) => e.isDirectory() || (e.isSymbolicLink() && isDirectoryBehindLink(nodePath.join(dir, e.name))),
        )
        .map((e) => e.name);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /**
   * Names of the files directly under `prefix` (`/a/b/`): an array's chunks, for conversion by
   * copying chunks. A linked file is listed too; reading it says where the link leads if outside.
   */
  async listFiles(prefix: AbsolutePath): Promise<string[]> {
    try {
      const dir = prefix === '/' ? this.location : this.fileOf(prefix.slice(0, -1));
      const entries = await readdir(dir, { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() || (e.isSymbolicLink() && isFileBehindLink(nodePath.join(dir, e.name))))
        .map((e) => e.name);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }
}

/**
 * Reads at least this many bytes of one file go to the thread pool when the caller reads several
 * files at once: two cores copying from the page cache beat one, and below this size the hand-over
 * costs more than the copy.
 */
const POOL_READ = 64 * 1024;

function isFileBehindLink(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectoryBehindLink(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes `bytes` as the whole content of `file` (created, or emptied first), like `writeFile` of
 * `node:fs/promises` but with the callback calls: the same three thread-pool round trips (open,
 * write, close) without a FileHandle and its promises per file, which took most of the main
 * thread's time when thousands of chunk files are written in a row.
 */
function writeWholeFile(file: string, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    open(file, 'w', (openError, fd) => {
      if (openError !== null) return reject(openError);
      const finish = (failure: Error | null): void =>
        close(fd, (closeError) => {
          const error = failure ?? closeError;
          if (error !== null) reject(error);
          else resolve();
        });
      const writeFrom = (done: number): void => {
        if (done >= bytes.length) return finish(null);
        write(fd, bytes, done, bytes.length - done, null, (writeError, written) => {
          if (writeError !== null) finish(writeError);
          else if (written === 0) finish(new Error(`no byte of ${file} could be written`));
          else writeFrom(done + written);
        });
      };
      writeFrom(0);
    });
  });
}

/** Writes `bytes` as the whole content of `file` (created, or emptied first), synchronously. */
function writeWholeFileSync(file: string, bytes: Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < bytes.length;) {
      const written = writeSync(fd, bytes, done, bytes.length - done);
      if (written === 0) throw new Error(`no byte of ${file} could be written`);
      done += written;
    }
  } finally {
    closeSync(fd);
  }
}

/** True when something exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Top-level entries that mark a directory as a Zarr store (v2 group or array, or v3). */
const STORE_MARKERS = ['.zgroup', '.zarray', 'zarr.json'];

/**
 * Why the thing at `target` must not be replaced by a new store, or undefined when it may be: only
 * an empty directory or a Zarr store is replaced, never a file, a link or a directory of other
 * content (a typo'd path or `''`, the working directory, must not be deleted).
 */
export async function refuseReplacing(target: string): Promise<string | undefined> {
  let info;
  try {
    info = await lstat(target);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  if (!info.isDirectory()) return 'exists and is not a Zarr store (not a directory)';
  const names = await readdir(target);
  if (names.length === 0 || names.some((n) => STORE_MARKERS.includes(n))) return undefined;
  return 'exists and is not a Zarr store (no .zgroup, .zarray or zarr.json); it is not replaced';
}

/** Writes a directory store through a temporary sibling directory. */
export class DirStagingStore extends DirStore implements StagingStore {
  readonly #target: string;
  readonly #replace: boolean;
  readonly #dirs = new Set<string>();
  #done = false;

  private constructor(target: string, staging: string, replace: boolean) {
    super(staging);
    this.#target = target;
    this.#replace = replace;
  }

  /** Creates the staging directory next to `target`. */
  static async create(target: string, replace: boolean): Promise<DirStagingStore> {
    const abs = nodePath.resolve(target);
    removeStaleTemporaries(abs);
    const staging = temporarySibling(abs);
    try {
      await mkdir(staging);
    } catch (error) {
      releaseTemporary(staging);
      throw error;
    }
    return new DirStagingStore(abs, staging, replace);
  }

  /** The directory the store will be renamed to at commit. */
  get target(): string {
    return this.#target;
  }

  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    const file = this.fileOf(key);
    const dir = nodePath.dirname(file);
    if (!this.#dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#dirs.add(dir);
    }
    // Asynchronous on purpose: a synchronous write blocks the main thread whenever the kernel
    // throttles dirty pages, and measured slower than letting the thread pool absorb that.
    await writeWholeFile(file, value);
  }

  /**
   * Writes a batch of files in one go, with synchronous system calls: conversion copying chunks
   * hands over about 2 MiB of chunk files at a time, which then cost no hand-over to the thread
   * pool, where `set` costs three per file (open, write, close), each waiting for a free core on
   * a busy machine. The files are written one after another, as the Python tools write theirs;
   * the thread pool stays free for the reads of the next batches. Every key is checked before
   * anything is written.
   */
  async setMany(entries: readonly (readonly [AbsolutePath, Uint8Array])[]): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    const files = entries.map(([key]) => this.fileOf(key));
    for (const [k, [key, value]] of entries.entries()) {
      const file = files[k]!;
      const dir = nodePath.dirname(file);
      try {
        if (!this.#dirs.has(dir)) {
          mkdirSync(dir, { recursive: true });
          this.#dirs.add(dir);
        }
        writeWholeFileSync(file, value);
      } catch (cause) {
        throw new StoreWriteError(key, cause);
      }
    }
  }

  async commit(): Promise<void> {
    if (this.#done) throw new Error('the store is closed');
    const target = this.#target;
    let old: string | undefined;
    if (await exists(target)) {
      if (!this.#replace)
        throw new BackendError("already exists (mode 'w-')", { path: target, backend: 'zarr' });
      const refusal = await refuseReplacing(target);
      if (refusal !== undefined) throw new BackendError(refusal, { path: target, backend: 'zarr' });
      old = temporarySibling(target, 'old');
      await rename(target, old);
    }
    try {
      await rename(this.location, target);
    } catch (error) {
      if (old !== undefined) await rename(old, target).catch(() => undefined);
      throw error;
    }
    releaseTemporary(this.location);
    this.#done = true;
    if (old !== undefined) await rm(old, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await rm(this.location, { recursive: true, force: true });
    releaseTemporary(this.location);
  }
}
