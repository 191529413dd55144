/**
 * @nwbjs/core: the NWB data model, the storage interface every backend implements, and the mapping
 * between the two. It depends on no storage library.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './storage/dtype.js';
export * from './storage/values.js';
export * from './storage/selection.js';
export * from './storage/backend.js';
export * from './storage/checks.js';
export * from './tree/nodes.js';
export * from './tree/paths.js';
export * from './tree/sizes.js';
export * from './tree/stored-dataset.js';
export * from './tree/read-tree.js';
export * from './tree/default-chunks.js';
export * from './tree/chunking.js';
export { rowRuns } from './tree/row-slabs.js';
export type { RowRunOptions } from './tree/row-slabs.js';
export { fitCompression } from './tree/write-layout.js';
export type { ChunksOption, CompressionOption, WriteWarning } from './tree/write-layout.js';
export * from './tree/write-tree.js';
export * from './tree/copy-tree.js';
export * from './model/index.js';
export * from './mapping/index.js';
export * from './io/index.js';
export { NWB_VERSION, cachedNamespaces, specificationsGroup } from './schema/cached-spec.js';
export type { CachedNamespace } from './schema/cached-spec.js';
export { validateTree, catalogForTree } from './schema/validate-tree.js';
export type { SchemaFinding, ValidateTreeOptions } from './schema/validate-tree.js';
export { TypeCatalog } from './schema/type-catalog.js';
export type { CatalogProblem, ResolvedType } from './schema/type-catalog.js';
