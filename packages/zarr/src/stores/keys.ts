/**
 * Store keys, and which object paths a store may hold (paths themselves are core's `paths`). Nothing read from a store (a child name, a `zarr_link` path, a
 * reference, a key of `.zmetadata`) is trusted as a path: each must be a plain relative name with
 * no `..`, `.`, backslash, NUL or absolute form, so no key can address anything outside the store.
 */
import type { AbsolutePath } from '@zarrita/storage';
import { InvalidFileError } from '@nwbjs/core';
import { isValidChildName, joinPath, pathNames } from '@nwbjs/core/backend';

const RESERVED = new Set(['.zarray', '.zgroup', '.zattrs', '.zmetadata']);

/** True for a name that may be one component of a path in the store. */
export function isSafeName(name: string): boolean {
  return (
    isValidChildName(name) &&
    name.length <= 1024 &&
    !RESERVED.has(name) &&
    !/[\\\0]/.test(name) &&
    !/^[a-zA-Z]:/.test(name)
  );
}

/** Checks one name; throws an InvalidFileError naming `where` otherwise. */
export function checkName(name: string, where: string): string {
  if (!isSafeName(name))
    throw new InvalidFileError(`unsafe name ${JSON.stringify(name)} (outside the store or reserved)`, {
      path: where,
    });
  return name;
}

/** Checks an absolute object path (`/` or `/a/b`); returns it. */
export function checkStorePath(path: string, where: string): string {
  if (path === '/') return path;
  if (!path.startsWith('/') || path.endsWith('/'))
    throw new InvalidFileError(`invalid path ${JSON.stringify(path)}`, { path: where });
  for (const name of pathNames(path)) checkName(name, where);
  return path;
}

/** The store key of `file` (`.zattrs`, a chunk key) inside the node at `path`: `/a/b/.zattrs`. */
export function keyOf(path: string, file: string): AbsolutePath {
  return joinPath(path, file) as AbsolutePath;
}
