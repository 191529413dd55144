/**
 * NWBHDF5IO: writing an NWBFile the PyNWB way (checked by nwb-validate) and reading files back,
 * including the PyNWB fixtures, as lazily loaded NWBFiles.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Device, ImageSeries, NWBFile, isNWBError, isDatasetHandle, ndarray } from '@nwbjs/core';
import { NWBHDF5IO, openHdf5 } from '../src/index.js';
import { FIXTURES, HDF5_FIXTURES, nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function sampleFile(): NWBFile {
  const camera = new Device({ name: 'camera', description: 'a test camera', manufacturer: 'nobody' });
  const frames = ndarray(
    'uint16',
    [20, 16, 12],
    Uint16Array.from({ length: 20 * 16 * 12 }, (_, i) => i % 4000),
  );
  const movie = new ImageSeries({
    name: 'movie',
    data: frames,
    unit: 'n.a.',
    rate: 30,
    device: camera,
    dataLayout: { chunks: [1, 16, 12], compression: { codec: 'gzip', level: 4 } },
  });
  return new NWBFile({
    sessionDescription: 'NWBHDF5IO test',
    identifier: 'nwbhdf5io-1',
    sessionStartTime: '2018-04-25T02:30:03-07:00',
    fileCreateDate: '2024-01-01T12:00:00+00:00',
    experimenter: ['Baggins, Bilbo'],
    devices: [camera],
    acquisition: [movie],
  });
}

describe('NWBHDF5IO', () => {
  it('writes an NWBFile that nwb-validate accepts, and reads it back lazily', async () => {
    const path = join(dir, 'session.nwb');
    const io = new NWBHDF5IO(path, 'w');
    await io.write(sampleFile());
    expect(existsSync(path)).toBe(false);
    await io.close();
    expect(existsSync(path)).toBe(true);
    const check = nwbValidate('check', path);
    expect(check.status, check.output).toBe(0);

    const reader = new NWBHDF5IO(path, 'r');
    try {
      const file = await reader.read();
      expect(file.identifier).toBe('nwbhdf5io-1');
      const movie = file.acquisition.get('movie');
      expect(movie).toBeInstanceOf(ImageSeries);
      const data = (movie as ImageSeries).data;
      expect(isDatasetHandle(data)).toBe(true);
      expect(data.shape).toEqual([20, 16, 12]);
      if (isDatasetHandle(data)) {
        const frame = await data.read([3]);
        expect((frame.data as Uint16Array)[0]).toBe((3 * 16 * 12) % 4000);
      }
      expect((movie as ImageSeries).device?.name).toBe('camera');
    } finally {
      await reader.close();
    }
  });

  for (const name of HDF5_FIXTURES) {
    it(`reads ${name} and writes it again without differences`, async () => {
      const source = join(FIXTURES, `${name}.nwb`);
      const copy = join(dir, `io-${name}.nwb`);
      const reader = new NWBHDF5IO(source, 'r');
      try {
        const file = await reader.read();
        expect(file.readWarnings).toEqual([]);
        const writer = new NWBHDF5IO(copy, 'w-');
        await writer.write(file);
        await writer.close();
      } finally {
        await reader.close();
      }
      // The model writes core's own copy of the cached schema: it must equal PyNWB's, byte for byte.
      const diff = nwbValidate('diff', '--ignore-ids', source, copy);
      expect(diff.output.trim()).toBe('no differences');
      const check = nwbValidate('check', copy);
      expect(check.status, check.output).toBe(0);
    });
  }

  it('refuses a non-NWB HDF5 file, wrong-mode calls, and an existing target with w-', async () => {
    const plain = join(dir, 'plain.h5');
    const w = await openHdf5(plain, 'w');
    await w.createGroup('/x');
    await w.close();
    const io = new NWBHDF5IO(plain, 'r');
    await expect(io.read()).rejects.toSatisfy((e: unknown) => isNWBError(e, 'InvalidFileError'));
    await expect(io.write(sampleFile())).rejects.toSatisfy((e: unknown) => isNWBError(e, 'BackendError'));
    await io.close();
    const exclusive = new NWBHDF5IO(plain, 'w-');
    await expect(exclusive.write(sampleFile())).rejects.toSatisfy((e: unknown) =>
      isNWBError(e, 'BackendError'),
    );
    await exclusive.close();
    const missing = new NWBHDF5IO(join(dir, 'missing.nwb'), 'r');
    await expect(missing.read()).rejects.toSatisfy((e: unknown) => isNWBError(e, 'NotFoundError'));
    await missing.close();
  });
});
