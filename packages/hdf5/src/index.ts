/**
 * @nwbjs/hdf5: the HDF5 storage backend of nwbjs, on h5wasm (Node build: the real file system,
 * files never held in memory). Reads and writes NWB files laid out as PyNWB/HDMF lay them out.
 *
 * @packageDocumentation
 */
export { Hdf5Backend, HDF5_CAPABILITIES, openHdf5 } from './backend.js';
export type { Hdf5DatasetInfo } from './read.js';
export { assertNwbFile } from './nwb-check.js';
export { NWBHDF5IO } from './nwb-hdf5-io.js';
