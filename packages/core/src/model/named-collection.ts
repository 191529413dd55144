/**
 * A collection of named children (acquisition, a processing module, an Images) that refuses a
 * second child of the same name, as a group cannot hold two.
 */
import { ValidationError } from '../errors.js';
import type { NamedObject } from './nwb-object.js';

/** Children by name, in insertion order; adding a taken name throws (rule `unique-name`). */
export class NamedCollection<T extends NamedObject> implements Iterable<T> {
  readonly #items = new Map<string, T>();
  readonly #owner: string;

  /** `owner` names the container in errors (e.g. `acquisition`). */
  constructor(owner: string, items: Iterable<T> = []) {
    this.#owner = owner;
    for (const item of items) this.add(item);
  }

  /** Adds `item`; throws when its name is taken. */
  add(item: T): T {
    if (this.#items.has(item.name)) {
      throw new ValidationError(`already holds an object named ${JSON.stringify(item.name)}`, {
        path: this.#owner,
        rule: 'unique-name',
      });
    }
    this.#items.set(item.name, item);
    return item;
  }

  /** The child named `name`, or undefined. */
  get(name: string): T | undefined {
    return this.#items.get(name);
  }

  /** Whether a child is named `name`. */
  has(name: string): boolean {
    return this.#items.has(name);
  }

  /** Removes the child named `name`; true if there was one. */
  delete(name: string): boolean {
    return this.#items.delete(name);
  }

  /** How many children there are. */
  get size(): number {
    return this.#items.size;
  }

  /** The names, in insertion order. */
  names(): string[] {
    return [...this.#items.keys()];
  }

  /** The children, in insertion order. */
  values(): T[] {
    return [...this.#items.values()];
  }

  /** Iterates the children in insertion order. */
  [Symbol.iterator](): Iterator<T> {
    return this.#items.values();
  }
}
