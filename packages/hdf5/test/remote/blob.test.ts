/**
 * HDF5 files opened from a Blob (as a browser hands over a picked or dropped file): the same tree and
 * data as the file opened by path, read in pieces (never the whole file at once), writes refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidFileError, readTree } from '@nwbjs/core';
import { toHyperslab } from '@nwbjs/core/backend';
import type { RemoteHdf5File } from '../../src/index.js';
import { NWBHDF5IO, assertNWBFile, openHdf5, openHdf5Blob } from '../../src/index.js';
import { FIXTURES, HDF5_FIXTURES } from '../helpers.js';

function fixtureBlob(name: string): Blob {
  return new Blob([readFileSync(join(FIXTURES, name))]);
}

/** Every dataset path under `path`, depth first. */
async function datasets(file: RemoteHdf5File, path = '/'): Promise<string[]> {
  const found: string[] = [];
  for (const child of await file.list(path)) {
    const childPath = path === '/' ? `/${child}` : `${path}/${child}`;
    const info = await file.stat(childPath);
    if (info?.kind === 'dataset') found.push(childPath);
    else if (info?.kind === 'group') found.push(...(await datasets(file, childPath)));
  }
  return found;
}

describe('openHdf5Blob', () => {
  for (const name of HDF5_FIXTURES) {
    it(`${name}.nwb: same tree, attributes and data as opened by path`, async () => {
      const blob = fixtureBlob(`${name}.nwb`);
      const local = await openHdf5(join(FIXTURES, `${name}.nwb`), 'r');
      const file = await openHdf5Blob(blob, `${name}.nwb`);
      try {
        expect(file.location).toBe(`${name}.nwb`);
        expect(await assertNWBFile(file)).toBe('2.7.0');
        expect(await readTree(file)).toEqual(await readTree(local));
        const paths = (await datasets(file)).slice(0, 8);
        expect(paths.length).toBeGreaterThan(0);
        for (const path of paths) {
          expect(await file.readAttributes(path)).toEqual(await local.readAttributes(path));
          const info = await local.stat(path);
          const shape = info?.kind === 'dataset' ? info.shape : [];
          const slab = toHyperslab(shape, undefined);
          expect(await file.readData(path, slab)).toEqual(await local.readData(path, slab));
        }
        // Read in pieces: no single read of the whole file.
        expect(file.stats.requests).toBeGreaterThan(0);
      } finally {
        await Promise.all([file.close(), local.close()]);
      }
    });
  }

  it("takes a File's name, refuses writes, and rejects bytes that are not HDF5", async () => {
    const bytes = readFileSync(join(FIXTURES, 'tutorial_images.nwb'));
    const file = await openHdf5Blob(new File([bytes], 'picked.nwb'));
    try {
      expect(file.location).toBe('picked.nwb');
      expect(file.mode).toBe('r');
      await expect(file.createGroup('/x')).rejects.toThrow(
        'createGroup: a file read from a Blob is open for reading only',
      );
    } finally {
      await file.close();
    }
    await expect(openHdf5Blob(new Blob(['not an HDF5 file at all']), 'x.nwb')).rejects.toBeInstanceOf(
      InvalidFileError,
    );
  });

  it('NWBHDF5IO.fromBlob reads the NWB file as the path does', async () => {
    const name = 'tutorial_images.nwb';
    const fromBlob = NWBHDF5IO.fromBlob(new File([readFileSync(join(FIXTURES, name))], name));
    const byPath = new NWBHDF5IO(join(FIXTURES, name), 'r');
    try {
      expect(fromBlob.path).toBe(name);
      const [a, b] = await Promise.all([fromBlob.read(), byPath.read()]);
      expect(a.identifier).toBe(b.identifier);
      expect(a.sessionDescription).toBe(b.sessionDescription);
      expect(a.acquisition.names()).toEqual(b.acquisition.names());
      expect(a.acquisition.size).toBeGreaterThan(0);
    } finally {
      await Promise.all([fromBlob.close(), byPath.close()]);
    }
  });
});
