/**
 * @nwbjs/lindi: LINDI reference files (`.lindi.json`, `.lindi.tar`) for nwbjs. Reads them as NWB
 * storage (the tree and attributes from the file, chunks from wherever its references point, over
 * HTTP range requests or from local files), and makes them from HDF5 NWB files by indexing where
 * every chunk is, without copying data.
 *
 * @packageDocumentation
 */
export { LindiBackend, LINDI_CAPABILITIES, openLindi } from './reader.js';
export type { OpenLindiOptions } from './reader.js';
export type { LindiJson, LindiSource, RangeStats, ReferenceOptions } from './reference-file.js';
export { indexHdf5, stringifyLindi } from './writer.js';
export type { Hdf5Source, IndexHdf5Options } from './writer.js';
export { lindiFromHdf5, saveLindi, writeLindi } from './from-hdf5.js';
export type { RemoteHdf5Options } from './remote-hdf5.js';
export type { LindiFromHdf5Options } from './from-hdf5.js';
export { lindiDescriptor, looksLikeLindi } from './descriptor.js';
export { pythonFloat } from './python-json.js';
