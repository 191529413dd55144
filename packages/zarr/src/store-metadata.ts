/**
 * The metadata a writer stores at close: each node's `.zgroup` or `.zarray` and `.zattrs` (links
 * in their group's `zarr_link`), then a `.zmetadata` consolidating them all, as hdmf-zarr writes.
 */
import type { AbsolutePath } from '@zarrita/storage';
import { forEachLimit } from './chunk-grid.js';
import type { JsonOut } from './conventions/json.js';
import { stringifyJson } from './conventions/json.js';
import { linksToJson } from './conventions/links.js';
import type { NodeRecord } from './metadata.js';
import { zarrayJson, zgroupJson } from './metadata.js';
import { keyOf } from './stores/keys.js';
import type { StagingStore } from './stores/store.js';

/** Stores the metadata of `nodes`, `concurrency` files at a time, then `.zmetadata`. */
export async function writeMetadata(
  nodes: Iterable<NodeRecord>,
  store: StagingStore,
  concurrency: number,
): Promise<void> {
  const files = new Map<AbsolutePath, JsonOut>();
  for (const record of nodes) {
    const attrs = new Map<string, JsonOut>(record.attrs);
    if (record.kind === 'group') {
      if (record.links.size > 0) attrs.set('zarr_link', linksToJson(record.links.values()));
      files.set(keyOf(record.path, '.zgroup'), zgroupJson(record));
      if (attrs.size > 0 || record.path === '/') files.set(keyOf(record.path, '.zattrs'), attrs);
    } else {
      files.set(keyOf(record.path, '.zarray'), zarrayJson(record));
      files.set(keyOf(record.path, '.zattrs'), attrs);
    }
  }
  const encoder = new TextEncoder();
  const sorted = [...files.keys()].sort();
  await forEachLimit(sorted, concurrency, async (key) =>
    store.set(key, encoder.encode(stringifyJson(files.get(key)!))),
  );
  const consolidated = {
    metadata: new Map(sorted.map((k) => [k.slice(1), files.get(k)!])),
    zarr_consolidated_format: 1,
  };
  await store.set('/.zmetadata', encoder.encode(stringifyJson(consolidated)));
}
