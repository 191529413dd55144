/** The format's name, as the reader reports it and errors name it. */
export const FORMAT = 'lindi';

/** Attribute keys LINDI reserves: never shown as attributes. */
export const SPECIAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  '_SCALAR',
  '_SOFT_LINK',
  '_COMPOUND_DTYPE',
  '_REFERENCE',
  '_EXTERNAL_ARRAY_LINK',
]);

/**
 * The member this library adds to a `.zarray` for what LINDI's layout cannot say: `{"dtype":
 * "ascii"}` on variable-length ASCII text, which LINDI stores like UTF-8 text (zarr-python,
 * fsspec and LINDI ignore unknown `.zarray` members).
 */
export const EXTENSION_KEY = 'nwbjs';
