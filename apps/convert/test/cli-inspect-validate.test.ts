/**
 * `nwb-convert inspect` (text and --json, HDF5 and Zarr) and `nwb-convert validate` (a clean file
 * exits 0, a file breaking one of the model's rules exits 1 and names the rule).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromTypedArray, readTree, writeTree, type GroupNode } from '@nwbjs/core';
import { openHdf5 } from '@nwbjs/hdf5';
import type { InspectReport, ValidationReport } from '../src/index.js';
import { FIXTURES, checkAll, copyFixtures, runCli, tempDir } from './helpers.js';

const temp = await tempDir('nwb-convert-inspect-');
afterAll(() => temp.cleanup());

describe('nwb-convert inspect', () => {
  for (const name of ['compressed_imageseries.nwb', 'compressed_imageseries.nwb.zarr']) {
    it(`prints the tree of ${name}: types, dtypes, shapes, chunks, compression, sizes, links`, async () => {
      const result = await runCli(['inspect', join(FIXTURES, name)]);
      expect(result.code).toBe(0);
      expect(result.err).toBe('');
      const lines = result.out.split('\n');
      expect(lines[0]).toBe(`${join(FIXTURES, name)} (${name.endsWith('.zarr') ? 'zarr' : 'hdf5'})`);
      expect(lines).toContain('/  <NWBFile>');
      expect(lines).toContain('    CompressedSeries/  <ImageSeries>');
      expect(lines).toContain('      data  uint16 (64, 48, 40)  chunks (8, 24, 20)  gzip:4  245.8 KB');
      expect(lines).toContain('      device  -> /general/devices/camera0');
    });

    it(`prints the same report as JSON for ${name}`, async () => {
      const result = await runCli(['inspect', join(FIXTURES, name), '--json']);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.out) as InspectReport;
      const data = report.objects.find((o) => o.path === '/acquisition/CompressedSeries/data');
      expect(data).toMatchObject({
        kind: 'dataset',
        dtype: 'uint16',
        shape: [64, 48, 40],
        chunks: [8, 24, 20],
        compression: 'gzip:4',
        bytes: 64 * 48 * 40 * 2,
      });
      const series = report.objects.find((o) => o.path === '/acquisition/CompressedSeries');
      expect(series).toMatchObject({ kind: 'group', neurodataType: 'ImageSeries', namespace: 'core' });
      expect(series!.attributes).toContain('object_id');
    });
  }

  it('describes the HDF5 file and its Zarr twin alike, apart from the compression', async () => {
    const [hdf5, zarr] = await Promise.all(
      ['tutorial_images.nwb', 'tutorial_images.nwb.zarr'].map(async (name) => {
        const report = JSON.parse(
          (await runCli(['inspect', join(FIXTURES, name), '--json'])).out,
        ) as InspectReport;
        // The two writers chunk and compress differently; the structure, types and shapes agree.
        return report.objects
          .filter((o) => !o.path.startsWith('/specifications'))
          .map(({ path, kind, neurodataType, dtype, shape }) => ({
            path,
            kind,
            neurodataType,
            dtype,
            shape,
          }));
      }),
    );
    expect(zarr).toEqual(hdf5);
  });
});

describe('nwb-convert validate', () => {
  for (const name of ['tutorial_images.nwb', 'tutorial_images.nwb.zarr']) {
    it(`finds no problem in ${name} and exits 0`, async () => {
      const result = await runCli(['validate', join(FIXTURES, name)]);
      expect(result).toEqual({
        code: 0,
        out: `${join(FIXTURES, name)} (${name.endsWith('.zarr') ? 'zarr' : 'hdf5'}, NWB 2.7.0): no problems found\n`,
        err: '',
      });
    });
  }

  it('reports a broken rule with its path and name, and exits 1', async () => {
    // The tutorial with starting_frame shortened to two entries for three external files.
    await copyFixtures(temp.dir, []);
    const broken = join(temp.dir, 'broken.nwb');
    const reader = await openHdf5(join(FIXTURES, 'tutorial_images.nwb'), 'r');
    const tree = await readTree(reader);
    const series = (tree.children.get('acquisition') as GroupNode).children.get('ExternalFiles') as GroupNode;
    const externalFile = series.children.get('external_file')!;
    if (externalFile.kind !== 'dataset') throw new Error('external_file is not a dataset');
    externalFile.attrs['starting_frame'] = fromTypedArray(BigInt64Array.from([0n, 2n]));
    const writer = await openHdf5(broken, 'w-');
    await writeTree(writer, tree);
    await writer.close();
    await reader.close();

    const [text, json, [check]] = await Promise.all([
      runCli(['validate', broken]),
      runCli(['validate', broken, '--json']),
      checkAll([broken]),
    ]);
    expect(text.code).toBe(1);
    expect(text.err).toBe('');
    expect(text.out).toMatch(
      /: 1 problem\(s\)\n {2}\/acquisition\/ExternalFiles: startingFrame has 2 entries for 3 external files \[starting-frame\]\n$/,
    );
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as ValidationReport;
    expect(report.problems).toEqual([
      expect.objectContaining({ path: '/acquisition/ExternalFiles', rule: 'starting-frame' }),
    ]);
    // nwb-validate, independently, finds the same fault.
    expect(check!.code).not.toBe(0);
    expect(check!.out).toMatch(/starting_frame has 2 entries but external_file has 3/);
  });
});
