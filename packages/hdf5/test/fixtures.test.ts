/**
 * The PyNWB-written fixtures, read at the storage level and checked against their descriptions;
 * then copied (readTree -> writeTree) and compared with the originals by nwb-validate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree, writeTree } from '@nwbjs/core';
import { toHyperslab } from '@nwbjs/core/backend';
import { assertNWBFile, openHdf5 } from '../src/index.js';
import type { FixtureDescription } from './fixture-walk.js';
import { checkFixture } from './fixture-walk.js';
import { FIXTURES, HDF5_FIXTURES, nwbValidate, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function description(name: string): FixtureDescription {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.nwb.json`), 'utf8')) as FixtureDescription;
}

describe('PyNWB fixtures, read', () => {
  for (const name of HDF5_FIXTURES) {
    it(`${name}: every object, dtype, shape, sha256 and file field matches the description`, async () => {
      const reader = await openHdf5(join(FIXTURES, `${name}.nwb`), 'r');
      try {
        expect(await assertNWBFile(reader)).toBe('2.7.0');
        const checked = await checkFixture(reader, description(name));
        expect(checked).toBeGreaterThan(10);
        const root = await reader.readAttributes('/');
        expect(root['.specloc']).toEqual({ dtype: 'ref', shape: [], data: [{ path: '/specifications' }] });
        expect(await reader.stat('/session_start_time')).toMatchObject({ dtype: 'ascii', shape: [] });
        expect(await reader.stat('/identifier')).toMatchObject({ dtype: 'utf8', shape: [] });
      } finally {
        await reader.close();
      }
    });
  }

  it('reports chunking and gzip of compressed_imageseries, and reads one frame of it', async () => {
    const reader = await openHdf5(join(FIXTURES, 'compressed_imageseries.nwb'), 'r');
    try {
      const info = await reader.stat('/acquisition/CompressedSeries/data');
      expect(info).toMatchObject({
        kind: 'dataset',
        dtype: 'uint16',
        shape: [64, 48, 40],
        chunks: [8, 24, 20],
        compression: { codec: 'gzip', level: 4 },
        filters: [{ id: 1, name: 'deflate' }],
      });
      expect(await reader.stat('/acquisition/CompressedSeries/device')).toEqual({
        kind: 'link',
        path: '/acquisition/CompressedSeries/device',
        target: '/general/devices/camera0',
      });
      const frame = await reader.readData(
        '/acquisition/CompressedSeries/data',
        toHyperslab([64, 48, 40], [5]),
      );
      expect(frame.shape).toEqual([48, 40]);
      expect(frame.data).toBeInstanceOf(Uint16Array);
      const attrs = await reader.readAttributes('/acquisition/CompressedSeries/data');
      // PyNWB 2.8 wrote this conversion (a Python float) as a float64 scalar; it reads as one.
      expect(attrs['conversion']).toMatchObject({ dtype: 'float64', shape: [] });
    } finally {
      await reader.close();
    }
  });

  it('reads a soft-linked dataset through the link and reports the link itself', async () => {
    const reader = await openHdf5(join(FIXTURES, 'irregular_timestamps.nwb'), 'r');
    try {
      const linked = '/acquisition/LinkedTimestampsSeries/timestamps';
      expect(await reader.stat(linked)).toEqual({
        kind: 'link',
        path: linked,
        target: '/acquisition/IrregularSeries/timestamps',
      });
      const viaLink = await reader.readData(linked, toHyperslab([24], [{ start: 1, stop: 3 }]));
      expect(Array.from(viaLink.data as Float64Array)).toEqual([0.015, 0.035]);
    } finally {
      await reader.close();
    }
  });
});

describe('PyNWB fixtures, copied with readTree -> writeTree', () => {
  for (const name of HDF5_FIXTURES) {
    it(`${name}: the copy validates and nwb-validate finds no differences`, async () => {
      const source = join(FIXTURES, `${name}.nwb`);
      const copy = join(dir, `${name}.nwb`);
      const reader = await openHdf5(source, 'r');
      try {
        const writer = await openHdf5(copy, 'w-');
        const result = await writeTree(writer, await readTree(reader));
        expect(result.warnings).toEqual([]);
        await writer.close();
      } finally {
        await reader.close();
      }
      const check = nwbValidate('check', copy);
      expect(check.output, 'nwb-validate check').toContain('OK');
      expect(check.status).toBe(0);
      const diff = nwbValidate('diff', '--ignore-ids', source, copy);
      expect(diff.output.trim(), 'nwb-validate diff').toBe('no differences');
      expect(diff.status).toBe(0);
      // And our own reader sees the copy as the description says.
      const again = await openHdf5(copy, 'r');
      try {
        await checkFixture(again, description(name));
        expect(await again.stat('/acquisition')).toEqual({ kind: 'group', path: '/acquisition' });
      } finally {
        await again.close();
      }
    });
  }
});
