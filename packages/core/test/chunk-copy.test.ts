/**
 * The decision to copy chunks as they are stored (tree/chunk-copy.ts): the definition writeTree
 * would create must say what the stored chunks are, else conversion decodes and encodes again.
 */
import { describe, expect, it } from 'vitest';
import type { ChunkEncoding, DatasetDefinition } from '../src/storage/backend.js';
import type { ChunkSource } from '../src/tree/chunk-copy.js';
import { encodingMatches, writtenParts } from '../src/tree/chunk-copy.js';

function source(encoding: Partial<ChunkEncoding>): ChunkSource {
  return {
    reader: {} as ChunkSource['reader'],
    path: '/data',
    encoding: { dtype: 'uint16', chunks: [4, 8], codecs: [], ...encoding },
  };
}

const plain: DatasetDefinition = { dtype: 'uint16', shape: [100, 8], chunks: [4, 8] };
const gzip = { ...plain, compression: { codec: 'gzip', level: 4, shuffle: true } } as const;
const shuffled = [{ id: 'shuffle', elementSize: 2 }] as const;

describe('encodingMatches', () => {
  it('copies uncompressed chunks into an uncompressed dataset of the same chunk shape', () => {
    expect(encodingMatches(source({}), plain, undefined)).toBe(true);
    expect(encodingMatches(source({}), { ...plain, chunks: [8, 8] }, undefined)).toBe(false);
    expect(encodingMatches(source({}), { ...plain, dtype: 'int16' }, undefined)).toBe(false);
    expect(encodingMatches(source({ dtype: 'int16' }), { ...plain, dtype: 'int16' }, undefined)).toBe(true);
  });

  it('takes a zlib or gzip stream for gzip, with shuffle and level as the definition says', () => {
    const codecs = (id: 'zlib' | 'gzip', level = 4) => [...shuffled, { id, level }];
    expect(encodingMatches(source({ codecs: codecs('zlib') }), gzip, undefined)).toBe(true);
    expect(encodingMatches(source({ codecs: codecs('gzip') }), gzip, undefined)).toBe(true);
    expect(encodingMatches(source({ codecs: codecs('zlib', 9) }), gzip, undefined)).toBe(false);
    expect(encodingMatches(source({ codecs: [{ id: 'zlib', level: 4 }] }), gzip, undefined)).toBe(false);
    expect(encodingMatches(source({ codecs: codecs('zlib') }), plain, undefined)).toBe(false);
    const levelUnsaid = { ...plain, compression: { codec: 'gzip', shuffle: true } } as const;
    expect(encodingMatches(source({ codecs: codecs('zlib', 9) }), levelUnsaid, undefined)).toBe(true);
  });

  it('refuses pipelines no Compression describes', () => {
    const after = [{ id: 'zlib', level: 4 }, ...shuffled] as const;
    expect(encodingMatches(source({ codecs: after }), gzip, undefined)).toBe(false);
    expect(encodingMatches(source({ codecs: shuffled }), plain, undefined)).toBe(false);
  });

  it('takes blosc with its compressor and shuffle', () => {
    const blosc = { id: 'blosc', cname: 'zstd', level: 5, shuffle: 1 } as const;
    const wanted = {
      ...plain,
      compression: { codec: 'blosc', cname: 'zstd', level: 5, shuffle: true },
    } as const;
    expect(encodingMatches(source({ codecs: [blosc] }), wanted, undefined)).toBe(true);
    expect(encodingMatches(source({ codecs: [{ ...blosc, cname: 'lz4' }] }), wanted, undefined)).toBe(false);
  });

  it('needs the same fill value (absent is zero)', () => {
    expect(encodingMatches(source({}), { ...plain, fillValue: 0 }, undefined)).toBe(true);
    expect(encodingMatches(source({}), { ...plain, fillValue: 3 }, undefined)).toBe(false);
    expect(encodingMatches(source({}), { ...plain, fillValue: 3 }, 3)).toBe(true);
  });
});

describe('writtenParts', () => {
  it('splits a block into the runs of chunk rows holding a written chunk', async () => {
    const written: ChunkSource = {
      ...source({ chunks: [3, 4] }),
      reader: {
        chunkEncoding: async () => undefined,
        readStoredChunk: async () => undefined,
        async *storedChunks() {
          yield* [
            [0, 1],
            [2, 0],
            [3, 1],
          ];
        },
      },
    };
    const definition = { ...plain, shape: [10, 6], chunks: [3, 4] };
    const parts = (await writtenParts(written, definition, undefined))!;
    expect(parts({ start: [0, 0], count: [10, 6] })).toEqual([
      { start: [0, 0], count: [3, 6] },
      { start: [6, 0], count: [4, 6] },
    ]);
    expect(parts({ start: [4, 0], count: [1, 6] })).toEqual([]);
    expect(parts({ start: [5, 2], count: [3, 2] })).toEqual([{ start: [6, 2], count: [2, 2] }]);
    expect(await writtenParts(written, { ...definition, fillValue: 1 }, undefined)).toBeUndefined();
  });
});
