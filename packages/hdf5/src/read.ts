/**
 * The read side: stat, list, attributes and hyperslab reads. Numeric hyperslabs go straight from
 * HDF5 into a reused heap buffer (`Module.get_dataset_data`) and are copied out once, into the
 * caller's `out` buffer when given; nothing else is allocated per read. What a read needs to know
 * about a dataset (dtype, shape) is worked out on the first read and kept in the file's cache.
 */
import type { ArrayData, Attributes, DType, NdArray, NumericArray, NumericDType } from '@nwbjs/core';
import type { DatasetInfo, Hyperslab, NodeInfo, ReadOptions } from '@nwbjs/core/backend';
import { isNumericDType, shapeSize } from '@nwbjs/core';
import {
  checkSelection,
  emptyAttributes,
  hyperslabShape,
  normalizePath,
  typedArrayFor,
} from '@nwbjs/core/backend';
import { boolsOfStandIn } from './bool-enum.js';
import { BOOL_ATTRS_MARKER, DTYPE_MARKER, isReservedAttribute } from './bool-marker.js';
import { copyNumeric, decodeElements } from './decode.js';
import { H5T, dtypeOf, holdsVlen } from './dtypes.js';
import { guard, notFound } from './errors.js';
import type { Hdf5File } from './file-handle.js';
import { layoutOf } from './layout.js';
import type { Metadata } from './module.js';

/** Reads are split into pieces of at most this many bytes along the first axis (heap is capped at 2 GiB). */
const MAX_PIECE_BYTES = 256 * 1024 * 1024;

/** HDF5-specific extras of a dataset's description. */
export interface Hdf5DatasetInfo extends DatasetInfo {
  /** Every filter in the dataset's pipeline, including ones that `compression` cannot name. */
  readonly filters?: readonly { readonly id: number; readonly name: string }[];
}

/** `stat`: what is at `path`, links reported as links. */
export function statPath(file: Hdf5File, rawPath: string): NodeInfo | undefined {
  const path = normalizePath(rawPath);
  if (path === undefined) return undefined;
  const kind = file.kindOf(path);
  if (kind === undefined) return undefined;
  switch (kind.kind) {
    case 'group':
      return { kind: 'group', path };
    case 'dataset':
      return datasetInfo(file, path);
    case 'soft':
      return { kind: 'link', path, target: kind.target };
    case 'external':
      return { kind: 'link', path, target: kind.target, file: kind.file };
    default:
      // Named datatypes and user-defined links are not part of the storage model.
      return undefined;
  }
}

/**
 * What is the same for every path to a group: its object header address, as an object reference
 * holds it. Hard links can put one group at several paths, even inside itself (a cycle).
 */
export function groupIdentity(file: Hdf5File, path: string): string {
  return file.addressOf(path);
}

/** The description of the dataset at `path` (a fresh copy: callers may keep or change it). */
export function datasetInfo(file: Hdf5File, path: string): Hdf5DatasetInfo {
  const facts = file.datasetFacts(path);
  if (facts.info === undefined) {
    const dtype = datasetDType(file, path);
    facts.info = {
      kind: 'dataset',
      path,
      dtype,
      shape: [...facts.shape],
      ...layoutOf(file, path, facts.meta),
    };
  }
  const { info } = facts;
  const copy: Hdf5DatasetInfo = {
    ...info,
    shape: [...info.shape],
    ...(info.filters === undefined ? {} : { filters: info.filters.map((f) => ({ ...f })) }),
  };
  if (info.chunks !== undefined) copy.chunks = [...info.chunks];
  if (info.maxShape !== undefined) copy.maxShape = [...info.maxShape];
  if (info.compression !== undefined) copy.compression = { ...info.compression };
  return copy;
}

/** A dataset's dtype; uint8 datasets this package wrote for bools read back as bool. */
export function datasetDType(file: Hdf5File, path: string): DType {
  const facts = file.datasetFacts(path);
  if (facts.dtype === undefined) facts.dtype = markedDType(file, path, facts.meta);
  return facts.dtype;
}

function markedDType(file: Hdf5File, path: string, meta: Metadata): DType {
  const dtype = dtypeOf(meta, path);
  if (dtype === 'uint8' && attributeNames(file, path).includes(DTYPE_MARKER)) {
    const marker = readAttribute(file, path, DTYPE_MARKER);
    if ((marker.data as string[])[0] === 'bool') return 'bool';
  }
  return dtype;
}

