/** When a dataset is chunked, and how big writes are cut: decided once, here, for every backend. */
import { describe, expect, it } from 'vitest';
import { ndarray } from '../src/index.js';
import { chunksFor, defaultChunks, rowRuns } from '../src/backend.js';
import type { StorageCapabilities } from '../src/index.js';

const MiB = 1024 * 1024;
const caps = (maxUnchunkedBytes?: number): StorageCapabilities => ({
  compression: ['gzip'],
  shuffle: false,
  externalLinks: true,
  compound: true,
  ...(maxUnchunkedBytes === undefined ? {} : { maxUnchunkedBytes }),
});

describe('chunksFor', () => {
  it('keeps a given chunk shape and never chunks a scalar', () => {
    expect(chunksFor({ dtype: 'int16', shape: [100, 4], chunks: [10, 4] }, caps())).toEqual([10, 4]);
    expect(chunksFor({ dtype: 'int16', shape: [], compression: { codec: 'gzip' } }, caps())).toBeUndefined();
  });

  it('chunks what is compressed, may grow, or is written in several calls', () => {
    const shape = [1000, 8];
    const expected = defaultChunks('float32', shape);
    expect(chunksFor({ dtype: 'float32', shape, compression: { codec: 'gzip' } }, caps())).toEqual(expected);
    expect(chunksFor({ dtype: 'float32', shape, maxShape: [null, 8] }, caps())).toEqual(expected);
    expect(chunksFor({ dtype: 'float32', shape }, caps(), true)).toEqual(expected);
    expect(chunksFor({ dtype: 'float32', shape }, caps())).toBeUndefined();
  });

  it('chunks what is bigger than the backend stores in one piece', () => {
    const shape = [64, 512, 512]; // 64 MiB of float32
    expect(chunksFor({ dtype: 'float32', shape }, caps(16 * MiB))).toEqual(defaultChunks('float32', shape));
    expect(chunksFor({ dtype: 'float32', shape }, caps(64 * MiB))).toBeUndefined();
    expect(chunksFor({ dtype: 'float32', shape }, caps())).toBeUndefined();
  });
});

describe('rowRuns', () => {
  it('cuts along the first axis into runs within the limit, each landing where it belongs', () => {
    const data = ndarray(
      'int32',
      [10, 2],
      Int32Array.from({ length: 20 }, (_, i) => i),
    );
    const runs = [...rowRuns([5, 0], data, 3 * 2 * 4)];
    expect(runs.map((r) => [r.start, r.data.shape])).toEqual([
      [
        [5, 0],
        [3, 2],
      ],
      [
        [8, 0],
        [3, 2],
      ],
      [
        [11, 0],
        [3, 2],
      ],
      [
        [14, 0],
        [1, 2],
      ],
    ]);
    expect(Array.from(runs[1]!.data.data as Int32Array)).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('keeps data within the limit, and scalars, whole; a row bigger than the limit is one run', () => {
    const data = ndarray('int32', [4, 2], new Int32Array(8));
    expect([...rowRuns([0, 0], data, 1024)]).toEqual([{ start: [0, 0], data }]);
    const scalar = ndarray('int32', [], new Int32Array(1));
    expect([...rowRuns([], scalar, 1)]).toEqual([{ start: [], data: scalar }]);
    expect([...rowRuns([0, 0], data, 1)].length).toBe(4);
  });

  it('ends runs on the chunk rows of the target where one fits in a run', () => {
    const data = ndarray('int32', [10, 1], new Int32Array(10));
    const runs = [...rowRuns([3, 0], data, 4 * 4, { chunkRows: 2 })];
    expect(runs.map((r) => [r.start[0], r.data.shape[0]])).toEqual([
      [3, 3],
      [6, 4],
      [10, 3],
    ]);
  });

  it('takes a row size from the caller where it knows better, and keeps text fixed-length', () => {
    const text = { ...ndarray('ascii', [4], ['a', 'b', 'c', 'd']), textLength: 100 };
    const runs = [...rowRuns([0], text, 200, { rowBytes: 100 })];
    expect(runs.map((r) => r.data.data)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(runs.every((r) => r.data.textLength === 100)).toBe(true);
  });
});
