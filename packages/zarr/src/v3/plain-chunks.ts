/**
 * Zarr format 3 arrays whose chunks are plain element bytes: the `bytes` serializer alone
 * (little-endian, or one-byte elements), so no transpose, no compressor and no sharding. Such
 * chunks are read from a directory straight into the result (`raw-chunks.ts`), not by zarrita.
 */
import type { NumericDType } from '@nwbjs/core';
import { typedArrayFor } from '@nwbjs/core/backend';
import type { RawChunkArray } from '../raw-chunks.js';
import { keyOf } from '../stores/keys.js';
import { numericFill } from './fill-value.js';
import type { V3Array } from './node-document.js';
import { chunkKeyOf } from './node-document.js';

/** What `readRawChunks` needs of `array`, when its chunks are plain element bytes; else undefined. */
export function v3PlainChunks(array: V3Array, dtype: NumericDType | 'bool'): RawChunkArray | undefined {
  if (array.codecs.length !== 1) return undefined;
  const serializer = array.codecs[0]!;
  if (serializer.get('name') !== 'bytes') return undefined;
  const config = serializer.get('configuration');
  const endian = config instanceof Map ? config.get('endian') : undefined;
  if (endian !== 'little' && !(endian === undefined && typedArrayFor(dtype).BYTES_PER_ELEMENT === 1))
    return undefined;
  const fill =
    dtype === 'bool'
      ? array.fill === true
        ? 1
        : array.fill === false
          ? 0
          : undefined
      : numericFill(array.fill, String(array.dataType), array.path);
  if (fill === undefined) return undefined;
  return {
    path: array.path,
    chunks: array.chunkShape,
    dtype,
    fill,
    keyOf: (index) => keyOf(array.path, chunkKeyOf(array, index)),
  };
}
