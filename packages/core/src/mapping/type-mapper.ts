/**
 * What a mapper of one NWB type is, and what the file reader and writer lend it: the mapper knows
 * its type's fields, they know the file (paths of linked objects, objects built once, warnings).
 */
import type { NdArray } from '../storage/values.js';
import type { DatasetNode, GroupNode, TreeNode } from '../tree/nodes.js';
import type { NWBDateTime } from '../model/datetime.js';
import type { NamedObject, NWBObject, NWBObjectClass } from '../model/nwb-object.js';
import type { ModelContext } from '../model/validation.js';
import type { Picker } from './picker.js';

/**
 * The mapping of one NWB type between its model class and its stored layout, as HDMF's
 * ObjectMapper. Registered in a {@link TypeRegistry}; a class extending a mapped class without a
 * mapper of its own is written by its parent's mapper.
 */
export interface TypeMapper<T extends NWBObject = NWBObject> {
  /** The neurodata_type it maps, e.g. `TimeSeries`. */
  readonly neurodataType: string;
  /** The model class objects of the type are made of. */
  readonly modelClass: NWBObjectClass<T>;
  /** Whether the type is stored as a group or as a dataset. */
  readonly kind: 'group' | 'dataset';
  /** The stored node of `object` (typed attributes, fields, links); extras are put back by the caller. */
  toTree(object: T, to: ToTreeContext): GroupNode | DatasetNode;
  /** The object stored at `from.path`; fields it does not read are kept by the caller. */
  fromTree(from: FromTreeContext): Promise<T>;
  /** Typed objects inside `object` that links elsewhere in the file may point at. */
  members?(object: T): Iterable<NamedObject>;
}

/** What the writer lends a mapper writing the object at {@link ToTreeContext.path}. */
export interface ToTreeContext {
  /** Where the object is written. */
  readonly path: string;
  /**
   * The path of `object` in the file, for a link or reference to it; throws a MappingError naming
   * `what` when it is not in the file.
   */
  pathOf(object: NWBObject, what: string): string;
  /** A group holding `objects` (each mapped) as written at `path`. */
  collection(path: string, objects: Iterable<NamedObject>): GroupNode;
  /** `object` mapped, with what it kept of a file put back, as written at `path`. */
  node(path: string, object: NamedObject): TreeNode;
}

/** What the reader lends a mapper reading the object at {@link FromTreeContext.path}. */
export interface FromTreeContext {
  /** Where the object is stored. */
  readonly path: string;
  /** Its stored neurodata_type. */
  readonly neurodataType: string;
  /** The node, noting what the mapper uses. */
  readonly picker: Picker;
  /** The options every model object takes: the name and the stored object_id. */
  readonly base: { name: string; objectId?: string };
  /** The model context for the object at `path` (default: this one): rules it breaks become read warnings. */
  model(path?: string): ModelContext;
  /** Notes a rule the file breaks (a read warning). */
  warn(path: string, rule: string, message: string): void;
  /** A scalar text child, read now (a warning and undefined if it is not one text). */
  text(name: string): Promise<string | undefined>;
  /** A text child as a list, read now. */
  texts(name: string): Promise<string[] | undefined>;
  /** The value of a small dataset, read now. */
  value(path: string, node: DatasetNode): Promise<NdArray>;
  /** A datetime, or a warning and undefined when `text` is not one. */
  dateTime(path: string, text: string): NWBDateTime | undefined;
  /** The model object at `path`, built once. */
  object(path: string): Promise<NamedObject>;
  /**
   * The object the link child `name` points at when it is a `cls` (targets mapped by `targetOf`,
   * e.g. from `/series/data` to `/series`); otherwise a warning, the link kept and undefined.
   */
  linked<T extends NWBObject>(
    name: string,
    cls: NWBObjectClass<T>,
    targetOf?: (target: string) => string,
  ): Promise<T | undefined>;
}
