/**
 * HDF5 plugin filters through the format reader: without a decoder, data compressed with Blosc,
 * LZ4, BZip2, Zstd or Bitshuffle raises an UnsupportedError naming the dataset; with decoders
 * supplied for Blosc and Zstd (here numcodecs' WASM codecs), it reads as h5wasm reads it.
 */
import { join } from 'node:path';
import { Blosc, Zstd } from 'numcodecs';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@nwbjs/core';
import type { FilterDecoders } from '../../src/index.js';
import { Hdf5FormatReader, openHdf5 } from '../../src/index.js';
import { fileSource } from '../format/file-source.js';

const FILE = join(import.meta.dirname, '../data/plugin-filters/filters.h5');
const whole = { start: [0, 0], count: [100, 100], step: [1, 1], dropped: [false, false] };

const decoders: FilterDecoders = {
  32001: async (bytes) => Blosc.fromConfig({ id: 'blosc' }).decode(bytes),
  32015: async (bytes) => Zstd.fromConfig({ id: 'zstd' }).decode(bytes),
};

async function withReader(
  options: { filterDecoders?: FilterDecoders },
  fn: (r: Hdf5FormatReader) => Promise<void>,
) {
  const { source, size, close } = await fileSource(FILE);
  const reader = await Hdf5FormatReader.open(source, { size, location: FILE, ...options });
  try {
    await fn(reader);
  } finally {
    await reader.close();
    await close();
  }
}

describe('plugin filters through the format reader', () => {
  it('are refused by name without a decoder', async () => {
    await withReader({}, async (reader) => {
      for (const name of ['blosc', 'lz4', 'bz2', 'zstd', 'bshuf']) {
        const error = await reader.readData(`/${name}`, whole).catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(UnsupportedError);
        expect((error as UnsupportedError).path).toBe(`/${name}`);
      }
    });
  });

  it('read as h5wasm reads them with decoders supplied', async () => {
    const h5wasm = await openHdf5(FILE);
    try {
      await withReader({ filterDecoders: decoders }, async (reader) => {
        for (const name of ['blosc', 'zstd']) {
          expect(await reader.readData(`/${name}`, whole), name).toEqual(
            await h5wasm.readData(`/${name}`, whole),
          );
          expect(await reader.stat(`/${name}`), name).toEqual(await h5wasm.stat(`/${name}`));
        }
        await expect(reader.readData('/lz4', whole)).rejects.toThrow(UnsupportedError);
      });
    } finally {
      await h5wasm.close();
    }
  });
});
