/**
 * The README's examples, run as written (in a temporary directory); the file is checked by
 * nwb-validate.
 */
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Device, ImageSeries, NWBFile, isDatasetHandle, ndarray } from '@nwbjs/core';
import { toHyperslab } from '@nwbjs/core/backend';
import { NWBHDF5IO, assertNWBFile, openHdf5 } from '../src/index.js';
import { nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

it('writes an ImageSeries and reads a frame back, and the file validates', async () => {
  const path = join(dir, 'movie.nwb');
  const camera = new Device({ name: 'camera', description: 'a test camera' });
  const movie = new ImageSeries({
    name: 'movie',
    data: ndarray(
      'uint8',
      [100, 48, 64],
      new Uint8Array(100 * 48 * 64).map((_, i) => i % 251),
    ),
    unit: 'n.a.',
    rate: 30,
    device: camera,
    dataLayout: { chunks: [1, 48, 64], compression: { codec: 'gzip', level: 4 } },
  });
  const nwbfile = new NWBFile({
    sessionDescription: 'a movie',
    identifier: 'demo-1',
    sessionStartTime: '2024-01-01T12:00:00+00:00',
    devices: [camera],
    acquisition: [movie],
  });

  const out = new NWBHDF5IO(path, 'w');
  await out.write(nwbfile);
  await out.close();

  const io = new NWBHDF5IO(path, 'r');
  try {
    const read = await io.read();
    const series = read.acquisition.get('movie') as ImageSeries;
    const data = series.data;
    expect(isDatasetHandle(data)).toBe(true);
    if (isDatasetHandle(data)) {
      const frame = await data.read([42]);
      expect(frame.shape).toEqual([48, 64]);
      expect((frame.data as Uint8Array)[0]).toBe((42 * 48 * 64) % 251);
    }
  } finally {
    await io.close();
  }
  const check = nwbValidate('check', path);
  expect(check.status, check.output).toBe(0);

  const reader = await openHdf5(path, 'r');
  try {
    await assertNWBFile(reader);
    expect(await reader.stat('/acquisition/movie/data')).toMatchObject({
      kind: 'dataset',
      dtype: 'uint8',
      shape: [100, 48, 64],
      chunks: [1, 48, 64],
      compression: { codec: 'gzip', level: 4 },
    });
    const buffer = new Uint8Array(48 * 64);
    for (let i = 0; i < 100; i++) {
      await reader.readData('/acquisition/movie/data', toHyperslab([100, 48, 64], [i]), { out: buffer });
    }
    expect(buffer[0]).toBe((99 * 48 * 64) % 251);
  } finally {
    await reader.close();
  }
});
