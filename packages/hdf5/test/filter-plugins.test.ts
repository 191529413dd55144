/**
 * HDF5 filters that h5wasm does not build in: data compressed with Blosc, LZ4, BZip2 (by h5py with
 * hdf5plugin), Zstd and Bitshuffle (by h5wasm with h5wasm-plugins) reads through the plugins of the
 * installed h5wasm-plugins package; a filter that is missing is named in the error, with the fix.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageSeries } from '@nwbjs/core';
import { isDatasetHandle, isNWBError } from '@nwbjs/core';
import { assertFiltersAvailable } from '../src/filter-plugins.js';
import type { H5Module } from '../src/module.js';
import { NWBHDF5IO, openHdf5 } from '../src/index.js';
import { FIXTURES, nwbValidate, tempDir } from './helpers.js';

const DATA = join(import.meta.dirname, 'data/plugin-filters');
const whole = { start: [0, 0], count: [100, 100], step: [1, 1], dropped: [false, false] };

describe('HDF5 filter plugins', () => {
  it('reads data compressed with each plugin filter as written', async () => {
    const file = await openHdf5(join(DATA, 'filters.h5'), 'r');
    try {
      for (const name of ['blosc', 'lz4', 'bz2', 'zstd', 'bshuf']) {
        const read = await file.readData(`/${name}`, whole);
        expect(read.dtype, name).toBe('float32');
        expect(Array.from(read.data as Float32Array), name).toEqual(
          Array.from({ length: 10000 }, (_, i) => i),
        );
      }
    } finally {
      await file.close();
    }
  });

  it('reads an NWB movie compressed with Blosc as the gzip original, and writes it as NWB again', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const original = new NWBHDF5IO(join(FIXTURES, 'compressed_imageseries.nwb'), 'r');
      const blosc = new NWBHDF5IO(join(DATA, 'blosc_imageseries.nwb'), 'r');
      const copy = join(dir, 'copy.nwb');
      try {
        const [expected, actual] = await Promise.all([original.read(), blosc.read()]);
        const frames = async (file: typeof expected) => {
          const data = (file.acquisition.get('CompressedSeries') as ImageSeries).data;
          if (!isDatasetHandle(data)) throw new Error('not lazily read');
          return Array.from((await data.read()).data as Uint16Array);
        };
        expect(await frames(actual)).toEqual(await frames(expected));
        const writer = new NWBHDF5IO(copy, 'w-');
        await writer.write(actual);
        await writer.close();
      } finally {
        await Promise.all([original.close(), blosc.close()]);
      }
      const diff = nwbValidate('diff', '--ignore-ids', join(FIXTURES, 'compressed_imageseries.nwb'), copy);
      expect(diff.output.trim()).toBe('no differences');
    } finally {
      cleanup();
    }
  });

  it('names the dataset and the missing filter, and says how to add it', () => {
    const bare = {} as H5Module;
    const blosc = [
      { id: 2, name: 'shuffle' },
      { id: 32001, name: 'blosc' },
    ];
    expect(() => assertFiltersAvailable(bare, '/acquisition/movie/data', blosc)).toThrow(
      /acquisition\/movie\/data.*blosc \(HDF5 filter 32001\).*h5wasm-plugins/,
    );
    expect(() => assertFiltersAvailable(bare, '/x', [{ id: 40000, name: 'mystery' }])).toThrow(
      /mystery \(HDF5 filter 40000\).*no h5wasm plugin provides it/,
    );
    expect(() => assertFiltersAvailable(bare, '/x', [{ id: 1, name: 'deflate' }])).not.toThrow();
    try {
      assertFiltersAvailable(bare, '/x', blosc);
    } catch (error) {
      expect(isNWBError(error, 'UnsupportedError')).toBe(true);
    }
  });
});
