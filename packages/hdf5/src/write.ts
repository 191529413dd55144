/**
 * The write side: groups, datasets, blocks of data, resizing, attributes and links, laid out as
 * h5py/HDMF lay them out (scalar dataspaces, vlen UTF-8/ASCII text, object references, contiguous
 * data unless chunking is asked for). Every argument is checked before HDF5 sees it.
 */
import type { Attributes, DType, NdArray } from '@nwbjs/core';
import type { DatasetDefinition, LinkTarget } from '@nwbjs/core/backend';
import { ValidationError, shapeSize } from '@nwbjs/core';
import {
  baseName,
  checkArrayData,
  checkBlock,
  checkDefinition,
  checkResize,
  checkWholeData,
  DEFAULT_MAX_CALL_BYTES,
  chunksFor,
  isCompoundDType,
  isValidChildName,
  normalizePath,
  parentPath,
  rowRuns,
} from '@nwbjs/core/backend';
import { boolAttributeStandIn, boolDatasetType, boolsOfStandIn, standInId } from './bool-enum.js';
import { BOOL_ATTRS_MARKER, isReservedAttribute } from './bool-marker.js';
import type { TypeMetadata } from './dtypes.js';
import { CSET_ASCII, H5T, typeMetadata } from './dtypes.js';
import { encodeFixed, freeHeapStrings } from './encode.js';
import { backendError, guard, notFound, unsupported } from './errors.js';
import type { Hdf5File } from './file-handle.js';
import { allocate, copyToHeap, stringsToHeap } from './heap.js';
import { HDF5_CAPABILITIES } from './capabilities.js';
import { creationLayout } from './layout.js';
import { datasetInfo, readAttribute } from './read.js';

/** Data given at creation above this size is written in runs of rows (bounded heap use). */
const MAX_CALL_BYTES = DEFAULT_MAX_CALL_BYTES;

/**
 * The fixed-length string type for ASCII text stored `length` bytes long, or undefined (variable
 * length). UTF-8 text is always written variable-length: h5wasm gives fixed-length UTF-8 strings
 * space padding, which would change what readers see.
 */
function fixedTextType(dtype: DType, length: number | undefined): TypeMetadata | undefined {
  if (dtype !== 'ascii' || length === undefined || !Number.isSafeInteger(length) || length < 1)
    return undefined;
  return { type: H5T.STRING, size: length, signed: false, littleEndian: true, vlen: false, cset: CSET_ASCII };
}

/** True for text holding bytes that are not UTF-8 (escaped as `decodeText` does). */
function holdsRawBytes(text: string): boolean {
  return /[\udc80-\udcff]/.test(text);
}

/** Checks that `rawPath` can be created: valid, new, in an existing group. Returns it normalized. */
function creatable(file: Hdf5File, rawPath: string): string {
  const path = normalizePath(rawPath);
  if (path === undefined || path === '/') {
    throw new ValidationError('not a path that can be created', { path: rawPath, rule: 'node-path' });
  }
  const parent = parentPath(path);
  const name = baseName(path);
  if (!isValidChildName(name)) throw new ValidationError('invalid name', { path, rule: 'node-name' });
  if (file.kindOf(parent)?.kind !== 'group') throw notFound(parent, 'parent group does not exist');
  if (file.kindOf(path) !== undefined) throw backendError(path, 'already exists');
  return path;
}

/** `createGroup`. */
export function createGroup(file: Hdf5File, rawPath: string, attributes: Attributes = {}): void {
  const path = creatable(file, rawPath);
  const status = guard(path, 'creating the group', () => file.module.create_group(file.fileId, path, false));
  file.check(status, path, 'creating the group');
  file.added(path, { kind: 'group' });
  for (const [name, value] of Object.entries(attributes)) setAttribute(file, path, name, value);
}

