/**
 * Damaged files through the format reader: every call on a file with random bytes flipped, or cut
 * short, either answers or throws an nwbjs error naming an object (InvalidFileError,
 * UnsupportedError, NotFoundError, BackendError), never another kind of error, and never hangs. A
 * chunk that inflates far past its size (a gzip bomb) is refused as soon as it overflows.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidFileError, isNWBError } from '@nwbjs/core';
import { joinPath, wholeHyperslab } from '@nwbjs/core/backend';
import type { ByteSource } from '../../src/format/byte-source.js';
import { Hdf5FormatReader } from '../../src/index.js';
import { streamInflate } from '../../src/format-reader/inflate.js';
import { FIXTURES, REPO_ROOT, tempDir } from '../helpers.js';
import { fileSource } from '../format/file-source.js';

function bytesSource(bytes: Uint8Array): ByteSource {
  return async (offset, length) => bytes.subarray(offset, Math.min(offset + length, bytes.length)).slice();
}

/** A small deterministic generator (tests must repeat). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Walks everything, reading whole datasets up to a size; returns the calls made. */
async function walk(bytes: Uint8Array): Promise<number> {
  let calls = 0;
  const check = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    calls++;
    try {
      return await fn();
    } catch (error) {
      if (!isNWBError(error)) throw error;
      expect((error as { path?: string }).path).toBeTypeOf('string');
      return undefined;
    }
  };
  const reader = await check(() => Hdf5FormatReader.open(bytesSource(bytes), { size: bytes.length }));
  if (reader === undefined) return calls;
  const visit = async (path: string, depth: number): Promise<void> => {
    if (depth > 12 || calls > 3000) return;
    const info = await check(() => reader.stat(path));
    await check(() => reader.readAttributes(path));
    if (info?.kind === 'dataset' && info.shape.reduce((a, b) => a * b, 1) < 1 << 20) {
      await check(() => reader.readData(path, wholeHyperslab(info.shape)));
    }
    if (info?.kind === 'group') {
      const names = (await check(() => reader.list(path))) ?? [];
      for (const name of names) await visit(joinPath(path, name), depth + 1);
    }
  };
  await visit('/', 0);
  return calls;
}

const FILES = [
  join(FIXTURES, 'tutorial_images.nwb'),
  join(FIXTURES, 'compressed_imageseries.nwb'),
  join(REPO_ROOT, '../shared/fixtures/realworld/matnwb/ecephys_tutorial.nwb'),
  join(REPO_ROOT, '../shared/fixtures/realworld/pynwb/1.5.1_timeintervals_non_ndtype_tsref.nwb'),
];

describe.each(FILES)('damaged files through the format reader: %s', (file) => {
  const original = new Uint8Array(readFileSync(file));

  it('with bytes flipped in the metadata', async () => {
    const next = random(original.length);
    for (let round = 0; round < 40; round++) {
      const bytes = original.slice();
      // The first 64 KiB hold the superblock and most object headers, heaps and B-trees.
      for (let k = 0; k < 8; k++)
        bytes[Math.floor(next() * Math.min(bytes.length, 65536))] = Math.floor(next() * 256);
      expect(await walk(bytes)).toBeGreaterThan(0);
    }
  }, 120_000);

  it('cut short', async () => {
    for (const fraction of [0.001, 0.01, 0.1, 0.3, 0.5, 0.9]) {
      expect(await walk(original.subarray(0, Math.floor(original.length * fraction)))).toBeGreaterThan(0);
    }
  }, 60_000);
});

const hasH5py = spawnSync('/usr/bin/python3', ['-Es', '-c', 'import h5py']).status === 0;

describe.skipIf(!hasH5py)('a gzip bomb in a chunk', () => {
  const { dir, cleanup } = tempDir('nwbjs-format-bomb-');
  afterAll(cleanup);

  it('is an InvalidFileError naming the dataset, with zlib and with DecompressionStream', async () => {
    const path = join(dir, 'bomb.h5');
    const made = spawnSync(
      '/usr/bin/python3',
      [
        '-Es',
        '-c',
        `import h5py, numpy as np, sys, zlib
with h5py.File(sys.argv[1], 'w') as f:
    d = f.create_dataset('bomb', shape=(140000,), chunks=(70000,), dtype='<i1', compression='gzip')
    d[...] = 1
    d.id.write_direct_chunk((70000,), zlib.compress(bytes(200_000_000), 9))`,
        path,
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const { source, size, close } = await fileSource(path);
    try {
      for (const inflate of [undefined, streamInflate]) {
        const reader = await Hdf5FormatReader.open(source, { size, ...(inflate ? { inflate } : {}) });
        const error = await reader.readData('/bomb', wholeHyperslab([140000])).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidFileError);
        expect((error as InvalidFileError).path).toBe('/bomb');
      }
    } finally {
      await close();
    }
  });
});
