/**
 * A local `.nwb.zarr` folder, picked or dropped by the user, as a Zarr store: each key is read from
 * its File when asked, so opening a folder reads only metadata and showing a frame only its chunks.
 */
import type { ListableStore } from '@nwbjs/zarr';
import type { FolderEntry } from './types.js';

type AbsolutePath = Parameters<ListableStore['get']>[0];

/** Reads keys (`/a/b/.zarray`) from the files of a folder (paths relative to the store's root). */
export class FolderStore implements ListableStore {
  readonly #files = new Map<string, File>();
  /** Sub-folders of each folder, by prefix (`/`, `/a/b/`). */
  readonly #folders = new Map<string, Set<string>>();

  constructor(
    /** The folder's name, for messages. */
    readonly location: string,
    entries: Iterable<FolderEntry>,
  ) {
    for (const { path, file } of entries) {
      this.#files.set(`/${path}`, file);
      const parts = path.split('/');
      for (let i = 0; i < parts.length - 1; i++) {
        const prefix = i === 0 ? '/' : `/${parts.slice(0, i).join('/')}/`;
        let names = this.#folders.get(prefix);
        if (names === undefined) this.#folders.set(prefix, (names = new Set()));
        names.add(parts[i]!);
      }
    }
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const file = this.#files.get(key);
    return file === undefined ? undefined : new Uint8Array(await file.arrayBuffer());
  }

  async listChildren(prefix: AbsolutePath): Promise<string[]> {
    return [...(this.#folders.get(prefix) ?? [])];
  }
}

/**
 * The entries of the Zarr store inside a picked folder, with paths relative to the store's root:
 * the folder itself when it holds `.zgroup` or `zarr.json`, else its one subfolder that does (a
 * user who picks the folder around the store). Undefined when there is no store.
 */
export function storeEntries(
  name: string,
  entries: readonly FolderEntry[],
): { name: string; entries: FolderEntry[] } | undefined {
  const isRoot = (prefix: string) =>
    entries.some((e) => e.path === `${prefix}.zgroup` || e.path === `${prefix}zarr.json`);
  if (isRoot('')) return { name, entries: [...entries] };
  const candidates = new Set(entries.map((e) => e.path.split('/')[0]!).filter((top) => isRoot(`${top}/`)));
  if (candidates.size !== 1) return undefined;
  const [top] = candidates as Set<string>;
  const prefix = `${top}/`;
  return {
    name: top!,
    entries: entries
      .filter((e) => e.path.startsWith(prefix))
      .map((e) => ({ path: e.path.slice(prefix.length), file: e.file })),
  };
}
