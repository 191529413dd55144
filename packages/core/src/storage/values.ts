/**
 * In-memory values that cross the storage interface: n-dimensional arrays (dataset contents and
 * attribute values) and object references.
 */
import type { CompoundDType, DType, NumericArray, NumericDType } from './dtype.js';
import { dtypeOfTypedArray, isCompoundDType, isNumericDType, typedArrayFor } from './dtype.js';
import { ValidationError } from '../errors.js';

/**
 * A reference to another object in the same file, by absolute path. `objectId` is the target's
 * `object_id` when known; backends that store it (hdmf-zarr) fill it in, others ignore it.
 */
export interface ObjectRef {
  /** Absolute path of the target. */
  readonly path: string;
  /** The target's `object_id`, when known. */
  readonly objectId?: string;
}

/** Creates an {@link ObjectRef}. */
export function objectRef(path: string, objectId?: string): ObjectRef {
  return objectId === undefined ? { path } : { path, objectId };
}

/** True for values shaped like an {@link ObjectRef}. */
export function isObjectRef(value: unknown): value is ObjectRef {
  return typeof value === 'object' && value !== null && typeof (value as ObjectRef).path === 'string';
}

/**
 * Which elements of a dataset a region reference selects, as HDF5 describes a selection: all of
 * them, none, a regular hyperslab (per axis: `count` blocks of `block` elements, `stride` apart,
 * from `start`), a list of blocks (inclusive `start`/`end` corners) or a list of points.
 */
export type RegionSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | {
      readonly kind: 'hyperslab';
      readonly start: readonly number[];
      readonly stride: readonly number[];
      readonly count: readonly number[];
      readonly block: readonly number[];
    }
  | {
      readonly kind: 'blocks';
      readonly blocks: readonly { start: readonly number[]; end: readonly number[] }[];
    }
  | { readonly kind: 'points'; readonly points: readonly (readonly number[])[] };

/** A reference to a region of a dataset (dtype `region`): the dataset's path and the selection. */
export interface RegionRef {
  /** Absolute path of the dataset. */
  readonly path: string;
  /** The selected elements. */
  readonly selection: RegionSelection;
}

/** Creates a {@link RegionRef}. */
export function regionRef(path: string, selection: RegionSelection): RegionRef {
  return { path, selection };
}

/**
 * A selection spelled one way only, for comparing: a hyperslab becomes its list of blocks, and
 * blocks touching along a one-dimensional dataset are joined. (HDF5 may give back a hyperslab it
 * was given as a list of blocks, and the other way round.)
 */
export function canonicalSelection(selection: RegionSelection): RegionSelection {
  if (selection.kind === 'all' || selection.kind === 'none' || selection.kind === 'points') return selection;
  let blocks: { start: number[]; end: number[] }[] = [];
  if (selection.kind === 'blocks') {
    blocks = selection.blocks.map((b) => ({ start: [...b.start], end: [...b.end] }));
  } else {
    const { start, stride, count, block } = selection;
    const rank = start.length;
    const index = new Array<number>(rank).fill(0);
    const total = count.reduce((n, c) => n * c, 1);
    for (let k = 0; k < total; k++) {
      const first = index.map((i, d) => start[d]! + i * stride[d]!);
      blocks.push({ start: first, end: first.map((f, d) => f + block[d]! - 1) });
      for (let d = rank - 1; d >= 0; d--) {
        if (++index[d]! < count[d]!) break;
        index[d] = 0;
      }
    }
  }
  if (blocks.length > 0 && blocks[0]!.start.length === 1) {
    blocks.sort((a, b) => a.start[0]! - b.start[0]!);
    const joined: { start: number[]; end: number[] }[] = [];
    for (const b of blocks) {
      const last = joined[joined.length - 1];
      if (last !== undefined && b.start[0]! <= last.end[0]! + 1)
        last.end[0] = Math.max(last.end[0]!, b.end[0]!);
      else joined.push(b);
    }
    blocks = joined;
  }
  return { kind: 'blocks', blocks };
}

/** True for values shaped like a {@link RegionRef} (test before {@link isObjectRef}, which they also pass). */
export function isRegionRef(value: unknown): value is RegionRef {
  return (
    isObjectRef(value) &&
    typeof (value as RegionRef).selection === 'object' &&
    (value as RegionRef).selection !== null
  );
}

/** One row of a compound dataset: field name to value. */
export type CompoundRow = Record<string, number | bigint | boolean | string | ObjectRef | RegionRef>;

