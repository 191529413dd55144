/**
 * HDF5 dataset region references (H5T_STD_REF_DSETREG, 12 bytes) to and from nwbjs RegionRefs.
 *
 * h5wasm names the dataset a region reference points at, but not which elements it selects: the
 * selection lives in the file's global heap, where the reference's first 8 bytes (the heap
 * collection's address) and last 4 (the object's index) find it. That object is the dataset's
 * object header address followed by the serialized selection, whose layout the HDF5 file format
 * specification gives (dataspace selection, versions 1-3). Both are decoded here from the file's
 * bytes. Writing goes through h5wasm, which creates references to one regular hyperslab (or the
 * whole dataset), so only selections of that shape can be written.
 */
import type { RegionRef, RegionSelection } from '@nwbjs/core';
import { InvalidFileError, UnsupportedError, regionRef } from '@nwbjs/core';
import { guard } from './errors.js';
import type { H5Module } from './module.js';
import { type ReferencePaths, addressKey } from './reference-paths.js';

/** Size of an H5T_STD_REF_DSETREG reference. */
export const REGION_REF_SIZE = 12;

/** Reads bytes of the file at absolute offsets. */
export type ByteReader = (offset: number, length: number) => Uint8Array;

/** What the superblock says about addresses: sizes of offsets and lengths, and the base address. */
interface AddressFormat {
  readonly offsetSize: number;
  readonly lengthSize: number;
  readonly base: number;
}

