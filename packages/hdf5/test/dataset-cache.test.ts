/**
 * The per-dataset cache of the reader (dtype, shape, layout, the bool marker): kept across reads,
 * dropped when this package changes the dataset, so a read after a resize or an attribute change
 * sees the change. Also: reads with `out` land in the caller's buffer, and a writer reuses one
 * heap buffer for its blocks.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { NdArray } from '@nwbjs/core';
import type { Hyperslab } from '@nwbjs/core/backend';
import { ndarray, numericScalar, textScalar } from '@nwbjs/core';
import { platform } from '#platform';
import { createFile } from '../src/backend.js';
import { Hdf5File } from '../src/file-handle.js';
import { openHdf5 } from '../src/index.js';
import { datasetInfo, readAttributes, readData } from '../src/read.js';
import { createDataset, resizeDataset, setAttribute, writeData } from '../src/write.js';
import { nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function rows(start: number, count: number, width: number): Hyperslab {
  return { start: [start, 0], count: [count, width], step: [1, 1], dropped: [false, false] };
}

function u8(shape: number[], values: number[]): NdArray {
  return ndarray('uint8', shape, Uint8Array.from(values));
}

/** h5py's view of a dataset in a file this test wrote (nwb-validate dump). */
function dumped(path: string, dataset: string): { shape?: number[]; values?: unknown[] } {
  const { status, output } = nwbValidate('dump', path, '--no-specs');
  expect(status, output).toBe(0);
  const objects = (
    JSON.parse(output) as { objects: Record<string, { shape?: number[]; values?: unknown[] }> }
  ).objects;
  return objects[dataset]!;
}

/** A file written through the module functions, so that the cache itself can be looked at. */
async function openRaw(name: string): Promise<{ file: Hdf5File; path: string; close: () => void }> {
  const { module } = await platform.loadH5();
  const path = join(dir, name);
  const fileId = createFile(module, path, path, () => undefined);
  const file = new Hdf5File(module, fileId);
  return {
    file,
    path,
    close: () => {
      file.freeBuffers();
      module.flush(fileId);
      module.close_file(fileId);
    },
  };
}

