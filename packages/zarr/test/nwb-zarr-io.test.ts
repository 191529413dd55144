import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageSeries } from '@nwbjs/core';
import { Device, ImageSeries as ImageSeriesClass, NWBFile, isDatasetHandle, ndarray } from '@nwbjs/core';
import { DEFAULT_ZARR_COMPRESSION, NWBZarrIO } from '../src/index.js';
import { fixturesDir, runValidate, tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

function sampleFile(): NWBFile {
  const camera = new Device({ name: 'camera', description: 'a test camera' });
  const frames = () =>
    ndarray(
      'uint16',
      [6, 16, 12],
      Uint16Array.from({ length: 6 * 16 * 12 }, (_, i) => i % 4000),
    );
  const plain = new ImageSeriesClass({
    name: 'plain',
    data: frames(),
    unit: 'n.a.',
    rate: 30,
    device: camera,
  });
  const gzipped = new ImageSeriesClass({
    name: 'gzipped',
    data: frames(),
    unit: 'n.a.',
    rate: 30,
    device: camera,
    dataLayout: { chunks: [1, 16, 12], compression: { codec: 'gzip', level: 4 } },
  });
  return new NWBFile({
    sessionDescription: 'NWBZarrIO default compression',
    identifier: 'nwbzarrio-1',
    sessionStartTime: '2018-04-25T02:30:03-07:00',
    fileCreateDate: '2024-01-01T12:00:00+00:00',
    devices: [camera],
    acquisition: [plain, gzipped],
  });
}

async function compressorOf(store: string, array: string): Promise<unknown> {
  const zarray = JSON.parse(await readFile(path.join(store, array, '.zarray'), 'utf8')) as {
    compressor: unknown;
  };
  return zarray.compressor;
}

describe('NWBZarrIO', () => {
  it('reads a fixture and writes it back as a valid store', async () => {
    const io = new NWBZarrIO(path.join(fixturesDir, 'tutorial_images.nwb.zarr'));
    const file = await io.read();
    expect(file).toBeDefined();
    const target = path.join(temp.dir, 'copy.nwb.zarr');
    const out = new NWBZarrIO(target, 'w-');
    await out.write(file);
    await out.close();
    await io.close();
    const check = await runValidate(['check', target]);
    expect(check.code, check.out).toBe(0);
  });

  it("compresses data that have no compression as hdmf-zarr does (Blosc lz4 5, shuffle), and keeps the data's own", async () => {
    const target = path.join(temp.dir, 'default.nwb.zarr');
    const io = new NWBZarrIO(target, 'w-');
    await io.write(sampleFile());
    await io.close();
    expect(DEFAULT_ZARR_COMPRESSION).toEqual({ codec: 'blosc', cname: 'lz4', level: 5, shuffle: true });
    expect(await compressorOf(target, 'acquisition/plain/data')).toEqual({
      id: 'blosc',
      cname: 'lz4',
      clevel: 5,
      shuffle: 1,
      blocksize: 0,
    });
    expect(await compressorOf(target, 'acquisition/gzipped/data')).toEqual({ id: 'gzip', level: 4 });
    // Scalars and text stay plain.
    expect(await compressorOf(target, 'identifier')).toBeNull();
    expect(await compressorOf(target, 'acquisition/plain/starting_time')).toBeNull();
    const check = await runValidate(['check', '--read-data', target]);
    expect(check.code, check.out).toBe(0);

    const reader = new NWBZarrIO(target);
    try {
      const file = await reader.read();
      const data = (file.acquisition.get('plain') as ImageSeries).data;
      if (!isDatasetHandle(data)) throw new Error('expected a lazy handle');
      const frame = await data.read([5]);
      expect(Array.from((frame.data as Uint16Array).slice(0, 3))).toEqual([
        5 * 192,
        5 * 192 + 1,
        5 * 192 + 2,
      ]);
    } finally {
      await reader.close();
    }
  });

  it("writes only the data's own compression with compression 'keep', and none with null", async () => {
    for (const [name, compression] of [
      ['keep', 'keep'],
      ['none', null],
    ] as const) {
      const target = path.join(temp.dir, `${name}.nwb.zarr`);
      const io = new NWBZarrIO(target, 'w-');
      await io.write(sampleFile(), { compression });
      await io.close();
      expect(await compressorOf(target, 'acquisition/plain/data')).toBeNull();
      expect(await compressorOf(target, 'acquisition/gzipped/data')).toEqual(
        name === 'keep' ? { id: 'gzip', level: 4 } : null,
      );
    }
  });
});
