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
export * from './tree/nodes.js';
