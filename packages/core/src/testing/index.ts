/**
 * @nwbjs/core/testing: what backends and applications need to test against core. The conformance
 * suite every storage backend runs, and plain snapshots of trees for comparing them. Needs vitest
 * (an optional peer dependency of @nwbjs/core).
 *
 * @packageDocumentation
 */
export { describeStorageConformance } from './conformance.js';
export type { ConformanceTarget } from './conformance.js';
export { plainArray, snapshotTree } from './snapshot-tree.js';
export type { PlainArray, PlainNode, SnapshotOptions } from './snapshot-tree.js';
export { streamWriteProbe } from './stream-write-probe.js';
