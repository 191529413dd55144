/**
 * The nodes of a store being written, kept in memory until close stores their metadata: every
 * record by path, each group's children in creation order, and the checks a new node must pass.
 */
import { NotFoundError, ValidationError } from '@nwbjs/core';
import { baseName, parentPath } from '@nwbjs/core/backend';
import type { GroupRecord, NodeRecord } from './metadata.js';
import { checkName, checkStorePath } from './stores/keys.js';

/** A group record with no attributes, links or children yet. */
export function emptyGroupRecord(path: string): GroupRecord {
  return { kind: 'group', path, attrs: new Map(), links: new Map(), attributeDTypes: new Map() };
}

/** The writer's tree: starts with the root group. */
export class WrittenNodes {
  readonly #nodes = new Map<string, NodeRecord>();
  readonly #children = new Map<string, Set<string>>();

  constructor() {
    this.#nodes.set('/', emptyGroupRecord('/'));
    this.#children.set('/', new Set());
  }

  /** The record at `path`, or undefined. */
  get(path: string): NodeRecord | undefined {
    return this.#nodes.get(path);
  }

  /** Every record, in creation order. */
  records(): IterableIterator<NodeRecord> {
    return this.#nodes.values();
  }

  /** The names of the nodes created in the group at `path` (links not included). */
  children(path: string): Iterable<string> {
    return this.#children.get(path) ?? [];
  }

  /** Checks that `path` can be created: a safe new name in an existing group. */
  claim(path: string): void {
    if (path === '/') throw new ValidationError('the root exists', { path, rule: 'exists' });
    checkStorePath(path, path);
    checkName(baseName(path), path);
    const parent = this.#nodes.get(parentPath(path));
    if (parent?.kind !== 'group') throw new NotFoundError('parent group does not exist', { path });
    if (this.#nodes.has(path) || parent.links.has(baseName(path)))
      throw new ValidationError('an object exists at this path', { path, rule: 'exists' });
  }

  /** Adds a record (at a path `claim` accepted). */
  add(record: NodeRecord): void {
    this.#nodes.set(record.path, record);
    this.#children.get(parentPath(record.path))!.add(baseName(record.path));
    if (record.kind === 'group') this.#children.set(record.path, new Set());
  }

  /** The root's `object_id`, when set. */
  rootObjectId(): string | undefined {
    const id = this.#nodes.get('/')?.attrs.get('object_id');
    return typeof id === 'string' ? id : undefined;
  }
}
