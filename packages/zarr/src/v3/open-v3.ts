/**
 * Format detection by content: a store is Zarr format 3 when its root `zarr.json` says
 * `zarr_format: 3` and is a group, whatever the store is called.
 */
import { InvalidFileError } from '@nwbjs/core';
import type { JsonObject } from '../conventions/json.js';
import { parseMetadataBytes } from '../metadata.js';
import type { ZarrStore } from '../stores/store.js';
import { ZarrV3Backend } from './backend.js';
import { isV3Document } from './node-document.js';

/** The parsed root `zarr.json` when `bytes` is a Zarr format 3 root group, else undefined. */
export function v3RootOf(bytes: Uint8Array | undefined): JsonObject | undefined {
  if (bytes === undefined) return undefined;
  const doc = parseMetadataBytes(bytes, 'zarr.json', '/');
  if (!isV3Document(doc)) return undefined;
  if (doc.get('node_type') !== 'group')
    throw new InvalidFileError('the root zarr.json is not a group (an NWB file is a group)', { path: '/' });
  return doc;
}

/** Opens a v3 store for reading from its root document. */
export function openV3Reader(
  store: ZarrStore,
  root: JsonObject,
  location: string,
  chunkConcurrency?: number,
): ZarrV3Backend {
  return new ZarrV3Backend({
    store,
    root,
    location,
    ...(chunkConcurrency === undefined ? {} : { chunkConcurrency }),
  });
}
