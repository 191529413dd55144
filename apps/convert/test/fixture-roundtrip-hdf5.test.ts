/**
 * Every HDF5 fixture (written by PyNWB) converted with the CLI to Zarr and back to HDF5: each output
 * passes nwb-validate check, and nwb-validate diff finds no difference at either step, object ids
 * included. The fixtures are copied with their external files into one directory and converted
 * there, so external_file paths stay as they are and the diff covers them too. (Split from the Zarr
 * fixtures so that the two files run on separate workers.)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { FIXTURES, copyFixtures, tempDir } from './helpers.js';
import { expectRoundTrip } from './roundtrip.js';

const hdf5Fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.nwb'));
const temp = await tempDir('nwb-convert-hdf5-roundtrip-');
await copyFixtures(temp.dir, hdf5Fixtures);
afterAll(() => temp.cleanup());

// Concurrent: one file's nwb-validate runs (child processes) overlap the next file's conversion.
describe.concurrent('HDF5 fixture round trips through the CLI', () => {
  it('finds the fixtures', ({ expect }) => {
    expect(hdf5Fixtures.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of hdf5Fixtures) {
    it(`${name}: HDF5 -> Zarr -> HDF5`, async ({ expect }) => {
      const base = join(temp.dir, name.replace(/\.nwb$/, ''));
      await expectRoundTrip(expect, `${base}.nwb`, `${base}.h5-zarr.nwb.zarr`, `${base}.h5-zarr-h5.nwb`);
    });
  }
});
