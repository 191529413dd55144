/**
 * A collection of named children (acquisition, a processing module, an Images) that refuses a
 * second child of the same name, as a group cannot hold two.
 */
import { NotFoundError, ValidationError } from '../errors.js';
import type { NamedObject, NWBObject, NWBObjectClass } from './nwb-object.js';
import { isNWBType, neurodataTypeOf } from './nwb-object.js';

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
  get(name: string): T | undefined;
  /**
   * The child named `name` if it is a `type` (or extends it), typed so: `acquisition.get('movie',
   * ImageSeries)` needs no cast. Undefined when absent; a ValidationError (rule `type`) naming the
   * child when it is of another type.
   */
  get<C extends NWBObject>(name: string, type: NWBObjectClass<C>): C | undefined;
  get(name: string, type?: NWBObjectClass): NamedObject | undefined {
    const item = this.#items.get(name);
    if (item === undefined || type === undefined || isNWBType(item, type)) return item;
    const found = item.neurodataType ?? 'untyped object';
    throw new ValidationError(`${name} is a ${found}, not a ${neurodataTypeOf(type)}`, {
      path: `${this.#owner}/${name}`,
      rule: 'type',
    });
  }

  /** Like {@link get}, but a missing child is a NotFoundError naming it. */
  require<C extends NWBObject>(name: string, type: NWBObjectClass<C>): C {
    const item = this.get(name, type);
    if (item === undefined)
      throw new NotFoundError(`no object named ${JSON.stringify(name)}`, { path: this.#owner });
    return item;
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
