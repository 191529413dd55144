/**
 * The real-world HDF5 files (MatNWB, NWB Explorer, PyNWB of many versions) indexed into LINDI files
 * and read back: the same tree, attributes and data as reading the HDF5 file, or, for what LINDI
 * cannot hold, a clear refusal naming the object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNWBError } from '@nwbjs/core';
import { openHdf5 } from '@nwbjs/hdf5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLindi, writeLindi } from '../src/index.js';
import { expectSameTree } from './compare.js';

const REALWORLD = fileURLToPath(new URL('../../../../shared/fixtures/realworld/', import.meta.url));
const files: string[] = [];
for (const tool of (await readdir(REALWORLD, { withFileTypes: true })).filter((d) => d.isDirectory())) {
  for (const name of await readdir(join(REALWORLD, tool.name)))
    if (name.endsWith('.nwb')) files.push(`${tool.name}/${name}`);
}
files.sort();

/** Files LINDI cannot hold, with what the refusal names. */
const REFUSED: Record<string, RegExp> = {
  'matnwb/ecephys_tutorial.nwb': /spike_times_index: .*region/,
  'matnwb/link_test.nwb': /an external link \(to \/general\/subject in ecephys_tutorial.nwb\)/,
  'matnwb/test_output.nwb': /region references/,
  'matnwb/testdata_20080606_R1.nwb': /external link \(to \/image_stack in stim_lib/,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nwbjs-lindi-realworld-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LINDI files of the real-world HDF5 files', () => {
  it('has files to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    it(file, async () => {
      const source = join(REALWORLD, file);
      const target = join(dir, `${file.replace('/', '_')}.lindi.json`);
      const refused = REFUSED[file];
      if (refused !== undefined) {
        const error = await writeLindi(source, target).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isNWBError(error) && error._tag, String(error)).toBe('UnsupportedError');
        expect(String((error as Error).message)).toMatch(refused);
        return;
      }
      await writeLindi(source, target);
      const hdf5 = await openHdf5(source);
      const lindi = await openLindi(target);
      try {
        await expectSameTree(hdf5, lindi);
      } finally {
        await lindi.close();
        await hdf5.close();
      }
    });
  }
});

const PYTHON = '/usr/bin/python3';
const withZarr = (() => {
  try {
    execFileSync(PYTHON, ['-Es', '-c', 'import h5py, zarr, fsspec, numcodecs, jinja2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(withZarr || process.env['CI'] !== undefined)(
  'zarr-python 2 reads the real-world LINDI files',
  () => {
    it('as h5py reads their HDF5 files, every array and attribute', async () => {
      const pairs: string[] = [];
      for (const file of files.filter((f) => REFUSED[f] === undefined)) {
        const target = join(dir, `${file.replace('/', '_')}.py.lindi.json`);
        await writeLindi(join(REALWORLD, file), target);
        pairs.push(target, join(REALWORLD, file));
      }
      const script = fileURLToPath(new URL('./zarr-python-reads.py', import.meta.url));
      const report = JSON.parse(
        execFileSync(PYTHON, ['-Es', script, ...pairs], { encoding: 'utf8', maxBuffer: 1 << 26 }),
      ) as { arrays: number; attributes: number; mismatches: string[] };
      expect(report.mismatches).toEqual([]);
      expect(report.arrays).toBeGreaterThan(500);
    });
  },
);
