/**
 * Absolute object paths as the tree and the storage interface spell them: `/` is the root, children
 * are joined with `/`, and names never contain `/`.
 */

/**
 * The canonical form of an absolute path (no trailing or doubled slashes), or undefined for a path
 * that cannot name anything: relative, not a string, or with a `.` or `..` component.
 */
export function normalizePath(path: string): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  const names = path.split('/').filter((name) => name !== '');
  if (names.some((name) => name === '.' || name === '..')) return undefined;
  return `/${names.join('/')}`;
}

/** The names along an absolute path (none for the root). */
export function pathNames(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** The path of child `name` of the group at `parent`. */
export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The path of the group holding `path` (the root is its own parent). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last component of a path (`''` for the root). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Whether `name` can name a child: not empty, no `/`, and not `.` or `..` (which both formats would
 * read as something else).
 */
export function isValidChildName(name: string): boolean {
  return name.length > 0 && !name.includes('/') && name !== '.' && name !== '..';
}
