import { cp, mkdir, writeFile, chmod, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNWBError, ndarray } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { StagingStore } from '../src/stores/store.js';
import { MapStagingStore } from '../src/stores/map-store.js';
import { ZarrBackend, openZarr } from '../src/index.js';
import { fixturesDir, tempDir } from './helpers.js';

const temp = await tempDir();
afterAll(() => temp.cleanup());

async function copyFixture(name: string): Promise<string> {
  const dest = path.join(temp.dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await cp(path.join(fixturesDir, name), dest, { recursive: true });
  // Fixture copies are read-only; make the copy writable so the test can damage it.
  const walk = async (dir: string): Promise<void> => {
    await chmod(dir, 0o755);
    const { readdir } = await import('node:fs/promises');
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else await chmod(p, 0o644);
    }
  };
  await walk(dest);
  return dest;
}

const tagged =
  (...tags: Parameters<typeof isNWBError>[1][]) =>
  (e: unknown) =>
    isNWBError(e, ...(tags as never[]));

describe('bad input gives clear errors', () => {
  it('a missing store', async () => {
    await expect(openZarr(path.join(temp.dir, 'nope.nwb.zarr'))).rejects.toSatisfy(tagged('NotFoundError'));
  });

  it('a directory that is not Zarr', async () => {
    const dir = path.join(temp.dir, 'plain');
    await mkdir(dir);
    await expect(openZarr(dir)).rejects.toSatisfy(tagged('InvalidFileError'));
  });

  it('a .zarray with garbage JSON', async () => {
    const store = await copyFixture('compressed_imageseries.nwb.zarr');
    await writeFile(path.join(store, 'acquisition/CompressedSeries/data/.zarray'), '{"shape": [1, 2');
    const reader = await openZarr(store);
    await expect(reader.stat('/acquisition/CompressedSeries/data')).rejects.toSatisfy(
      (e: unknown) => isNWBError(e, 'InvalidFileError') && e.path === '/acquisition/CompressedSeries/data',
    );
  });

  it('a Fortran-order array is refused as unsupported, naming the array', async () => {
    const store = await copyFixture('compressed_imageseries.nwb.zarr');
    const file = path.join(store, 'acquisition/CompressedSeries/data/.zarray');
    const zarray = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...zarray, order: 'F' }));
    const reader = await openZarr(store);
    await expect(reader.stat('/acquisition/CompressedSeries/data')).rejects.toSatisfy(
      (e: unknown) =>
        isNWBError(e, 'UnsupportedError') &&
        e.path === '/acquisition/CompressedSeries/data' &&
        /order "F" is not supported/.test(e.message),
    );
  });

  it('a truncated chunk and a chunk of the wrong size', async () => {
    const store = await copyFixture('compressed_imageseries.nwb.zarr');
    const chunk = path.join(store, 'acquisition/CompressedSeries/data/0.0.0');
    const bytes = await readFile(chunk);
    await writeFile(chunk, bytes.subarray(0, bytes.length >> 1));
    let reader = await openZarr(store);
    const at = '/acquisition/CompressedSeries/data';
    await expect(reader.readData(at, wholeHyperslab([64, 48, 40]))).rejects.toSatisfy(
      tagged('InvalidFileError'),
    );
    const { gzipSync } = await import('node:zlib');
    await writeFile(chunk, gzipSync(new Uint8Array(100)));
    reader = await openZarr(store);
    await expect(reader.readData(at, wholeHyperslab([64, 48, 40]))).rejects.toSatisfy(
      tagged('InvalidFileError'),
    );
  });

  it('a reference to a missing object, and unsafe link paths', async () => {
    const store = await copyFixture('tutorial_images.jsonrefs.nwb.zarr');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(store, 'stimulus/templates/raccoons/gs_face'), { recursive: true });
    const reader = await openZarr(store);
    await expect(
      reader.readData('/stimulus/templates/raccoons/order_of_images', wholeHyperslab([2])),
    ).rejects.toSatisfy(tagged('NotFoundError'));
    const attrsFile = path.join(store, 'stimulus/presentation/stimuli/.zattrs');
    const attrs = JSON.parse(await readFile(attrsFile, 'utf8')) as { zarr_link: { path: string }[] };
    attrs.zarr_link[0]!.path = '/../../etc';
    await writeFile(attrsFile, JSON.stringify(attrs));
    const again = await openZarr(store);
    await expect(again.list('/stimulus/presentation/stimuli')).rejects.toSatisfy(tagged('InvalidFileError'));
  });

  it('mode w- refuses an existing target; abort leaves nothing', async () => {
    const existing = await copyFixture('static_images.nwb.zarr');
    await expect(openZarr(existing, 'w-')).rejects.toSatisfy(tagged('BackendError'));
    const target = path.join(temp.dir, 'aborted.nwb.zarr');
    const writer = await openZarr(target, 'w');
    await writer.createGroup('/g');
    await writer.abort();
    await expect(openZarr(target)).rejects.toSatisfy(tagged('NotFoundError'));
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(temp.dir)).filter((n) => n.includes('aborted'))).toEqual([]);
  });

  it('a reference whose path leaves the store', async () => {
    const store = await copyFixture('tutorial_images.jsonrefs.nwb.zarr');
    const array = path.join(store, 'stimulus/templates/raccoons/order_of_images');
    const zarray = JSON.parse(await readFile(path.join(array, '.zarray'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(array, '.zarray'), JSON.stringify({ ...zarray, compressor: null }));
    const ref = (p: string) => ({ object_id: null, path: p, source: '.', source_object_id: null });
    await writeFile(
      path.join(array, '0'),
      JSON.stringify([ref('/../../etc/passwd'), ref('/stimulus/templates/raccoons/gs_face'), '|O', [2]]),
    );
    const reader = await openZarr(store);
    await expect(
      reader.readData('/stimulus/templates/raccoons/order_of_images', wholeHyperslab([2])),
    ).rejects.toSatisfy((e: unknown) => isNWBError(e, 'InvalidFileError') && /unsafe name/.test(e.message));
  });

  it('a remote .zmetadata listing a key outside the store', async () => {
    const zmetadata = {
      metadata: { '.zgroup': { zarr_format: 2 }, '../secret/.zarray': {} },
      zarr_consolidated_format: 1,
    };
    const fetch = async (request: Request) =>
      new URL(request.url).pathname.endsWith('/.zmetadata')
        ? new Response(JSON.stringify(zmetadata))
        : new Response(null, { status: 404 });
    await expect(openZarr('http://store.invalid/a.nwb.zarr', 'r', { fetch })).rejects.toSatisfy(
      (e: unknown) => isNWBError(e, 'InvalidFileError') && /unsafe key/.test(e.message),
    );
  });

  it('a zarr.json that is not a format 3 group is refused by name', async () => {
    const dir = path.join(temp.dir, 'v3.nwb.zarr');
    await mkdir(dir);
    await writeFile(path.join(dir, 'zarr.json'), JSON.stringify({ zarr_format: 3, node_type: 'array' }));
    await expect(openZarr(dir)).rejects.toSatisfy(
      (e: unknown) => isNWBError(e, 'InvalidFileError') && /not a group/.test(e.message),
    );
    await writeFile(path.join(dir, 'zarr.json'), JSON.stringify({ zarr_format: 2, node_type: 'group' }));
    await expect(openZarr(dir)).rejects.toSatisfy(
      (e: unknown) => isNWBError(e, 'InvalidFileError') && /not a Zarr store/.test(e.message),
    );
  });

  it("mode w never replaces a file, a directory that is not a store, or '' (the working directory)", async () => {
    const notStore = path.join(temp.dir, 'my-data');
    await mkdir(notStore);
    await writeFile(path.join(notStore, 'notes.txt'), 'keep me');
    const file = path.join(temp.dir, 'session.nwb');
    await writeFile(file, 'HDF5?');
    for (const target of [notStore, file, '']) {
      await expect(openZarr(target, 'w')).rejects.toSatisfy(tagged('BackendError'));
    }
    expect(await readFile(path.join(notStore, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(await readFile(file, 'utf8')).toBe('HDF5?');
    // A store is replaced, as 'w' promises.
    const store = await copyFixture('static_images.nwb.zarr');
    const writer = await openZarr(store, 'w');
    await writer.close();
    expect((await openZarr(store)).writable).toBe(false);
  });

  it('a chunk that cannot be stored fails the write and commits nothing', async () => {
    const target = new Map<string, Uint8Array>();
    const staging = new MapStagingStore(target, false);
    let chunkWrites = 0;
    const failing: StagingStore = {
      get: (key) => staging.get(key),
      set: async (key, value) => {
        if (/\/\d+\.\d+$/.test(key) && ++chunkWrites === 3)
          throw new Error('ENOSPC: no space left on device');
        await staging.set(key, value);
      },
      commit: () => staging.commit(),
      abort: () => staging.abort(),
    };
    const writer = new ZarrBackend({ store: failing, staging: failing });
    await writer.createDataset('/data', { dtype: 'uint8', shape: [8, 4], chunks: [1, 4] });
    // The failure of chunk 3 surfaces on a later call (the writes run behind) or at close.
    const written = (async () => {
      for (let row = 0; row < 8; row++)
        await writer.writeData('/data', [row, 0], ndarray('uint8', [1, 4], new Uint8Array(4).fill(row)));
    })();
    await expect(written.then(() => writer.close())).rejects.toSatisfy(
      (e: unknown) => isNWBError(e, 'BackendError') && /chunk data\/2\.0/.test(e.message),
    );
    await writer.close().catch(() => undefined);
    expect(target.size).toBe(0);
  });
});
