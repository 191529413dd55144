/**
 * Reading arrays of packed records (`struct`, `structured`, `fixed_length_utf32`), which zarrita's
 * `get` has no data type for: each chunk's bytes go back through the array's bytes-to-bytes codecs
 * taken from zarrita's codec registry (zstd, gzip, blosc, crc32c, ...), then the records are cut
 * out of the `bytes` codec's output. A chunk that was never written holds the fill value.
 */
import type { AbsolutePath, Readable } from '@zarrita/storage';
import { registry } from 'zarrita';
import { BackendError, InvalidFileError, UnsupportedError } from '@nwbjs/core';
import { axisParts, combinations, copyBlock, forEachLimit } from '../chunk-grid.js';
import type { JsonObject, JsonValue } from '../conventions/json.js';
import { JsonNumber, toPlain } from '../conventions/json.js';
import { keyOf } from '../stores/keys.js';
import type { V3Element } from './element-type.js';
import type { V3Array } from './node-document.js';
import { chunkKeyOf } from './node-document.js';
import type { PackedField } from './packed-records.js';
import { readPackedField } from './packed-records.js';

type Packed = Extract<V3Element, { kind: 'packed' }>;
type Value = number | bigint | boolean | string;

interface BytesCodec {
  encode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  decode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** The bytes-to-bytes codecs after the `bytes` serializer, loaded from zarrita's registry. */
export async function bytesCodecsOf(array: V3Array): Promise<BytesCodec[]> {
  const [first, ...rest] = array.codecs;
  if (first?.get('name') !== 'bytes')
    throw new UnsupportedError(
      `packed records with codecs ${array.codecs.map((c) => c.get('name')).join(', ')} (only bytes, then byte codecs)`,
      { path: array.path, feature: 'zarr-v3:struct-codecs', backend: 'zarr' },
    );
  return Promise.all(
    rest.map(async (meta) => {
      const name = meta.get('name') as string;
      const Codec = await registry.get(name)?.();
      if (Codec === undefined)
        throw new UnsupportedError(`codec ${name}`, {
          path: array.path,
          feature: `codec:${name}`,
          backend: 'zarr',
        });
      const config = toPlain(meta.get('configuration') ?? new Map()) as Record<string, unknown>;
      const codec = Codec.fromConfig(
        config as never,
        { dataType: 'uint8', shape: array.chunkShape, codecs: [], fillValue: null } as never,
      ) as unknown as BytesCodec & { kind?: string };
      if (codec.kind !== undefined && codec.kind !== 'bytes_to_bytes')
        throw new UnsupportedError(`codec ${name} after bytes`, {
          path: array.path,
          feature: `codec:${name}`,
          backend: 'zarr',
        });
      return codec;
    }),
  );
}

/** The fill record (or text) of a packed array, from its `fill_value`. */
function fillValueOf(array: V3Array, element: Packed): unknown {
  const fields = element.layout.fields;
  const fieldFill = (field: PackedField, value: JsonValue | undefined): Value => {
    if (field.kind === 'utf32') return typeof value === 'string' ? value : '';
    if (field.type === 'bool') return value === true;
    const n = value instanceof JsonNumber ? value : undefined;
    if (field.type === 'int64' || field.type === 'uint64') return n === undefined || n.isFloat ? 0n : n.big;
    return n?.value ?? 0;
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

/**
 * Reads the (start, count, step) selection of a packed array as a flat C-order list of records
 * (objects keyed by field name) or, for `fixed_length_utf32`, strings.
 */
export async function readPackedSelection(
  store: Readable,
  array: V3Array,
  element: Packed,
  start: readonly number[],
  count: readonly number[],
  step: readonly number[],
  concurrency: number,
): Promise<unknown[]> {
  const codecs = await bytesCodecsOf(array);
  const scalar = array.shape.length === 0;
  const chunks = scalar ? [1] : array.chunkShape;
  const s = scalar ? [0] : start;
  const c = scalar ? [1] : count;
  const st = scalar ? [1] : step;
  const size = c.reduce((a, b) => a * b, 1);
  const out = new Array<unknown>(size);
  const perChunk = chunks.reduce((a, b) => a * b, 1);
  const perAxis = c.map((n, axis) => axisParts(s[axis]!, n, st[axis]!, chunks[axis]!));
  const fill = fillValueOf(array, element);
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
        let b = bytes;
        for (let i = codecs.length - 1; i >= 0; i--) b = await codecs[i]!.decode(b);
        records = recordsOf(b, perChunk, element, array.path);
      } catch (cause) {
        if (cause instanceof InvalidFileError) throw cause;
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
