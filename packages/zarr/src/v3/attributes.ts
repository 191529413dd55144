/**
 * Attributes of hdmf-zarr's v3 layout, read from a node's `zarr.json`: references are
 * `{"_REFERENCE": {"source": ".", "path": "/target"}}` (a list of them for a reference array), and
 * the attributes the layout uses for itself are hidden as hdmf-zarr hides them. Everything else is
 * spelled as in the v2 layout (`conventions/attributes.ts`), which also reads what hdmf-zarr's
 * `convert_to_v3` copies verbatim from v2 stores (`{"zarr_dtype": "object", "value": ...}`).
 */
import type { Attributes, NdArray, ObjectRef } from '@nwbjs/core';
import { emptyAttributes } from '@nwbjs/core/backend';
import { attributeFromJson, attributeToJson } from '../conventions/attributes.js';
import type { JsonObject, JsonOut, JsonValue } from '../conventions/json.js';
import { toPlain } from '../conventions/json.js';
import { referenceFromStored } from '../conventions/references.js';

/**
 * Attribute names the layout owns: hdmf-zarr's reserved names (`_DTYPE`, `_LINKS`,
 * `_REFERENCE_FIELDS`, legacy `zarr_dtype`, `zarr_link`), the xarray dimension names it writes
 * (`_ARRAY_DIMENSIONS`, a spec detail, not an NWB attribute) and the `_SCALAR` marker of pre-0.14
 * builds.
 */
export const V3_RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([
  '_DTYPE',
  '_LINKS',
  '_REFERENCE_FIELDS',
  '_ARRAY_DIMENSIONS',
  '_SCALAR',
  'zarr_dtype',
  'zarr_link',
]);

function isReferenceJson(value: JsonValue): value is JsonObject {
  return value instanceof Map && value.size === 1 && value.get('_REFERENCE') instanceof Map;
}

/** One attribute's neutral value; `dtypeNote` is the dtype this library recorded, if any. */
export function v3AttributeFromJson(
  value: JsonValue,
  name: string,
  where: string,
  isRoot: boolean,
  dtypeNote?: string,
): NdArray {
  if (isReferenceJson(value)) {
    const ref = referenceFromStored(toPlain(value.get('_REFERENCE')!), where);
    return { dtype: 'ref', shape: [], data: [ref] };
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isReferenceJson)) {
    const refs = value.map((v) => referenceFromStored(toPlain((v as JsonObject).get('_REFERENCE')!), where));
    return { dtype: 'ref', shape: [refs.length], data: refs };
  }
  return attributeFromJson(value, name, where, isRoot, dtypeNote);
}

/**
 * What to store for an attribute: references as `{"_REFERENCE": {"source": ".", "path"}}` (a list
 * of them for a reference array), the root's `.specloc` as a plain path; the rest as in v2, with
 * the dtype JSON cannot carry to record in the `nwbjs` member.
 */
export function v3AttributeToJson(
  value: NdArray,
  name: string,
  where: string,
  isRoot: boolean,
): { json: JsonOut; dtypeNote?: string } {
  if (value.dtype === 'ref' && !(isRoot && name === '.specloc')) {
    const refs = (value.data as ObjectRef[]).map((r) => ({ _REFERENCE: { source: '.', path: r.path } }));
    return { json: value.shape.length === 0 ? refs[0]! : refs };
  }
  return attributeToJson(value, name, where, isRoot, undefined);
}

/** The attributes of the node at `path`, reserved names left out; `dtypeNotes` from the `nwbjs` member. */
export function v3Attributes(
  attrs: JsonObject,
  path: string,
  dtypeNotes: ReadonlyMap<string, string> = new Map(),
): Attributes {
  const out = emptyAttributes();
  for (const [name, value] of attrs) {
    if (V3_RESERVED_ATTRIBUTES.has(name)) continue;
    out[name] = v3AttributeFromJson(value, name, path, path === '/', dtypeNotes.get(name));
  }
  return out;
}
