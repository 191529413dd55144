/**
 * Reading a store into the neutral tree: structure and attributes only. Datasets become lazy
 * {@link StoredDataset} handles and links stay links, so reading a tree costs a few metadata calls
 * per object and never touches dataset contents.
 */
import type { Attributes, StorageReader } from '../storage/backend.js';
import { BackendError, InvalidFileError, isNWBError } from '../errors.js';
import type { GroupNode, TreeNode } from './nodes.js';
import { groupNode, linkNode } from './nodes.js';
import { isValidChildName, joinPath } from './paths.js';
import { StoredDataset } from './stored-dataset.js';

/** Options of {@link readTree}. */
export interface ReadTreeOptions {
  /** The group to read from (default `/`); the result is that group as a tree's root. */
  path?: string;
  /** How many metadata calls may be in flight at once (default 16). */
  concurrency?: number;
}

/**
 * Reads the structure of a store: every group with its attributes, every dataset as a lazy handle
 * with its attributes, every link as a {@link LinkNode} (not followed). Calls only `stat`, `list`
 * and `readAttributes`, never `readData`.
 */
export async function readTree(reader: StorageReader, options: ReadTreeOptions = {}): Promise<GroupNode> {
  const rootPath = options.path ?? '/';
  const limit = limiter(Math.max(1, options.concurrency ?? 16));
  const call = <T>(path: string, what: string, fn: () => Promise<T>): Promise<T> =>
    limit(fn).catch((error: unknown) => {
      if (isNWBError(error)) throw error;
      throw new BackendError(`${what} failed`, { path, cause: error, backend: reader.format });
    });

  const info = await call(rootPath, 'stat', () => reader.stat(rootPath));
  if (info === undefined) throw new InvalidFileError('no group here', { path: rootPath });
  if (info.kind !== 'group')
    throw new InvalidFileError(`expected a group, found a ${info.kind}`, { path: rootPath });

  const readGroup = async (path: string, attrs: Attributes): Promise<GroupNode> => {
    const names = await call(path, 'list', () => reader.list(path));
    const children = await Promise.all(
      names.map(async (name): Promise<[string, TreeNode]> => {
        const childPath = joinPath(path, name);
        if (!isValidChildName(name))
          throw new InvalidFileError(`invalid child name ${JSON.stringify(name)}`, { path });
        const child = await call(childPath, 'stat', () => reader.stat(childPath));
        if (child === undefined) throw new InvalidFileError('listed but missing', { path: childPath });
        switch (child.kind) {
          case 'link':
            return [name, linkNode(child.target, child.file)];
          case 'dataset': {
            const childAttrs = await call(childPath, 'readAttributes', () =>
              reader.readAttributes(childPath),
            );
            return [name, { kind: 'dataset', attrs: childAttrs, value: new StoredDataset(reader, child) }];
          }
          case 'group': {
            const childAttrs = await call(childPath, 'readAttributes', () =>
              reader.readAttributes(childPath),
            );
            return [name, await readGroup(childPath, childAttrs)];
          }
          default:
            throw new InvalidFileError(
              `unknown node kind ${JSON.stringify((child as { kind: unknown }).kind)}`,
              {
                path: childPath,
              },
            );
        }
      }),
    );
    return groupNode(attrs, children);
  };

  const rootAttrs = await call(rootPath, 'readAttributes', () => reader.readAttributes(rootPath));
  return readGroup(rootPath, rootAttrs);
}

/**
 * A concurrency limit: runs at most `max` of the given functions at once. Only leaf calls go
 * through it (never a call that waits on others), so recursion cannot deadlock.
 */
function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    // A finishing call hands its slot straight to the next waiter, so the count never overshoots.
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next !== undefined) next();
      else active--;
    }
  };
}
