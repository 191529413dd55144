/**
 * Every shared PyNWB fixture indexed into a LINDI file and read back through the LINDI reader:
 * the same tree, attributes and data as reading the HDF5 file itself.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openHdf5 } from '@nwbjs/hdf5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LindiJson } from '../src/index.js';
import { openLindi, writeLindi } from '../src/index.js';
import { expectSameTree } from './compare.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.nwb')).sort();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nwbjs-lindi-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LINDI files of the shared fixtures', () => {
  it('has fixtures to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of files) {
    it(`${name}: reads back the same tree, attributes and data as the HDF5 file`, async () => {
      const source = join(FIXTURES, name);
      const target = join(dir, `${name}.lindi.json`);
      await writeLindi(source, target);
      const hdf5 = await openHdf5(source);
      const lindi = await openLindi(target);
      try {
        const datasets = await expectSameTree(hdf5, lindi);
        expect(datasets).toBeGreaterThan(0);
      } finally {
        await lindi.close();
        await hdf5.close();
      }
    });
  }

  // JSON.parse keeps no difference between `1.0` and `1`: attributes compare by value only.
  it('reads a reference file given as an object, the same as from its file', async () => {
    const source = join(FIXTURES, files[0]!);
    const target = join(dir, 'object.lindi.json');
    await writeLindi(source, target);
    const fromFile = await openLindi(target);
    const fromObject = await openLindi(JSON.parse(await readFile(target, 'utf8')) as LindiJson);
    try {
      await expectSameTree(fromFile, fromObject, '/', { attributeKinds: false });
    } finally {
      await fromFile.close();
      await fromObject.close();
    }
  });
});
