/**
 * @nwbjs/hdf5: the HDF5 storage backend of nwbjs, on h5wasm. Reads and writes NWB files laid out
 * as PyNWB/HDMF lay them out. In Node it uses `h5wasm/node` (the real file system: files never
 * held in memory); under the `browser` export condition it uses h5wasm's default build, where
 * files come in and go out as bytes ({@link openHdf5Bytes}, {@link createHdf5InMemory}).
 *
 * @packageDocumentation
 */
import { platform } from '#platform';
import type { PlatformName } from './platform/types.js';

export { Hdf5Backend, HDF5_CAPABILITIES, openHdf5 } from './backend.js';
export type { Hdf5DatasetInfo } from './read.js';
export { Hdf5MemoryWriter, createHdf5InMemory, openHdf5Bytes } from './in-memory.js';
export type { BytesSource, Hdf5Bytes } from './in-memory.js';
/** The NWB-root check (core's `assertNWBRoot`), under the name this package has always exported. */
export { assertNWBRoot as assertNWBFile } from '@nwbjs/core';
export { hdf5Descriptor } from './descriptor.js';
export { installFilterPlugins } from './filter-plugins.js';
export { NWBHDF5IO } from './nwb-hdf5-io.js';
export { DEFAULT_HEAD_BYTES, HttpRangeSource } from './remote/http-range-source.js';
export type { HttpRangeOptions, HttpTransferStats } from './remote/http-range-source.js';
export { BlobRangeSource } from './remote/blob-source.js';
export { RemoteHdf5File, openHdf5Blob, openHdf5Url } from './remote/remote-file.js';
export type { Hdf5UrlOptions } from './remote/remote-file.js';
export type { PlatformName } from './platform/types.js';

/**
 * Which build of this package is running: `'node'` (h5wasm/node, paths on the real file system)
 * or `'browser'` (h5wasm's default build, files as bytes only). Chosen by the `browser` export
 * condition of the bundler or runtime.
 */
export const HDF5_PLATFORM: PlatformName = platform.name;
export { Hdf5FormatReader } from './format-reader/reader.js';
export type { Hdf5FormatReaderOptions } from './format-reader/reader.js';
export type { ByteSource } from './format/byte-source.js';
export type { FilterDecoder, FilterDecoders, Inflate } from './fast-read/decode-chunk.js';
