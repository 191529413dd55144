/** Whole-file I/O over any backend: descriptors, the shared IO class, the NWB-root check. */
export type { BackendDescriptor, LocationProbe, WriteDefaults } from './backend-descriptor.js';
export { NWBIO } from './nwb-io.js';
export { assertNWBRoot } from './nwb-root.js';
export { applyDefaultCompression } from './default-compression.js';
