/**
 * The metadata a v3 writer stores at close, as hdmf-zarr 0.14 (zarr-python >= 3.2) leaves it: one
 * `zarr.json` per node with its attributes inside (links in the group's `_LINKS`, reference
 * attributes as `{"_REFERENCE": ...}`, NaN as a bare token), JSON indented by 2, and the root's
 * `consolidated_metadata` listing every other node, flattened, keys sorted by depth then name
 * (casefolded), each group entry with an empty `consolidated_metadata` of its own.
 */
import type { AbsolutePath } from '@zarrita/storage';
import { forEachLimit } from '../chunk-grid.js';
import type { JsonOut } from '../conventions/json.js';
import { stringifyJson } from '../conventions/json.js';
import type { NodeRecord } from '../metadata.js';
import { keyOf } from '../stores/keys.js';
import type { StagingStore } from '../stores/store.js';
import type { V3ArrayRecord } from './array-definition.js';

/** The `nwbjs` member: what JSON and v3 cannot say, for this library (`must_understand: false`). */
function extensionOf(record: NodeRecord): JsonOut | undefined {
  const out: Record<string, JsonOut> = {};
  if (record.attributeDTypes.size > 0) out['attribute_dtypes'] = Object.fromEntries(record.attributeDTypes);
  if (record.kind === 'array') {
    const v3 = (record as V3ArrayRecord).v3;
    if (v3.textKind !== undefined) {
      out['dtype'] = 'ascii';
      if (v3.textKind.length !== undefined) out['text_length'] = v3.textKind.length;
    }
    if (v3.region === true) out['dtype'] = 'region';
    else if (v3.region !== undefined) out['region_fields'] = [...v3.region];
    if (record.maxShape !== undefined) out['max_shape'] = record.maxShape;
  }
  return Object.keys(out).length === 0 ? undefined : { must_understand: false, ...out };
}

/** The `zarr.json` of a node. */
export function documentOf(record: NodeRecord): Record<string, JsonOut> {
  const attributes = new Map<string, JsonOut>(record.attrs);
  let doc: Record<string, JsonOut>;
  if (record.kind === 'group') {
    if (record.links.size > 0)
      attributes.set(
        '_LINKS',
        [...record.links.values()].map((l) => ({
          source: l.target.file ?? '.',
          path: l.target.target,
          name: l.name,
        })),
      );
    doc = { attributes, zarr_format: 3, node_type: 'group' };
  } else {
    const { v3 } = record as V3ArrayRecord;
    doc = {
      shape: v3.zeroD ? [] : record.shape,
      data_type: v3.dataType,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: v3.zeroD ? [] : record.chunks } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: v3.fill,
      codecs: v3.codecs,
      attributes,
      zarr_format: 3,
      node_type: 'array',
      storage_transformers: [],
    };
  }
  const ext = extensionOf(record);
  if (ext !== undefined) doc['nwbjs'] = ext;
  return doc;
}

function depthThenName(a: string, b: string): number {
  const da = a.split('/').length;
  const db = b.split('/').length;
  if (da !== db) return da - db;
  const fa = a.toLowerCase();
  const fb = b.toLowerCase();
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

/** Stores every node's `zarr.json`, the root's last, with the consolidated metadata inline. */
export async function writeV3Documents(
  nodes: Iterable<NodeRecord>,
  store: StagingStore,
  concurrency: number,
): Promise<void> {
  const docs = new Map<string, Record<string, JsonOut>>();
  for (const record of nodes) docs.set(record.path, documentOf(record));
  const encoder = new TextEncoder();
  const paths = [...docs.keys()].filter((p) => p !== '/').sort(depthThenName);
  await forEachLimit(paths, concurrency, async (path) =>
    store.set(
      keyOf(path, 'zarr.json') as AbsolutePath,
      encoder.encode(stringifyJson(docs.get(path)!, 2, false)),
    ),
  );
  const metadata = new Map<string, JsonOut>();
  for (const path of paths) {
    const doc = docs.get(path)!;
    metadata.set(
      path.slice(1),
      doc['node_type'] === 'group'
        ? {
            attributes: doc['attributes']!,
            zarr_format: 3,
            consolidated_metadata: { kind: 'inline', must_understand: false, metadata: {} },
            node_type: 'group',
            ...(doc['nwbjs'] === undefined ? {} : { nwbjs: doc['nwbjs'] }),
          }
        : doc,
    );
  }
  const { attributes, nwbjs } = docs.get('/')!;
  const root: Record<string, JsonOut> = {
    attributes: attributes!,
    zarr_format: 3,
    consolidated_metadata: { kind: 'inline', must_understand: false, metadata },
    node_type: 'group',
    ...(nwbjs === undefined ? {} : { nwbjs }),
  };
  await store.set('/zarr.json', encoder.encode(stringifyJson(root, 2, false)));
}
