/**
 * Encoding nwbjs arrays into the bytes HDF5 writes: typed arrays as they are (little-endian),
 * bools as uint8, references as 8-byte object references, compound rows packed by member offset.
 */
import type { CompoundRow, NdArray, ObjectRef } from '@nwbjs/core';
import { ValidationError, isObjectRef } from '@nwbjs/core';
import type { TypeMetadata } from './dtypes.js';
import { H5T, OBJ_REF_SIZE } from './dtypes.js';
import { notFound } from './errors.js';
import type { Hdf5File } from './file-handle.js';
import { normalizePath } from './file-handle.js';
import { bytesOf } from './heap.js';
import { encodeRefs } from './refs.js';

/** The bytes of fixed-width (numeric, bool, ref, compound) data, ready to copy into the heap. */
export function encodeFixed(file: Hdf5File, path: string, data: NdArray, type: TypeMetadata): Uint8Array {
  if (data.dtype === 'ref') return encodeRefList(file, path, data.data as ObjectRef[]);
  if (type.type === H5T.COMPOUND) return encodeRows(file, path, data.data as CompoundRow[], type);
  return bytesOf(data.data as ArrayBufferView);
}

/** Object references to existing objects; a missing target is a NotFoundError, not an HDF5 error. */
export function encodeRefList(file: Hdf5File, path: string, refs: readonly ObjectRef[]): Uint8Array {
  const targets = refs.map((ref) => {
    if (!isObjectRef(ref)) throw new ValidationError('not an object reference', { path, rule: 'ref-value' });
    const target = normalizePath(ref.path);
    const found = target === undefined ? undefined : file.resolve(target);
    if (found === undefined) throw notFound(path, `reference target ${ref.path} does not exist`);
    return { path: found.path };
  });
  return encodeRefs(file.module, file.fileId, targets, path);
}

function encodeRows(
  file: Hdf5File,
  path: string,
  rows: readonly CompoundRow[],
  type: TypeMetadata,
): Uint8Array {
  const members = type.compound_type?.members ?? [];
  const out = new Uint8Array(rows.length * type.size);
  const view = new DataView(out.buffer);
  rows.forEach((row, i) => {
    for (const member of members) {
      const at = i * type.size + member.offset;
      const value = row[member.name];
      if (value === undefined) {
        throw new ValidationError(`row ${i} lacks field ${member.name}`, { path, rule: 'compound-row' });
      }
      if (member.type === H5T.REFERENCE) {
        if (!isObjectRef(value)) {
          throw new ValidationError(`row ${i} field ${member.name} is not a reference`, {
            path,
            rule: 'compound-row',
          });
        }
        out.set(encodeRefList(file, path, [value]).subarray(0, OBJ_REF_SIZE), at);
      } else {
        writeNumber(view, at, member, value as number | bigint | boolean);
      }
    }
  });
  return out;
}

function writeNumber(view: DataView, at: number, type: TypeMetadata, raw: number | bigint | boolean): void {
  const value = typeof raw === 'boolean' ? Number(raw) : raw;
  if (type.type === H5T.FLOAT) {
    if (type.size === 4) view.setFloat32(at, Number(value), true);
    else view.setFloat64(at, Number(value), true);
    return;
  }
  switch (type.size) {
    case 1:
      if (type.signed) view.setInt8(at, Number(value));
      else view.setUint8(at, Number(value));
      return;
    case 2:
      if (type.signed) view.setInt16(at, Number(value), true);
      else view.setUint16(at, Number(value), true);
      return;
    case 4:
      if (type.signed) view.setInt32(at, Number(value), true);
      else view.setUint32(at, Number(value), true);
      return;
    default:
      if (type.signed) view.setBigInt64(at, BigInt(value), true);
      else view.setBigUint64(at, BigInt(value), true);
  }
}
