/**
 * What every typed NWB object has (name, object id, type and namespace), what it keeps of a file
 * beyond its fields, and {@link UnmappedObject}, which keeps objects of types the model lacks.
 */
import type { Attributes } from '../storage/backend.js';
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
  return { attrs: {}, children: new Map(), childAttrs: new Map() };
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
