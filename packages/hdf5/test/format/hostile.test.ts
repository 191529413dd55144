/**
 * Corrupt and hostile structures give an InvalidFileError (or UnsupportedError) naming the dataset,
 * never a hang, a crash or another kind of error: targeted damage to each index kind (addresses past
 * the end, cycles, absurd counts, bad checksums) and random byte flips in the metadata of files
 * with every index kind.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidFileError, UnsupportedError } from '@nwbjs/core';
import type { ByteSource } from '../../src/format/byte-source.js';
import { Hdf5Structure } from '../../src/format/hdf5-structure.js';
import { lookup3 } from '../../src/format/lookup3.js';
import { tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir('nwbjs-format-hostile-');
afterAll(cleanup);

const hasH5py = spawnSync('/usr/bin/python3', ['-Es', '-c', 'import h5py']).status === 0;

const GENERATE = `
import h5py, numpy as np, sys
for libver, name in ((None, 'earliest.h5'), ('latest', 'latest.h5')):
    kw = {} if libver is None else {'libver': 'latest'}
    with h5py.File(sys.argv[1] + '/' + name, 'w', **kw) as f:
        f.create_dataset('deep', data=np.arange(3000, dtype='<i2'), chunks=(1,), maxshape=(None,))
        f.create_dataset('fixed', data=np.arange(2000, dtype='<i2').reshape(40, 50), chunks=(1, 1))
        f.create_dataset('gzip', data=np.arange(600, dtype='<i4').reshape(20, 30), chunks=(3, 7), compression='gzip')
        f.create_dataset('bt2', data=np.ones((300, 300), '<u1'), chunks=(3, 3), maxshape=(None, None))
        f.create_dataset('contiguous', data=np.arange(10))
        g = f.create_group('g')
        for i in range(20):
            g.create_dataset('d%d' % i, data=np.arange(i + 1))
`;

function bytesSource(bytes: Uint8Array): ByteSource {
  return async (offset, length) => bytes.subarray(offset, Math.min(offset + length, bytes.length)).slice();
}

/** Every dataset's chunks, or the error they gave. */
async function readAll(bytes: Uint8Array, paths: readonly string[]): Promise<unknown[]> {
  const errors: unknown[] = [];
  let structure: Hdf5Structure;
  try {
    structure = await Hdf5Structure.open(bytesSource(bytes), bytes.length);
  } catch (error) {
    return [error];
  }
  for (const path of paths) {
    try {
      await structure.chunks(path);
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

const PATHS = [
  '/deep',
  '/fixed',
  '/gzip',
  '/bt2',
  '/contiguous',
  ...Array.from({ length: 20 }, (_, i) => `/g/d${i}`),
];

function writeU64(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(at, BigInt(value), true);
}

function fixChecksum(bytes: Uint8Array, start: number, end: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(end, lookup3(bytes.subarray(start, end)), true);
}

async function expectDatasetError(bytes: Uint8Array, path: string, pattern: RegExp): Promise<void> {
  const structure = await Hdf5Structure.open(bytesSource(bytes), bytes.length);
  const error = await structure.chunks(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidFileError);
  expect((error as InvalidFileError).path).toBe(path);
  expect((error as Error).message).toMatch(pattern);
}

describe.skipIf(!hasH5py)('hostile chunk indexes', () => {
  const files: Record<string, Uint8Array> = {};
  beforeAll(() => {
    const made = spawnSync('/usr/bin/python3', ['-Es', '-c', GENERATE, dir], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    for (const name of ['earliest.h5', 'latest.h5'])
      files[name] = new Uint8Array(readFileSync(join(dir, name)));
  });

  async function layoutAddress(bytes: Uint8Array, path: string): Promise<number> {
    const structure = await Hdf5Structure.open(bytesSource(bytes), bytes.length);
    const { layout } = await structure.dataset(path);
    if (layout.kind !== 'chunked' || layout.address === undefined) throw new Error('not chunked');
    return layout.address;
  }

  it('a version-1 B-tree child past the end of the file, or pointing back at the root', async () => {
    const original = files['earliest.h5']!;
    const root = await layoutAddress(original, '/deep');
    const firstChild = root + 24 + 8 + 8 * 2; // node head, first key (size, mask, 2 offsets)
    const past = original.slice();
    writeU64(past, firstChild, original.length + 4096);
    await expectDatasetError(past, '/deep', /past the end of the file/);
    const cycle = original.slice();
    writeU64(cycle, firstChild, root);
    await expectDatasetError(cycle, '/deep', /level|twice|cycle/);
  });

  it('a fixed array that claims an absurd number of chunks', async () => {
    const original = files['latest.h5']!;
    const header = await layoutAddress(original, '/fixed');
    const bytes = original.slice();
    writeU64(bytes, header + 8, 2 ** 40); // element count
    fixChecksum(bytes, header, header + 8 + 8 + 8);
    await expectDatasetError(bytes, '/fixed', /elements for a grid/);
  });

  it('an extensible array index block with a bad checksum, or an absurd element count', async () => {
    const original = files['latest.h5']!;
    const header = await layoutAddress(original, '/deep');
    const flipped = original.slice();
    flipped[header + 12] = flipped[header + 12]! ^ 0xff;
    await expectDatasetError(flipped, '/deep', /checksum/);
    const absurd = original.slice();
    writeU64(absurd, header + 12 + 4 * 8, 2 ** 50); // max index set
    fixChecksum(absurd, header, header + 12 + 6 * 8 + 8);
    await expectDatasetError(absurd, '/deep', /claims|past the end|impossible/);
  });

  it('a version-2 B-tree whose root is past the end of the file', async () => {
    const original = files['latest.h5']!;
    const header = await layoutAddress(original, '/bt2');
    const bytes = original.slice();
    writeU64(bytes, header + 16, original.length * 2); // root node address
    fixChecksum(bytes, header, header + 16 + 8 + 2 + 8);
    await expectDatasetError(bytes, '/bt2', /past the end of the file/);
  });

  it('a dataset header with a bad checksum names the dataset', async () => {
    const original = files['latest.h5']!;
    const structure = await Hdf5Structure.open(bytesSource(original), original.length);
    const { address } = await structure.dataset('/gzip');
    const bytes = original.slice();
    bytes[address + 8] = bytes[address + 8]! ^ 0x5a;
    await expectDatasetError(bytes, '/gzip', /checksum/);
  });

  for (const name of ['earliest.h5', 'latest.h5']) {
    it(`random byte flips in the metadata of ${name}: nwbjs errors only`, async () => {
      const original = files[name]!;
      // The metadata lives in the first pages of these small files (raw data follows it).
      const span = Math.min(original.length, 64 * 1024);
      let seed = 12345;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      for (let round = 0; round < 300; round++) {
        const bytes = original.slice();
        for (let k = 0; k < 4; k++) bytes[Math.floor(random() * span)] = Math.floor(random() * 256);
        for (const error of await readAll(bytes, PATHS)) {
          if (!(error instanceof InvalidFileError || error instanceof UnsupportedError)) throw error;
        }
      }
    }, 600_000);
  }
});
