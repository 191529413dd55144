/**
 * @nwbjs/zarr/parts: the pieces of the Zarr format 2 reader that other storage packages build on
 * (`@nwbjs/lindi` reads LINDI's Zarr-2-shaped reference files with them): JSON that keeps what
 * `JSON.parse` loses, `.zarray` chunk grids, element types and their chunk decoding, the compressors and byte
 * filters, `.zattrs` values as neutral attributes, and the chunked read of a selection. Users of
 * the NWB API need none of it.
 *
 * @packageDocumentation
 */
export { JsonNumber, parseJson, stringifyJson, toJsonValue, toPlain } from './conventions/json.js';
export type { JsonObject, JsonOut, JsonValue } from './conventions/json.js';
export { elementCodecOf, JSON2_FILTER, NUMPY_TYPES, numpyTypestr } from './conventions/zarr-dtype.js';
export type { ElementCodec } from './conventions/zarr-dtype.js';
export { decodeElements } from './conventions/elements.js';
export type { ChunkValues } from './conventions/elements.js';
export { attributeFromJson } from './conventions/attributes.js';
export { compressorFromMetadata, shuffleCodec } from './codecs.js';
export type { ByteCodec } from './codecs.js';
export { readArray } from './read-data.js';
export type { ChunkSource } from './read-data.js';
export { zarrayGrid } from './metadata.js';
export type { ArrayRecord, ZarrayGrid } from './metadata.js';
export type { ChunkReader, ChunkUse } from './chunk-io.js';