/** `createDataset`. */
export function createDataset(
  file: Hdf5File,
  rawPath: string,
  definition: DatasetDefinition,
  attributes: Attributes = {},
  data?: NdArray,
): void {
  const path = creatable(file, rawPath);
  const { dtype, shape } = definition;
  checkDefinition(path, definition);
  const fixed = fixedTextType(dtype, data?.textLength);
  const text = (dtype === 'utf8' || dtype === 'ascii') && fixed === undefined;
  if (text && definition.compression !== undefined) {
    throw unsupported(path, 'variable-length text cannot be compressed with h5wasm', 'compression:vlen-text');
  }
  if (data !== undefined) checkWholeData(path, definition, data);
  if (isCompoundDType(dtype) && data === undefined) {
    throw unsupported(path, 'compound datasets must be created with their data', 'compound-without-data');
  }
  if (dtype === 'ref' && data === undefined) {
    throw new ValidationError('reference datasets must be created with their data', {
      path,
      rule: 'ref-data',
    });
  }
  const fill = definition.fillValue;
  if (fill !== undefined && fill !== 0 && fill !== 0n && fill !== false && fill !== '') {
    throw unsupported(path, 'h5wasm cannot set a fill value; unwritten elements read as 0', 'fill-value');
  }
  const type = fixed ?? typeMetadata(dtype, path);
  const bytes = shapeSize(shape) * type.size;
  // Bools are created as a stand-in of the same bytes, rewritten into h5py's enum on close.
  const standIn = dtype === 'bool' ? standInId() : undefined;
  const created = standIn === undefined ? type : boolDatasetType(standIn);

  // Whether the dataset is chunked is core's decision; big data is then written in runs of rows.
  const chunks = chunksFor(definition, HDF5_CAPABILITIES);
  const layout = creationLayout(path, chunks === undefined ? definition : { ...definition, chunks });
  const chunked = layout.chunks !== null;

  const meta = (dims: readonly number[]) => ({
    ...created,
    shape: dims.map(BigInt),
    maxshape: layout.maxshape ?? dims.map(BigInt),
    chunks: layout.chunks,
    compression: layout.compression,
    compression_opts: layout.compression_opts,
  });
  const { module, fileId } = file;

  if (text) {
    // h5wasm writes vlen strings from a JS list; a dataset without data starts as empty strings.
    const values =
      data === undefined ? new Array<string>(shapeSize(shape)).fill('') : (data.data as string[]);
    if (values.some(holdsRawBytes)) {
      // Bytes that are not UTF-8 go in as they are, from C strings this package lays out.
      const strings = stringsToHeap(module, values);
      try {
        const status = guard(path, 'creating the dataset', () =>
          module.create_dataset(fileId, path, BigInt(strings.ptr), meta(shape) as never),
        );
        file.check(status, path, 'creating the dataset');
      } finally {
        strings.free();
      }
    } else {
      const status = guard(path, 'creating the dataset', () =>
        module.create_vlen_str_dataset(fileId, path, values, meta(shape) as never),
      );
      file.check(status, path, 'creating the dataset');
    }
  } else if (chunked && (data === undefined || bytes > MAX_CALL_BYTES)) {
    // Create with no rows, grow to the full shape, then write (if there is data) in runs of rows.
    const initial = shape.map((d, axis) => (axis === 0 ? 0 : d));
    const ptr = allocate(module, 8);
    try {
      const status = guard(path, 'creating the dataset', () =>
        module.create_dataset(fileId, path, BigInt(ptr), meta(initial) as never),
      );
      file.check(status, path, 'creating the dataset');
    } finally {
      module._free(ptr);
    }
    if (shape[0]! > 0) {
      const status = guard(path, 'sizing the dataset', () =>
        module.resize_dataset(fileId, path, shape.map(BigInt)),
      );
      file.check(status, path, 'sizing the dataset');
    }
  } else {
    const heapStrings: number[] = [];
    try {
      const ptr =
        data === undefined
          ? zeroed(file, bytes)
          : copyToHeap(module, encodeFixed(file, path, data, type, heapStrings));
      try {
        const status = guard(path, 'creating the dataset', () =>
          module.create_dataset(fileId, path, BigInt(ptr), meta(shape) as never),
        );
        file.check(status, path, 'creating the dataset');
      } finally {
        module._free(ptr);
      }
    } finally {
      freeHeapStrings(file, heapStrings);
    }
  }
  file.added(path, { kind: 'dataset' });
  file.changed(path);
  if (standIn !== undefined) file.boolStandIns.set(standIn, { path });
  if (data !== undefined && !text && chunked && bytes > MAX_CALL_BYTES) {
    writeData(
      file,
      path,
      shape.map(() => 0),
      data,
    );
  }
  for (const [name, value] of Object.entries(attributes)) setAttribute(file, path, name, value);
}

function zeroed(file: Hdf5File, bytes: number): number {
  const ptr = allocate(file.module, bytes);
  file.module.HEAPU8.fill(0, ptr, ptr + bytes);
  return ptr;
}

/** `writeData`: a block whose first element lands at `start`. */
export function writeData(file: Hdf5File, rawPath: string, start: readonly number[], data: NdArray): void {
  const path = normalizePath(rawPath);
  if (path === undefined || file.kindOf(path)?.kind !== 'dataset') throw notFound(rawPath, 'no such dataset');
  const info = datasetInfo(file, path);
  checkBlock(path, info, start, data);
  if (shapeSize(data.shape) === 0) return;
  const stored = file.datasetFacts(path).meta;
  const type =
    stored.type === H5T.STRING && !stored.vlen
      ? fixedTextType(info.dtype, stored.size)!
      : typeMetadata(info.dtype, path);
  const text = (info.dtype === 'utf8' || info.dtype === 'ascii') && type.vlen;
  if (text) return writeBlock(file, path, start, data, type);
  const rowBytes = shapeSize(data.shape.slice(1)) * type.size;
  for (const run of rowRuns(start, data, MAX_CALL_BYTES, { rowBytes }))
    writeBlock(file, path, run.start, run.data, type);
}

