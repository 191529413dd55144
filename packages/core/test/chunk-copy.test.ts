/**
 * The decision to copy chunks as they are stored (tree/chunk-copy.ts): the definition writeTree
 * would create must say what the stored chunks are, else conversion decodes and encodes again.
 */
import { describe, expect, it } from 'vitest';
import type {
  ChunkEncoding,
  DatasetDefinition,
  EncodedChunk,
  StorageWriter,
} from '../src/storage/backend.js';
import type { ChunkSource } from '../src/tree/chunk-copy.js';
import { copyStoredChunks, encodingMatches, writtenParts } from '../src/tree/chunk-copy.js';

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

describe('copyStoredChunks', () => {
  /**
   * A dataset of 7 x 2 chunks of 1 MiB; chunk [r, c] stores the bytes [r, c]. [3, 1] is listed
   * but was never written (a store that cannot list its chunks exactly), and two stray indices
   * outside the grid are listed too.
   */
  const chunks = [1, 1024 * 1024];
  const definition: DatasetDefinition = { dtype: 'uint8', shape: [7, 2 * 1024 * 1024 - 5], chunks };
  const written = (): number[][] => {
    const out: number[][] = [];
    for (let r = 0; r < 7; r++) for (let c = 0; c < 2; c++) out.push([r, c]);
    return [...out, [7, 0], [0, 2]];
  };
  const stored = (index: readonly number[]): Uint8Array | undefined =>
    index[0] === 3 && index[1] === 1 ? undefined : Uint8Array.of(index[0]!, index[1]!);

  function target(): { writer: StorageWriter; chunks: Map<string, number[]> } {
    const chunks = new Map<string, number[]>();
    const writer = {
      createEncodedDataset: async () => true,
      writeStoredChunk: async (_path: string, index: readonly number[], bytes: Uint8Array) => {
        chunks.set(index.join(','), Array.from(bytes));
      },
    } as unknown as StorageWriter;
    return { writer, chunks };
  }

  async function copy(
    reader: ChunkSource['reader'],
  ): Promise<{ chunks: Map<string, number[]>; bytes: number }> {
    const { writer, chunks: copied } = target();
    let bytes = 0;
    const source: ChunkSource = { reader, path: '/data', encoding: { dtype: 'uint8', chunks, codecs: [] } };
    const done = await copyStoredChunks(source, writer, '/data', definition, {}, async (n) => {
      bytes += n;
    });
    expect(done).toBe(true);
    return { chunks: copied, bytes };
  }

  const expected = new Map(
    written()
      .filter(([r, c]) => r! < 7 && c! < 2)
      .filter(([r, c]) => r !== 3 || c !== 1)
      .map((index) => [index.join(','), index]),
  );
  // Every element but those of the never-written chunk [3, 1] (row 3, its 1048571 columns).
  const coveredBytes = 7 * (2 * 1024 * 1024 - 5) - (1024 * 1024 - 5);

  it('asks a reader that reads many at once for batches of chunks, in the order they were listed', async () => {
    const asked: string[][] = [];
    const { chunks: copied, bytes } = await copy({
      chunkEncoding: async () => undefined,
      readStoredChunk: async () => {
        throw new Error('read one by one');
      },
      async *storedChunks() {
        yield* written();
      },
      readStoredChunks: async (_path, indices) => {
        asked.push(indices.map((i) => i.join(',')));
        return indices.map(stored);
      },
    });
    expect(copied).toEqual(expected);
    expect(bytes).toBe(coveredBytes);
    // 2 MiB per batch: two 1 MiB chunks at a time; stray indices never asked for.
    expect(asked).toEqual([
      ['0,0', '0,1'],
      ['1,0', '1,1'],
      ['2,0', '2,1'],
      ['3,0', '3,1'],
      ['4,0', '4,1'],
      ['5,0', '5,1'],
      ['6,0', '6,1'],
    ]);
  });

  it('hands a writer that stores many at once each batch in one call, the never-written chunk left out', async () => {
    const calls: string[][] = [];
    const copied = new Map<string, number[]>();
    const writer = {
      createEncodedDataset: async () => true,
      writeStoredChunk: async () => {
        throw new Error('stored one by one');
      },
      writeStoredChunks: async (_path: string, batch: readonly EncodedChunk[]) => {
        calls.push(batch.map(({ index }) => index.join(',')));
        for (const { index, bytes } of batch) copied.set(index.join(','), Array.from(bytes));
      },
    } as unknown as StorageWriter;
    let bytes = 0;
    const reader: ChunkSource['reader'] = {
      chunkEncoding: async () => undefined,
      readStoredChunk: async () => undefined,
      async *storedChunks() {
        yield* written();
      },
      readStoredChunks: async (_path, indices) => indices.map(stored),
    };
    const source: ChunkSource = { reader, path: '/data', encoding: { dtype: 'uint8', chunks, codecs: [] } };
    expect(
      await copyStoredChunks(source, writer, '/data', definition, {}, async (n) => {
        bytes += n;
      }),
    ).toBe(true);
    expect(copied).toEqual(expected);
    expect(bytes).toBe(coveredBytes);
    expect(calls.sort()).toEqual(
      [
        ['0,0', '0,1'],
        ['1,0', '1,1'],
        ['2,0', '2,1'],
        ['3,0'],
        ['4,0', '4,1'],
        ['5,0', '5,1'],
        ['6,0', '6,1'],
      ].sort(),
    );
  });

  it('reads chunk by chunk from a reader that reads one at a time', async () => {
    const asked: string[] = [];
    const { chunks: copied, bytes } = await copy({
      chunkEncoding: async () => undefined,
      readStoredChunk: async (_path, index) => {
        asked.push(index.join(','));
        return stored(index);
      },
      async *storedChunks() {
        yield* written();
      },
    });
    expect(copied).toEqual(expected);
    expect(bytes).toBe(coveredBytes);
    expect(asked.sort()).toEqual([...expected.keys(), '3,1'].sort());
  });

  it('stops at the first failed read and throws it', async () => {
    const { writer } = target();
    let asked = 0;
    const source: ChunkSource = {
      reader: {
        chunkEncoding: async () => undefined,
        readStoredChunk: async () => undefined,
        async *storedChunks() {
          yield* written();
        },
        readStoredChunks: async (_path, indices) => {
          if (++asked === 2) throw new Error('disk gone');
          return indices.map(stored);
        },
      },
      path: '/data',
      encoding: { dtype: 'uint8', chunks, codecs: [] },
    };
    await expect(copyStoredChunks(source, writer, '/data', definition, {}, async () => {})).rejects.toThrow(
      'disk gone',
    );
    expect(asked).toBeLessThan(7);
  });

  it.each(['one by one', 'in batches'])(
    'lends memory for each batch and lends it again only once every chunk of the batch is stored (%s)',
    async (how) => {
      const rows = 40; // 40 batches, more than are in flight at once
      const listed = Array.from({ length: rows }, (_, r) => [
        [r, 0],
        [r, 1],
      ]).flat();
      const lent = new Set<Uint8Array>();
      const reader: ChunkSource['reader'] = {
        chunkEncoding: async () => undefined,
        readStoredChunk: async () => undefined,
        async *storedChunks() {
          yield* listed;
        },
        // As an HDF5 file does: the chunks read into the lent memory, handed out as views of it.
        readStoredChunks: async (_path, indices, into) => {
          lent.add(into!);
          return indices.map((index, k) => {
            const bytes = stored(index);
            if (bytes === undefined) return undefined;
            into!.set(bytes, 2 * k);
            return into!.subarray(2 * k, 2 * k + 2);
          });
        },
      };
      const copied = new Map<string, number[]>();
      let delay = 0;
      const writer = {
        createEncodedDataset: async () => true,
        // Stored a while after the call, as a write queue would; what is stored is what is there then.
        writeStoredChunk: async (_path: string, index: readonly number[], bytes: Uint8Array) => {
          await new Promise((resolve) => setTimeout(resolve, (delay = (delay + 7) % 13)));
          copied.set(index.join(','), Array.from(bytes));
        },
        ...(how === 'one by one'
          ? {}
          : {
              writeStoredChunks: async (_path: string, batch: readonly EncodedChunk[]) => {
                await new Promise((resolve) => setTimeout(resolve, (delay = (delay + 7) % 13)));
                for (const { index, bytes } of batch) copied.set(index.join(','), Array.from(bytes));
              },
            }),
      } as unknown as StorageWriter;
      const source: ChunkSource = { reader, path: '/data', encoding: { dtype: 'uint8', chunks, codecs: [] } };
      const shape = [rows, definition.shape[1]!];
      expect(
        await copyStoredChunks(source, writer, '/data', { ...definition, shape }, {}, async () => {}),
      ).toBe(true);
      expect(copied).toEqual(
        new Map(listed.filter((i) => stored(i) !== undefined).map((i) => [i.join(','), i])),
      );
      expect(lent.size).toBeLessThanOrEqual(8); // one per batch in flight, each lent again
    },
  );
});
