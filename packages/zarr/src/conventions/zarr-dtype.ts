/**
 * Element types: the `.zarray` `dtype` (`<f8`, `|u1`, `|O`, ...) plus the object codec and
 * hdmf-zarr's `zarr_dtype` attribute, to and from the neutral dtypes of `@nwbjs/core`.
 *
 * hdmf-zarr spells text as `|O` with `vlen-utf8` (`zarr_dtype` "str") and ASCII text as `|O` with
 * `vlen-bytes` ("bytes"); references as `|O` with an object codec (`json2`, formerly `pickle`,
 * `zarr_dtype` "object"); scalars as shape (1,) with `zarr_dtype` "scalar"; numbers by numpy name.
 */
import type { DType, NumericDType } from '@nwbjs/core';
import { UnsupportedError, formatDType, isNumericDType } from '@nwbjs/core';
import { isCompoundDType } from '@nwbjs/core/backend';
import type { StructuredField } from './compound.js';
import {
  compoundFromZarrDType,
  isPacked,
  packedFields,
  structuredDTypeJson,
  zarrDTypeOfCompound,
} from './compound.js';
import type { JsonOut, JsonValue } from './json.js';

/** How the elements of one array are held in its chunks. */
export type ElementCodec =
  | {
      readonly kind: 'numeric';
      readonly dtype: NumericDType | 'bool';
      readonly itemSize: number;
      readonly bigEndian: boolean;
    }
  | { readonly kind: 'object'; readonly codec: 'vlen-utf8' | 'vlen-bytes' | 'json2' | 'pickle' }
  | { readonly kind: 'fixed-text'; readonly encoding: 'S' | 'U'; readonly length: number }
  | { readonly kind: 'structured'; readonly fields: readonly StructuredField[]; readonly itemSize: number };

/** The nwbjs dtype of each numpy type code (kind and byte size, `f8`). */
export const NUMPY_TYPES: Readonly<Record<string, NumericDType | 'bool'>> = {
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f4: 'float32',
  f8: 'float64',
  b1: 'bool',
};

/** The element codec of a `.zarray`: its `dtype` plus, for `|O`, its object filter. */
export function elementCodecOf(dtype: JsonValue, filters: JsonValue, path: string): ElementCodec {
  const unsupported = (what: string) =>
    new UnsupportedError(`${what} is not supported`, {
      path,
      feature: `dtype:${typeof dtype === 'string' ? dtype : 'compound'}`,
      backend: 'zarr',
    });
  if (Array.isArray(dtype)) return structuredCodecOf(dtype, path);
  if (typeof dtype !== 'string') throw unsupported(`dtype ${JSON.stringify(dtype)}`);
  const m = /^([<>|=])([a-zA-Z])(\d*)$/.exec(dtype);
  if (m === null) throw unsupported(`dtype ${JSON.stringify(dtype)}`);
  const [, order, kind, sizeText] = m as unknown as [string, string, string, string];
  if (kind === 'O') {
    const list = Array.isArray(filters) ? filters : [];
    const ids = list.map((f) => (f instanceof Map ? f.get('id') : undefined));
    const codec = ids.find(
      (id) => id === 'vlen-utf8' || id === 'vlen-bytes' || id === 'json2' || id === 'pickle',
    );
    if (codec === undefined || ids.length !== 1)
      throw unsupported(`an object array with filters ${JSON.stringify(ids)}`);
    return { kind: 'object', codec: codec as 'vlen-utf8' | 'vlen-bytes' | 'json2' | 'pickle' };
  }
  if (kind === 'S' || kind === 'U') {
    const length = Number(sizeText);
    if (!Number.isSafeInteger(length) || length < 1 || length > 1 << 20) throw unsupported(`dtype ${dtype}`);
    return { kind: 'fixed-text', encoding: kind, length };
  }
  const numeric = NUMPY_TYPES[`${kind}${sizeText}`];
  if (numeric === undefined) throw unsupported(`dtype ${dtype}`);
  return { kind: 'numeric', dtype: numeric, itemSize: Number(sizeText), bigEndian: order === '>' };
}

/** Packed records: `[["x", "<f8"], ["y", "<f8"], ...]`, numeric and bool fields only. */
function structuredCodecOf(dtype: JsonValue[], path: string): ElementCodec {
  let offset = 0;
  const fields = dtype.map((entry): StructuredField => {
    const name = Array.isArray(entry) ? entry[0] : undefined;
    const spelled = Array.isArray(entry) && entry.length === 2 ? entry[1] : undefined;
    const m = typeof spelled === 'string' ? /^([<>|=])([biuf])(\d+)$/.exec(spelled) : null;
    const numeric = m === null ? undefined : NUMPY_TYPES[`${m[2]}${m[3]}`];
    if (typeof name !== 'string' || m === null || numeric === undefined) {
      throw new UnsupportedError(`structured dtype field ${JSON.stringify(entry)} is not supported`, {
        path,
        feature: 'dtype:structured',
        backend: 'zarr',
      });
    }
    const itemSize = Number(m[3]);
    const field: StructuredField = { name, dtype: numeric, offset, itemSize, bigEndian: m[1] === '>' };
    offset += itemSize;
    return field;
  });
  return { kind: 'structured', fields, itemSize: offset };
}

