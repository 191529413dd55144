/**
 * Chunks of a v3 array being written: keys `c/i/j` (`c` for a 0-d array), elements encoded as
 * hdmf-zarr 0.14 stores them (numbers little-endian, text and reference paths as vlen-utf8,
 * records packed), then filters and compressor as v2's (`packChunk`/`unpackChunk`).
 * A chunk whose every element equals the fill value is not stored, as zarr-python does by default
 * (`write_empty_chunks=False`), unless an earlier write stored it.
 */
import type { AbsolutePath } from '@zarrita/storage';
import type { CompoundRow, NumericArray } from '@nwbjs/core';
import type { EncodedChunk } from '@nwbjs/core/backend';
import { BackendError, InvalidFileError, isNWBError } from '@nwbjs/core';
import type { ChunkUse } from '../chunk-io.js';
import { packChunk, unpackChunk } from '../chunk-io.js';
import type { ChunkValues } from '../conventions/elements.js';
import { decodeElements, decodeVlen, encodeElements, encodeVlen } from '../conventions/elements.js';
import { fillNumber } from '../fill-values.js';
import type { ArrayRecord } from '../metadata.js';
import { keyOf } from '../stores/keys.js';
import type { StagingStore } from '../stores/store.js';
import { setAll } from '../stores/store.js';
import type { V3ArrayRecord } from './array-definition.js';
import { readPackedField, writePackedField } from './packed-records.js';

/** The store key of chunk `index` of a record being written. */
export function v3ChunkKey(record: V3ArrayRecord, index: readonly number[]): AbsolutePath {
  return keyOf(record.path, record.v3.zeroD ? 'c' : ['c', ...index].join('/'));
}

/** The text a stored element is: references are stored as their target's path. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { path?: unknown }).path === 'string')
    return (value as { path: string }).path;
  return '';
}

function encode(record: V3ArrayRecord, chunk: ChunkValues): Uint8Array {
  const { struct } = record.v3;
  if (struct !== undefined) {
    const rows = chunk as (CompoundRow | undefined)[];
    const out = new Uint8Array(rows.length * struct.itemSize);
    const view = new DataView(out.buffer);
    rows.forEach((row, i) => {
      for (const f of struct.fields) {
        const v = row?.[f.name];
        const value = f.kind === 'utf32' ? textOf(v) : ((v ?? 0) as number | bigint | boolean);
        writePackedField(view, i * struct.itemSize, f, value, true);
      }
    });
    return out;
  }
  if (record.element.kind === 'object') return encodeVlen((chunk as unknown[]).map(textOf));
  return encodeElements(record.element, chunk, record.chunks);
}

function decode(record: V3ArrayRecord, bytes: Uint8Array, count: number, copy: boolean): ChunkValues {
  const { struct } = record.v3;
  if (struct !== undefined) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: count }, (_, i) => {
      const row: Record<string, unknown> = {};
      for (const f of struct.fields) row[f.name] = readPackedField(view, i * struct.itemSize, f, true);
      for (const f of struct.dtype.compound) if (f.dtype === 'ref') row[f.name] = { path: row[f.name] };
      return row;
    });
  }
  if (record.element.kind === 'object') {
    const texts = decodeVlen(bytes, count);
    return record.dtype === 'ref' ? texts.map((path) => ({ path })) : texts;
  }
  return decodeElements(record.element, bytes, count, copy);
}

/** True when every element of `chunk` is the array's fill value (so the chunk need not be stored). */
function isAllFill(record: ArrayRecord, chunk: ChunkValues): boolean {
  if (ArrayBuffer.isView(chunk)) {
    const fill = fillNumber(record.fill);
    const values = chunk as NumericArray;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      const big = BigInt(Math.trunc(fill));
      return values.every((v) => v === big);
    }
    if (Number.isNaN(fill)) return (values as Float64Array).every((v) => Number.isNaN(v));
    return (values as Float64Array).every((v) => v === fill);
  }
  if (record.element.kind === 'object') return (chunk as unknown[]).every((v) => v === undefined || v === '');
  return false;
}

/** Reads and writes the chunks of the v3 arrays of one store being written. */
export class V3ChunkSink {
  /** Keys stored so far: a chunk stored once is stored again even when it becomes all fill. */
  readonly #stored = new Set<string>();

  constructor(readonly staging: StagingStore) {}

  async readChunk(
    record: V3ArrayRecord,
    index: readonly number[],
    count: number,
    use: ChunkUse,
  ): Promise<ChunkValues | undefined> {
    const key = v3ChunkKey(record, index);
    const bytes = await this.staging.get(key);
    if (bytes === undefined) return undefined;
    try {
      const b = await unpackChunk(record, bytes);
      return decode(record, b, count, use === 'own' && b.buffer === bytes.buffer);
    } catch (cause) {
      if (isNWBError(cause, 'UnsupportedError')) throw cause;
      throw new InvalidFileError(`chunk ${key.slice(1)} is corrupt: ${(cause as Error).message}`, {
        path: record.path,
        cause,
      });
    }
  }

  /** Stages chunks' stored bytes as they are, in one go where the store can (conversion by copying chunks). */
  async storeChunks(record: V3ArrayRecord, chunks: readonly EncodedChunk[]): Promise<void> {
    const keys = chunks.map(({ index }) => v3ChunkKey(record, index));
    await setAll(
      this.staging,
      chunks.map(({ bytes }, k) => [keys[k]!, bytes] as const),
    );
    for (const key of keys) this.#stored.add(key);
  }

  async writeChunk(record: V3ArrayRecord, index: readonly number[], chunk: ChunkValues): Promise<void> {
    const key = v3ChunkKey(record, index);
    if (!this.#stored.has(key) && isAllFill(record, chunk)) return;
    try {
      await this.staging.set(key, await packChunk(record, encode(record, chunk)));
      this.#stored.add(key);
    } catch (cause) {
      throw isNWBError(cause)
        ? cause
        : new BackendError(`could not write chunk ${key.slice(1)}`, {
            path: record.path,
            backend: 'zarr',
            cause,
          });
    }
  }
}
