/**
 * The cached specification PyNWB writes into every file: `/specifications/<namespace>/<version>/`
 * holding one scalar UTF-8 dataset per schema source plus `namespace`, each compact JSON.
 */
import { textScalar } from '../storage/values.js';
import type { GroupNode } from '../tree/nodes.js';
import { datasetNode, groupNode } from '../tree/nodes.js';
import { CACHED_NAMESPACES } from './cached-spec-data.js';

/** One cached namespace: its name, version, and datasets (`namespace` first) as JSON text. */
export interface CachedNamespace {
  /** The namespace, e.g. `core`. */
  readonly name: string;
  /** Its version, e.g. `2.7.0`. */
  readonly version: string;
  /** Dataset name and its compact JSON text, exactly as PyNWB caches it. */
  readonly sources: ReadonlyArray<readonly [string, string]>;
}

/** The NWB schema version the model writes. */
export const NWB_VERSION = '2.7.0';

/** The namespaces written with every file: core 2.7.0, hdmf-common 1.8.0, hdmf-experimental 0.5.0. */
export function cachedNamespaces(): readonly CachedNamespace[] {
  return CACHED_NAMESPACES;
}

/**
 * The `/specifications` group. Namespaces found in `previous` (a file's cache, read earlier) are
 * kept unless we write the same namespace, so extensions' specifications survive a rewrite.
 */
export function specificationsGroup(previous?: GroupNode): GroupNode {
  const group = groupNode();
  for (const ns of CACHED_NAMESPACES) {
    const versions = groupNode({}, [
      [
        ns.version,
        groupNode(
          {},
          ns.sources.map(([name, json]) => [name, datasetNode(textScalar(json))] as const),
        ),
      ],
    ]);
    group.children.set(ns.name, versions);
  }
  if (previous !== undefined) {
    for (const [name, child] of previous.children) {
      if (!group.children.has(name)) group.children.set(name, child);
    }
  }
  return group;
}
