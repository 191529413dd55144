/**
 * Opening a store: a directory path (`.nwb.zarr`, Node only), a `Map<string, Uint8Array>`, an
 * http(s) URL (read only), or any zarrita store. A store that lists itself (a directory, a Map, a
 * store with `listChildren`) is read directly; any other is opened through its consolidated
 * metadata, one request, as a remote store is.
 */
import type { OpenMode } from '@nwbjs/core';
import type { AbsolutePath } from '@zarrita/storage';
import {
  BackendError,
  HttpRequestError,
  InvalidFileError,
  NotFoundError,
  UnsupportedError,
  ValidationError,
} from '@nwbjs/core';
import { openDirectoryReader, openDirectoryWriter } from '#platform/directory.js';
import type { ZarrBackendInit } from './backend.js';
import { ZarrBackend } from './backend.js';
import { parseMetadataBytes } from './metadata.js';
import { parseConsolidatedV2, withConsolidatedIndex } from './stores/consolidated.js';
import type { HttpStoreOptions } from './stores/fetch-store.js';
import { fetchStore } from './stores/fetch-store.js';
import { MapStagingStore, MapStore } from './stores/map-store.js';
import type { ZarrStore } from './stores/store.js';
import { isListable, isStaging, storeName } from './stores/store.js';
import { ZarrV3Backend } from './v3/backend.js';
import { openV3Reader, v3RootOf } from './v3/open-v3.js';

/** What {@link openZarr} returns: the format 2 backend, or the format 3 one for a v3 store. */
export type ZarrStorage = ZarrBackend | ZarrV3Backend;

/**
 * Where a Zarr store lives: a directory path (Node only; refused with an UnsupportedError in a
 * browser bundle), an http(s) URL (reading), a `Map<string, Uint8Array>` (keys `a/b/.zarray` or
 * zarrita's `/a/b/.zarray`), or any zarrita store (a `StagingStore` for writing).
 */
export type ZarrLocation = string | URL | Map<string, Uint8Array> | ZarrStore;

function isStore(location: ZarrLocation): location is ZarrStore {
  return (
    typeof location === 'object' &&
    !(location instanceof Map) &&
    !(location instanceof URL) &&
    typeof (location as { get?: unknown }).get === 'function'
  );
}

/** Options of {@link openZarr}. */
export interface OpenZarrOptions extends HttpStoreOptions {
  /**
   * The Zarr format to write: 2 (the default: hdmf-zarr's layout up to 0.13, which every hdmf-zarr
   * reads, 0.14 through `NWBZarrV2IO`) or 3 (hdmf-zarr 0.14's layout, which hdmf-zarr before 0.14
   * cannot read). Reading ignores it: the store's content tells its format.
   */
  zarrFormat?: 2 | 3;
  /**
   * Chunks read, or encoded and written, at once (default 8). Writing hands chunks to a bounded
   * write-behind queue of this length, so compression uses several cores even when each write call
   * covers one chunk.
   */
  chunkConcurrency?: number;
}

/**
 * Opens an hdmf-zarr store for reading (`'r'`; Zarr format 2 or 3, told apart by the root's
 * metadata: `.zgroup`, or a `zarr.json` with `zarr_format: 3`) or writing (`'w-'`: fail if it exists, `'w'`:
 * replace it at the successful close; only an empty directory or a Zarr store is ever replaced).
 * Writing needs a directory path (Node only), a Map, or a `StagingStore`. A store is read
 * directly when it can list itself, and through its consolidated metadata otherwise.
 */
