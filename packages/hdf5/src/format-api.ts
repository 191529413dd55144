/**
 * @nwbjs/hdf5/format: the HDF5 file format reader, for packages that work with an HDF5 file's
 * bytes directly (`@nwbjs/lindi` indexes a file's chunks into a LINDI reference file with it). It
 * reads, from any positioned-read source (a local file or HTTP ranges), each dataset's dataspace,
 * datatype, filter pipeline, layout and the byte range of every chunk. Users of the NWB API need
 * none of it.
 *
 * @packageDocumentation
 */
export { Hdf5Structure } from './format/hdf5-structure.js';
export type { ByteSource } from './format/byte-source.js';
export type { DatasetStructure } from './format/dataset.js';
export type { Dataspace } from './format/dataspace.js';
export type { Datatype, DatatypeClass } from './format/datatype.js';
export { FilterId } from './format/filters.js';
export type { Filter } from './format/filters.js';
export type { ChunkIndexKind, Layout } from './format/layout.js';
export type { ChunkLocation } from './format/chunk-index/index.js';