describe('dataset cache', () => {
  it('is kept across reads: attributes are listed once, not on every read', async () => {
    const { file, path, close } = await openRaw('kept.h5');
    try {
      createDataset(file, '/d', { dtype: 'uint8', shape: [4, 2] }, {}, u8([4, 2], [0, 1, 2, 3, 4, 5, 6, 7]));
      createDataset(
        file,
        '/flags',
        { dtype: 'bool', shape: [2] },
        {},
        ndarray('bool', [2], Uint8Array.of(1, 0)),
      );
      const listing = vi.spyOn(file.module, 'get_attribute_names');
      const metadata = vi.spyOn(file.module, 'get_dataset_metadata');
      try {
        for (let row = 0; row < 4; row++)
          expect([...readData(file, '/d', rows(row, 1, 2)).data]).toEqual([2 * row, 2 * row + 1]);
        for (let i = 0; i < 3; i++)
          expect(
            readData(file, '/flags', { start: [0], count: [2], step: [1], dropped: [false] }).dtype,
          ).toBe('bool');
        // Once, for the uint8 dataset (which could carry an older file's bool marker); bools are enums.
        expect(listing).toHaveBeenCalledTimes(1);
        expect(metadata).toHaveBeenCalledTimes(2);
      } finally {
        listing.mockRestore();
        metadata.mockRestore();
      }
    } finally {
      close();
    }
    expect(dumped(path, '/d').values).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
  });

  it('is dropped by setAttribute and resize, and not needed after a write', async () => {
    const { file, path, close } = await openRaw('dropped.h5');
    try {
      createDataset(
        file,
        '/d',
        { dtype: 'uint8', shape: [2, 2], chunks: [1, 2], maxShape: [null, 2] },
        {},
        u8([2, 2], [1, 2, 3, 4]),
      );
      const first = file.datasetFacts('/d');
      readData(file, '/d', rows(0, 2, 2));
      expect(file.datasetFacts('/d')).toBe(first);

      setAttribute(file, '/d', 'unit', textScalar('n.a.'));
      const afterAttribute = file.datasetFacts('/d');
      expect(afterAttribute).not.toBe(first);
      expect(readAttributes(file, '/d')['unit']?.data).toEqual(['n.a.']);

      resizeDataset(file, '/d', [3, 2]);
      expect(file.datasetFacts('/d')).not.toBe(afterAttribute);
      expect(datasetInfo(file, '/d').shape).toEqual([3, 2]);
      expect([...readData(file, '/d', rows(0, 3, 2)).data]).toEqual([1, 2, 3, 4, 0, 0]);

      // A write changes values only; what is cached (dtype, shape, layout) stays right.
      const beforeWrite = file.datasetFacts('/d');
      writeData(file, '/d', [2, 0], u8([1, 2], [5, 6]));
      expect(file.datasetFacts('/d')).toBe(beforeWrite);
      expect([...readData(file, '/d', rows(0, 3, 2)).data]).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      close();
    }
    const seen = dumped(path, '/d');
    expect(seen.shape).toEqual([3, 2]);
    expect(seen.values).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('through the backend: stat and readData after resize, setAttribute and writeData see the change', async () => {
    const path = join(dir, 'backend.h5');
    const w = await openHdf5(path, 'w');
    await w.createDataset('/d', { dtype: 'float32', shape: [1, 3], chunks: [1, 3], maxShape: [null, 3] });
    await w.createDataset('/b', { dtype: 'bool', shape: [2] }, {}, ndarray('bool', [2], Uint8Array.of(0, 1)));
    expect(await w.stat('/d')).toMatchObject({ shape: [1, 3], maxShape: [null, 3] });
    expect([...(await w.readData('/d', rows(0, 1, 3))).data]).toEqual([0, 0, 0]);

    await w.resize('/d', [2, 3]);
    expect(await w.stat('/d')).toMatchObject({ shape: [2, 3] });
    await w.writeData('/d', [1, 0], ndarray('float32', [1, 3], Float32Array.of(1.5, 2.5, 3.5)));
    expect([...(await w.readData('/d', rows(0, 2, 3))).data]).toEqual([0, 0, 0, 1.5, 2.5, 3.5]);

    await w.setAttribute('/b', 'count', numericScalar('int32', 2));
    expect(await w.stat('/b')).toMatchObject({ dtype: 'bool', shape: [2] });
    const b = await w.readData('/b', { start: [0], count: [2], step: [1], dropped: [false] });
    expect(b.dtype).toBe('bool');
    expect(Object.keys(await w.readAttributes('/b'))).toEqual(['count']);
    await w.close();

    const seen = dumped(path, '/d');
    expect(seen.shape).toEqual([2, 3]);
    expect(seen.values).toEqual([
      [0, 0, 0],
      [1.5, 2.5, 3.5],
    ]);
  });
});

describe('reads with out', () => {
  it("write into the caller's buffer, exactly or at its start, and fall back when it does not fit", async () => {
    const path = join(dir, 'out.h5');
    const w = await openHdf5(path, 'w');
    await w.createDataset(
      '/d',
      { dtype: 'int16', shape: [3, 2] },
      {},
      ndarray('int16', [3, 2], Int16Array.of(1, -2, 3, -4, 5, -6)),
    );
    await w.close();
    expect(dumped(path, '/d').values).toEqual([
      [1, -2],
      [3, -4],
      [5, -6],
    ]);

    const r = await openHdf5(path, 'r');
    try {
      const exact = new Int16Array(2);
      const one = await r.readData('/d', rows(1, 1, 2), { out: exact });
      expect(one.data).toBe(exact);
      expect([...exact]).toEqual([3, -4]);

      const longer = new Int16Array(8).fill(99);
      const two = await r.readData('/d', rows(1, 2, 2), { out: longer });
      const data = two.data as Int16Array;
      expect(data.buffer).toBe(longer.buffer);
      expect(data.byteOffset).toBe(0);
      expect(data.length).toBe(4);
      expect([...longer]).toEqual([3, -4, 5, -6, 99, 99, 99, 99]);

      const tooShort = new Int16Array(1);
      const three = await r.readData('/d', rows(0, 1, 2), { out: tooShort });
      expect(three.data).not.toBe(tooShort);
      expect([...three.data]).toEqual([1, -2]);
      expect([...tooShort]).toEqual([0]);

      const wrongType = new Float32Array(2);
      const four = await r.readData('/d', rows(2, 1, 2), { out: wrongType });
      expect(four.data).toBeInstanceOf(Int16Array);
      expect([...four.data]).toEqual([5, -6]);
    } finally {
      await r.close();
    }
  });

  it('leave a reused buffer holding only the last read', async () => {
    const path = join(dir, 'frames.h5');
    const w = await openHdf5(path, 'w');
    const frames = Uint8Array.from({ length: 5 * 16 }, (_, i) => i);
    await w.createDataset(
      '/movie',
      { dtype: 'uint8', shape: [5, 16], chunks: [1, 16] },
      {},
      ndarray('uint8', [5, 16], frames),
    );
    await w.close();
    expect(dumped(path, '/movie').shape).toEqual([5, 16]);

    const r = await openHdf5(path, 'r');
    try {
      const out = new Uint8Array(16);
      for (const f of [3, 0, 4]) {
        const frame = await r.readData('/movie', rows(f, 1, 16), { out });
        expect(frame.data).toBe(out);
        expect([...out]).toEqual([...frames.subarray(f * 16, (f + 1) * 16)]);
      }
    } finally {
      await r.close();
    }
  });
});

describe('writes', () => {
  it('reuse one heap buffer for block after block of the same size', async () => {
    const { file, path, close } = await openRaw('blocks.h5');
    try {
      createDataset(file, '/movie', { dtype: 'uint8', shape: [0, 8], chunks: [1, 8], maxShape: [null, 8] });
      const malloc = vi.spyOn(file.module, '_malloc');
      try {
        for (let block = 0; block < 4; block++) {
          resizeDataset(file, '/movie', [(block + 1) * 2, 8]);
          writeData(
            file,
            '/movie',
            [block * 2, 0],
            u8(
              [2, 8],
              Array.from({ length: 16 }, (_, i) => block * 16 + i),
            ),
          );
        }
        const blockSized = malloc.mock.calls.filter(([bytes]) => bytes === 16);
        expect(blockSized.length).toBeLessThanOrEqual(1);
      } finally {
        malloc.mockRestore();
      }
      const all = readData(file, '/movie', rows(0, 8, 8));
      expect([...all.data]).toEqual(Array.from({ length: 64 }, (_, i) => i));
    } finally {
      close();
    }
    expect(dumped(path, '/movie').shape).toEqual([8, 8]);
  });
});
