/**
 * Inputs that are not (good) NWB HDF5 files: each gives a clear nwbjs error, never a crash or hang.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isNWBError, ndarray, readTree, textScalar } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { NWBErrorTag, StorageReader } from '@nwbjs/core';
import { assertNWBFile, openHdf5 } from '../src/index.js';
import { FIXTURES, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

async function expectError(promise: Promise<unknown>, tag: NWBErrorTag, path: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNWBError(error, tag), String(error)).toBe(true);
  expect((error as { path?: string }).path).toContain(path);
  return error as Error;
}

/** Reads everything a reader offers: structure, attributes and all data. */
async function readEverything(reader: StorageReader): Promise<void> {
  const walk = async (path: string): Promise<void> => {
    for (const name of await reader.list(path)) {
      const child = path === '/' ? `/${name}` : `${path}/${name}`;
      const info = await reader.stat(child);
      if (info?.kind === 'group') {
        await reader.readAttributes(child);
        await walk(child);
      } else if (info?.kind === 'dataset') {
        await reader.readAttributes(child);
        await reader.readData(child, wholeHyperslab(info.shape));
      }
    }
  };
  await walk('/');
}

describe('opening bad inputs', () => {
  it('a missing file is a NotFoundError', async () => {
    const missing = join(dir, 'nope.nwb');
    await expectError(openHdf5(missing, 'r'), 'NotFoundError', missing);
  });

  it('a file that is not HDF5 is an InvalidFileError', async () => {
    const text = join(FIXTURES, 'FIXTURES.md');
    const error = await expectError(openHdf5(text, 'r'), 'InvalidFileError', text);
    expect(error.message).toContain('not an HDF5 file');
    const empty = join(dir, 'empty.nwb');
    writeFileSync(empty, '');
    await expectError(openHdf5(empty, 'r'), 'InvalidFileError', empty);
    const folder = join(dir, 'folder.nwb');
    mkdirSync(folder);
    await expectError(openHdf5(folder, 'r'), 'InvalidFileError', folder);
  });

  for (const keep of [0.5, 0.9, 4096]) {
    it(`a truncated file (${keep < 1 ? `${keep * 100}%` : `${keep} bytes`}) fails with an nwbjs error`, async () => {
      const source = join(FIXTURES, 'tutorial_images.nwb');
      const bytes = readFileSync(source);
      const cut = join(dir, `truncated-${keep}.nwb`);
      writeFileSync(cut, bytes.subarray(0, keep < 1 ? Math.floor(bytes.length * keep) : keep));
      // HDF5 checks the end-of-file address in the superblock, so the open itself fails.
      const error = await openHdf5(cut, 'r').then(
        async (reader) => {
          try {
            await readEverything(reader);
            return undefined;
          } catch (e) {
            return e;
          } finally {
            await reader.close();
          }
        },
        (e: unknown) => e,
      );
      expect(isNWBError(error, 'InvalidFileError', 'BackendError'), String(error)).toBe(true);
    });
  }

  it('a file with a damaged compressed chunk fails on reading it, with an nwbjs error', async () => {
    const path = join(dir, 'chunks.nwb');
    const values = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 7) % 13);
    const w = await openHdf5(path, 'w');
    await w.createDataset(
      '/data',
      { dtype: 'uint8', shape: [4, 64, 64], chunks: [1, 64, 64], compression: { codec: 'gzip', level: 6 } },
      {},
      ndarray(
        'uint8',
        [4, 64, 64],
        new Uint8Array(4 * 64 * 64).map((_, i) => values[i % 4096]!),
      ),
    );
    await w.close();
    // HDF5's deflate filter is zlib's compress2: the same bytes node:zlib makes. Find and break them.
    const bytes = Buffer.from(readFileSync(path));
    const chunk = deflateSync(values, { level: 6 });
    const at = bytes.indexOf(chunk);
    expect(at).toBeGreaterThan(0);
    bytes.fill(0xa5, at + 2, at + chunk.length);
    writeFileSync(path, bytes);
    const reader = await openHdf5(path, 'r');
    try {
      const error = await reader.readData('/data', wholeHyperslab([4, 64, 64])).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isNWBError(error, 'BackendError'), String(error)).toBe(true);
      expect((error as Error).message).toContain('/data');
      // The rest of the file still reads.
      expect(await reader.list('/')).toEqual(['data']);
    } finally {
      await reader.close();
    }
  });

  it('an HDF5 file that is not NWB opens, and assertNWBFile refuses it', async () => {
    const plain = join(dir, 'plain.h5');
    const writer = await openHdf5(plain, 'w');
    await writer.createGroup('/data', { note: textScalar('not nwb') });
    await writer.close();
    const reader = await openHdf5(plain, 'r');
    try {
      expect(await reader.list('/')).toEqual(['data']);
      await expectError(assertNWBFile(reader), 'InvalidFileError', plain);
    } finally {
      await reader.close();
    }
  });

  it('missing objects are NotFoundErrors, and the reader keeps working after them', async () => {
    const reader = await openHdf5(join(FIXTURES, 'static_images.nwb'), 'r');
    try {
      for (let i = 0; i < 200; i++) {
        await expectError(reader.readAttributes('/acquisition/nope'), 'NotFoundError', '/acquisition/nope');
        await expectError(reader.list('/identifier'), 'NotFoundError', '/identifier');
        expect(await reader.stat('/identifier/below')).toBeUndefined();
        expect(await reader.stat('relative')).toBeUndefined();
      }
      const tree = await readTree(reader);
      expect([...tree.children.keys()]).toContain('acquisition');
    } finally {
      await reader.close();
    }
  });

  it('a reader refuses writes and calls after close', async () => {
    const source = join(dir, 'copy.nwb');
    copyFileSync(join(FIXTURES, 'static_images.nwb'), source);
    const reader = await openHdf5(source, 'r');
    await expectError(reader.createGroup('/x'), 'BackendError', '/x');
    await reader.close();
    await expectError(reader.list('/'), 'BackendError', '/');
  });
});
