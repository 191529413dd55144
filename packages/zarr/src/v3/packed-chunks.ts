/**
 * Reading the arrays whose elements zarrita's `get` has no data type for: packed records
 * (`struct`, `structured`, `fixed_length_utf32`, float16) and variable-length bytes. Each chunk's
 * bytes go back through the array's bytes-to-bytes codecs, taken from zarrita's codec registry
 * (zstd, gzip, blosc, crc32c, ...), then the elements are cut out of the serializer's output
 * (`bytes`, or `vlen-bytes`). A sharded array's shards are cut into their inner chunks first
 * (`shards.ts`). A chunk that was never written holds the fill value.
 */
import type { AbsolutePath, Readable } from '@zarrita/storage';
import { registry } from 'zarrita';
import { BackendError, InvalidFileError, UnsupportedError } from '@nwbjs/core';
import { decodeText } from '@nwbjs/core/backend';
import { axisParts, combinations, copyBlock, forEachLimit } from '../chunk-grid.js';
import type { JsonObject, JsonValue } from '../conventions/json.js';
import { toPlain } from '../conventions/json.js';
import { decodeVlen } from '../conventions/elements.js';
import { keyOf } from '../stores/keys.js';
import type { V3Element } from './element-type.js';
import type { V3Array } from './node-document.js';
import { chunkKeyOf } from './node-document.js';
import type { PackedField } from './packed-records.js';
import { readPackedField } from './packed-records.js';
import { numericFill } from './fill-value.js';
import { innerChunksOf, shardLayoutOf } from './shards.js';

type Packed = Extract<V3Element, { kind: 'packed' }>;
type VlenBytes = Extract<V3Element, { kind: 'vlen-bytes' }>;
type Value = number | bigint | boolean | string;

