/**
 * Reading a store into the neutral tree: structure and attributes only. Datasets become lazy
 * {@link StoredDataset} handles and links stay links, so reading a tree costs a few metadata calls
 * per object and never touches dataset contents.
 */
import { emptyAttributes, type StorageReader } from '../storage/backend.js';
import { Limiter } from '../async/limiter.js';
import { BackendError, InvalidFileError, isNWBError } from '../errors.js';
import type { DatasetNode, GroupNode, TreeNode } from './nodes.js';
import { groupNode, linkNode } from './nodes.js';
import { isValidChildName, joinPath } from './paths.js';
import { StoredDataset } from './stored-dataset.js';

/** Options of {@link readTree}. */
export interface ReadTreeOptions {
  /** The group to read from (default `/`); the result is that group as a tree's root. */
  path?: string;
  /** How many metadata calls may be in flight at once (default 16). */
  concurrency?: number;
  /** How deep groups may nest below the root (default {@link MAX_TREE_DEPTH}); deeper is an error. */
  maxDepth?: number;
}

/**
 * How deep groups may nest by default. NWB files nest a few levels; a file nesting thousands is
 * broken or hostile, and everything that walks a tree would pay for it.
 */
export const MAX_TREE_DEPTH = 1000;

/**
 * Reads the structure of a store: every group with its attributes, every dataset as a lazy handle
 * with its attributes, every link as a {@link LinkNode} (not followed). Calls only `stat`, `list`
 * and `readAttributes`, never `readData`.
 *
 * The tree is read level by level (no recursion), each level's calls concurrently. A group seen
 * again at another path (an HDF5 hard link, told by `StorageReader.groupIdentity`) becomes a link to where
 * it was first seen, nearest the root first, as HDF5's own tools show it: so a hard link that makes
 * a cycle reads as a link, not forever. Groups nesting deeper than `maxDepth` are an
 * InvalidFileError naming the group.
 */
export async function readTree(reader: StorageReader, options: ReadTreeOptions = {}): Promise<GroupNode> {
  const rootPath = options.path ?? '/';
  const maxDepth = options.maxDepth ?? MAX_TREE_DEPTH;
  // Only leaf calls go through the limit (never a call that waits on others), so it cannot deadlock.
  const limit = new Limiter(options.concurrency ?? 16);
  const call = <T>(path: string, what: string, fn: () => Promise<T>): Promise<T> =>
    limit.run(fn).catch((error: unknown) => {
      if (isNWBError(error)) throw error;
      throw new BackendError(`${what} failed`, { path, cause: error, backend: reader.format });
    });

  const info = await call(rootPath, 'stat', () => reader.stat(rootPath));
  if (info === undefined) throw new InvalidFileError('no group here', { path: rootPath });
  if (info.kind !== 'group')
    throw new InvalidFileError(`expected a group, found a ${info.kind}`, { path: rootPath });

  const root = groupNode(await call(rootPath, 'readAttributes', () => reader.readAttributes(rootPath)));
  /** Where each group with an identity was first seen. */
  const seen = new Map<string, string>();
  const identityOf = (path: string): Promise<string | undefined> =>
    reader.groupIdentity === undefined
      ? Promise.resolve(undefined)
      : call(path, 'groupIdentity', () => reader.groupIdentity!(path));
  const rootIdentity = await identityOf(rootPath);
  if (rootIdentity !== undefined) seen.set(rootIdentity, rootPath);
  let level: [string, GroupNode][] = [[rootPath, root]];
  for (let depth = 1; level.length > 0; depth++) {
    // Every child of every group of this level: listed and stat'ed concurrently, then placed in
    // order, so which path of a group counts as first does not depend on timing.
    const listed = await Promise.all(
      level.map(async ([path, node]) => {
        const names = await call(path, 'list', () => reader.list(path));
        const infos = await Promise.all(
          names.map(async (name) => {
            if (!isValidChildName(name))
              throw new InvalidFileError(`invalid child name ${JSON.stringify(name)}`, { path });
            const childPath = joinPath(path, name);
            const child = await call(childPath, 'stat', () => reader.stat(childPath));
            if (child === undefined) throw new InvalidFileError('listed but missing', { path: childPath });
            return { child, identity: child.kind === 'group' ? await identityOf(childPath) : undefined };
          }),
        );
        return { path, node, names, infos };
      }),
    );
    const next: [string, GroupNode][] = [];
    const withAttrs: [string, GroupNode | DatasetNode][] = [];
    for (const { path, node, names, infos } of listed) {
      names.forEach((name, i) => {
        const { child, identity } = infos[i]!;
        const childPath = joinPath(path, name);
        let made: TreeNode;
        switch (child.kind) {
          case 'link':
            made = linkNode(child.target, child.file);
            break;
          case 'dataset':
            made = { kind: 'dataset', attrs: emptyAttributes(), value: new StoredDataset(reader, child) };
            withAttrs.push([childPath, made]);
            break;
          case 'group': {
            const first = identity === undefined ? undefined : seen.get(identity);
            if (first !== undefined) {
              made = linkNode(first);
              break;
            }
            if (identity !== undefined) seen.set(identity, childPath);
            if (depth > maxDepth)
              throw new InvalidFileError(
                `groups nest deeper than ${maxDepth} levels, more than nwbjs reads`,
                { path: childPath },
              );
            made = groupNode();
            withAttrs.push([childPath, made]);
            next.push([childPath, made]);
            break;
          }
          default:
            throw new InvalidFileError(
              `unknown node kind ${JSON.stringify((child as { kind: unknown }).kind)}`,
              { path: childPath },
            );
        }
        node.children.set(name, made);
      });
    }
    await Promise.all(
      withAttrs.map(async ([path, node]) => {
        node.attrs = await call(path, 'readAttributes', () => reader.readAttributes(path));
      }),
    );
    level = next;
  }
  return root;
}
