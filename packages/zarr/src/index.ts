/**
 * @nwbjs/zarr: the Zarr backend of nwbjs. Reads and writes NWB files in hdmf-zarr's (<= 0.13,
 * Zarr format 2) layout, and hdmf-zarr >= 0.14's Zarr format 3 layout (writing it with `zarrFormat: 3`), on disk (Node), in memory and (reading) over HTTP, in Node and in the
 * browser. The platform-specific parts come through `#platform/...` (see package.json `imports`).
 */
export { ZarrBackend } from './backend.js';
export type { ZarrBackendInit } from './backend.js';
export { openZarr } from './open.js';
export type { OpenZarrOptions, ZarrLocation, ZarrStorage } from './open.js';
export { ZarrV3Backend } from './v3/backend.js';
/** Core's HTTP failure and default timeout, re-exported where Zarr users have always found them. */
export { DEFAULT_HTTP_TIMEOUT_MS, HttpRequestError } from '@nwbjs/core';
export type { HttpStoreOptions } from './stores/fetch-store.js';
export type { ListableStore, SpanReadableStore, StagingStore, ValueSpan, ZarrStore } from './stores/store.js';
export { decodePickledArray, PickleError } from './pickle.js';
export type { PickledArray, PickledElement } from './pickle.js';
export { registerZarritaCodecs } from './zarrita-codecs.js';
export { setCodecWorkers } from './codec-workers.js';
export { NWBZarrIO } from './nwb-zarr-io.js';
export { zarrDescriptor, zarrV3Descriptor } from './descriptor.js';
export { DEFAULT_ZARR_COMPRESSION, DEFAULT_ZARR_V3_COMPRESSION } from './default-compression.js';