/** The element storage of an {@link NdArray}, by dtype. */
export type ArrayData = NumericArray | string[] | ObjectRef[] | RegionRef[] | CompoundRow[];

/** The typed array of each numeric dtype. */
interface TypedArrays {
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float32: Float32Array;
  float64: Float64Array;
}

/**
 * The element storage `NdArray` uses for a dtype known at compile time: the typed array of a numeric
 * dtype (`Uint8Array` for `uint8`, `BigInt64Array` for `int64`), `Uint8Array` for bool, strings for
 * text, references and records otherwise. `ArrayFor<DType>` is every kind ({@link ArrayData}).
 */
export type ArrayFor<D extends DType> = DType extends D
  ? ArrayData
  : D extends NumericDType
    ? TypedArrays[D]
    : D extends 'bool'
      ? Uint8Array
      : D extends 'utf8' | 'ascii'
        ? string[]
        : D extends 'ref'
          ? ObjectRef[]
          : D extends 'region'
            ? RegionRef[]
            : CompoundRow[];

/** Whether `array` has dtype `dtype`, narrowing its elements' type (`Uint8Array` for `uint8`). */
export function hasDType<D extends DType>(
  array: NdArray,
  dtype: D,
): array is NdArray<ArrayFor<D>> & { dtype: D } {
  return formatDTypeKey(array.dtype) === formatDTypeKey(dtype);
}

function formatDTypeKey(dtype: DType): string {
  return typeof dtype === 'string' ? dtype : JSON.stringify(dtype);
}

/**
 * An n-dimensional array in C (row-major) order. `shape` is `[]` for a scalar (one element).
 *
 * Storage by dtype: numeric dtypes use the matching typed array (BigInt64Array/BigUint64Array for
 * 64-bit integers); `bool` uses a Uint8Array of 0/1; `utf8`/`ascii` use `string[]`; `ref` uses
 * `ObjectRef[]`; `region` uses `RegionRef[]`; compound dtypes use one record per element.
 */
export interface NdArray<D extends ArrayData = ArrayData> {
  /** Element type. */
  readonly dtype: DType;
  /** Extent of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The elements in C order, stored as the dtype needs (see above). */
  readonly data: D;
  /**
   * Text only: the strings are stored fixed-length, this many bytes each (an HDF5 string type of
   * fixed size, numpy's `S<n>`), as DANDI's `colnames` or MatNWB's attributes are. Absent for
   * variable-length text. Backends keep it where the format can (h5py reads the two kinds back
   * differently: fixed-length as bytes, variable-length as text).
   */
  readonly textLength?: number;
}

/** The number of elements a shape holds (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that `data` suits `dtype` and holds exactly the elements `shape` calls for. */
export function ndarray<D extends ArrayData>(dtype: DType, shape: readonly number[], data: D): NdArray<D> {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new ValidationError(`invalid shape [${shape.join(', ')}]`, { rule: 'shape' });
  }
  const expected = shapeSize(shape);
  if (data.length !== expected) {
    throw new ValidationError(
      `shape [${shape.join(', ')}] holds ${expected} elements, data has ${data.length}`,
      {
        rule: 'shape',
      },
    );
  }
  checkStorage(dtype, data);
  return { dtype, shape: [...shape], data };
}

function checkStorage(dtype: DType, data: ArrayData): void {
  if (isNumericDType(dtype) || dtype === 'bool') {
    const ctor = typedArrayFor(dtype);
    if (!(data instanceof ctor)) {
      throw new ValidationError(
        `dtype ${dtype} needs a ${ctor.name}, got ${Object.prototype.toString.call(data)}`,
        {
          rule: 'dtype',
        },
      );
    }
  } else if (!Array.isArray(data)) {
    throw new ValidationError(`dtype ${isCompoundDType(dtype) ? 'compound' : dtype} needs a plain array`, {
      rule: 'dtype',
    });
  }
}

/** A numeric array from a typed array; its dtype is that of the typed array. */
export function fromTypedArray(data: NumericArray, shape: readonly number[] = [data.length]): NdArray {
  return ndarray(dtypeOfTypedArray(data), shape, data);
}

/** A scalar of a numeric dtype. */
export function numericScalar(dtype: NumericDType, value: number | bigint): NdArray {
  const ctor = typedArrayFor(dtype);
  const big = dtype === 'int64' || dtype === 'uint64';
  const data = new ctor(1) as NumericArray;
  data[0] = big ? BigInt(value) : Number(value);
  return { dtype, shape: [], data };
}