/** A reader of the file HDF5 has open at `fsPath` in h5wasm's file system (MEMFS or the real one). */
function fileByteReader(module: H5Module, fsPath: string): ByteReader {
  const fs = module.FS as unknown as {
    open(path: string, flags: string): unknown;
    read(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
    close(stream: unknown): void;
  };
  return (offset, length) => {
    const out = new Uint8Array(length);
    const stream = fs.open(fsPath, 'r');
    try {
      const got = fs.read(stream, out, 0, length, offset);
      return got === length ? out : out.subarray(0, got);
    } finally {
      fs.close(stream);
    }
  };
}

/**
 * Decodes the region references of one open file. What it reads of the file (the superblock's
 * address sizes, heap collections) is kept; a heap object not found in a kept collection (one
 * written since) makes it flush the file and read the collection again.
 */
export class RegionDecoder {
  readonly #module: H5Module;
  readonly #fileId: bigint;
  readonly #read: ByteReader;
  #format: AddressFormat | undefined;
  readonly #collections = new Map<number, Uint8Array>();

  constructor(module: H5Module, fileId: bigint, fsPath: string) {
    this.#module = module;
    this.#fileId = fileId;
    this.#read = fileByteReader(module, fsPath);
  }

  /** Decodes one region reference (`bytes` holds its 12 bytes). */
  decode(bytes: Uint8Array, path: string, paths?: ReferencePaths): RegionRef {
    return decodeRegionRef(this.#module, this.#fileId, this, bytes, path, paths);
  }

  /** The data of heap object `index` of the collection at `address`. */
  heapObject(address: number, index: number): { data: Uint8Array; offsetSize: number } {
    this.#format ??= addressFormat(this.#read);
    const format = this.#format;
    let heap = this.#collections.get(address);
    let found = heap === undefined ? undefined : findObject(heap, format, index);
    if (found === undefined) {
      this.#module.flush(this.#fileId);
      heap = readCollection(this.#read, format, address);
      this.#collections.set(address, heap);
      found = findObject(heap, format, index);
    }
    if (found === undefined) throw new Error(`global heap object ${index} not found`);
    return { data: found, offsetSize: format.offsetSize };
  }
}

function decodeRegionRef(
  module: H5Module,
  fileId: bigint,
  decoder: RegionDecoder,
  bytes: Uint8Array,
  path: string,
  paths: ReferencePaths | undefined,
): RegionRef {
  if (bytes.every((b) => b === 0)) throw new InvalidFileError('holds a null region reference', { path });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const collection = Number(view.getBigUint64(0, true));
  const index = view.getUint32(8, true);
  let object: { data: Uint8Array; offsetSize: number };
  let selection: RegionSelection;
  try {
    object = decoder.heapObject(collection, index);
    selection = parseSelection(object.data.subarray(object.offsetSize));
  } catch (error) {
    if (error instanceof InvalidFileError) throw new InvalidFileError(error.message, { path, cause: error });
    throw new InvalidFileError(
      `holds a region reference that cannot be decoded: ${(error as Error).message}`,
      {
        path,
        cause: error,
      },
    );
  }
  // The heap object starts with the dataset's header address.
  const address = addressKey(object.data.subarray(0, object.offsetSize));
  const target =
    guard(path, 'dereferencing a region reference', () => paths?.pathOf(address)) ??
    guard(path, 'dereferencing a region reference', () => module.get_referenced_name(fileId, bytes, false));
  if (typeof target !== 'string' || target === '') {
    throw new InvalidFileError('holds a region reference to a dataset without a name', { path });
  }
  return regionRef(target, selection);
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function addressFormat(read: ByteReader): AddressFormat {
  // The superblock is at 0, or after a user block of 512, 1024, 2048, ... bytes.
  for (let at = 0; at < 2 ** 32; at = at === 0 ? 512 : at * 2) {
    const head = read(at, 48);
    if (head.length < 48) break;
    if (!SIGNATURE.every((b, i) => head[i] === b)) continue;
    const version = head[8]!;
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (version <= 1) {
      const offsetSize = head[13]!;
      const lengthSize = head[14]!;
      const baseAt = version === 0 ? 24 : 28;
      return { offsetSize, lengthSize, base: readUint(dv, baseAt, offsetSize) };
    }
    const offsetSize = head[9]!;
    const lengthSize = head[10]!;
    return { offsetSize, lengthSize, base: readUint(dv, 12, offsetSize) };
  }
  throw new Error('no HDF5 superblock found');
}

/** The bytes of the global heap collection at `address`. */
function readCollection(read: ByteReader, format: AddressFormat, address: number): Uint8Array {
  const { lengthSize, base } = format;
  const start = base + address;
  const head = read(start, 8 + lengthSize);
  if (String.fromCharCode(...head.subarray(0, 4)) !== 'GCOL')
    throw new Error('no global heap collection there');
  const size = readUint(new DataView(head.buffer, head.byteOffset, head.byteLength), 8, lengthSize);
  if (size > 1 << 30) throw new Error('global heap collection is too large');
  return read(start, size);
}

/** Object `index` of a global heap collection, or undefined. */
function findObject(heap: Uint8Array, format: AddressFormat, index: number): Uint8Array | undefined {
  const { lengthSize } = format;
  const dv = new DataView(heap.buffer, heap.byteOffset, heap.byteLength);
  let at = 8 + lengthSize;
  while (at + 8 + lengthSize <= heap.length) {
    const id = dv.getUint16(at, true);
    const objectSize = readUint(dv, at + 8, lengthSize);
    const dataAt = at + 8 + lengthSize;
    if (id === 0) break;
    if (id === index) {
      if (dataAt + objectSize > heap.length) throw new Error('global heap object runs past its collection');
      return heap.subarray(dataAt, dataAt + objectSize);
    }
    at = dataAt + Math.ceil(objectSize / 8) * 8;
  }
  return undefined;
}

/** A serialized dataspace selection (H5S_SEL_NONE, POINTS, HYPERSLABS or ALL). */
export function parseSelection(bytes: Uint8Array): RegionSelection {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint32(0, true);
  const version = dv.getUint32(4, true);
  switch (type) {
    case 0:
      return { kind: 'none' };
    case 3:
      return { kind: 'all' };
    case 1:
      return parsePoints(dv, version);
    case 2:
      return parseHyperslab(dv, version);
    default:
      throw new Error(`unknown selection type ${type}`);
  }
}

function parsePoints(dv: DataView, version: number): RegionSelection {
  let at = 8;
  let size = 4;
  if (version === 1)
    at += 8; // reserved, length
  else {
    size = dv.getUint8(at);
    at += 1;
  }
  const rank = dv.getUint32(at, true);
  at += 4;
  const n = readUint(dv, at, size);
  at += size;
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    const point: number[] = [];
    for (let d = 0; d < rank; d++, at += size) point.push(readUint(dv, at, size));
    points.push(point);
  }
  return { kind: 'points', points };
}

function parseHyperslab(dv: DataView, version: number): RegionSelection {
  let at = 8;
  if (version === 1) {
    at += 8; // reserved, length
    const rank = dv.getUint32(at, true);
    const n = dv.getUint32(at + 4, true);
    at += 8;
    return { kind: 'blocks', blocks: readBlocks(dv, at, rank, n, 4) };
  }
  const flags = dv.getUint8(at);
  at += 1;
  let size = 8;
  if (version === 2)
    at += 4; // length
  else {
    size = dv.getUint8(at);
    at += 1;
  }
  const rank = dv.getUint32(at, true);
  at += 4;
  if ((flags & 1) !== 0) {
    const axis = (): number[] => {
      const out: number[] = [];
      for (let d = 0; d < rank; d++, at += size) out.push(readUint(dv, at, size));
      return out;
    };
    const start = axis();
    const stride = axis();
    const count = axis();
    const block = axis();
    return { kind: 'hyperslab', start, stride, count, block };
  }
  const n = readUint(dv, at, size);
  return { kind: 'blocks', blocks: readBlocks(dv, at + size, rank, n, size) };
}

function readBlocks(dv: DataView, at: number, rank: number, n: number, size: number) {
  const blocks: { start: number[]; end: number[] }[] = [];
  for (let i = 0; i < n; i++) {
    const start: number[] = [];
    const end: number[] = [];
    for (let d = 0; d < rank; d++, at += size) start.push(readUint(dv, at, size));
    for (let d = 0; d < rank; d++, at += size) end.push(readUint(dv, at, size));
    blocks.push({ start, end });
  }
  return blocks;
}

function readUint(dv: DataView, at: number, size: number): number {
  switch (size) {
    case 1:
      return dv.getUint8(at);
    case 2:
      return dv.getUint16(at, true);
    case 4:
      return dv.getUint32(at, true);
    case 8: {
      const value = dv.getBigUint64(at, true);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('an address or extent is too large');
      return Number(value);
    }
    default:
      throw new Error(`unsupported integer size ${size}`);
  }
}

/**
 * The hyperslab h5wasm can create for a selection: per axis `offset`, `count` elements `stride`
 * apart (blocks of one), or nothing for the whole dataset. Undefined when h5wasm cannot say it.
 */
export function creatableSelection(
  selection: RegionSelection,
): { offset: number[]; count: number[]; stride: number[] } | null | undefined {
  switch (selection.kind) {
    case 'all':
      return null;
    case 'hyperslab': {
      const { start, stride, count, block } = selection;
      if (block.every((b) => b === 1)) return { offset: [...start], count: [...count], stride: [...stride] };
      if (count.every((c) => c === 1))
        return { offset: [...start], count: [...block], stride: block.map(() => 1) };
      if (stride.every((s, i) => s === block[i]))
        return { offset: [...start], count: count.map((c, i) => c * block[i]!), stride: block.map(() => 1) };
      return undefined;
    }
    case 'blocks': {
      if (selection.blocks.length !== 1) return undefined;
      const { start, end } = selection.blocks[0]!;
      return { offset: [...start], count: start.map((s, i) => end[i]! - s + 1), stride: start.map(() => 1) };
    }
    case 'points':
      if (selection.points.length !== 1) return undefined;
      return {
        offset: [...selection.points[0]!],
        count: selection.points[0]!.map(() => 1),
        stride: selection.points[0]!.map(() => 1),
      };
    default:
      return undefined;
  }
}

/** The references of `refs`, packed one after another (12 bytes each). */
export function encodeRegionRefs(
  module: H5Module,
  fileId: bigint,
  refs: readonly RegionRef[],
  path: string,
): Uint8Array {
  const out = new Uint8Array(refs.length * REGION_REF_SIZE);
  refs.forEach((ref, i) => {
    const slab = creatableSelection(ref.selection);
    if (slab === undefined) {
      throw new UnsupportedError(
        `a region reference to ${ref.path} selects a ${ref.selection.kind} region that h5wasm cannot create ` +
          '(only one regular hyperslab or the whole dataset)',
        { path, feature: 'region-selection', backend: 'hdf5' },
      );
    }
    const bytes = guard(path, `creating a region reference to ${ref.path}`, () =>
      slab === null
        ? module.create_region_reference(fileId, ref.path, null, null, null)
        : module.create_region_reference(
            fileId,
            ref.path,
            slab.count.map(BigInt),
            slab.offset.map(BigInt),
            slab.stride.map(BigInt),
          ),
    );
    out.set(Uint8Array.from(bytes as ArrayLike<number>).subarray(0, REGION_REF_SIZE), i * REGION_REF_SIZE);
  });
  return out;
}
