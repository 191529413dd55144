/**
 * Every Zarr fixture (written by hdmf-zarr, with pickled or JSON references, and exported from HDF5)
 * converted with the CLI to HDF5 and back to Zarr: each output passes nwb-validate check, and
 * nwb-validate diff finds no difference at either step, object ids included. Converted next to their
 * external files, as in the HDF5 round trips.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { FIXTURES, copyFixtures, tempDir } from './helpers.js';
import { expectRoundTrip } from './roundtrip.js';

const zarrFixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.nwb.zarr'));
const temp = await tempDir('nwb-convert-zarr-roundtrip-');
await copyFixtures(temp.dir, zarrFixtures);
afterAll(() => temp.cleanup());

// Concurrent: one file's nwb-validate runs (child processes) overlap the next file's conversion.
describe.concurrent('Zarr fixture round trips through the CLI', () => {
  it('finds the fixtures', ({ expect }) => {
    expect(zarrFixtures.length).toBeGreaterThanOrEqual(7);
  });

  for (const name of zarrFixtures) {
    it(`${name}: Zarr -> HDF5 -> Zarr`, async ({ expect }) => {
      const base = join(temp.dir, name.replace(/\.nwb\.zarr$/, ''));
      await expectRoundTrip(
        expect,
        `${base}.nwb.zarr`,
        `${base}.zarr-h5.nwb`,
        `${base}.zarr-h5-zarr.nwb.zarr`,
      );
    });
  }
});
