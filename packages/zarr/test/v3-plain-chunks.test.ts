/**
 * Zarr format 3 arrays whose chunks are plain element bytes (the `bytes` serializer alone), read
 * from a directory straight into the result: every selection gives what zarrita gives (a store that
 * cannot read parts of values), with edge chunks, chunks never written (equal to the fill value, so
 * not stored), selections that cut chunks or step, elements wider than a byte, 0-d arrays and
 * `out`. A chunk file of the wrong size is refused naming the array and the chunk.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AbsolutePath } from '@zarrita/storage';
import type { DType, NdArray } from '@nwbjs/core';
import { ndarray } from '@nwbjs/core';
import type { Hyperslab } from '@nwbjs/core/backend';
import type { ZarrStorage } from '../src/index.js';
import { openZarr } from '../src/index.js';
import { DirStore } from '../src/platform/node/dir-store.js';
import { tempDir } from './helpers.js';

const temp = await tempDir();
const store = path.join(temp.dir, 'plain-v3.zarr');

interface Sample {
  readonly dtype: DType;
  readonly shape: number[];
  readonly chunks?: number[];
  readonly fill: number | bigint | boolean;
  /** Element i; chunks whose every element is the fill value are not stored. */
  readonly value: (i: number) => number | bigint | boolean;
}

const SAMPLES: Record<string, Sample> = {
  u8: {
    dtype: 'uint8',
    shape: [5, 12, 9],
    chunks: [2, 5, 4],
    fill: 3,
    value: (i) => (i < 216 ? 3 : i % 251),
  },
  i16: {
    dtype: 'int16',
    shape: [7, 10],
    chunks: [3, 4],
    fill: -2,
    value: (i) => (i >= 40 ? -2 : i * 37 - 1000),
  },
  f64: {
    dtype: 'float64',
    shape: [4, 6, 5],
    chunks: [1, 6, 5],
    fill: NaN,
    value: (i) => (i >= 90 ? NaN : i / 7),
  },
  u64: {
    dtype: 'uint64',
    shape: [9],
    chunks: [4],
    fill: 2n ** 40n + 3n,
    value: (i) => (i < 4 ? BigInt(i) * 2n ** 33n : 2n ** 40n + 3n),
  },
  flag: {
    dtype: 'bool',
    shape: [10, 3],
    chunks: [4, 3],
    fill: true,
    value: (i) => (i < 12 ? i % 3 === 0 : true),
  },
  scalar: { dtype: 'float32', shape: [], fill: 0, value: () => 2.5 },
};

/** Selections per array (whole arrays are added below): start, count, step per axis. */
const SELECTIONS: Record<string, [number[], number[], number[]][]> = {
  u8: [
    [
      [1, 3, 2],
      [3, 8, 6],
      [1, 1, 1],
    ],
    [
      [0, 0, 0],
      [5, 12, 1],
      [1, 1, 1],
    ],
    [
      [0, 1, 0],
      [3, 4, 3],
      [2, 3, 4],
    ],
    [
      [4, 11, 8],
      [1, 1, 1],
      [1, 1, 1],
    ],
  ],
  i16: [
    [
      [2, 1],
      [4, 8],
      [1, 1],
    ],
    [
      [0, 0],
      [7, 5],
      [1, 2],
    ],
  ],
  f64: [
    [
      [2, 0, 0],
      [2, 6, 5],
      [1, 1, 1],
    ],
    [
      [1, 2, 1],
      [3, 3, 3],
      [1, 1, 1],
    ],
  ],
  u64: [[[2], [6], [1]]],
  flag: [
    [
      [2, 0],
      [7, 3],
      [1, 1],
    ],
  ],
};

function typedValues(sample: Sample): NdArray {
  const n = sample.shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => sample.value(i));
  if (sample.dtype === 'bool')
    return ndarray('bool', sample.shape, Uint8Array.from(values as boolean[], Number));
  if (sample.dtype === 'uint64')
    return ndarray('uint64', sample.shape, BigUint64Array.from(values as bigint[]));
  const ctor = { uint8: Uint8Array, int16: Int16Array, float64: Float64Array, float32: Float32Array }[
    sample.dtype as 'uint8'
  ];
  return ndarray(sample.dtype as 'uint8', sample.shape, ctor.from(values as number[]) as Uint8Array);
}

