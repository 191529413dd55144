/**
 * The format reader (no h5wasm) against the h5wasm backend, on every HDF5 fixture: the shared
 * PyNWB files and the real-world files of PyNWB, MatNWB and nwb-explorer. Both walk the whole tree
 * and must agree on everything; what the format reader cannot read yet is listed here by path.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Hdf5FormatReader, openHdf5 } from '../../src/index.js';
import { fileSource } from '../format/file-source.js';
import { REPO_ROOT } from '../helpers.js';
import { compareReaders } from './compare-readers.js';

const SHARED = join(REPO_ROOT, '../shared/fixtures');

/** What the format reader does not read yet, by file: `path: feature`. */
const EXPECTED_UNSUPPORTED: Record<string, string[]> = {};

function hdf5Files(): string[] {
  const files = readdirSync(SHARED)
    .filter((n) => n.endsWith('.nwb'))
    .map((n) => join(SHARED, n));
  const realworld = join(SHARED, 'realworld');
  for (const tool of readdirSync(realworld)) {
    if (tool.includes('.') || !existsSync(join(realworld, tool))) continue;
    for (const name of readdirSync(join(realworld, tool)).sort()) {
      if (name.endsWith('.nwb')) files.push(join(realworld, tool, name));
    }
  }
  return files;
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe('Hdf5FormatReader reads what the h5wasm backend reads', () => {
  const files = hdf5Files();
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    const label = file.slice(SHARED.length + 1);
    it(
      label,
      async () => {
        const expected = await openHdf5(file);
        const { source, size, close } = await fileSource(file);
        closers.push(close);
        const actual = await Hdf5FormatReader.open(source, { size, location: file });
        try {
          const result = await compareReaders(expected, actual, label);
          expect(result.paths).toBeGreaterThan(0);
          expect(result.unsupported).toEqual(EXPECTED_UNSUPPORTED[label] ?? []);
        } finally {
          await expected.close();
          await actual.close();
        }
      },
      120_000,
    );
  }
});
