/**
 * The bool markers of files written before bools became h5py's enum (see `bool-enum.ts`): a uint8
 * dataset or attribute marked with a reserved attribute, which the reader hides and uses to give the
 * dtype back. Still written for the one case the enum rewrite cannot find: an empty bool attribute.
 */

/** On a dataset holding bools as uint8: the scalar text "bool". */
export const DTYPE_MARKER = '_nwbjs_dtype';

/** On a group or dataset: the names of its attributes that hold bools as uint8. */
export const BOOL_ATTRS_MARKER = '_nwbjs_bool_attrs';

/** True for the attributes this package reserves, which readers never report. */
export function isReservedAttribute(name: string): boolean {
  return name === DTYPE_MARKER || name === BOOL_ATTRS_MARKER;
}
