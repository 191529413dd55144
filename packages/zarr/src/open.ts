/**
 * Opening a store: a directory path (`.nwb.zarr`, Node only), a `Map<string, Uint8Array>`, an
 * http(s) URL (read only), or a store object of the caller's. Remote stores are opened with one
 * request, for `.zmetadata`.
 */
import type { OpenMode } from '@nwbjs/core';
import { BackendError, InvalidFileError, NotFoundError, UnsupportedError } from '@nwbjs/core';
import { openDirectoryReader, openDirectoryWriter } from '#platform/directory.js';
import type { ConsolidatedMetadata } from './backend.js';
import { ZarrBackend } from './backend.js';
import { parseMetadataBytes } from './metadata.js';
import type { HttpStoreOptions } from './stores/http-store.js';
import { HttpStore } from './stores/http-store.js';
import { isSafeName } from './stores/keys.js';
import { MapStagingStore, MapStore } from './stores/map-store.js';
import type { StagingStore, ZarrStore } from './stores/store.js';

/**
 * Where a Zarr store lives: a directory path (Node only; refused with an UnsupportedError in a
 * browser bundle), an http(s) URL (reading), a `Map<string, Uint8Array>`, or a {@link ZarrStore}
 * of the caller's (a {@link StagingStore} for writing).
 */
export type ZarrLocation = string | URL | Map<string, Uint8Array> | ZarrStore;

function isStore(location: ZarrLocation): location is ZarrStore {
  return (
    typeof location === 'object' &&
    !(location instanceof Map) &&
    !(location instanceof URL) &&
    typeof location.get === 'function'
  );
}

function isStagingStore(store: ZarrStore): store is StagingStore {
  const s = store as Partial<StagingStore>;
  return typeof s.set === 'function' && typeof s.commit === 'function' && typeof s.abort === 'function';
}

/** Options of {@link openZarr}. */
export interface OpenZarrOptions extends HttpStoreOptions {
  /**
   * Chunks read, or encoded and written, at once (default 8). Writing hands chunks to a bounded
   * write-behind queue of this length, so compression uses several cores even when each write call
   * covers one chunk.
   */
  chunkConcurrency?: number;
}

/**
 * Opens an hdmf-zarr store for reading (`'r'`) or writing (`'w-'`: fail if it exists, `'w'`:
 * replace it at the successful close; only an empty directory or a Zarr store is ever replaced).
 * Writing needs a directory path (Node only), a Map, or a {@link StagingStore}. A store object is
 * read directly when it is `local`, and through its `.zmetadata` otherwise.
 */
export async function openZarr(
  location: ZarrLocation,
  mode: OpenMode = 'r',
  options: OpenZarrOptions = {},
): Promise<ZarrBackend> {
  const isUrl = location instanceof URL || (typeof location === 'string' && /^https?:\/\//i.test(location));
  if (isUrl) {
    if (mode !== 'r')
      throw new UnsupportedError('remote stores are read only', {
        path: '/',
        feature: 'write-remote',
        backend: 'zarr',
      });
    return openRemote(new HttpStore(String(location), options), options);
  }
  if (location instanceof Map) {
    if (mode === 'r') return openLocal(new MapStore(location), options);
    if (mode === 'w-' && location.size > 0)
      throw new BackendError('the target map is not empty', { path: '/', backend: 'zarr' });
    const staging = new MapStagingStore(location, mode === 'w');
    return new ZarrBackend({ store: staging, staging, ...tuning(options) });
  }
  if (isStore(location)) {
    if (mode === 'r') return location.local ? openLocal(location, options) : openRemote(location, options);
    if (!isStagingStore(location)) {
      throw new UnsupportedError(`${location.location}: writing needs a store with set, commit and abort`, {
        path: '/',
        feature: 'write-store',
        backend: 'zarr',
      });
    }
    return new ZarrBackend({ store: location, staging: location, ...tuning(options) });
  }
  if (typeof location !== 'string')
    throw new UnsupportedError('unsupported store location', {
      path: '/',
      feature: 'location',
      backend: 'zarr',
    });
  if (mode === 'r') return openLocal(await openDirectoryReader(location), options);
  const { store, staging } = await openDirectoryWriter(location, mode);
  return new ZarrBackend({ store, staging, ...tuning(options) });
}

function tuning(options: OpenZarrOptions): { chunkConcurrency?: number } {
  return options.chunkConcurrency === undefined ? {} : { chunkConcurrency: options.chunkConcurrency };
}

async function openLocal(store: ZarrStore, options: OpenZarrOptions): Promise<ZarrBackend> {
  const zgroup = await store.get('.zgroup');
  if (zgroup === undefined) {
    if ((await store.get('zarr.json')) !== undefined) {
      throw new UnsupportedError('Zarr format 3 stores (hdmf-zarr >= 0.14) are not supported yet', {
        path: '/',
        feature: 'zarr-v3',
        backend: 'zarr',
      });
    }
    throw new InvalidFileError(`${store.location} is not a Zarr v2 store (no .zgroup)`, { path: '/' });
  }
  parseMetadataBytes(zgroup, '.zgroup', '/');
  return new ZarrBackend({ store, ...tuning(options) });
}

async function openRemote(store: ZarrStore, options: OpenZarrOptions): Promise<ZarrBackend> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get('.zmetadata');
  } catch (cause) {
    throw new BackendError(`cannot read ${store.location}`, { path: '/', backend: 'zarr', cause });
  }
  if (bytes === undefined) return openLocalRemote(store, options);
  const parsed = parseMetadataBytes(bytes, '.zmetadata', '/');
  const metadata = parsed instanceof Map ? parsed.get('metadata') : undefined;
  if (!(metadata instanceof Map))
    throw new InvalidFileError('.zmetadata has no metadata object', { path: '/' });
  const consolidated: ConsolidatedMetadata = new Map();
  for (const [key, value] of metadata) {
    const parts = key.split('/');
    const file = parts.pop()!;
    if (!['.zgroup', '.zarray', '.zattrs'].includes(file) || !parts.every(isSafeName)) {
      throw new InvalidFileError(`.zmetadata lists an unsafe key ${JSON.stringify(key)}`, { path: '/' });
    }
    consolidated.set(key, value);
  }
  if (!consolidated.has('.zgroup'))
    throw new InvalidFileError(`${store.location} is not a Zarr v2 store (no root group)`, { path: '/' });
  return new ZarrBackend({ store, consolidated, ...tuning(options) });
}

async function openLocalRemote(store: ZarrStore, options: OpenZarrOptions): Promise<ZarrBackend> {
  const zgroup = await store.get('.zgroup');
  if (zgroup === undefined)
    throw new NotFoundError(`${store.location} is not a Zarr v2 store (no .zmetadata or .zgroup)`, {
      path: '/',
    });
  parseMetadataBytes(zgroup, '.zgroup', '/');
  return new ZarrBackend({ store, ...tuning(options) });
}