/** The directory store without its part reads: zarrita reads the chunks. */
function wholeChunksOnly(location: string): unknown {
  const dir = new DirStore(location);
  return {
    location,
    get: (key: AbsolutePath) => dir.get(key),
    listChildren: (prefix: AbsolutePath) => dir.listChildren(prefix),
  };
}

function plain(a: NdArray): unknown[] {
  return Array.from(a.data as ArrayLike<unknown>, (v) =>
    typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v,
  );
}

let direct: ZarrStorage;
let zarrita: ZarrStorage;

beforeAll(async () => {
  const w = await openZarr(store, 'w-', { zarrFormat: 3 });
  for (const [name, sample] of Object.entries(SAMPLES)) {
    await w.createDataset(
      `/${name}`,
      {
        dtype: sample.dtype,
        shape: sample.shape,
        ...(sample.chunks === undefined ? {} : { chunks: sample.chunks }),
        fillValue: sample.fill,
      },
      {},
      typedValues(sample),
    );
  }
  await w.close();
  direct = await openZarr(store);
  zarrita = await openZarr(wholeChunksOnly(store) as never);
});

afterAll(async () => {
  await direct?.close();
  await zarrita?.close();
  await temp.cleanup();
});

describe('format 3 plain chunks read straight into the result', () => {
  it('give what zarrita gives, for every selection, chunks never written included', async () => {
    // Some chunks equal the fill value and were not stored.
    for (const key of ['u8/c/0/0/0', 'i16/c/2/0', 'f64/c/3/0/0', 'u64/c/1', 'flag/c/1/0'])
      await expect(readFile(path.join(store, key)), key).rejects.toMatchObject({ code: 'ENOENT' });
    const spans = vi.spyOn(DirStore.prototype, 'readSpans');
    for (const [name, sample] of Object.entries(SAMPLES)) {
      const whole: [number[], number[], number[]] = [
        sample.shape.map(() => 0),
        sample.shape,
        sample.shape.map(() => 1),
      ];
      for (const [start, count, step] of [whole, ...(SELECTIONS[name] ?? [])]) {
        const slab: Hyperslab = { start, count, step, dropped: count.map(() => false) };
        const what = `${name} ${JSON.stringify(slab)}`;
        const ours = await direct.readData(`/${name}`, slab);
        const theirs = await zarrita.readData(`/${name}`, slab);
        expect(ours.shape, what).toEqual(theirs.shape);
        expect(ours.dtype, what).toBe(theirs.dtype);
        expect(ours.data.constructor, what).toBe(theirs.data.constructor);
        expect(plain(ours), what).toEqual(plain(theirs));
      }
    }
    const names = new Set(spans.mock.calls.map(([key]) => key.split('/')[1]));
    spans.mockRestore();
    expect([...names].sort()).toEqual(Object.keys(SAMPLES).sort());
    // The stored values themselves, not only agreement.
    const u8 = await direct.readData('/u8', {
      start: [0, 0, 0],
      count: [5, 12, 9],
      step: [1, 1, 1],
      dropped: [false, false, false],
    });
    expect(Array.from(u8.data as Uint8Array)).toEqual(
      Array.from(typedValues(SAMPLES['u8']!).data as Uint8Array),
    );
  });

  it('reads into out and refuses a chunk file of the wrong size', async () => {
    const out = new Int16Array(80).fill(12345);
    const slab = { start: [0, 0], count: [7, 10], step: [1, 1], dropped: [false, false] };
    const got = await direct.readData('/i16', slab, { out });
    expect((got.data as Int16Array).buffer).toBe(out.buffer);
    expect(plain(got)).toEqual(plain(await zarrita.readData('/i16', slab)));
    expect(Array.from(out.subarray(70))).toEqual(new Array(10).fill(12345));
    const file = path.join(store, 'i16', 'c', '0', '1');
    const good = await readFile(file);
    try {
      await writeFile(file, good.subarray(0, 10));
      await expect(direct.readData('/i16', slab)).rejects.toMatchObject({
        name: 'InvalidFileError',
        path: '/i16',
        message: expect.stringContaining('chunk i16/c/0/1 is corrupt: it holds 10 bytes, expected 24'),
      });
    } finally {
      await writeFile(file, good);
    }
  });
});