/** `list`: the sorted names of a group's children. */
export function listGroup(file: Hdf5File, rawPath: string): string[] {
  const target = file.target(rawPath);
  if (target === undefined) throw notFound(rawPath);
  if (target.kind !== 'group') throw notFound(rawPath, 'is not a group');
  return [...file.childNames(target.path)].sort();
}

/** The group or dataset at `path` (soft links followed), or a NotFoundError. */
function objectAt(file: Hdf5File, rawPath: string): { path: string; kind: 'group' | 'dataset' } {
  const target = file.target(rawPath);
  if (target === undefined) throw notFound(rawPath);
  return target;
}

function attributeNames(file: Hdf5File, path: string): string[] {
  return guard(path, 'listing attributes', () => file.module.get_attribute_names(file.fileId, path));
}

/** `readAttributes`: every attribute but the reserved ones, by name. */
export function readAttributes(file: Hdf5File, rawPath: string): Attributes {
  const { path } = objectAt(file, rawPath);
  const names = attributeNames(file, path);
  const boolNames = names.includes(BOOL_ATTRS_MARKER)
    ? new Set(readAttribute(file, path, BOOL_ATTRS_MARKER).data as string[])
    : new Set<string>();
  const attrs = emptyAttributes();
  for (const name of names) {
    if (isReservedAttribute(name)) continue;
    const value = readAttribute(file, path, name);
    attrs[name] =
      boolNames.has(name) && value.dtype === 'uint8'
        ? { ...value, dtype: 'bool' }
        : (boolsOfStandIn(value) ?? value);
  }
  return attrs;
}

/** Reads one attribute whole. */
export function readAttribute(file: Hdf5File, path: string, name: string): NdArray {
  const where = `${path}@${name}`;
  const { module, fileId } = file;
  const meta = guard(where, 'reading attribute metadata', () =>
    module.get_attribute_metadata(fileId, path, name),
  );
  const dtype = dtypeOf(meta, where);
  // A null dataspace (h5py's Empty) holds nothing; it reads as an empty 1-D array.
  const shape = meta.shape ?? [0];
  const count = meta.shape === null ? 0 : meta.total_size;
  if (count === 0) return { dtype, shape: [...shape], data: emptyData(dtype) };
  const ptr = file.readBuffer.acquire(meta.size * count);
  try {
    guard(where, 'reading the attribute', () => module.get_attribute_data(fileId, path, name, BigInt(ptr)));
    try {
      const data = decodeElements(
        { module, fileId, ptr, meta, count, path: where, regions: file.regions, paths: file.referencePaths },
        dtype,
      );
      return { dtype, shape: [...shape], data, ...fixedLength(meta) };
    } finally {
      if (holdsVlen(meta)) module.reclaim_vlen_memory(fileId, path, name, BigInt(ptr));
    }
  } finally {
    file.readBuffer.release();
  }
}

/**
 * What a read of `slab` at `rawPath` reads: the dataset's resolved path, its dtype and shape; throws
 * if there is no dataset there or the selection does not fit it.
 */
export function readTarget(
  file: Hdf5File,
  rawPath: string,
  slab: Hyperslab,
): { path: string; dtype: DType; shape: readonly number[] } {
  const target = objectAt(file, rawPath);
  if (target.kind !== 'dataset') throw notFound(rawPath, 'is not a dataset');
  const path = target.path;
  const { shape } = file.datasetFacts(path);
  const dtype = datasetDType(file, path);
  checkSelection(path, shape, slab);
  return { path, dtype, shape };
}

/** `readData`: the elements of a hyperslab, shaped as `hyperslabShape(slab)`. */
export function readData(
  file: Hdf5File,
  rawPath: string,
  slab: Hyperslab,
  options: ReadOptions = {},
): NdArray {
  const { path, dtype, shape } = readTarget(file, rawPath, slab);
  const { meta } = file.datasetFacts(path);
  const outShape = hyperslabShape(slab);
  const count = shapeSize(slab.count);
  if (count === 0) return { dtype, shape: outShape, data: emptyData(dtype, options.out) };
  if (isNumericDType(dtype) || dtype === 'bool') {
    return { dtype, shape: outShape, data: readNumeric(file, path, meta, dtype, shape, slab, options.out) };
  }
  return {
    dtype,
    shape: outShape,
    data: readVariable(file, path, meta, dtype, shape, slab),
    ...fixedLength(meta),
  };
}

