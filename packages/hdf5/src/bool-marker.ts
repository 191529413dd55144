/**
 * Booleans. h5py stores bool as an HDF5 enum {FALSE = 0, TRUE = 1}, which this package reads; but
 * h5wasm cannot create enum types, so bools are written as uint8 and marked with a reserved
 * attribute, which the reader hides and uses to give the dtype back. Other HDF5 readers see uint8.
 */

/** On a dataset holding bools as uint8: the scalar text "bool". */
export const DTYPE_MARKER = '_nwbjs_dtype';

/** On a group or dataset: the names of its attributes that hold bools as uint8. */
export const BOOL_ATTRS_MARKER = '_nwbjs_bool_attrs';

/** True for the attributes this package reserves, which readers never report. */
export function isReservedAttribute(name: string): boolean {
  return name === DTYPE_MARKER || name === BOOL_ATTRS_MARKER;
}