export async function openZarr(
  location: ZarrLocation,
  mode: Exclude<OpenMode, 'r'>,
  options: OpenZarrOptions & { zarrFormat: 3 },
): Promise<ZarrV3Backend>;
export async function openZarr(
  location: ZarrLocation,
  mode: Exclude<OpenMode, 'r'>,
  options?: OpenZarrOptions & { zarrFormat?: 2 },
): Promise<ZarrBackend>;
export async function openZarr(
  location: ZarrLocation,
  mode?: OpenMode,
  options?: OpenZarrOptions,
): Promise<ZarrStorage>;
export async function openZarr(
  location: ZarrLocation,
  mode: OpenMode = 'r',
  options: OpenZarrOptions = {},
): Promise<ZarrStorage> {
  const tuning = options.chunkConcurrency === undefined ? {} : { chunkConcurrency: options.chunkConcurrency };
  if (options.zarrFormat !== undefined && options.zarrFormat !== 2 && options.zarrFormat !== 3)
    throw new ValidationError(`zarrFormat must be 2 or 3, not ${String(options.zarrFormat)}`, {
      path: '/',
      rule: 'zarr-format',
    });
  const writer = (init: ZarrBackendInit): ZarrStorage =>
    options.zarrFormat === 3
      ? new ZarrV3Backend({
          store: init.store,
          staging: init.staging!,
          location: init.location ?? storeName(init.store),
          ...tuning,
        })
      : new ZarrBackend(init);
  const isUrl = location instanceof URL || (typeof location === 'string' && /^https?:\/\//i.test(location));
  if (isUrl) {
    if (mode !== 'r')
      throw new UnsupportedError('remote stores are read only', {
        path: '/',
        feature: 'write-remote',
        backend: 'zarr',
      });
    // FetchStore returns each response body in a new buffer.
    return openReader(fetchStore(location, options), {
      location: String(location),
      freshValues: true,
      ...tuning,
    });
  }
  if (location instanceof Map) {
    if (mode === 'r') return openReader(new MapStore(location), { location: 'memory', ...tuning });
    if (mode === 'w-' && location.size > 0)
      throw new BackendError('the target map is not empty', { path: '/', backend: 'zarr' });
    const staging = new MapStagingStore(location, mode === 'w');
    return writer({ store: staging, staging, location: 'memory', ...tuning });
  }
  if (isStore(location)) {
    if (mode === 'r') return openReader(location, tuning);
    if (!isStaging(location)) {
      throw new UnsupportedError(`${storeName(location)}: writing needs a store with set, commit and abort`, {
        path: '/',
        feature: 'write-store',
        backend: 'zarr',
      });
    }
    return writer({ store: location, staging: location, ...tuning });
  }
  if (typeof location !== 'string')
    throw new UnsupportedError('unsupported store location', {
      path: '/',
      feature: 'location',
      backend: 'zarr',
    });
  if (mode === 'r')
    return openReader(await openDirectoryReader(location), { location, freshValues: true, ...tuning });
  const staging = await openDirectoryWriter(location, mode);
  return writer({ store: staging, staging, location, freshValues: true, ...tuning });
}

type ReaderInit = Omit<ZarrBackendInit, 'store' | 'staging'>;

/**
 * Opens `store` for reading. Format 2: directly when it lists itself, else through consolidated
 * metadata. Format 3: from the root `zarr.json` (its consolidated metadata when present). A remote
 * store's `.zmetadata` and `zarr.json` are asked for at once, so either format opens in one round trip.
 */
async function openReader(store: ZarrStore, init: ReaderInit): Promise<ZarrStorage> {
  const name = init.location ?? storeName(store);
  if (isListable(store)) {
    const zgroup = await store.get('/.zgroup');
    if (zgroup === undefined) {
      const v3 = v3RootOf(await store.get('/zarr.json'));
      if (v3 !== undefined) return openV3Reader(store, v3, name, init.chunkConcurrency);
      throw new InvalidFileError(`${name} is not a Zarr store (no .zgroup, no zarr.json of format 3)`, {
        path: '/',
      });
    }
    parseMetadataBytes(zgroup, '.zgroup', '/');
    return new ZarrBackend({ store, ...init });
  }
  const fetchOrSay = async (key: `/${string}`): Promise<Uint8Array | undefined> => {
    try {
      return await store.get(key);
    } catch (cause) {
      const reason = cause instanceof HttpRequestError ? cause.reason : (cause as Error).message;
      throw new BackendError(`cannot read ${name}: ${reason}`, { path: '/', backend: 'zarr', cause });
    }
  };
  // The root's .zattrs is asked for alongside .zmetadata, in the same round trip: hdmf-zarr before
  // 0.13 left the copy in .zmetadata stale (no .specloc), so reading such a store needs the file.
  const rootAttrs = Promise.resolve().then(() => store.get('/.zattrs'));
  rootAttrs.catch(() => undefined); // a failure is reported by the read that uses it, if any
  // zarr.json (format 3) is asked for at the same time; a failure there matters only when the store
  // has no .zmetadata either, and .zmetadata's own failure is the one reported.
  const [zmetadata, zarrJson] = await Promise.all([
    fetchOrSay('/.zmetadata'),
    fetchOrSay('/zarr.json').catch((error: unknown) => error as Error),
  ]);
  if (zarrJson instanceof Error) {
    if (zmetadata === undefined) throw zarrJson;
  } else {
    const v3 = v3RootOf(zarrJson);
    if (v3 !== undefined) return openV3Reader(store, v3, name, init.chunkConcurrency);
  }
  if (zmetadata !== undefined) {
    const index = parseConsolidatedV2(zmetadata);
    const answered = withAnswer(store, '/.zattrs', rootAttrs);
    return new ZarrBackend({ store: withConsolidatedIndex(answered as never, index), ...init });
  }
  const zgroup = await fetchOrSay('/.zgroup');
  if (zgroup === undefined) {
    const absent = /^https?:\/\//i.test(name) ? 'HTTP 404 Not Found for all of' : 'no';
    throw new NotFoundError(`${name} is not a Zarr store (${absent} .zmetadata, zarr.json and .zgroup)`, {
      path: '/',
    });
  }
  parseMetadataBytes(zgroup, '.zgroup', '/');
  return new ZarrBackend({ store, ...init });
}

/** `store`, with `key` answered by a request already made (`answer`). */
function withAnswer(store: ZarrStore, key: AbsolutePath, answer: Promise<Uint8Array | undefined>): ZarrStore {
  const wrapped: ZarrStore = {
    get: async (asked, options) => (asked === key ? answer : store.get(asked, options)),
  };
  if ('getRange' in store && typeof store.getRange === 'function')
    Object.assign(wrapped, { getRange: store.getRange.bind(store) });
  return wrapped;
}
