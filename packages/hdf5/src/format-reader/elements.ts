/**
 * Stored elements (the file's bytes, `datatype.size` each) to nwbjs array storage, as the h5wasm
 * backend presents them: numbers in typed arrays (byte order made native), bools as 0/1 bytes,
 * fixed-length text cut at the first NUL (space padding dropped), variable-length text from the
 * global heap, object references as the target's path, region references as path and selection,
 * compound rows as records. Bytes that are not UTF-8 are kept (core's `decodeText`).
 */
import type {
  ArrayData,
  CompoundRow,
  DType,
  NumericArray,
  NumericDType,
  ObjectRef,
  RegionRef,
} from '@nwbjs/core';
import { InvalidFileError, isNumericDType, objectRef, regionRef } from '@nwbjs/core';
import { isCompoundDType, typedArrayFor } from '@nwbjs/core/backend';
import { Cursor } from '../format/cursor.js';
import type { Datatype } from '../format/datatype.js';
import type { Hdf5Structure } from '../format/hdf5-structure.js';
import { parseSelection } from '../region-refs.js';
import { cString, fixedString } from '../stored-text.js';

/** What decoding needs beyond the bytes: the file, and the paths of objects by header address. */
export interface ElementContext {
  readonly structure: Hdf5Structure;
  /** The path of the object whose header is at `address`, or undefined if no path reaches it. */
  readonly pathOf: (address: number) => Promise<string | undefined>;
  /** The object the elements belong to, for errors. */
  readonly path: string;
}

/** Decodes `count` elements of `type` (as `dtype`) from `bytes`; `out` is used when it fits. */
export async function decodeElements(
  bytes: Uint8Array,
  count: number,
  type: Datatype,
  dtype: DType,
  context: ElementContext,
  out?: ArrayData,
): Promise<ArrayData> {
  if (isCompoundDType(dtype)) return decodeCompound(bytes, count, type, dtype, context);
  if (dtype === 'utf8' || dtype === 'ascii') return decodeStrings(bytes, count, type, context);
  if (dtype === 'ref') return decodeRefs(bytes, count, type, context);
  if (dtype === 'region') return decodeRegionRefs(bytes, count, type, context);
  if (dtype === 'bool') return decodeBools(bytes, count, type, out);
  return decodeNumbers(bytes, count, type, dtype, out);
}

/** A typed array of `dtype` with `count` elements: `out` (or its start) when it fits, else new. */
export function numericTarget(dtype: NumericDType | 'bool', count: number, out?: ArrayData): NumericArray {
  const ctor = typedArrayFor(dtype);
  if (out instanceof ctor && out.length >= count) {
    return (out.length === count ? out : out.subarray(0, count)) as NumericArray;
  }
  return new ctor(count) as NumericArray;
}

function decodeNumbers(
  bytes: Uint8Array,
  count: number,
  type: Datatype,
  dtype: NumericDType,
  out?: ArrayData,
): NumericArray {
  const target = numericTarget(dtype, count, out);
  const size = target.BYTES_PER_ELEMENT;
  const view = new Uint8Array(target.buffer, target.byteOffset, count * size);
  if (size !== type.size) throw new Error(`element size ${type.size} is not ${dtype}'s`);
  if (view !== bytes) view.set(bytes.subarray(0, count * size));
  if (!type.littleEndian && size > 1) {
    for (let at = 0; at < view.length; at += size) view.subarray(at, at + size).reverse();
  }
  return target;
}

function decodeBools(bytes: Uint8Array, count: number, type: Datatype, out?: ArrayData): Uint8Array {
  const target = numericTarget('bool', count, out) as Uint8Array;
  const size = type.size;
  if (size === 1) {
    if (target !== bytes) target.set(bytes.subarray(0, count));
    return target;
  }
  for (let i = 0; i < count; i++)
    target[i] = bytes.subarray(i * size, (i + 1) * size).some((b) => b !== 0) ? 1 : 0;
  return target;
}

