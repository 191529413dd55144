/**
 * Each Zarr fixture copied with readTree -> writeTree into a new store, which nwb-validate must
 * find valid and identical to the original (and to the HDF5 twin of the fixture).
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree, writeTree } from '@nwbjs/core';
import { openZarr } from '../src/index.js';
import { fixturesDir, runValidate, tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());
const stores = readdirSync(fixturesDir).filter((n) => n.endsWith('.nwb.zarr'));

describe('fixture round trip (readTree -> writeTree)', () => {
  for (const name of stores) {
    it(`copies ${name}: valid, and no differences from the original`, async () => {
      const source = path.join(fixturesDir, name);
      const copy = path.join(temp.dir, name);
      const reader = await openZarr(source);
      const writer = await openZarr(copy, 'w-');
      await writeTree(writer, await readTree(reader));
      await writer.close();
      await reader.close();
      const check = await runValidate(['check', copy]);
      expect(check.out, check.out).toContain('OK');
      expect(check.code).toBe(0);
      const diff = await runValidate(['diff', '--ignore-ids', source, copy]);
      expect(diff.out.trim(), diff.out).toBe('no differences');
      // The export fixture itself stores the dates as utf8 where the HDF5 twin has ascii.
      const twin = path.join(fixturesDir, name.replace(/(\.jsonrefs)?\.nwb\.zarr$/, '.nwb'));
      if (!name.includes('.export.') && existsSync(twin)) {
        const hdf5 = await runValidate(['diff', '--ignore-ids', twin, copy]);
        expect(hdf5.out.trim(), hdf5.out).toBe('no differences');
      }
    });
  }
});
