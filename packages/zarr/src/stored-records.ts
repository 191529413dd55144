/**
 * The records of a store being read, loaded when first asked for (each node's `.zarray` or
 * `.zgroup` and `.zattrs`; a store wrapped with consolidated metadata answers from memory) and
 * kept; and a group's children, listed from the store.
 */
import type { JsonValue } from './conventions/json.js';
import { BackendError, UnsupportedError, isNWBError } from '@nwbjs/core';
import { PromiseCache, joinPath, parentPath } from '@nwbjs/core/backend';
import type { NodeRecord } from './metadata.js';
import { arrayRecord, groupRecord } from './metadata.js';
import { readMetadataJson } from './stores/consolidated.js';
import { isSafeName, keyOf } from './stores/keys.js';
import type { ZarrStore } from './stores/store.js';
import { causeDetail, isListable, prefixOf } from './stores/store.js';

/** Node records of a store opened for reading. */
export class StoredRecords {
  readonly #store: ZarrStore;
  /** Records by path; a failed load (a dropped connection) is tried again on the next ask. */
  readonly #cache = new PromiseCache<string, NodeRecord | undefined>();

  constructor(store: ZarrStore) {
    this.#store = store;
  }

  /** The record at `path` (a checked store path), or undefined when there is no node. */
  get(path: string): Promise<NodeRecord | undefined> {
    return this.#cache.get(path, (p) => this.#load(p));
  }

  /** The names of the nodes stored below the group at `path` (links not included). */
  async children(path: string): Promise<string[]> {
    if (!isListable(this.#store)) {
      throw new UnsupportedError('listing a remote store needs consolidated metadata (.zmetadata)', {
        path,
        feature: 'list',
        backend: 'zarr',
      });
    }
    const candidates = (await this.#store.listChildren(prefixOf(path))).filter(isSafeName);
    const found = await Promise.all(
      candidates.map(async (name) =>
        (await this.get(joinPath(path, name))) !== undefined ? name : undefined,
      ),
    );
    return found.filter((n): n is string => n !== undefined);
  }

  async #load(path: string): Promise<NodeRecord | undefined> {
    if (path !== '/') {
      const parent = await this.get(parentPath(path));
      if (parent?.kind !== 'group') return undefined;
    }
    // A store wrapped with consolidated metadata answers these from memory, without a request.
    const zarray = await this.#metadata(path, '.zarray');
    const zgroup = zarray === undefined ? await this.#metadata(path, '.zgroup') : undefined;
    if (zarray === undefined && zgroup === undefined) return undefined;
    const zattrs = await this.#metadata(path, '.zattrs');
    return zarray !== undefined ? arrayRecord(path, zarray, zattrs) : groupRecord(path, zgroup!, zattrs);
  }

  /** One metadata file of the node at `path`, parsed. */
  async #metadata(path: string, file: string): Promise<JsonValue | undefined> {
    const key = keyOf(path, file);
    try {
      return await readMetadataJson(this.#store, key, path);
    } catch (cause) {
      if (isNWBError(cause)) throw cause;
      throw new BackendError(`could not read ${key.slice(1)}${causeDetail(cause)}`, {
        path,
        backend: 'zarr',
        cause,
      });
    }
  }
}
