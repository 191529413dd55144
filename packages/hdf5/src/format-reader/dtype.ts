/**
 * The nwbjs dtype of an HDF5 datatype as the format reader parsed it, decided as the h5wasm
 * backend decides it (see `dtypes.ts`): integers and floats by size and sign, strings by character
 * set, h5py's {FALSE, TRUE} enum as bool and other enums as their integer base, object and region
 * references, compounds of those. Everything else is an UnsupportedError naming the object.
 */
import type { CompoundField, DType, NumericDType, ScalarDType } from '@nwbjs/core';
import { isBoolStandInMember } from '../bool-enum.js';
import { INTEGERS, isBoolEnumMembers } from '../dtypes.js';
import { unsupported } from '../errors.js';
import type { Datatype } from '../format/datatype.js';

/** True for h5py's boolean enum: exactly the members FALSE = 0 and TRUE = 1. */
export function isBoolEnumType(type: Datatype): boolean {
  const members = type.enumMembers;
  return (
    type.class === 'enum' && members !== undefined && isBoolEnumMembers(members.map((m) => [m.name, m.value]))
  );
}

/** The dtype of `type`; `path` names the object in errors. */
export function dtypeOfDatatype(type: Datatype, path: string): DType {
  if (type.class === 'compound') {
    const members = type.members ?? [];
    if (type.size === 1 && members.length === 1 && isBoolStandInMember(members[0]!.name)) return 'bool';
    const compound: CompoundField[] = members.map((m) => ({
      name: m.name,
      dtype: scalarDType(m.type, path),
    }));
    return { compound };
  }
  return scalarDType(type, path);
}

function scalarDType(type: Datatype, path: string): ScalarDType {
  switch (type.class) {
    case 'integer':
      return integer(type, path, 'integers');
    case 'float':
      if (type.size === 4) return 'float32';
      if (type.size === 8) return 'float64';
      throw unsupported(path, `${type.size * 8}-bit floats are not supported`, `dtype:float${type.size * 8}`);
    case 'string':
      return type.utf8 === true ? 'utf8' : 'ascii';
    case 'reference':
      if (type.reference === 'object') return 'ref';
      if (type.reference === 'region') return 'region';
      throw unsupported(path, 'references of the HDF5 1.12 kinds are not supported', 'dtype:reference');
    case 'enum':
      if (isBoolEnumType(type)) return 'bool';
      // Other enums read as their integer base type, like h5py without its enum helpers.
      return integer(type, path, 'enums');
    case 'vlen':
      if (type.vlen === 'string') return type.utf8 === true ? 'utf8' : 'ascii';
      throw unsupported(path, 'variable-length sequences are not supported', 'dtype:vlen-sequence');
    case 'compound':
      throw unsupported(path, 'nested compound types are not supported', 'dtype:nested-compound');
    case 'array':
      throw unsupported(path, 'array datatypes are not supported', 'dtype:array');
    default:
      throw unsupported(path, `HDF5 ${type.class} datatypes are not supported`, `dtype:${type.class}`);
  }
}

function integer(type: Datatype, path: string, what: string): NumericDType {
  const pair = INTEGERS[type.size];
  if (pair === undefined) throw unsupported(path, `${type.size}-byte ${what}`, `dtype:int${type.size * 8}`);
  return type.signed ? pair[0] : pair[1];
}
