/**
 * From a location (URL, local file, local folder) to an open store of the library. This is the one
 * place that knows which backend reads what; it asks the names first and the bytes when the name
 * does not say. Backends are loaded only when a file needs them, so opening a Zarr store never
 * downloads the HDF5 backend's WASM.
 */
import type { StorageReader } from '@nwbjs/core';
import type { LindiJson } from '@nwbjs/lindi';
import { FolderStore, storeEntries } from './folder-store.js';
import { ViewerError } from './problems.js';
import type { RequestLog } from './request-log.js';
import type { Access, FolderEntry, SourceInput } from './types.js';

/** An open store and how it is reached. */
export interface OpenedStore {
  readonly reader: StorageReader;
  readonly access: Access;
  /** The URL or file name, for the title. */
  readonly location: string;
  /** The URL external files are resolved against, when the file came from a URL. */
  readonly baseUrl: string | undefined;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  readonly log: RequestLog;
  readonly signal?: AbortSignal | undefined;
}

type Kind = 'zarr' | 'hdf5' | 'lindi';

/** HDF5 files start with these 8 bytes (at offset 0 in every file the NWB tools write). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

const STREAMED: Access = {
  streamed: true,
  message: 'Streamed: opening read the metadata; each frame fetches only the chunks it needs.',
};

/** Opens whatever `input` points at. */
export async function openStore(input: SourceInput, options: OpenStoreOptions): Promise<OpenedStore> {
  switch (input.kind) {
    case 'url':
      return openUrl(input.url, options);
    case 'file':
      return openFile(input.file, options);
    case 'folder':
      return openFolder(input.name, input.files);
  }
}

/** What a name says about the format, if anything. */
function kindByName(name: string): Kind | undefined {
  const bare = name
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
  if (bare.endsWith('.lindi.json') || bare.endsWith('.lindi.tar')) return 'lindi';
  if (bare.endsWith('.zarr')) return 'zarr';
  if (/\.(nwb|h5|hdf5|hdf)$/.test(bare)) return 'hdf5';
  return undefined;
}

async function openUrl(text: string, options: OpenStoreOptions): Promise<OpenedStore> {
  let url: URL;
  try {
    url = new URL(text, globalThis.location?.href);
  } catch (cause) {
    throw new ViewerError('bad-url', `${JSON.stringify(text)} is not a URL`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ViewerError('bad-url', `only http(s) URLs can be opened, not ${url.protocol}`);
  const kind = kindByName(url.pathname) ?? (await sniff(url, options));
  const location = url.href;
  if (kind === 'lindi') return openLindiIndex(location, location, options);
  if (kind === 'hdf5') return openRemoteHdf5(url, options);
  const { openZarr } = await import('@nwbjs/zarr');
  const reader = await openZarr(location, 'r', { fetch: options.log.fetch });
  return { reader, access: STREAMED, location, baseUrl: location };
}

/** HDF5 if the first bytes say so, else Zarr (a store's URL serves no bytes of its own). */
async function sniff(url: URL, options: OpenStoreOptions): Promise<Kind> {
  const response = await options.log.fetch(url.href, {
    headers: { Range: 'bytes=0-7' },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!response.ok) {
    await response.body?.cancel();
    return 'zarr';
  }
  const reader = response.body?.getReader();
  const head = new Uint8Array(8);
  let filled = 0;
  while (reader !== undefined && filled < head.length) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = Math.min(value.length, head.length - filled);
    head.set(value.subarray(0, take), filled);
    filled += take;
  }
  await reader?.cancel();
  return HDF5_SIGNATURE.every((b, i) => head[i] === b) ? 'hdf5' : 'zarr';
}

/** A remote HDF5 file is read with Range requests: its metadata on opening, then each frame's chunks. */
async function openRemoteHdf5(url: URL, options: OpenStoreOptions): Promise<OpenedStore> {
  const { openHdf5Url } = await import('@nwbjs/hdf5');
  const reader = await openHdf5Url(url, {
    fetch: options.log.fetch,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { reader, access: STREAMED, location: url.href, baseUrl: url.href };
}

/**
 * A LINDI index (`.lindi.json`, or a `.lindi.tar` at a URL): the tree and attributes come with the
 * index, and each frame fetches only its chunks, by Range requests, from the HDF5 file the index
 * points at (as Neurosift reads DANDI's LINDI files). `source` is the index's URL or its parsed JSON.
 */
async function openLindiIndex(
  source: string | LindiJson,
  location: string,
  options: OpenStoreOptions,
): Promise<OpenedStore> {
  const { openLindi } = await import('@nwbjs/lindi');
  const reader = await openLindi(source, { fetch: options.log.fetch, name: location });
  return {
    reader,
    access: {
      streamed: true,
      message:
        'Streamed through a LINDI index: opening read the index; each frame fetches only the chunks it needs from the HDF5 file.',
    },
    location,
    baseUrl: typeof source === 'string' ? source : undefined,
  };
}

/** A local `.lindi.json`: its text is the index (its references are URLs, or relative to nothing). */
async function openLocalLindi(file: File, options: OpenStoreOptions): Promise<OpenedStore> {
  if (!file.name.toLowerCase().endsWith('.json'))
    throw new ViewerError('lindi', 'a LINDI archive (.lindi.tar) opens from its URL', {
      location: file.name,
    });
  let json: LindiJson;
  try {
    json = JSON.parse(await file.text()) as LindiJson;
  } catch (cause) {
    throw new ViewerError('lindi', 'this .lindi.json is not JSON', { location: file.name, cause });
  }
  // Text or a number would be taken for a path or URL; what an object holds is the reader's to judge.
  if (typeof json !== 'object' || json === null)
    throw new ViewerError('lindi', 'this .lindi.json is not a JSON object', { location: file.name });
  return openLindiIndex(json, file.name, options);
}

async function openFile(file: File, options: OpenStoreOptions): Promise<OpenedStore> {
  const kind = kindByName(file.name);
  if (kind === 'lindi') return openLocalLindi(file, options);
  if (kind === 'zarr')
    throw new ViewerError('zarr-file', 'a Zarr store is a folder: open it with "Open folder"', {
      location: file.name,
    });
  // Read piece by piece from the File (never whole into memory), so any size opens.
  const { openHdf5Blob } = await import('@nwbjs/hdf5');
  const reader = await openHdf5Blob(file, file.name);
  return {
    reader,
    access: {
      streamed: true,
      message:
        'Read from the file as needed: opening read the metadata; each frame reads only the chunks it needs.',
    },
    location: file.name,
    baseUrl: undefined,
  };
}

async function openFolder(name: string, files: readonly FolderEntry[]): Promise<OpenedStore> {
  const store = storeEntries(name, files);
  if (store === undefined)
    throw new ViewerError('not-zarr-folder', 'the folder holds no Zarr store (no .zgroup or zarr.json)', {
      location: name,
    });
  const { openZarr } = await import('@nwbjs/zarr');
  const reader = await openZarr(new FolderStore(store.name, store.entries));
  return {
    reader,
    access: {
      streamed: true,
      message: 'Read from the folder as needed: only metadata and the chunks of each frame are read.',
    },
    location: store.name,
    baseUrl: undefined,
  };
}
