/**
 * The NWB specification language as the cached specifications spell it in JSON: namespaces that
 * list schema sources, and sources that define groups and datasets with their attributes, children,
 * links, dtypes, shapes and quantities. Only what validation reads is typed here.
 */

/** A reference dtype: an object (or region) reference to a given type. */
export interface RefDTypeSpec {
  /** The type the reference must point at. */
  readonly target_type: string;
  /** `object` or `region`. */
  readonly reftype: 'object' | 'region';
}

/** One field of a compound dtype. */
export interface CompoundFieldSpec {
  /** The field name. */
  readonly name: string;
  /** The field's dtype. */
  readonly dtype: string | RefDTypeSpec;
}

/** A dtype: a name (`float32`, `text`, `numeric`, `isodatetime`...), a reference, or a compound. */
export type DTypeSpec = string | RefDTypeSpec | readonly CompoundFieldSpec[];

/** One allowed shape: per axis a fixed length or `null` for any. */
export type ShapeOption = readonly (number | null)[];

/** A shape: one allowed shape, or a list of alternatives. */
export type ShapeSpec = ShapeOption | readonly ShapeOption[];

/** How many of a child there may be: `?`, `*`, `+`, or an exact count (default 1). */
export type QuantitySpec = '?' | '*' | '+' | 'zero_or_one' | 'zero_or_many' | 'one_or_many' | number;

/** An attribute. */
export interface AttributeSpec {
  /** Its name. */
  readonly name: string;
  /** Its dtype. */
  readonly dtype?: DTypeSpec;
  /** Its shape; absent for a scalar. */
  readonly shape?: ShapeSpec;
  /** False when it may be left out (default true). */
  readonly required?: boolean;
}

/** What groups, datasets and links share. */
interface ChildSpecBase {
  /** A fixed name; absent for children matched by type. */
  readonly name?: string;
  /** How many may be present. */
  readonly quantity?: QuantitySpec;
}

/** What groups and datasets share. */
interface StorageSpecBase extends ChildSpecBase {
  /** The type this spec defines. */
  readonly neurodata_type_def?: string;
  /** The type this spec extends or includes. */
  readonly neurodata_type_inc?: string;
  /** Its attributes. */
  readonly attributes?: readonly AttributeSpec[];
  /** False when a link may not stand in for it (default true). */
  readonly linkable?: boolean;
}

/** A dataset. */
export interface DatasetSpec extends StorageSpecBase {
  /** Its dtype. */
  readonly dtype?: DTypeSpec;
  /** Its shape; absent for any. */
  readonly shape?: ShapeSpec;
}

/** A group. */
export interface GroupSpec extends StorageSpecBase {
  /** Its child groups. */
  readonly groups?: readonly GroupSpec[];
  /** Its datasets. */
  readonly datasets?: readonly DatasetSpec[];
  /** Its links. */
  readonly links?: readonly LinkSpec[];
}

/** A link to an object of a type. */
export interface LinkSpec extends ChildSpecBase {
  /** The type the link must point at. */
  readonly target_type: string;
}

/** A schema source: the groups and datasets it defines. */
export interface SchemaSource {
  /** Group types. */
  readonly groups?: readonly GroupSpec[];
  /** Dataset types. */
  readonly datasets?: readonly DatasetSpec[];
}

/** An entry of a namespace's `schema` list: a source in it, or types taken from another namespace. */
export interface NamespaceSchemaEntry {
  /** A source of this namespace. */
  readonly source?: string;
  /** Another namespace whose types this one includes. */
  readonly namespace?: string;
}

/** A namespace as its `namespace` document declares it. */
export interface NamespaceSpec {
  /** Its name. */
  readonly name: string;
  /** Its version. */
  readonly version?: string;
  /** Its sources and included namespaces. */
  readonly schema: readonly NamespaceSchemaEntry[];
}

/** The least and most a quantity allows (`Infinity` for no upper bound). */
export function quantityRange(quantity: QuantitySpec | undefined): [min: number, max: number] {
  switch (quantity) {
    case undefined:
      return [1, 1];
    case '?':
    case 'zero_or_one':
      return [0, 1];
    case '*':
    case 'zero_or_many':
      return [0, Infinity];
    case '+':
    case 'one_or_many':
      return [1, Infinity];
    default:
      return [quantity, quantity];
  }
}

/** True for a compound dtype spec. */
export function isCompoundSpec(dtype: DTypeSpec): dtype is readonly CompoundFieldSpec[] {
  return Array.isArray(dtype);
}

/** True for a reference dtype spec. */
export function isRefSpec(dtype: DTypeSpec): dtype is RefDTypeSpec {
  return typeof dtype === 'object' && !Array.isArray(dtype);
}
