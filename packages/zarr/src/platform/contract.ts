/**
 * What each platform (Node, the browser) provides to the rest of the package. The package imports
 * these through `#platform/<name>.js`, which package.json's `imports` map sends to
 * `platform/node/` by default and to `platform/browser/` under the `browser` condition, so a
 * browser bundle never reaches a Node built-in. Both implementations are typed against this file,
 * so they cannot drift apart.
 */
import type { PooledCodec } from '../numcodecs-codec.js';
import type { OpenMode } from '@nwbjs/core';
import type { ListableStore, StagingStore } from '../stores/store.js';

/** The two deflate framings Zarr uses: numcodecs' `zlib` (RFC 1950) and `gzip` (RFC 1952). */
export type DeflateFormat = 'zlib' | 'gzip';

/** Deflate of one chunk's bytes. */
export interface DeflateCodec {
  encode(data: Uint8Array): Promise<Uint8Array>;
  /**
   * Fails when the output would exceed `maxOutputBytes` (no limit when undefined). `alone`: the
   * only chunk its read waits for, so decoding it on the calling thread may be quicker than
   * handing it to another (nothing would run next to it).
   */
  decode(data: Uint8Array, maxOutputBytes?: number, alone?: boolean): Promise<Uint8Array>;
}

/** Makes a deflate codec; `level` is 0-9 (a platform that cannot set it says so in its docs). */
export type DeflateCodecFactory = (format: DeflateFormat, level: number) => DeflateCodec;

/** Runs the numcodecs WASM codecs (Blosc, Zstd, LZ4), on worker threads or in-thread. */
export interface CodecRunner {
  encode(codec: PooledCodec, data: Uint8Array): Promise<Uint8Array>;
  decode(codec: PooledCodec, data: Uint8Array): Promise<Uint8Array>;
  /** Whether jobs are running on worker threads. */
  readonly threaded: boolean;
  /** Sets the number of workers (0: code in-thread). */
  resize(size: number): Promise<void>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Opens a directory store for reading: checks that `location` is a directory. */
export type DirectoryReaderOpener = (location: string) => Promise<ListableStore>;

/**
 * Prepares writing a directory store (mode `'w'` or `'w-'`): the staging store receives the writes
 * (and reads them back) and becomes the target at commit.
 */
export type DirectoryWriterOpener = (
  location: string,
  mode: Exclude<OpenMode, 'r'>,
) => Promise<StagingStore & ListableStore>;

/**
 * Memory of `bytes` bytes whose content is not set (Node: not zeroed); for a result whose every
 * byte is written before anyone sees it.
 */
export type UnfilledMemory = (bytes: number) => ArrayBuffer;
