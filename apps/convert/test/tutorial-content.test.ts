/**
 * The tutorial written from TypeScript holds what PyNWB's tutorial file holds (issue #3), and the
 * same NWBFile written to HDF5 and to Zarr gives the same file (issue #4).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NWBHDF5IO } from '@nwbjs/hdf5';
import { NWBZarrIO } from '@nwbjs/zarr';
import { buildImagesTutorial, writePlaceholderMovies } from '../examples/images-tutorial.js';
import { FIXTURES, checkAll, nwbValidate, tempDir } from './helpers.js';

const temp = await tempDir('nwb-convert-tutorial-');
afterAll(() => temp.cleanup());
await writePlaceholderMovies(temp.dir);
const fixture = join(FIXTURES, 'tutorial_images.nwb');

/** The paths of the lines of a `diff` report (`/identifier: value: A=... B=...`). */
function differingPaths(report: string): string[] {
  return report
    .split('\n')
    .filter((line) => line.startsWith('/'))
    .map((line) => line.slice(0, line.indexOf(':')));
}

describe("the TypeScript tutorial against PyNWB's tutorial file", () => {
  it('differs only in identifier and dates', async () => {
    const path = join(temp.dir, 'tutorial_ts.nwb');
    const io = new NWBHDF5IO(path, 'w');
    await io.write(
      buildImagesTutorial({
        identifier: 'images-tutorial-ts',
        sessionStartTime: '2025-06-01T09:00:00+02:00',
        fileCreateDate: '2025-06-01T10:00:00+02:00',
      }),
    );
    await io.close();
    const [[check], diff] = await Promise.all([
      checkAll([path]),
      nwbValidate('diff', '--ignore-ids', fixture, path),
    ]);
    expect(check!.out).toMatch(/^OK/);
    const allowed = new Set([
      '/identifier',
      '/session_start_time',
      '/timestamps_reference_time',
      '/file_create_date',
    ]);
    const paths = differingPaths(diff.out);
    expect(paths.length, diff.out).toBeGreaterThan(0);
    expect(
      paths.filter((p) => !allowed.has(p)),
      diff.out,
    ).toEqual([]);
  });

  it("is the same file, pixel for pixel, given the fixture's identifier and dates", async () => {
    const path = join(temp.dir, 'tutorial_same.nwb');
    const io = new NWBHDF5IO(path, 'w');
    await io.write(
      buildImagesTutorial({
        identifier: 'fixture-tutorial-images',
        sessionStartTime: '2018-04-25T02:30:03-07:00',
        fileCreateDate: '2024-01-01T12:00:00+00:00',
      }),
    );
    await io.close();
    const diff = await nwbValidate('diff', '--ignore-ids', fixture, path);
    expect(diff.out.trim(), diff.out).toBe('no differences');
  });
});

describe('one NWBFile written with NWBHDF5IO and with NWBZarrIO', () => {
  it('gives two files with no difference, object ids included', async () => {
    const nwbfile = buildImagesTutorial({ frames: 40 });
    const hdf5 = join(temp.dir, 'same.nwb');
    const zarr = join(temp.dir, 'same.nwb.zarr');
    const h5io = new NWBHDF5IO(hdf5, 'w');
    await h5io.write(nwbfile);
    await h5io.close();
    const zio = new NWBZarrIO(zarr, 'w');
    await zio.write(nwbfile);
    await zio.close();
    const [checks, diff] = await Promise.all([checkAll([hdf5, zarr]), nwbValidate('diff', hdf5, zarr)]);
    for (const check of checks) expect(check.out, check.file).toMatch(/^OK/);
    expect(diff.out.trim(), diff.out).toBe('no differences');
  });
});