async function decodeStrings(
  bytes: Uint8Array,
  count: number,
  type: Datatype,
  context: ElementContext,
): Promise<string[]> {
  const size = type.size;
  if (type.class === 'string') {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      out[i] = fixedString(bytes.subarray(i * size, (i + 1) * size), type.padding === 'spacepad');
    }
    return out;
  }
  // Variable-length: per element a length, then the global heap ID of the characters.
  const { sizes } = context.structure;
  return eachElement(bytes, count, size, async (raw) => {
    const c = new Cursor(raw, sizes, 0);
    const length = c.u32();
    const collection = c.offset();
    const index = c.u32();
    if (length === 0 || collection === undefined || collection === 0) return '';
    const object = await context.structure.globalHeap.object(collection, index);
    return cString(object.subarray(0, Math.min(length, object.length)));
  });
}

/** `decode` of each element's bytes, all at once. */
function eachElement<T>(
  bytes: Uint8Array,
  count: number,
  size: number,
  decode: (raw: Uint8Array) => Promise<T>,
): Promise<T[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => decode(bytes.subarray(i * size, (i + 1) * size))),
  );
}

/** The path of the object a reference points at; InvalidFileError for a target without a name. */
async function targetOf(
  address: number,
  what: 'object' | 'region',
  context: ElementContext,
): Promise<string> {
  const target = await context.pathOf(address);
  if (target !== undefined) return target;
  const reference =
    what === 'object' ? 'an object reference to an object' : 'a region reference to a dataset';
  throw new InvalidFileError(`holds ${reference} without a name`, { path: context.path });
}

function checkNotNull(raw: Uint8Array, what: 'object' | 'region', context: ElementContext): void {
  if (raw.every((b) => b === 0))
    throw new InvalidFileError(`holds a null ${what} reference`, { path: context.path });
}

async function decodeRefs(
  bytes: Uint8Array,
  count: number,
  type: Datatype,
  context: ElementContext,
): Promise<ObjectRef[]> {
  const { sizes } = context.structure;
  return eachElement(bytes, count, type.size, async (raw) => {
    checkNotNull(raw, 'object', context);
    const address = new Cursor(raw, sizes, 0).uint(sizes.offsetSize);
    return objectRef(await targetOf(address, 'object', context));
  });
}

async function decodeRegionRefs(
  bytes: Uint8Array,
  count: number,
  type: Datatype,
  context: ElementContext,
): Promise<RegionRef[]> {
  const { sizes, globalHeap } = context.structure;
  return eachElement(bytes, count, type.size, async (raw) => {
    checkNotNull(raw, 'region', context);
    const c = new Cursor(raw, sizes, 0);
    const collection = c.definedOffset('region reference');
    const object = await globalHeap.object(collection, c.u32());
    const address = new Cursor(object, sizes, collection).uint(sizes.offsetSize);
    const target = await targetOf(address, 'region', context);
    try {
      return regionRef(target, parseSelection(object.subarray(sizes.offsetSize)));
    } catch (error) {
      throw new InvalidFileError(
        `holds a region reference that cannot be decoded: ${(error as Error).message}`,
        { path: context.path, cause: error },
      );
    }
  });
}

async function decodeCompound(
  bytes: Uint8Array,
  count: number,
  type: Datatype,
  dtype: { compound: { name: string; dtype: DType }[] },
  context: ElementContext,
): Promise<CompoundRow[]> {
  const members = type.members ?? [];
  const rows: CompoundRow[] = Array.from({ length: count }, () => ({}));
  await Promise.all(
    dtype.compound.map(async (field, f) => {
      const member = members[f]!;
      // The member's bytes of every row, side by side, decoded as one array.
      const column = new Uint8Array(count * member.type.size);
      for (let i = 0; i < count; i++) {
        const at = i * type.size + member.offset;
        column.set(bytes.subarray(at, at + member.type.size), i * member.type.size);
      }
      const values = (await decodeElements(
        column,
        count,
        member.type,
        field.dtype,
        context,
      )) as ArrayLike<unknown>;
      for (let i = 0; i < count; i++) {
        const value = values[i];
        rows[i]![field.name] = (field.dtype === 'bool' ? value !== 0 : value) as CompoundRow[string];
      }
    }),
  );
  return rows;
}

/** True for dtypes decoded straight from the bytes (no heap or reference lookups). */
export function isFixedNumeric(dtype: DType): dtype is NumericDType | 'bool' {
  return isNumericDType(dtype) || dtype === 'bool';
}
