/**
 * Consolidated metadata as a store wrapper, the way zarrita's `withConsolidatedMetadata` is one
 * (and built with zarrita's `defineStoreExtension`): the wrapped store answers metadata keys of
 * the nodes the consolidated document lists from memory, lists children from it, and passes
 * everything else (chunks, nodes it does not list) to the store underneath.
 *
 * zarrita's own wrapper is not used because hdmf-zarr's documents break it: zarr-python writes
 * bare `NaN` / `Infinity` in attributes (JSON.parse refuses them), and JSON.parse loses whether a
 * number was written as an integer or a float, which decides an attribute's dtype here. This one
 * parses with the package's lossless parser, checks every key it is given, and knows one
 * hdmf-zarr quirk: before 0.13 it consolidated before caching the specification, so the root
 * `.zattrs` copy lacks `.specloc` and is read from the store instead.
 */
import type { AbsolutePath, AsyncReadable, GetOptions, Readable } from '@zarrita/storage';
import { defineStoreExtension } from 'zarrita';
import { InvalidFileError } from '@nwbjs/core';
import { baseName, parentPath } from '@nwbjs/core/backend';
import type { JsonValue } from '../conventions/json.js';
import { stringifyJson } from '../conventions/json.js';
import { parseMetadataBytes } from '../metadata.js';
import { isSafeName, keyOf } from './keys.js';

/** What a consolidated document says: metadata documents by key, and the nodes it lists. */
export interface ConsolidatedIndex {
  /** Metadata documents by store key (`/a/b/.zarray`). */
  readonly entries: ReadonlyMap<AbsolutePath, JsonValue>;
  /** Paths of the nodes listed (`/`, `/a/b`): their metadata keys are answered from `entries` alone. */
  readonly nodes: ReadonlySet<string>;
  /** Keys of listed nodes still read from the store (documents known to be stale). */
  readonly fromStore: ReadonlySet<AbsolutePath>;
}

/** What the wrapper adds to a store. */
export interface ConsolidatedExtension {
  /** Names of the listed nodes directly under `prefix` (`/` or `/a/b/`). */
  listChildren(prefix: AbsolutePath): Promise<string[]>;
  /**
   * The parsed document at `key` when the consolidated metadata decides it (`value` undefined: the
   * node is listed and has no such document), or undefined when the store must be asked.
   */
  consolidatedEntry(key: AbsolutePath): { value: JsonValue | undefined } | undefined;
}

const V2_FILES = new Set(['.zgroup', '.zarray', '.zattrs']);

/** Parses a v2 `.zmetadata` document; refuses keys that leave the store or name no metadata file. */
export function parseConsolidatedV2(bytes: Uint8Array): ConsolidatedIndex {
  const parsed = parseMetadataBytes(bytes, '.zmetadata', '/');
  const metadata = parsed instanceof Map ? parsed.get('metadata') : undefined;
  if (!(metadata instanceof Map))
    throw new InvalidFileError('.zmetadata has no metadata object', { path: '/' });
  const entries = new Map<AbsolutePath, JsonValue>();
  const nodes = new Set<string>();
  for (const [key, value] of metadata) {
    const parts = key.split('/');
    const file = parts.pop()!;
    if (!V2_FILES.has(file) || !parts.every(isSafeName)) {
      throw new InvalidFileError(`.zmetadata lists an unsafe key ${JSON.stringify(key)}`, { path: '/' });
    }
    const node = parts.length === 0 ? '/' : `/${parts.join('/')}`;
    entries.set(keyOf(node, file), value);
    if (file !== '.zattrs') nodes.add(node);
  }
  if (!nodes.has('/'))
    throw new InvalidFileError('not a Zarr v2 store (.zmetadata lists no root group)', { path: '/' });
  const fromStore = new Set<AbsolutePath>();
  if (!nodes.has('/specifications')) fromStore.add('/.zattrs');
  return { entries, nodes, fromStore };
}

const encoder = new TextEncoder();

/**
 * Wraps `store` with the consolidated metadata `index`; the result is a zarrita store (it can be
 * wrapped again, e.g. with zarrita's `withByteCaching`) that can also list itself.
 */
export const withConsolidatedIndex: <S extends AsyncReadable>(
  store: S,
  index?: ConsolidatedIndex,
) => S & ConsolidatedExtension = defineStoreExtension((store: AsyncReadable, index: ConsolidatedIndex) => {
  const entry = (key: AbsolutePath): { value: JsonValue | undefined } | undefined => {
    if (index.fromStore.has(key) || !index.nodes.has(parentPath(key))) return undefined;
    const file = baseName(key);
    if (!V2_FILES.has(file) && file !== 'zarr.json') return undefined;
    return { value: index.entries.get(key) };
  };
  return {
    async get(key: AbsolutePath, options?: GetOptions): Promise<Uint8Array | undefined> {
      const known = entry(key);
      if (known === undefined) return store.get(key, options);
      return known.value === undefined ? undefined : encoder.encode(stringifyJson(known.value));
    },
    async listChildren(prefix: AbsolutePath): Promise<string[]> {
      const parent = prefix === '/' ? '/' : prefix.slice(0, -1);
      const names: string[] = [];
      for (const node of index.nodes) {
        if (node !== '/' && parentPath(node) === parent) names.push(baseName(node));
      }
      return names;
    },
    consolidatedEntry: entry,
  };
}) as never;

/** Reads a parsed metadata document through a store, from its consolidated metadata when it has it. */
export async function readMetadataJson(
  store: Readable,
  key: AbsolutePath,
  path: string,
): Promise<JsonValue | undefined> {
  const known = (store as Partial<ConsolidatedExtension>).consolidatedEntry?.(key);
  if (known !== undefined) return known.value;
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : parseMetadataBytes(bytes, baseName(key), path);
}