/** A text scalar (`utf8` unless given `ascii`). */
export function textScalar(value: string, dtype: 'utf8' | 'ascii' = 'utf8'): NdArray<string[]> {
  return { dtype, shape: [], data: [value] };
}

/** A 1-D text array (`utf8` unless given `ascii`). */
export function textArray(values: readonly string[], dtype: 'utf8' | 'ascii' = 'utf8'): NdArray<string[]> {
  return { dtype, shape: [values.length], data: [...values] };
}

/** A bool array (or scalar, with `shape` `[]`). */
export function boolArray(values: readonly boolean[], shape: readonly number[] = [values.length]): NdArray {
  return ndarray(
    'bool',
    shape,
    Uint8Array.from(values, (v) => (v ? 1 : 0)),
  );
}

/** A scalar object reference, or a 1-D array of them. */
export function refArray(refs: readonly ObjectRef[], scalar = false): NdArray<ObjectRef[]> {
  if (scalar && refs.length !== 1)
    throw new ValidationError('a scalar reference holds exactly one reference', { rule: 'shape' });
  return { dtype: 'ref', shape: scalar ? [] : [refs.length], data: [...refs] };
}

/** A compound array of rows. */
export function compoundArray(dtype: CompoundDType, rows: readonly CompoundRow[]): NdArray<CompoundRow[]> {
  return { dtype, shape: [rows.length], data: [...rows] };
}

/** True when the array is a scalar (shape `[]`). */
export function isScalar(array: NdArray): boolean {
  return array.shape.length === 0;
}

/**
 * The elements of an array as plain JS values (numbers, bigints, booleans, strings, refs), in C order.
 * Meant for small arrays such as attributes; datasets should stay typed.
 */
export function toJsValues(
  array: NdArray,
): Array<number | bigint | boolean | string | ObjectRef | RegionRef | CompoundRow> {
  if (array.dtype === 'bool') return Array.from(array.data as Uint8Array, (v) => v !== 0);
  return Array.from(array.data as ArrayLike<number | bigint | string | ObjectRef | RegionRef | CompoundRow>);
}

/** The single element of a scalar or one-element array, as a plain JS value. */
export function scalarValue(
  array: NdArray,
): number | bigint | boolean | string | ObjectRef | RegionRef | CompoundRow {
  if (array.data.length !== 1) {
    throw new ValidationError(`expected one element, got shape [${array.shape.join(', ')}]`, {
      rule: 'shape',
    });
  }
  return toJsValues(array)[0]!;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * Text from stored bytes, losing nothing: valid UTF-8 decodes as usual, and each byte that is not
 * part of valid UTF-8 becomes a lone surrogate U+DC80-U+DCFF, as Python's `surrogateescape` does
 * (a MatNWB unit `b'\xb5V'` reads as `'\udcb5V'`). {@link encodeText} gives the bytes back.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

function decodeEscaping(bytes: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units.push(b);
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = length > 0 && i + length <= bytes.length;
    for (let k = 1; ok && k < length; k++) {
      const c = bytes[i + k]!;
      let low = 0x80;
      let high = 0xbf;
      if (k === 1 && b === 0xe0) low = 0xa0;
      if (k === 1 && b === 0xed) high = 0x9f;
      if (k === 1 && b === 0xf0) low = 0x90;
      if (k === 1 && b === 0xf4) high = 0x8f;
      ok = c >= low && c <= high;
    }
    if (!ok) {
      units.push(0xdc00 + b);
      i++;
      continue;
    }
    let cp = b & (length === 2 ? 0x1f : length === 3 ? 0x0f : 0x07);
    for (let k = 1; k < length; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += length;
  }
  let out = '';
  for (let k = 0; k < units.length; k += 4096) out += String.fromCharCode(...units.slice(k, k + 4096));
  return out;
}

/** The bytes of text: UTF-8, except that the escapes of {@link decodeText} become their bytes again. */
export function encodeText(text: string): Uint8Array {
  if (!/[\udc80-\udcff]/.test(text)) return utf8Encoder.encode(text);
  const parts: number[] = [];
  let run = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const escaped = unit >= 0xdc80 && unit <= 0xdcff && !(i > 0 && isHighSurrogate(text.charCodeAt(i - 1)));
    if (!escaped) {
      run += text[i];
      continue;
    }
    if (run !== '') parts.push(...utf8Encoder.encode(run));
    run = '';
    parts.push(unit - 0xdc00);
  }
  if (run !== '') parts.push(...utf8Encoder.encode(run));
  return Uint8Array.from(parts);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
