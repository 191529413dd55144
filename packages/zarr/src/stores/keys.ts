/**
 * Store keys and object paths. Nothing read from a store (a child name, a `zarr_link` path, a
 * reference, a key of `.zmetadata`) is trusted as a path: each must be a plain relative name with
 * no `..`, `.`, backslash, NUL or absolute form, so no key can address anything outside the store.
 */
import type { AbsolutePath } from '@zarrita/storage';
import { InvalidFileError } from '@nwbjs/core';

const RESERVED = new Set(['.zarray', '.zgroup', '.zattrs', '.zmetadata']);

/** True for a name that may be one component of a path in the store. */
export function isSafeName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 1024 &&
    name !== '.' &&
    name !== '..' &&
    !RESERVED.has(name) &&
    !/[/\\\0]/.test(name) &&
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
  for (const name of path.slice(1).split('/')) checkName(name, where);
  return path;
}

/** The names of an absolute path (none for `/`). */
export function pathNames(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** The store key of `file` (`.zattrs`, a chunk key) inside the node at `path`: `/a/b/.zattrs`. */
export function keyOf(path: string, file: string): AbsolutePath {
  return (path === '/' ? `/${file}` : `${path}/${file}`) as AbsolutePath;
}

/** Parent of an absolute path. */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last name of an absolute path. */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a parent path and a child name. */
export function childOf(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
