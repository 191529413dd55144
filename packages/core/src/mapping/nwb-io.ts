/**
 * Reading and writing whole NWB files through any storage backend: the mapping plus the tree I/O.
 */
import type { StorageReader, StorageWriter } from '../storage/backend.js';
import type { NWBFile } from '../model/nwb-file.js';
import { readTree } from '../tree/read-tree.js';
import type { WriteTreeOptions, WriteTreeResult } from '../tree/write-tree.js';
import { writeTree } from '../tree/write-tree.js';
import { treeToNWBFile } from './read-file.js';
import type { ToTreeOptions } from './write-file.js';
import { nwbFileToTree } from './write-file.js';

/** Options of {@link writeNWBFile}: the mapping's and the tree writer's. */
export interface WriteNWBFileOptions extends ToTreeOptions, WriteTreeOptions {}

/**
 * Writes `file` into `writer` (a fresh, empty store). Does not close the writer: call
 * `writer.close()` to commit; on failure the writer has been aborted.
 */
export async function writeNWBFile(
  writer: StorageWriter,
  file: NWBFile,
  options: WriteNWBFileOptions = {},
): Promise<WriteTreeResult> {
  return writeTree(writer, nwbFileToTree(file, options), options);
}

/**
 * Reads the NWB file in `reader`. Data stay in the store as lazy handles, so keep the reader open
 * while using them. Rules the file breaks are listed in the result's `readWarnings`.
 */
export async function readNWBFile(reader: StorageReader): Promise<NWBFile> {
  return treeToNWBFile(await readTree(reader));
}
