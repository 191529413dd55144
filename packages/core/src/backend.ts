/**
 * @nwbjs/core/backend: what an author of a storage backend (or of an app working at the storage
 * level) needs beyond `@nwbjs/core`: the storage interface's node infos and definitions, dtype and
 * selection helpers, text encoding, tree helpers shared by every backend, and the descriptor a
 * backend package exports. Users of the NWB API need none of it.
 *
 * @packageDocumentation
 */

// The storage interface's details
export { MAX_CHUNK_BYTES, emptyAttributes } from './storage/backend.js';
export type {
  ChunkCodec,
  ChunkEncoding,
  DatasetDefinition,
  DatasetInfo,
  EncodedChunk,
  GroupInfo,
  LinkInfo,
  LinkTarget,
  NodeInfo,
  ReadOptions,
} from './storage/backend.js';

// The checks every backend runs on what it is given (one rule set, the same errors everywhere)
export {
  checkArrayData,
  checkBlock,
  checkDefinition,
  checkResize,
  checkSelection,
  checkWholeData,
} from './storage/checks.js';
export type { DatasetExtent } from './storage/checks.js';

// Requests to HTTP servers (one timeout rule and redirect policy for every remote backend)
export { describeFetchFailure, fetchChecked, isRedirectAllowed } from './storage/http.js';
export type { CheckedFetchOptions } from './storage/http.js';

// Describing a backend to NWBIO and apps
export type { BackendDescriptor, LocationProbe, WriteDefaults } from './io/backend-descriptor.js';
export { applyDefaultCompression } from './io/default-compression.js';

// Dtypes, selections and text
export {
  byteSize,
  dtypeOfTypedArray,
  holdsReferences,
  holdsRegionReferences,
  integerRange,
  isCompoundDType,
  sameDType,
  typedArrayFor,
} from './storage/dtype.js';
export type { TypedArrayConstructorFor } from './storage/dtype.js';
export { hyperslabShape, toHyperslab, wholeHyperslab } from './storage/selection.js';
export type { Hyperslab } from './storage/selection.js';
export { canonicalSelection, decodeText, encodeText } from './storage/values.js';

// Work started once per key, shared by every ask (a failure forgotten)
export { PromiseCache } from './async/promise-cache.js';

// Tree helpers every backend shares
export { baseName, isValidChildName, joinPath, normalizePath, parentPath, pathNames } from './tree/paths.js';
export { arrayBytes, elementBytes, isFixedWidth } from './tree/sizes.js';
export { DEFAULT_BLOCK_BYTES, StoredDataset } from './tree/stored-dataset.js';
export type { BlockPlan } from './tree/stored-dataset.js';
export { defaultChunks } from './tree/default-chunks.js';
export { chunksFor } from './tree/chunking.js';
export { rowRuns } from './tree/row-slabs.js';
export type { RowRunOptions } from './tree/row-slabs.js';
export { fitCompression } from './tree/write-layout.js';
export { DEFAULT_MAX_CALL_BYTES } from './tree/write-tree.js';
export { specificationsGroup } from './schema/cached-spec.js';
