/**
 * Links as hdmf-zarr stores them: the parent group's `zarr_link` attribute, a list of
 * `{"name", "path", "source"}` (`source` "." for this store, else a relative path to another).
 */
import type { LinkTarget } from '@nwbjs/core/backend';
import { InvalidFileError } from '@nwbjs/core';
import { checkName, checkStorePath, isSafeName } from '../stores/keys.js';
import type { JsonOut, JsonValue } from './json.js';

/** One link of a group. */
export interface StoredLink {
  readonly name: string;
  readonly target: LinkTarget;
}

/** Parses a group's `zarr_link` list; refuses names, paths or sources that leave the store. */
export function linksFromJson(value: JsonValue | undefined, where: string): StoredLink[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidFileError('zarr_link is not a list', { path: where });
  return value.map((entry) => {
    if (!(entry instanceof Map))
      throw new InvalidFileError('a zarr_link entry is not an object', { path: where });
    const name = entry.get('name');
    const path = entry.get('path');
    const source = entry.get('source') ?? '.';
    if (typeof name !== 'string' || typeof path !== 'string' || typeof source !== 'string') {
      throw new InvalidFileError('a zarr_link entry lacks name, path or source', { path: where });
    }
    checkName(name, where);
    const target = checkStorePath(path.startsWith('/') ? path : `/${path}`, where);
    if (source === '.' || source === '') return { name, target: { target } };
    checkRelativeFile(source, where);
    return { name, target: { target, file: source } };
  });
}

/** An external link's file: a relative path that may go up (`../other.nwb.zarr`) but is never absolute. */
function checkRelativeFile(file: string, where: string): void {
  const parts = file.split('/');
  const ok =
    !file.startsWith('/') &&
    !/[\\\0]/.test(file) &&
    !/^[a-zA-Z]:/.test(file) &&
    !/^[a-z]+:\/\//i.test(file) &&
    parts.every((p) => p === '..' || p === '.' || isSafeName(p));
  if (!ok)
    throw new InvalidFileError(`zarr_link source ${JSON.stringify(file)} is not a relative path`, {
      path: where,
    });
}

/** The `zarr_link` list for a group's links. */
export function linksToJson(links: Iterable<StoredLink>): JsonOut {
  return [...links].map((l) => ({ name: l.name, path: l.target.target, source: l.target.file ?? '.' }));
}
