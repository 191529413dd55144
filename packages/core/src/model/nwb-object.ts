/**
 * What every typed NWB object has (name, object id, type and namespace), what it keeps of a file
 * beyond its fields, and {@link UnmappedObject}, which keeps objects of types the model lacks.
 */
import { emptyAttributes, type Attributes } from '../storage/backend.js';
import type { NumericDType } from '../storage/dtype.js';
import type { TreeNode } from '../tree/nodes.js';
import type { ValidationError } from '../errors.js';
import { isValidChildName } from '../tree/paths.js';
import type { ModelContext } from './validation.js';
import { RuleChecker } from './validation.js';

/**
 * Parts of an object's storage the model does not map, kept from a file so writing it back loses
 * nothing: extra attributes of the object, extra children, and extra attributes of mapped
 * child datasets (by child name).
 */
export interface Unmapped {
  /** Attributes of the object the model does not map. */
  attrs: Attributes;
  /** Children of the object the model does not map, by name. */
  children: Map<string, TreeNode>;
  /** Unmapped attributes of mapped child datasets, by child name. */
  childAttrs: Map<string, Attributes>;
}

/** An empty {@link Unmapped}. */
export function emptyUnmapped(): Unmapped {
  return { attrs: emptyAttributes(), children: new Map(), childAttrs: new Map() };
}

/** Options every typed object takes. */
export interface NWBObjectOptions {
  /** The object's name in its parent group. */
  name: string;
  /** The `object_id` (a UUID); a new one is made unless given (e.g. when read from a file). */
  objectId?: string;
}

/** Anything that can sit in a collection of the file: a typed model object or an unmapped one. */
export interface NamedObject {
  /** The name in its parent group. */
  readonly name: string;
  /** The NWB type, when the object is typed. */
  readonly neurodataType: string | undefined;
}

/**
 * The brands that tell model objects apart by what they are, not by which copy of this package
 * made them: an application can load two copies (two bundles, or a dependency's own), and
 * `instanceof` fails across them. `Symbol.for` gives every copy the same symbols.
 */
const NEURODATA_TYPES = Symbol.for('@nwbjs/core/neurodata-types');
const UNMAPPED_OBJECT = Symbol.for('@nwbjs/core/unmapped-object');

/** A model class, e.g. `TimeSeries`: its prototype declares the NWB type it writes. */
export type NWBObjectClass<T extends NWBObject = NWBObject> = abstract new (...args: never[]) => T;

/** Whether `value` is a typed model object (an {@link NWBObject}) of any copy of this package. */
export function isNWBObject(value: unknown): value is NWBObject {
  return typeof value === 'object' && value !== null && Array.isArray(Reflect.get(value, NEURODATA_TYPES));
}

/**
 * Whether `value` is an object of `cls` or of a class extending it, from any copy of this package
 * (e.g. `isNWBType(x, TimeSeries)` holds for an ImageSeries). Compares NWB type names.
 */
export function isNWBType<T extends NWBObject>(value: unknown, cls: NWBObjectClass<T>): value is T {
  return isNWBObject(value) && nwbTypesOf(value).includes(neurodataTypeOf(cls));
}

/** The NWB type a model class writes (`TimeSeries` for TimeSeries). */
export function neurodataTypeOf(cls: NWBObjectClass): string {
  return Reflect.get(cls.prototype as object, 'neurodataType') as string;
}

/** The NWB types `object` is: its own first, then those of the classes it extends. */
export function nwbTypesOf(object: NWBObject): readonly string[] {
  return Reflect.get(object, NEURODATA_TYPES) as string[];
}

/** Whether `value` is an {@link UnmappedObject} of any copy of this package. */
export function isUnmappedObject(value: unknown): value is UnmappedObject {
  return typeof value === 'object' && value !== null && Reflect.get(value, UNMAPPED_OBJECT) === true;
}