interface BytesCodec {
  encode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  decode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Codecs of one level of an array: the serializer's name, and the bytes-to-bytes codecs after it. */
interface CodecChain {
  readonly serializer: JsonObject;
  readonly after: BytesCodec[];
}

/** The bytes-to-bytes codecs `codecs` lists after its first, loaded from zarrita's registry. */
async function codecChain(
  codecs: JsonObject[],
  chunkShape: readonly number[],
  path: string,
): Promise<CodecChain> {
  const [serializer, ...rest] = codecs;
  if (serializer === undefined) throw new InvalidFileError('the array lists no codecs', { path });
  const after = await Promise.all(
    rest.map(async (meta) => {
      const name = meta.get('name') as string;
      const Codec = await registry.get(name)?.();
      if (Codec === undefined)
        throw new UnsupportedError(`codec ${name}`, { path, feature: `codec:${name}`, backend: 'zarr' });
      const config = toPlain(meta.get('configuration') ?? new Map()) as Record<string, unknown>;
      const codec = Codec.fromConfig(
        config as never,
        { dataType: 'uint8', shape: chunkShape, codecs: [], fillValue: null } as never,
      ) as unknown as BytesCodec & { kind?: string };
      if (codec.kind !== undefined && codec.kind !== 'bytes_to_bytes')
        throw new UnsupportedError(`codec ${name} after ${String(serializer.get('name'))}`, {
          path,
          feature: `codec:${name}`,
          backend: 'zarr',
        });
      return codec;
    }),
  );
  return { serializer, after };
}

async function undo(chain: CodecChain, bytes: Uint8Array): Promise<Uint8Array> {
  let b = bytes;
  for (let i = chain.after.length - 1; i >= 0; i--) b = await chain.after[i]!.decode(b);
  return b;
}

function checkSerializer(chain: CodecChain, expected: string, path: string): void {
  const name = chain.serializer.get('name');
  if (name !== expected)
    throw new UnsupportedError(`${String(name)} as the serializer of these elements (only ${expected})`, {
      path,
      feature: 'zarr-v3:serializer',
      backend: 'zarr',
    });
}

/**
 * The decoder of one chunk's stored bytes into its `chunkShape` elements (C order), for an array
 * whose elements `decode` cuts out of the serializer's output; sharded arrays included.
 */
async function chunkDecoder(
  array: V3Array,
  serializer: string,
  decode: (bytes: Uint8Array, count: number) => unknown[],
  fill: unknown,
): Promise<(bytes: Uint8Array) => Promise<unknown[]>> {
  const path = array.path;
  const chunkShape = array.shape.length === 0 ? [] : array.chunkShape;
  const perChunk = chunkShape.reduce((a, b) => a * b, 1);
  const outer = await codecChain(array.codecs, chunkShape, path);
  if (outer.serializer.get('name') !== 'sharding_indexed') {
    checkSerializer(outer, serializer, path);
    return async (bytes) => decode(await undo(outer, bytes), perChunk);
  }
  const layout = shardLayoutOf(outer.serializer, chunkShape, path);
  const inner = await codecChain(layout.innerCodecs, layout.innerShape, path);
  checkSerializer(inner, serializer, path);
  const perInner = layout.innerShape.reduce((a, b) => a * b, 1);
  const grid = chunkShape.map((d, axis) => d / layout.innerShape[axis]!);
  const innerCount = grid.reduce((a, b) => a * b, 1);
  const ones = chunkShape.map(() => 1);
  const zeros = chunkShape.map(() => 0);
  return async (bytes) => {
    const shard = await undo(outer, bytes);
    const places = innerChunksOf(shard, layout, innerCount, path);
    const out = new Array<unknown>(perChunk).fill(fill);
    for (let i = 0; i < innerCount; i++) {
      const place = places[i];
      if (place === undefined) continue;
      const elements = decode(
        await undo(inner, shard.subarray(place.offset, place.offset + place.length)),
        perInner,
      );
      // The inner chunk's position in the shard, from its C-order number.
      const at = new Array<number>(grid.length);
      for (let axis = grid.length - 1, rest = i; axis >= 0; axis--) {
        at[axis] = (rest % grid[axis]!) * layout.innerShape[axis]!;
        rest = Math.floor(rest / grid[axis]!);
      }
      copyBlock(
        elements as never,
        layout.innerShape,
        zeros,
        ones,
        out as never,
        chunkShape,
        at,
        layout.innerShape,
      );
    }
    return out;
  };
}

/** The fill record (or text) of a packed array, from its `fill_value`. */
function fillValueOf(array: V3Array, element: Packed): unknown {
  const fields = element.layout.fields;
  const fieldFill = (field: PackedField, value: JsonValue | undefined): Value => {
    if (field.kind === 'utf32') return typeof value === 'string' ? value : '';
    if (field.type === 'bool') return value === true;
    const n = value === undefined ? undefined : numericFill(value, field.type, array.path);
    if (field.type === 'int64' || field.type === 'uint64') return typeof n === 'bigint' ? n : 0n;
    return typeof n === 'number' ? n : 0;
  };
  if (fields.length === 1 && fields[0]!.name === '') return fieldFill(fields[0]!, array.fill);
  const fill = array.fill instanceof Map ? (array.fill as JsonObject) : undefined;
  const row: Record<string, Value> = {};
  for (const f of fields) row[f.name] = fieldFill(f, fill?.get(f.name));
  return row;
}

/** Decodes one chunk's raw bytes into its records (or strings). */
function recordsOf(bytes: Uint8Array, count: number, element: Packed, path: string): unknown[] {
  const { itemSize, fields } = element.layout;
  if (bytes.length !== count * itemSize)
    throw new InvalidFileError(`a chunk holds ${bytes.length} bytes, not ${count} records of ${itemSize}`, {
      path,
    });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<unknown>(count);
  const single = fields.length === 1 && fields[0]!.name === '';
  for (let i = 0; i < count; i++) {
    const at = i * itemSize;
    if (single) out[i] = readPackedField(view, at, fields[0]!, element.littleEndian);
    else {
      const row: Record<string, Value> = {};
      for (const f of fields) row[f.name] = readPackedField(view, at, f, element.littleEndian);
      out[i] = row;
    }
  }
  return out;
}

/** The fill value of a variable-length bytes array (base64 in JSON), as text that keeps its bytes. */
function vlenBytesFill(array: V3Array): string {
  const fill = array.fill;
  if (typeof fill !== 'string' || fill === '') return '';
  return decodeText(Uint8Array.from(atob(fill), (c) => c.charCodeAt(0)));
}

/**
 * Reads the (start, count, step) selection of an array zarrita cannot decode as a flat C-order
 * list: records (objects keyed by field name); strings for `fixed_length_utf32` and for
 * variable-length bytes (whose bytes that are no UTF-8 are kept, see core's `decodeText`).
 */
export async function readPackedSelection(
  store: Readable,
  array: V3Array,
  element: Packed | VlenBytes,
  start: readonly number[],
  count: readonly number[],
  step: readonly number[],
  concurrency: number,
): Promise<unknown[]> {
  const fill = element.kind === 'packed' ? fillValueOf(array, element) : vlenBytesFill(array);
  const decodeChunk = await chunkDecoder(
    array,
    element.kind === 'packed' ? 'bytes' : 'vlen-bytes',
    element.kind === 'packed'
      ? (bytes, n) => recordsOf(bytes, n, element, array.path)
      : (bytes, n) => decodeVlen(bytes, n),
    fill,
  );
  const scalar = array.shape.length === 0;
  const chunks = scalar ? [1] : array.chunkShape;
  const s = scalar ? [0] : start;
  const c = scalar ? [1] : count;
  const st = scalar ? [1] : step;
  const size = c.reduce((a, b) => a * b, 1);
  const out = new Array<unknown>(size);
  const perChunk = chunks.reduce((a, b) => a * b, 1);
  const perAxis = c.map((n, axis) => axisParts(s[axis]!, n, st[axis]!, chunks[axis]!));
  await forEachLimit(combinations(perAxis), concurrency, async (parts) => {
    const index = scalar ? [] : parts.map((p) => p.chunk);
    const key = keyOf(array.path, chunkKeyOf(array, index)) as AbsolutePath;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await store.get(key);
    } catch (cause) {
      throw new BackendError(`could not read chunk ${key.slice(1)}${causeDetail(cause)}`, {
        path: array.path,
        backend: 'zarr',
        cause,
      });
    }
    let records: unknown[];
    if (bytes === undefined) records = new Array<unknown>(perChunk).fill(fill);
    else {
      try {
        records = await decodeChunk(bytes);
      } catch (cause) {
        if (cause instanceof InvalidFileError || cause instanceof UnsupportedError) throw cause;
        throw new InvalidFileError(`chunk ${key.slice(1)} is corrupt: ${(cause as Error).message}`, {
          path: array.path,
          cause,
        });
      }
    }
    copyBlock(
      records as never,
      chunks,
      parts.map((p) => p.inChunk),
      st,
      out as never,
      c,
      parts.map((p) => p.outStart),
      parts.map((p) => p.count),
    );
  });
  return out;
}

/** `: why` for a store's own refusals (a key outside the store). */
function causeDetail(cause: unknown): string {
  return (cause as { code?: unknown }).code === 'EOUTSIDESTORE' ? `: ${(cause as Error).message}` : '';
}
