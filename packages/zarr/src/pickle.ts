/**
 * A strict decoder for the one kind of pickle hdmf-zarr (<= 0.13) stores: numcodecs' `pickle`
 * object codec applied to a numpy object array of `hdmf_zarr.utils.ZarrReference` dicts (or of
 * strings). It is not an unpickler: it runs a small fixed set of opcodes, allows five globals
 * (numpy's ndarray / dtype / `_reconstruct`, `_codecs.encode` for protocol-2 bytes, and
 * ZarrReference), builds only plain values, and refuses everything else. Work is linear in the
 * input: every opcode consumes input, lengths are checked against the buffer, memo and stack are
 * bounded by the input size.
 */
import { InvalidFileError } from '@nwbjs/core';

/** A decoded element: text, or a reference dict (string or null values), or null. */
export type PickledElement = string | null | Readonly<Record<string, string | null>>;

/** The decoded object array: its shape and its elements in C order. */
export interface PickledArray {
  readonly shape: number[];
  readonly elements: PickledElement[];
}

/**
 * Thrown for anything the decoder refuses (unknown opcode or global, malformed or truncated input):
 * an InvalidFileError, which the backend rethrows naming the dataset and chunk.
 */
export class PickleError extends InvalidFileError {}

const MARK = Symbol('mark');

class Global {
  constructor(readonly name: 'reconstruct' | 'ndarray' | 'dtype' | 'ZarrReference' | 'encode') {}
}
class Tuple {
  constructor(readonly items: readonly Value[]) {}
}
class DType {
  constructor(readonly spec: string) {}
}
class NdArrayValue {
  shape: number[] | undefined;
  items: Value[] | undefined;
}
class Dict {
  readonly entries = new Map<string, Value>();
  constructor(readonly isReference: boolean) {}
}
class Bytes {
  constructor(readonly data: Uint8Array) {}
}

type Value =
  null | boolean | number | string | Global | Tuple | DType | NdArrayValue | Dict | Bytes | Value[];
type StackItem = Value | typeof MARK;

const ALLOWED_GLOBALS = new Map<string, Global>([
  ['numpy.core.multiarray\n_reconstruct', new Global('reconstruct')],
  ['numpy._core.multiarray\n_reconstruct', new Global('reconstruct')],
  ['numpy\nndarray', new Global('ndarray')],
  ['numpy\ndtype', new Global('dtype')],
  ['hdmf_zarr.utils\nZarrReference', new Global('ZarrReference')],
  ['_codecs\nencode', new Global('encode')],
]);

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes one pickled numpy object array. Throws {@link PickleError} for anything but the shape
 * hdmf-zarr writes.
 */
export function decodePickledArray(bytes: Uint8Array): PickledArray {
  const result = run(bytes);
  if (!(result instanceof NdArrayValue) || result.shape === undefined || result.items === undefined) {
    throw new PickleError('the pickle does not hold a numpy array');
  }
  return { shape: result.shape, elements: result.items.map(toElement) };
}

function toElement(value: Value): PickledElement {
  if (value === null || typeof value === 'string') return value;
  if (value instanceof Dict) {
    const out = Object.create(null) as Record<string, string | null>;
    for (const [k, v] of value.entries) {
      if (v !== null && typeof v !== 'string')
        throw new PickleError(`reference field ${JSON.stringify(k)} is not text`);
      out[k] = v;
    }
    return out;
  }
  throw new PickleError('array elements must be text or ZarrReference dicts');
}