/** Base class of the typed NWB objects. */
export abstract class NWBObject implements NamedObject {
  /** The name in its parent group. */
  readonly name: string;
  /** The `object_id`, a UUID unique in the file. */
  readonly objectId: string;
  /** What the file held beyond the mapped fields (empty for new objects). */
  readonly unmapped: Unmapped = emptyUnmapped();
  /**
   * Numeric dtypes of fields as read from a file, by field (e.g. `starting_frame`,
   * `data@conversion`), so writing back keeps them; new objects use PyNWB's dtypes.
   */
  readonly storedDtypes = new Map<string, NumericDType>();
  readonly #context: ModelContext;

  /** Throws a ValidationError (rule `name`) for an empty name or one holding "/". */
  constructor(options: NWBObjectOptions, context: ModelContext = {}) {
    this.name = options.name;
    this.objectId = options.objectId ?? crypto.randomUUID();
    this.#context = context;
    const check = this.checker();
    check.check(
      typeof options.name === 'string' && isValidChildName(options.name),
      'name',
      `invalid name ${JSON.stringify(options.name)} (names are non-empty and hold no "/")`,
    );
  }

  /** The neurodata_type, e.g. `ImageSeries`. */
  abstract get neurodataType(): string;

  /** The brand {@link isNWBType} reads: the types each class of the prototype chain declares. */
  get [NEURODATA_TYPES](): string[] {
    const types: string[] = [];
    for (let proto: object | null = Object.getPrototypeOf(this); proto !== null;) {
      const getter = Object.getOwnPropertyDescriptor(proto, 'neurodataType')?.get;
      const type: unknown = getter?.call(this);
      if (typeof type === 'string' && !types.includes(type)) types.push(type);
      proto = Object.getPrototypeOf(proto);
    }
    return types;
  }

  /** The namespace the type belongs to. */
  get namespace(): string {
    return 'core';
  }

  /** Every rule the object breaks now (empty when valid). */
  validate(): ValidationError[] {
    const found: ValidationError[] = [];
    this.checkRules(new RuleChecker(this.#context.path ?? this.name, (e) => found.push(e)));
    return found;
  }

  /** Checks the type's rules; subclasses extend it (calling super). */
  protected checkRules(_check: RuleChecker): void {}

  /** Runs the rules as the context asks (throwing for new objects); each concrete class calls it last. */
  protected runChecks(): void {
    this.checkRules(this.checker());
  }

  /** A checker naming this object, throwing or reporting as the context asks. */
  protected checker(): RuleChecker {
    return new RuleChecker(this.#context.path ?? this.name, this.#context.onViolation);
  }
}

/** Options of {@link UnmappedObject}. */
export interface UnmappedObjectOptions {
  /** The name in its parent group. */
  name: string;
  /** The object as stored: a group, a dataset or a link. */
  node: TreeNode;
}

/**
 * An object the model does not know (ecephys, tables, extensions, untyped groups), kept as its
 * tree so it is written back unchanged. Lives in the same collections as the modelled types.
 */
export class UnmappedObject implements NamedObject {
  /** The name in its parent group. */
  readonly name: string;
  /** The object as stored, written back unchanged. */
  readonly node: TreeNode;
  /** The brand {@link isUnmappedObject} reads. */
  readonly [UNMAPPED_OBJECT] = true;

  /** Wraps a stored node; nothing is checked or read. */
  constructor(options: UnmappedObjectOptions) {
    this.name = options.name;
    this.node = options.node;
  }

  /** The `neurodata_type` attribute, when the object is typed. */
  get neurodataType(): string | undefined {
    return this.#textAttr('neurodata_type');
  }

  /** The `namespace` attribute, when the object is typed. */
  get namespace(): string | undefined {
    return this.#textAttr('namespace');
  }

  /** The `object_id` attribute, when present. */
  get objectId(): string | undefined {
    return this.#textAttr('object_id');
  }

  #textAttr(name: string): string | undefined {
    if (this.node.kind === 'link') return undefined;
    const value = this.node.attrs[name]?.data[0];
    return typeof value === 'string' ? value : undefined;
  }
}