/** The neutral dtype of an array, from its element codec and `zarr_dtype`. */
export function neutralDType(codec: ElementCodec, zarrDType: JsonValue, path = '/'): DType {
  switch (codec.kind) {
    case 'numeric':
      return codec.dtype;
    case 'structured':
      return { compound: codec.fields.map((f) => ({ name: f.name, dtype: f.dtype })) };
    case 'fixed-text':
      return codec.encoding === 'S' ? 'ascii' : 'utf8';
    case 'object':
      if (codec.codec === 'vlen-utf8') return 'utf8';
      if (codec.codec === 'vlen-bytes') return 'ascii';
      {
        const compound = compoundFromZarrDType(zarrDType, path);
        if (compound !== undefined) return compound;
      }
      // json2 / pickle: references unless hdmf-zarr said this holds text (cached specs).
      return zarrDType === 'region'
        ? 'region'
        : zarrDType === 'object'
          ? 'ref'
          : zarrDType === 'bytes'
            ? 'ascii'
            : zarrDType === 'scalar' || zarrDType === 'str'
              ? 'utf8'
              : 'ref';
  }
}

const LE: Record<NumericDType | 'bool', string> = {
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  float32: '<f4',
  float64: '<f8',
  bool: '|b1',
};

/** numpy's little-endian typestr of a number or bool dtype (`<f4`, `|u1`, `|b1`, ...). */
export function numpyTypestr(dtype: NumericDType | 'bool'): string {
  return LE[dtype];
}

/** The JSON2 codec configuration hdmf-zarr writes (numcodecs.JSON defaults). */
export const JSON2_FILTER: JsonOut = {
  allow_nan: true,
  check_circular: true,
  encoding: 'utf-8',
  ensure_ascii: true,
  id: 'json2',
  indent: null,
  separators: [',', ':'],
  skipkeys: false,
  sort_keys: true,
  strict: true,
};

/** What to write for a neutral dtype: `.zarray` dtype, object filter, codec and `zarr_dtype`. */
export function storageOf(
  dtype: DType,
  path: string,
  asJsonText = false,
  textLength?: number,
  asciiOnly = false,
): { zarrayDType: JsonOut; filters: JsonOut[]; codec: ElementCodec; zarrDType: JsonOut } {
  if (dtype === 'ascii' && textLength !== undefined && Number.isSafeInteger(textLength) && textLength > 0) {
    // Fixed-length text of ASCII characters only: numpy's `<U<n>`, which zarr-python reads as
    // numpy.str_ (a str, as PyNWB requires of text); the `nwbjs` member marks it ASCII (metadata.ts).
    if (asciiOnly)
      return {
        zarrayDType: `<U${textLength}`,
        filters: [],
        codec: { kind: 'fixed-text', encoding: 'U', length: textLength },
        zarrDType: 'str',
      };
    // Other bytes, as numpy's `S<n>` (what h5py reads an HDF5 fixed-length string as): kept exactly.
    return {
      zarrayDType: `|S${textLength}`,
      filters: [],
      codec: { kind: 'fixed-text', encoding: 'S', length: textLength },
      zarrDType: 'bytes',
    };
  }
  if (isCompoundDType(dtype)) {
    if (isPacked(dtype)) {
      const { fields, itemSize } = packedFields(dtype);
      return {
        zarrayDType: structuredDTypeJson(fields),
        filters: [],
        codec: { kind: 'structured', fields, itemSize },
        zarrDType: zarrDTypeOfCompound(dtype),
      };
    }
    return {
      zarrayDType: '|O',
      filters: [JSON2_FILTER],
      codec: { kind: 'object', codec: 'json2' },
      zarrDType: zarrDTypeOfCompound(dtype),
    };
  }
  if (isNumericDType(dtype) || dtype === 'bool') {
    const spelled = LE[dtype];
    return {
      zarrayDType: spelled,
      filters: [],
      codec: { kind: 'numeric', dtype, itemSize: Number(spelled.slice(2)), bigEndian: false },
      zarrDType: dtype,
    };
  }
  switch (dtype) {
    case 'utf8':
      return asJsonText
        ? {
            zarrayDType: '|O',
            filters: [JSON2_FILTER],
            codec: { kind: 'object', codec: 'json2' },
            zarrDType: 'str',
          }
        : {
            zarrayDType: '|O',
            filters: [{ id: 'vlen-utf8' }],
            codec: { kind: 'object', codec: 'vlen-utf8' },
            zarrDType: 'str',
          };
    case 'ascii':
      return {
        zarrayDType: '|O',
        filters: [{ id: 'vlen-bytes' }],
        codec: { kind: 'object', codec: 'vlen-bytes' },
        zarrDType: 'bytes',
      };
    case 'ref':
      return {
        zarrayDType: '|O',
        filters: [JSON2_FILTER],
        codec: { kind: 'object', codec: 'json2' },
        zarrDType: 'object',
      };
    case 'region':
      // hdmf-zarr names the type but has no layout for the values: only empty datasets get here.
      return {
        zarrayDType: '|O',
        filters: [JSON2_FILTER],
        codec: { kind: 'object', codec: 'json2' },
        zarrDType: 'region',
      };
    default:
      throw new UnsupportedError(`dtype ${formatDType(dtype)} cannot be written to Zarr`, {
        path,
        feature: `dtype:${formatDType(dtype)}`,
        backend: 'zarr',
      });
  }
}
