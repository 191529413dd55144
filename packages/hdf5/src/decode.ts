/**
 * Decoding elements HDF5 has just read into the WASM heap into nwbjs array storage: typed arrays
 * for numbers and bools (one copy out of the heap), strings for text, ObjectRefs for references,
 * records for compound rows.
 */
import type { ArrayData, CompoundRow, DType, NumericArray, NumericDType, RegionRef } from '@nwbjs/core';
import { decodeText, isCompoundDType, typedArrayFor } from '@nwbjs/core/backend';
import { dtypeOf } from './dtypes.js';
import { unsupported } from './errors.js';
import type { H5Module, Metadata } from './module.js';
import { decodeRef } from './refs.js';
import { fixedString } from './stored-text.js';
import type { ReferencePaths } from './reference-paths.js';
import type { RegionDecoder } from './region-refs.js';

/** Where decoded elements come from: `count` elements of `meta` at heap address `ptr`. */
export interface HeapElements {
  readonly module: H5Module;
  readonly fileId: bigint;
  readonly ptr: number;
  readonly meta: Metadata;
  readonly count: number;
  /** The object the elements belong to, for error messages. */
  readonly path: string;
  /** Decodes region references (they keep their selections in the file's bytes). */
  readonly regions?: RegionDecoder;
  /** Finds the paths references point at (without it, HDF5 walks the file for each one). */
  readonly paths?: ReferencePaths;
}

/**
 * Copies fixed-width elements out of the heap into `out` (when given and big enough) or a new
 * typed array of `dtype`; the result has exactly `count` elements. Either way the elements are
 * copied exactly once. (Cutting the new array from the heap with `slice` instead of allocating
 * and copying measured the same.)
 */
export function copyNumeric(src: HeapElements, dtype: NumericDType | 'bool', out?: ArrayData): NumericArray {
  const ctor = typedArrayFor(dtype);
  let target: NumericArray;
  if (out !== undefined && out instanceof ctor && out.length >= src.count) {
    target = (out.length === src.count ? out : out.subarray(0, src.count)) as NumericArray;
  } else {
    target = new ctor(src.count) as NumericArray;
  }
  const bytes = src.count * ctor.BYTES_PER_ELEMENT;
  new Uint8Array(target.buffer, target.byteOffset, bytes).set(
    src.module.HEAPU8.subarray(src.ptr, src.ptr + bytes),
  );
  return target;
}

/** Decodes `count` elements of any supported datatype. */
export function decodeElements(src: HeapElements, dtype: DType, out?: ArrayData): ArrayData {
  if (isCompoundDType(dtype)) return decodeCompound(src);
  if (dtype === 'utf8' || dtype === 'ascii') return decodeStrings(src);
  if (dtype === 'ref') return decodeRefs(src);
  if (dtype === 'region') return decodeRegionRefs(src);
  return copyNumeric(src, dtype, out);
}

function decodeStrings(src: HeapElements): string[] {
  const { module, ptr, meta, count } = src;
  const out: string[] = new Array<string>(count);
  if (meta.vlen) {
    // A variable-length string element is a char* (4 bytes in wasm32); null reads as ''.
    const pointers = new Uint32Array(module.HEAPU8.slice(ptr, ptr + 4 * count).buffer);
    const heap = module.HEAPU8;
    for (let i = 0; i < count; i++) {
      const at = pointers[i]!;
      const end = at === 0 ? 0 : heap.indexOf(0, at);
      out[i] = at === 0 ? '' : decodeText(heap.subarray(at, end < 0 ? heap.length : end));
    }
    return out;
  }
  // strpad 2 is H5T_STR_SPACEPAD.
  const heap = module.HEAPU8;
  for (let i = 0; i < count; i++) {
    out[i] = fixedString(heap.subarray(ptr + i * meta.size, ptr + (i + 1) * meta.size), meta.strpad === 2);
  }
  return out;
}

function decodeRefs(src: HeapElements) {
  const { module, fileId, ptr, meta, count, path, paths } = src;
  const refs = [];
  for (let i = 0; i < count; i++) {
    const bytes = module.HEAPU8.slice(ptr + i * meta.size, ptr + (i + 1) * meta.size);
    refs.push(decodeRef(module, fileId, bytes, path, paths));
  }
  return refs;
}

function decodeRegionRefs(src: HeapElements): RegionRef[] {
  const { module, ptr, meta, count, path, regions } = src;
  if (regions === undefined) {
    throw unsupported(
      path,
      'region references are read only from files opened by path or as bytes',
      'dtype:region',
    );
  }
  const refs: RegionRef[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = module.HEAPU8.slice(ptr + i * meta.size, ptr + (i + 1) * meta.size);
    refs.push(regions.decode(bytes, path, src.paths));
  }
  return refs;
}

function decodeCompound(src: HeapElements): CompoundRow[] {
  const { meta, count, ptr, path } = src;
  const members = meta.compound_type?.members ?? [];
  const rows: CompoundRow[] = [];
  for (let i = 0; i < count; i++) {
    const row: CompoundRow = {};
    for (const member of members) {
      const memberType = dtypeOf(member, path);
      if (isCompoundDType(memberType)) throw unsupported(path, 'nested compounds', 'dtype:nested-compound');
      const one: HeapElements = { ...src, ptr: ptr + i * meta.size + member.offset, meta: member, count: 1 };
      const value = decodeElements(one, memberType);
      const first = (value as ArrayLike<unknown>)[0];
      row[member.name] = memberType === 'bool' ? first !== 0 : (first as CompoundRow[string]);
    }
    rows.push(row);
  }
  return rows;
}