/**
 * Writes one block. Fixed-width data is copied once, from the caller's typed array straight into
 * the file's reused write buffer: a fresh heap allocation per block (16 MiB for a slab of 64
 * frames) cost a zero-filled `malloc` and a `free` every time.
 */
function writeBlock(
  file: Hdf5File,
  path: string,
  start: readonly number[],
  data: NdArray,
  type: TypeMetadata,
): void {
  const { module, fileId } = file;
  const scalar = start.length === 0;
  const text = (data.dtype === 'utf8' || data.dtype === 'ascii') && type.vlen;
  const strings = text ? stringsToHeap(module, data.data as string[]) : undefined;
  const heapStrings: number[] = [];
  try {
    let ptr: number;
    if (strings !== undefined) {
      ptr = strings.ptr;
    } else {
      const bytes = encodeFixed(file, path, data, type, heapStrings);
      ptr = file.writeBuffer.acquire(bytes.byteLength);
      // HEAPU8 is replaced when the heap grows, so it is looked up after acquiring.
      module.HEAPU8.set(bytes, ptr);
    }
    const status = guard(path, 'writing data', () =>
      module.set_dataset_data(
        fileId,
        path,
        scalar ? null : data.shape.map(BigInt),
        scalar ? null : start.map(BigInt),
        scalar ? null : start.map(() => 1n),
        BigInt(ptr),
      ),
    );
    file.check(status, path, 'writing data');
  } finally {
    if (strings !== undefined) strings.free();
    else file.writeBuffer.release();
    freeHeapStrings(file, heapStrings);
  }
}

/** `resize`: a new shape for a chunked dataset, within its maxShape. */
export function resizeDataset(file: Hdf5File, rawPath: string, shape: readonly number[]): void {
  const path = normalizePath(rawPath);
  if (path === undefined || file.kindOf(path)?.kind !== 'dataset') throw notFound(rawPath, 'no such dataset');
  const info = datasetInfo(file, path);
  checkResize(path, info, shape);
  const status = guard(path, 'resizing', () =>
    file.module.resize_dataset(file.fileId, path, shape.map(BigInt)),
  );
  file.check(status, path, 'resizing');
  file.changed(path);
}

/** `setAttribute`: creates or replaces one attribute. */
export function setAttribute(file: Hdf5File, rawPath: string, name: string, value: NdArray): void {
  const path = normalizePath(rawPath);
  const kind = path === undefined ? undefined : file.kindOf(path)?.kind;
  if (path === undefined || (kind !== 'group' && kind !== 'dataset')) throw notFound(rawPath);
  if (typeof name !== 'string' || name === '' || isReservedAttribute(name)) {
    throw new ValidationError(`invalid attribute name ${JSON.stringify(name)}`, {
      path,
      rule: 'attribute-name',
    });
  }
  if (isCompoundDType(value.dtype)) {
    throw unsupported(path, `attribute ${name}: compound attributes are not supported`, 'compound-attribute');
  }
  checkArrayData(`${path}@${name}`, value);
  writeAttribute(file, path, name, value, false);
}

/** The largest number of attributes HDF5 keeps in an object's header (beyond it: dense storage). */
const MAX_COMPACT_ATTRIBUTES = 8;

/**
 * Before the file closes: a bool attribute whose object ended up with more attributes than its
 * header holds lives in HDF5's dense attribute storage, where its enum rewrite cannot reach; it is
 * written again as uint8 with the bool marker (which nwbjs reads back as bool).
 */
export function settleBoolAttributes(file: Hdf5File): void {
  for (const [id, standIn] of [...file.boolStandIns]) {
    const { path, attribute } = standIn;
    if (attribute === undefined || attributeNames(file, path).length <= MAX_COMPACT_ATTRIBUTES) continue;
    file.boolStandIns.delete(id);
    const value = boolsOfStandIn(readAttribute(file, path, attribute));
    if (value !== undefined) writeAttribute(file, path, attribute, value, true);
  }
}

