/**
 * HDF5 datatypes (as h5wasm describes them) to and from nwbjs dtypes, spelled the way h5py and
 * HDMF do: vlen UTF-8 strings for `utf8`, vlen ASCII for `ascii`, H5T_STD_REF_OBJ for `ref`,
 * h5py's FALSE/TRUE enum for `bool`, little-endian numbers.
 */
import type { CompoundField, DType, NumericDType, ScalarDType } from '@nwbjs/core';
import { isNumericDType } from '@nwbjs/core';
import { isCompoundDType } from '@nwbjs/core/backend';
import { isBoolStandInType } from './bool-enum.js';
import { unsupported } from './errors.js';
import type { Metadata } from './module.js';
import { REGION_REF_SIZE } from './region-refs.js';

/** HDF5 datatype classes (H5T_class_t) that h5wasm reports in `Metadata.type`. */
export const H5T = {
  INTEGER: 0,
  FLOAT: 1,
  STRING: 3,
  COMPOUND: 6,
  REFERENCE: 7,
  ENUM: 8,
  VLEN: 9,
  ARRAY: 10,
} as const;

/** Character sets (H5T_cset_t). */
export const CSET_ASCII = 0;
export const CSET_UTF8 = 1;
/** Size of an H5T_STD_REF_OBJ object reference. */
export const OBJ_REF_SIZE = 8;

/** The shape of a write request's type description (h5wasm's `WriteMetadata` without the shapes). */
export interface TypeMetadata {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  vlen: boolean;
  cset?: number;
  compound_type?: { nmembers: number; members: Array<TypeMetadata & { name: string; offset: number }> };
}

/** The signed and unsigned integer dtypes by element size in bytes. */
export const INTEGERS: Readonly<Record<number, readonly [NumericDType, NumericDType]>> = {
  1: ['int8', 'uint8'],
  2: ['int16', 'uint16'],
  4: ['int32', 'uint32'],
  8: ['int64', 'uint64'],
};

/** True for h5py's boolean enum: exactly the members FALSE = 0 and TRUE = 1. */
export function isBoolEnum(meta: Metadata): boolean {
  const members = meta.enum_type?.members;
  return members !== undefined && isBoolEnumMembers(Object.entries(members));
}

/** True for the members of h5py's boolean enum, as name and value pairs: FALSE = 0 and TRUE = 1 only. */
export function isBoolEnumMembers(members: readonly (readonly [string, number | bigint])[]): boolean {
  const value = (name: string) => members.find(([n]) => n === name)?.[1];
  return members.length === 2 && value('FALSE') === 0 && value('TRUE') === 1;
}

/** The nwbjs dtype of an HDF5 datatype; UnsupportedError (about `path`) for ones nwbjs lacks. */
export function dtypeOf(meta: Metadata, path: string): DType {
  if (isBoolStandInType(meta)) return 'bool';
  if (meta.type === H5T.COMPOUND) {
    const members = meta.compound_type?.members ?? [];
    const compound: CompoundField[] = members.map((m) => ({
      name: m.name,
      dtype: scalarDTypeOf(m, path),
    }));
    return { compound };
  }
  return scalarDTypeOf(meta, path);
}

function scalarDTypeOf(meta: Metadata, path: string): ScalarDType {
  switch (meta.type) {
    case H5T.INTEGER: {
      const pair = INTEGERS[meta.size];
      if (pair === undefined)
        throw unsupported(path, `${meta.size}-byte integers`, `dtype:int${meta.size * 8}`);
      return meta.signed ? pair[0] : pair[1];
    }
    case H5T.FLOAT:
      if (meta.size === 4) return 'float32';
      if (meta.size === 8) return 'float64';
      throw unsupported(path, `${meta.size * 8}-bit floats are not supported`, `dtype:float${meta.size * 8}`);
    case H5T.STRING:
      return meta.cset === CSET_UTF8 ? 'utf8' : 'ascii';
    case H5T.REFERENCE:
      return meta.ref_type === 'object' ? 'ref' : 'region';
    case H5T.ENUM: {
      if (isBoolEnum(meta)) return 'bool';
      // Other enums read as their integer base type, like h5py without its enum helpers.
      const pair = INTEGERS[meta.size];
      if (pair === undefined) throw unsupported(path, `${meta.size}-byte enums`, 'dtype:enum');
      return meta.signed ? pair[0] : pair[1];
    }
    case H5T.COMPOUND:
      throw unsupported(path, 'nested compound types are not supported', 'dtype:nested-compound');
    case H5T.ARRAY:
      throw unsupported(path, 'array datatypes are not supported', 'dtype:array');
    case H5T.VLEN:
      throw unsupported(path, 'variable-length sequences are not supported', 'dtype:vlen-sequence');
    default:
      throw unsupported(path, `HDF5 datatype class ${meta.type} is not supported`, `dtype:class${meta.type}`);
  }
}

/** True when values of this datatype hold HDF5-allocated memory that must be reclaimed after reads. */
export function holdsVlen(meta: Metadata): boolean {
  if (meta.vlen || meta.type === H5T.VLEN) return true;
  if (meta.type === H5T.COMPOUND) return (meta.compound_type?.members ?? []).some((m) => holdsVlen(m));
  return false;
}

/**
 * The datatype to create for `dtype`, and to encode its elements by. `bool` is uint8 here: h5wasm
 * cannot create enum types, so bools are created as stand-ins (see `bool-enum.ts`) of the same bytes.
 */
export function typeMetadata(dtype: DType, path: string): TypeMetadata {
  if (isCompoundDType(dtype)) {
    let offset = 0;
    const members = dtype.compound.map((field) => {
      if (field.dtype === 'bool') {
        throw unsupported(
          path,
          `compound member ${field.name}: ${field.dtype} members cannot be written with h5wasm`,
          `dtype:compound-${field.dtype}`,
        );
      }
      const member = { ...typeMetadata(field.dtype, path), name: field.name, offset };
      offset += member.size;
      return member;
    });
    return {
      type: H5T.COMPOUND,
      size: offset,
      signed: false,
      littleEndian: true,
      vlen: false,
      compound_type: { nmembers: members.length, members },
    };
  }
  if (dtype === 'utf8' || dtype === 'ascii') {
    return {
      type: H5T.STRING,
      size: 4,
      signed: false,
      littleEndian: true,
      vlen: true,
      cset: dtype === 'utf8' ? CSET_UTF8 : CSET_ASCII,
    };
  }
  if (dtype === 'ref') {
    return { type: H5T.REFERENCE, size: OBJ_REF_SIZE, signed: false, littleEndian: true, vlen: false };
  }
  if (dtype === 'region') {
    return { type: H5T.REFERENCE, size: REGION_REF_SIZE, signed: false, littleEndian: true, vlen: false };
  }
  if (dtype === 'bool') return typeMetadata('uint8', path);
  if (isNumericDType(dtype)) {
    const float = dtype.startsWith('float');
    const size = Number(/\d+$/.exec(dtype)![0]) / 8;
    return {
      type: float ? H5T.FLOAT : H5T.INTEGER,
      size,
      signed: !dtype.startsWith('u') && !float,
      littleEndian: true,
      vlen: false,
    };
  }
  throw unsupported(path, `dtype ${String(dtype)} cannot be written`, `dtype:${String(dtype)}`);
}
