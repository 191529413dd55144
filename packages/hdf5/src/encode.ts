/**
 * Encoding nwbjs arrays into the bytes HDF5 writes: typed arrays as they are (little-endian),
 * bools as uint8, references as 8-byte object references, compound rows packed by member offset.
 */
import type { CompoundRow, NdArray, ObjectRef, RegionRef } from '@nwbjs/core';
import { ValidationError, isObjectRef, isRegionRef } from '@nwbjs/core';
import { encodeText, normalizePath } from '@nwbjs/core/backend';
import type { TypeMetadata } from './dtypes.js';
import { H5T, OBJ_REF_SIZE } from './dtypes.js';
import { notFound } from './errors.js';
import type { Hdf5File } from './file-handle.js';
import { allocate, bytesOf } from './heap.js';
import { encodeRefs } from './refs.js';
import { REGION_REF_SIZE, encodeRegionRefs } from './region-refs.js';

/**
 * The bytes of fixed-width (numeric, bool, ref, region, compound) data, ready to copy into the
 * heap. Text fields of compound rows are C strings in the heap that the bytes point at: their
 * addresses are pushed onto `heapStrings`, which the caller frees once HDF5 has written the data.
 */
export function encodeFixed(
  file: Hdf5File,
  path: string,
  data: NdArray,
  type: TypeMetadata,
  heapStrings: number[] = [],
): Uint8Array {
  if (data.dtype === 'ref') return encodeRefList(file, path, data.data as ObjectRef[]);
  if (data.dtype === 'region') return encodeRegionList(file, path, data.data as RegionRef[]);
  if (type.type === H5T.COMPOUND)
    return encodeRows(file, path, data.data as CompoundRow[], type, heapStrings);
  if (type.type === H5T.STRING && !type.vlen) return encodeFixedText(path, data.data as string[], type.size);
  return bytesOf(data.data as ArrayBufferView);
}

/** Strings laid out `size` bytes each, padded with NULs; a longer string is refused, not cut. */
function encodeFixedText(path: string, values: readonly string[], size: number): Uint8Array {
  const out = new Uint8Array(values.length * size);
  values.forEach((value, i) => {
    const bytes = encodeText(value);
    if (bytes.length > size) {
      throw new ValidationError(`${JSON.stringify(value)} is longer than the fixed length of ${size} bytes`, {
        path,
        rule: 'text-length',
      });
    }
    out.set(bytes, i * size);
  });
  return out;
}

/** Frees the C strings {@link encodeFixed} put in the heap. */
export function freeHeapStrings(file: Hdf5File, heapStrings: readonly number[]): void {
  for (const ptr of heapStrings) file.module._free(ptr);
}

/** Region references to existing datasets. */
function encodeRegionList(file: Hdf5File, path: string, refs: readonly RegionRef[]): Uint8Array {
  const targets = refs.map((ref) => {
    if (!isRegionRef(ref)) throw new ValidationError('not a region reference', { path, rule: 'ref-value' });
    const target = normalizePath(ref.path);
    const found = target === undefined ? undefined : file.resolve(target);
    if (found === undefined || found.kind !== 'dataset')
      throw notFound(path, `region reference target ${ref.path} is not a dataset`);
    return { path: found.path, selection: ref.selection };
  });
  return encodeRegionRefs(file.module, file.fileId, targets, path);
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
  heapStrings: number[],
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
      if (member.type === H5T.REFERENCE && member.size === REGION_REF_SIZE) {
        out.set(encodeRegionList(file, path, [value as RegionRef]), at);
      } else if (member.type === H5T.STRING) {
        if (typeof value !== 'string') {
          throw new ValidationError(`row ${i} field ${member.name} is not text`, {
            path,
            rule: 'compound-row',
          });
        }
        const bytes = encodeText(value);
        const ptr = allocate(file.module, bytes.length + 1);
        heapStrings.push(ptr);
        file.module.HEAPU8.set(bytes, ptr);
        file.module.HEAPU8[ptr + bytes.length] = 0;
        view.setUint32(at, ptr, true);
      } else if (member.type === H5T.REFERENCE) {
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
