/**
 * Chunk elements to and from bytes: numeric chunks as typed arrays (little-endian, swapped from
 * big-endian when a store has them), object chunks with numcodecs' vlen-utf8, vlen-bytes and
 * JSON codecs (and hdmf-zarr's pickled references, read only), fixed-width `S`/`U` text.
 */
import type { CompoundRow, NumericArray } from '@nwbjs/core';
import { decodeText, encodeText, typedArrayFor } from '@nwbjs/core/backend';
import { decodePickledArray } from '../pickle.js';
import { packRecord, unpackRecord } from './compound.js';
import { parseJson, toPlain } from './json.js';
import type { ElementCodec } from './zarr-dtype.js';

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** A decoded chunk: a typed array for numbers and bools, a plain array for objects and text. */
export type ChunkValues = NumericArray | unknown[];

/**
 * Decodes the filtered-and-decompressed bytes of a chunk of `count` elements. Numeric chunks that
 * need no byte swap come back as a typed-array view over `bytes` (no copy) when its offset is
 * aligned to the element size, so the result shares memory with `bytes`: pass `copy` when the
 * caller will modify the values and does not own `bytes` (a Map store's value, say).
 */
export function decodeElements(
  codec: ElementCodec,
  bytes: Uint8Array,
  count: number,
  copy = false,
): ChunkValues {
  switch (codec.kind) {
    case 'numeric': {
      const expected = count * codec.itemSize;
      if (bytes.length !== expected)
        throw new Error(`chunk holds ${bytes.length} bytes, expected ${expected}`);
      const ctor = typedArrayFor(codec.dtype);
      const swap = codec.bigEndian && codec.itemSize > 1;
      if (!swap && !copy && bytes.byteOffset % codec.itemSize === 0)
        return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, count) as NumericArray;
      const out = new ctor(count) as NumericArray;
      const raw = new Uint8Array(out.buffer);
      raw.set(bytes);
      if (swap) swapBytes(raw, codec.itemSize);
      return out;
    }
    case 'structured': {
      if (bytes.length !== count * codec.itemSize)
        throw new Error(`chunk holds ${bytes.length} bytes, expected ${count * codec.itemSize}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const rows = new Array<unknown>(count);
      for (let i = 0; i < count; i++) rows[i] = unpackRecord(view, i * codec.itemSize, codec.fields);
      return rows;
    }
    case 'fixed-text': {
      const width = codec.encoding === 'S' ? codec.length : codec.length * 4;
      if (bytes.length !== count * width)
        throw new Error(`chunk holds ${bytes.length} bytes, expected ${count * width}`);
      const out: string[] = new Array<string>(count);
      for (let i = 0; i < count; i++) {
        const item = bytes.subarray(i * width, (i + 1) * width);
        if (codec.encoding === 'S') {
          let end = item.length;
          while (end > 0 && item[end - 1] === 0) end--;
          out[i] = decodeText(item.subarray(0, end));
        } else {
          const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
          let s = '';
          for (let k = 0; k < codec.length; k++) {
            const cp = view.getUint32(k * 4, true);
            if (cp === 0) break;
            if (cp > 0x10ffff) throw new Error('invalid UTF-32 text');
            s += String.fromCodePoint(cp);
          }
          out[i] = s;
        }
      }
      return out;
    }
    case 'object':
      switch (codec.codec) {
        case 'vlen-utf8':
        case 'vlen-bytes':
          return decodeVlen(bytes, count);
        case 'json2':
          return decodeJson2(bytes, count);
        case 'pickle': {
          const decoded = decodePickledArray(bytes);
          if (decoded.elements.length !== count)
            throw new Error(`pickled chunk holds ${decoded.elements.length} elements, expected ${count}`);
          return decoded.elements;
        }
      }
  }
}

function swapBytes(raw: Uint8Array, size: number): void {
  for (let i = 0; i + size <= raw.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = raw[a]!;
      raw[a] = raw[b]!;
      raw[b] = t;
    }
  }
}

/** Reads a vlen-utf8 chunk of `count` items (non-UTF-8 bytes kept as core's decodeText does). */
export function decodeVlen(bytes: Uint8Array, count: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new Error('vlen chunk is truncated');
  const n = view.getUint32(0, true);
  if (n !== count) throw new Error(`vlen chunk holds ${n} items, expected ${count}`);
  const out: string[] = new Array<string>(n);
  let pos = 4;
  for (let i = 0; i < n; i++) {
    if (pos + 4 > bytes.length) throw new Error('vlen chunk is truncated');
    const len = view.getUint32(pos, true);
    pos += 4;
    if (pos + len > bytes.length) throw new Error('vlen chunk is truncated');
    out[i] = decodeText(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

function decodeJson2(bytes: Uint8Array, count: number): unknown[] {
  const items = toPlain(parseJson(utf8.decode(bytes)));
  if (!Array.isArray(items) || items.length < 2) throw new Error('json2 chunk is not a list');
  const shape = items.pop() as unknown;
  items.pop();
  const size = Array.isArray(shape) ? shape.reduce((n: number, d: unknown) => n * Number(d), 1) : NaN;
  if (size !== items.length || items.length !== count)
    throw new Error(`json2 chunk holds ${items.length} items, expected ${count}`);
  return items;
}

/** Encodes a chunk's elements to bytes (before compression). */
export function encodeElements(
  codec: ElementCodec,
  values: ChunkValues,
  shape: readonly number[],
): Uint8Array {
  switch (codec.kind) {
    case 'numeric': {
      const a = values as NumericArray;
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    }
    case 'structured': {
      const rows = values as unknown[];
      const out = new Uint8Array(rows.length * codec.itemSize);
      const view = new DataView(out.buffer);
      rows.forEach((row, i) =>
        packRecord(view, i * codec.itemSize, codec.fields, row as CompoundRow | undefined),
      );
      return out;
    }
    case 'fixed-text': {
      if (codec.encoding === 'U') return encodeUtf32(values as unknown[], codec.length);
      const strings = values as unknown[];
      const out = new Uint8Array(strings.length * codec.length);
      strings.forEach((value, i) => {
        const bytes = encodeText(typeof value === 'string' ? value : '');
        if (bytes.length > codec.length)
          throw new Error(
            `${JSON.stringify(value)} is longer than the fixed length of ${codec.length} bytes`,
          );
        out.set(bytes, i * codec.length);
      });
      return out;
    }
    case 'object':
      switch (codec.codec) {
        case 'vlen-utf8':
        case 'vlen-bytes':
          return encodeVlen(values as string[]);
        case 'json2':
          return encoder.encode(asciiJson([...(values as unknown[]), '|O', [...shape]]));
        case 'pickle':
          throw new Error('pickle is never written');
      }
  }
}

/** numpy's `<U<n>`: `n` UTF-32LE code points an element, zero-padded. */
function encodeUtf32(values: readonly unknown[], length: number): Uint8Array {
  const out = new Uint8Array(values.length * length * 4);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    const points = Array.from(typeof value === 'string' ? value : '', (c) => c.codePointAt(0)!);
    if (points.length > length)
      throw new Error(`${JSON.stringify(value)} is longer than the fixed length of ${length} characters`);
    points.forEach((point, k) => view.setUint32((i * length + k) * 4, point, true));
  });
  return out;
}

/** numcodecs' and Zarr v3's vlen-utf8 layout: `u32le count`, then per item `u32le length` + UTF-8. */
export function encodeVlen(values: readonly string[]): Uint8Array {
  const parts = values.map((v) => encodeText(v));
  const total = 4 + parts.reduce((n, p) => n + 4 + p.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length, true);
  let pos = 4;
  for (const p of parts) {
    view.setUint32(pos, p.length, true);
    out.set(p, pos + 4);
    pos += 4 + p.length;
  }
  return out;
}

/** JSON as numcodecs.JSON writes it: compact, keys sorted, non-ASCII escaped. */
export function asciiJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sorted(value)).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
