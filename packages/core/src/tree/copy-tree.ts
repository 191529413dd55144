/**
 * Copying one store into another (conversion): the source's tree, read lazily, written into the
 * target block by block. Layout follows the source unless overridden; codecs the target lacks are
 * replaced (see {@link WriteTreeOptions.compression}).
 */
import type { StorageReader, StorageWriter } from '../storage/backend.js';
import type { ReadTreeOptions } from './read-tree.js';
import { readTree } from './read-tree.js';
import type { WriteTreeOptions, WriteTreeResult } from './write-tree.js';
import { writeTree } from './write-tree.js';

/** Options of {@link copyTree}: those of {@link writeTree}, plus the read concurrency. */
export interface CopyTreeOptions extends WriteTreeOptions {
  /** How many metadata reads may be in flight while reading the source's structure. */
  readConcurrency?: ReadTreeOptions['concurrency'];
}

/**
 * Copies everything in `source` into the empty `target`. On failure the target is aborted. The
 * target is not closed (call `target.close()` to commit); the source stays open.
 */
export async function copyTree(
  source: StorageReader,
  target: StorageWriter,
  options: CopyTreeOptions = {},
): Promise<WriteTreeResult> {
  let tree;
  try {
    tree = await readTree(source, { concurrency: options.readConcurrency });
  } catch (error) {
    await target.abort().catch(() => undefined);
    throw error;
  }
  return writeTree(target, tree, options);
}