function run(bytes: Uint8Array): Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, Value>();
  let pos = 0;

  const need = (n: number): void => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > bytes.length) {
      throw new PickleError(
        `truncated pickle: ${n} bytes needed at offset ${pos}, ${bytes.length - pos} left`,
      );
    }
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) throw new PickleError(`length ${v} exceeds the input`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const text = (n: number): string => {
    try {
      return textDecoder.decode(take(n));
    } catch (error) {
      if (error instanceof PickleError) throw error;
      throw new PickleError('invalid UTF-8 text in pickle');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(10, pos);
    if (end < 0 || end - pos > 256) throw new PickleError('malformed GLOBAL');
    const s = String.fromCharCode(...bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('stack underflow');
    return v;
  };
  const popMark = (): Value[] => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i] !== MARK) i--;
    if (i < 0) throw new PickleError('no MARK on the stack');
    const items = stack.splice(i) as Value[];
    items.shift();
    return items;
  };
  const top = (): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('stack underflow');
    return v;
  };
  const global = (module: string, name: string): Global => {
    const g = ALLOWED_GLOBALS.get(`${module}\n${name}`);
    if (g === undefined) throw new PickleError(`refusing global ${module}.${name}`);
    return g;
  };
  const put = (index: number): void => {
    if (memo.size > bytes.length) throw new PickleError('memo too large');
    memo.set(index, top());
  };
  const get = (index: number): void => {
    const v = memo.get(index);
    if (v === undefined) throw new PickleError(`memo entry ${index} is missing`);
    stack.push(v);
  };

  while (pos < bytes.length) {
    const op = bytes[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) throw new PickleError('unsupported pickle protocol');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) throw new PickleError('malformed pickle: stack not empty at STOP');
        return pop();
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x71: // BINPUT
        put(u8());
        break;
      case 0x72: // LONG_BINPUT
        put(u32());
        break;
      case 0x68: // BINGET
        get(u8());
        break;
      case 0x6a: // LONG_BINGET
        get(u32());
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(new Bytes(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(new Bytes(take(u32())));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: {
        // BININT2
        need(2);
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      }
      case 0x4a: {
        // BININT
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new Tuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new Tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new Tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new Tuple([pop(), b, c]));
        break;
      }
      case 0x74: // TUPLE
        stack.push(new Tuple(popMark()));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Dict(false));
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPEND to a non-list');
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPENDS to a non-list');
        for (const item of items) list.push(item);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new PickleError('malformed STACK_GLOBAL');
        stack.push(global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (
          !(cls instanceof Global) ||
          cls.name !== 'ZarrReference' ||
          !(args instanceof Tuple) ||
          args.items.length !== 0
        ) {
          throw new PickleError('NEWOBJ is allowed only for hdmf_zarr.utils.ZarrReference()');
        }
        stack.push(new Dict(true));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      default:
        throw new PickleError(
          `unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${pos - 1}`,
        );
    }
  }
  throw new PickleError('truncated pickle: no STOP');
}

function setItems(target: Value, items: Value[]): void {
  if (!(target instanceof Dict)) throw new PickleError('SETITEM on a non-dict');
  if (items.length % 2 !== 0) throw new PickleError('odd number of dict items');
  for (let i = 0; i < items.length; i += 2) {
    const k = items[i];
    if (typeof k !== 'string') throw new PickleError('dict keys must be text');
    target.entries.set(k, items[i + 1]!);
  }
}

function reduce(fn: Value, args: Value): Value {
  if (!(fn instanceof Global) || !(args instanceof Tuple)) throw new PickleError('REDUCE of a non-global');
  const a = args.items;
  switch (fn.name) {
    case 'reconstruct':
      if (!(a[0] instanceof Global) || a[0].name !== 'ndarray')
        throw new PickleError('_reconstruct of a non-ndarray');
      return new NdArrayValue();
    case 'dtype':
      if (typeof a[0] !== 'string' || (a[0] !== 'O8' && a[0] !== 'O' && a[0] !== 'O4')) {
        throw new PickleError(`refusing numpy dtype ${JSON.stringify(a[0])} (only object arrays are read)`);
      }
      return new DType(a[0]);
    case 'encode': {
      // Protocol 2 spells bytes as _codecs.encode(text, 'latin1').
      const [s, enc] = a;
      if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1'))
        throw new PickleError('refusing _codecs.encode call');
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 255) throw new PickleError('invalid latin1 text');
        out[i] = c;
      }
      return new Bytes(out);
    }
    default:
      throw new PickleError(`refusing to call ${fn.name}`);
  }
}

function build(target: Value, state: Value): void {
  if (target instanceof DType) {
    if (!(state instanceof Tuple)) throw new PickleError('malformed dtype state');
    return;
  }
  if (target instanceof NdArrayValue) {
    if (!(state instanceof Tuple) || state.items.length !== 5)
      throw new PickleError('malformed ndarray state');
    const [, shape, dtype, fortran, items] = state.items;
    if (!(shape instanceof Tuple) || !shape.items.every((d) => typeof d === 'number' && d >= 0)) {
      throw new PickleError('malformed ndarray shape');
    }
    if (!(dtype instanceof DType)) throw new PickleError('ndarray without an object dtype');
    if (fortran !== false) throw new PickleError('Fortran-ordered object arrays are not read');
    if (!Array.isArray(items)) throw new PickleError('ndarray items must be a list');
    const dims = shape.items as number[];
    const size = dims.reduce((n, d) => n * d, 1);
    if (size !== items.length)
      throw new PickleError(`ndarray of shape (${dims.join(', ')}) holds ${items.length} items`);
    target.shape = dims;
    target.items = items;
    return;
  }
  throw new PickleError('BUILD is allowed only for numpy arrays and dtypes');
}
