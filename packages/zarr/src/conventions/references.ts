/**
 * hdmf-zarr object references: `{source, path, object_id, source_object_id}` dicts, in datasets
 * (one per element) and in attributes (`{"zarr_dtype": "object", "value": {...}}`).
 */
import type { ObjectRef } from '@nwbjs/core';
import { InvalidFileError, UnsupportedError, objectRef } from '@nwbjs/core';
import { checkStorePath } from '../stores/keys.js';

/** A reference dict as stored (values as hdmf-zarr writes them). */
export interface StoredReference {
  source: string;
  path: string;
  object_id: string | null;
  source_object_id: string | null;
}

/** The neutral reference a stored dict stands for; refuses other stores and unsafe paths. */
export function referenceFromStored(value: unknown, where: string): ObjectRef {
  if (typeof value !== 'object' || value === null)
    throw new InvalidFileError('a reference is not an object', { path: where });
  const r = value as Record<string, unknown>;
  const path = r['path'];
  const source = r['source'] ?? '.';
  if (typeof path !== 'string') throw new InvalidFileError('a reference has no path', { path: where });
  if (source !== '.') {
    throw new UnsupportedError(
      `references into another store (${JSON.stringify(source)}) are not supported`,
      {
        path: where,
        feature: 'external-reference',
        backend: 'zarr',
      },
    );
  }
  const target = checkStorePath(path.startsWith('/') ? path : `/${path}`, where);
  const objectId = r['object_id'];
  return objectRef(target, typeof objectId === 'string' ? objectId : undefined);
}

/** The dict hdmf-zarr stores for a reference. */
export function storedReference(ref: ObjectRef, rootObjectId: string | undefined): StoredReference {
  return {
    source: '.',
    path: ref.path,
    object_id: ref.objectId ?? null,
    source_object_id: rootObjectId ?? null,
  };
}
