/**
 * Whether a dataset is stored in chunks, decided once for every writer: writeTree asks it when it
 * resolves a layout, and a backend asks it when it is handed a definition without a chunk shape.
 * What differs between formats is only how much a backend stores in one piece, which its
 * capabilities say (`maxUnchunkedBytes`).
 */
import type { DatasetDefinition, StorageCapabilities } from '../storage/backend.js';
import { defaultChunks } from './default-chunks.js';
import { arrayBytes } from './sizes.js';

/**
 * The chunk shape to store a dataset with: the definition's own if it has one, else
 * {@link defaultChunks} when the dataset needs chunks (it is compressed, may grow, is written in
 * several calls, or is bigger than `capabilities.maxUnchunkedBytes`), else undefined: one piece
 * (HDF5 contiguous storage, a Zarr array of one chunk). A scalar is never chunked.
 */
export function chunksFor(
  definition: DatasetDefinition,
  capabilities: StorageCapabilities,
  writtenInParts = false,
): number[] | undefined {
  const { dtype, shape } = definition;
  if (shape.length === 0) return undefined;
  if (definition.chunks !== undefined) return [...definition.chunks];
  const needed =
    definition.compression !== undefined ||
    definition.maxShape !== undefined ||
    writtenInParts ||
    arrayBytes(dtype, shape) > (capabilities.maxUnchunkedBytes ?? Infinity);
  return needed ? defaultChunks(dtype, shape) : undefined;
}