/** Reads fixed-width elements into `out` or a new typed array, in pieces of bounded size. */
function readNumeric(
  file: Hdf5File,
  path: string,
  meta: Metadata,
  dtype: NumericDType | 'bool',
  shape: readonly number[],
  slab: Hyperslab,
  out: ArrayData | undefined,
): ArrayData {
  const { module, fileId } = file;
  const total = shapeSize(slab.count);
  if (shape.length === 0) {
    const ptr = file.readBuffer.acquire(meta.size);
    guard(path, 'reading the dataset', () =>
      module.get_dataset_data(fileId, path, null, null, null, BigInt(ptr)),
    );
    return copyNumeric({ module, fileId, ptr, meta, count: 1, path }, dtype, out);
  }
  const rowElements = shapeSize(slab.count.slice(1));
  const rowBytes = Math.max(1, rowElements * meta.size);
  const rowsPerPiece = Math.max(1, Math.floor(MAX_PIECE_BYTES / rowBytes));
  const rows = slab.count[0]!;
  if (rows <= rowsPerPiece) {
    const ptr = file.readBuffer.acquire(total * meta.size);
    try {
      readInto(file, path, slab.start, slab.count, slab.step, ptr);
      return copyNumeric({ module, fileId, ptr, meta, count: total, path }, dtype, out);
    } finally {
      file.readBuffer.release();
    }
  }
  // Too big for one heap buffer: fill the result a run of rows at a time.
  const ctor = typedArrayFor(dtype);
  const target: NumericArray =
    out instanceof ctor && out.length >= total ? out.subarray(0, total) : new ctor(total);
  const targetBytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  try {
    for (let row = 0; row < rows; row += rowsPerPiece) {
      const n = Math.min(rowsPerPiece, rows - row);
      const start = [slab.start[0]! + row * slab.step[0]!, ...slab.start.slice(1)];
      const count = [n, ...slab.count.slice(1)];
      const ptr = file.readBuffer.acquire(n * rowBytes);
      readInto(file, path, start, count, slab.step, ptr);
      targetBytes.set(module.HEAPU8.subarray(ptr, ptr + n * rowBytes), row * rowBytes);
    }
  } finally {
    file.readBuffer.release();
  }
  return target;
}

function readInto(
  file: Hdf5File,
  path: string,
  start: readonly number[],
  count: readonly number[],
  step: readonly number[],
  ptr: number,
): void {
  guard(path, 'reading the dataset', () =>
    file.module.get_dataset_data(
      file.fileId,
      path,
      count.map(BigInt),
      start.map(BigInt),
      step.map(BigInt),
      BigInt(ptr),
    ),
  );
}

/** Reads text, references or compound rows: read into the heap, decode, give HDF5's memory back. */
function readVariable(
  file: Hdf5File,
  path: string,
  meta: Metadata,
  dtype: DType,
  shape: readonly number[],
  slab: Hyperslab,
): ArrayData {
  const { module, fileId } = file;
  const total = shapeSize(slab.count);
  const ptr = file.readBuffer.acquire(total * meta.size);
  try {
    const scalar = shape.length === 0;
    if (scalar) {
      guard(path, 'reading the dataset', () =>
        module.get_dataset_data(fileId, path, null, null, null, BigInt(ptr)),
      );
    } else {
      readInto(file, path, slab.start, slab.count, slab.step, ptr);
    }
    try {
      return decodeElements(
        { module, fileId, ptr, meta, count: total, path, regions: file.regions, paths: file.referencePaths },
        dtype,
      );
    } finally {
      if (holdsVlen(meta)) {
        if (scalar) module.reclaim_vlen_memory(fileId, path, '', BigInt(ptr));
        else module.reclaim_vlen_memory_count(fileId, path, '', BigInt(ptr), slab.count.map(BigInt));
      }
    }
  } finally {
    file.readBuffer.release();
  }
}

/** `{ textLength }` for a fixed-length string type, else nothing. */
function fixedLength(meta: Metadata): { textLength?: number } {
  return meta.type === H5T.STRING && !meta.vlen ? { textLength: meta.size } : {};
}

/** Empty storage for `dtype` (or `out` cut to nothing). */
export function emptyData(dtype: DType, out?: ArrayData): ArrayData {
  if (isNumericDType(dtype) || dtype === 'bool') {
    const ctor = typedArrayFor(dtype);
    if (out instanceof ctor) return out.subarray(0, 0);
    return new ctor(0);
  }
  return [];
}