function writeAttribute(
  file: Hdf5File,
  path: string,
  name: string,
  value: NdArray,
  forceMarker: boolean,
): void {
  forgetStandIn(file, path, name);
  const isBool = value.dtype === 'bool';
  // An empty bool attribute holds no text to find its stand-in by: it stays uint8 with the marker.
  const marked = isBool && (forceMarker || shapeSize(value.shape) === 0);
  if (isBool && !marked) {
    const id = standInId();
    setRawAttribute(file, path, name, boolAttributeStandIn(value, id));
    file.boolStandIns.set(id, { path, attribute: name });
  } else {
    setRawAttribute(file, path, name, isBool ? { ...value, dtype: 'uint8' } : value);
  }
  const wasBool = boolAttributeNames(file, path);
  if (marked !== wasBool.has(name)) {
    if (marked) wasBool.add(name);
    else wasBool.delete(name);
    if (wasBool.size > 0) {
      setRawAttribute(file, path, BOOL_ATTRS_MARKER, {
        dtype: 'utf8',
        shape: [wasBool.size],
        data: [...wasBool],
      });
    } else {
      deleteAttribute(file, path, BOOL_ATTRS_MARKER);
    }
  }
}

/** Drops the stand-in an attribute had, if it is being replaced or deleted. */
function forgetStandIn(file: Hdf5File, path: string, name: string): void {
  for (const [id, standIn] of file.boolStandIns) {
    if (standIn.path === path && standIn.attribute === name) file.boolStandIns.delete(id);
  }
}

function boolAttributeNames(file: Hdf5File, path: string): Set<string> {
  if (!attributeNames(file, path).includes(BOOL_ATTRS_MARKER)) return new Set();
  return new Set(readAttribute(file, path, BOOL_ATTRS_MARKER).data as string[]);
}

function attributeNames(file: Hdf5File, path: string): string[] {
  return guard(path, 'listing attributes', () => file.module.get_attribute_names(file.fileId, path));
}

function deleteAttribute(file: Hdf5File, path: string, name: string): void {
  if (!attributeNames(file, path).includes(name)) return;
  file.changed(path);
  const status = guard(path, `deleting attribute ${name}`, () =>
    file.module.delete_attribute(file.fileId, path, name),
  );
  file.check(status, path, `deleting attribute ${name}`);
}

/** Writes one attribute as given (after deleting one of the same name: HDF5 cannot overwrite). */
function setRawAttribute(file: Hdf5File, path: string, name: string, value: NdArray): void {
  const where = `${path}@${name}`;
  const { module, fileId } = file;
  // What is cached about a dataset can depend on its attributes (the bool marker).
  file.changed(path);
  const type = fixedTextType(value.dtype, value.textLength) ?? typeMetadata(value.dtype, where);
  const meta = { ...type, shape: value.shape.map(BigInt), maxshape: value.shape.map(BigInt) };
  // References are encoded first, so a missing target fails before the old value is gone.
  const bytes =
    (value.dtype === 'utf8' || value.dtype === 'ascii') && type.vlen
      ? undefined
      : encodeFixed(file, where, value, type);
  deleteAttribute(file, path, name);
  if (bytes === undefined && (value.data as string[]).some(holdsRawBytes)) {
    const strings = stringsToHeap(module, value.data as string[]);
    try {
      const status = guard(where, 'writing the attribute', () =>
        module.create_attribute(fileId, path, name, BigInt(strings.ptr), meta as never),
      );
      file.check(status, where, 'writing the attribute');
    } finally {
      strings.free();
    }
    return;
  }
  if (bytes === undefined) {
    const status = guard(where, 'writing the attribute', () =>
      module.create_vlen_str_attribute(fileId, path, name, value.data as string[], meta as never),
    );
    file.check(status, where, 'writing the attribute');
    return;
  }
  const ptr = copyToHeap(module, bytes);
  try {
    const status = guard(where, 'writing the attribute', () =>
      module.create_attribute(fileId, path, name, BigInt(ptr), meta as never),
    );
    file.check(status, where, 'writing the attribute');
  } finally {
    module._free(ptr);
  }
}

/** `createLink`: a soft link, or an external link when `target.file` is set. */
export function createLink(file: Hdf5File, rawPath: string, target: LinkTarget): void {
  const path = creatable(file, rawPath);
  const to = normalizePath(target.target);
  if (to === undefined)
    throw new ValidationError(`link target ${target.target} is not absolute`, { path, rule: 'link-target' });
  const { module, fileId } = file;
  if (target.file === undefined) {
    const status = guard(path, 'creating the soft link', () => module.create_soft_link(fileId, to, path));
    file.check(status, path, 'creating the soft link');
    file.added(path, { kind: 'soft', target: to });
  } else {
    if (target.file === '')
      throw new ValidationError('external link without a file name', { path, rule: 'link-target' });
    const status = guard(path, 'creating the external link', () =>
      module.create_external_link(fileId, target.file!, to, path),
    );
    file.check(status, path, 'creating the external link');
    file.added(path, { kind: 'external', target: to, file: target.file });
  }
}
