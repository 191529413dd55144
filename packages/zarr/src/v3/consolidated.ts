/**
 * Consolidated metadata of a v3 store, as zarr-python writes it (not part of the v3 spec): the root
 * `zarr.json` member `consolidated_metadata: {kind: "inline", must_understand: false, metadata:
 * {"a/b": <zarr.json of /a/b>, ...}}`, flattened with root-relative keys. A nested, non-flattened
 * `metadata` inside a group's entry (older writers) is read too. `null` or an absent member means
 * the store is not consolidated: nodes are then read one `zarr.json` at a time.
 */
import { InvalidFileError } from '@nwbjs/core';
import type { JsonObject } from '../conventions/json.js';
import { checkName } from '../stores/keys.js';

/**
 * The node documents the root's consolidated metadata lists, by absolute path (the root included,
 * as its own document), or undefined when the root carries none.
 */
export function consolidatedDocuments(root: JsonObject): Map<string, JsonObject> | undefined {
  const member = root.get('consolidated_metadata');
  if (member === undefined || member === null) return undefined;
  const out = new Map<string, JsonObject>([['/', root]]);
  collect(member, '', out);
  return out;
}

function collect(member: unknown, prefix: string, out: Map<string, JsonObject>): void {
  if (!(member instanceof Map))
    throw new InvalidFileError('consolidated_metadata is not an object', { path: prefix || '/' });
  const kind = member.get('kind') ?? 'inline';
  if (kind !== 'inline')
    throw new InvalidFileError(`consolidated_metadata kind ${JSON.stringify(kind)} is unknown`, {
      path: prefix || '/',
    });
  const metadata = member.get('metadata');
  if (metadata === undefined || metadata === null) return;
  if (!(metadata instanceof Map))
    throw new InvalidFileError('consolidated_metadata.metadata is not an object', { path: prefix || '/' });
  for (const [key, doc] of metadata as JsonObject) {
    const names = key.split('/');
    names.forEach((name) => checkName(name, `${prefix}/${key}`));
    const path = `${prefix}/${key}`;
    if (!(doc instanceof Map)) throw new InvalidFileError('a consolidated entry is not an object', { path });
    out.set(path, doc);
    const nested = doc.get('consolidated_metadata');
    if (nested !== undefined && nested !== null) collect(nested, path, out);
  }
}
