import { cp, mkdir, writeFile, chmod, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isNwbError, wholeHyperslab } from '@nwbjs/core';
import { openZarr } from '../src/index.js';
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

const tagged = (...tags: Parameters<typeof isNwbError>[1][]) => (e: unknown) => isNwbError(e, ...(tags as never[]));

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
      (e: unknown) => isNwbError(e, 'InvalidFileError') && e.path === '/acquisition/CompressedSeries/data',
    );
  });

  it('a truncated chunk and a chunk of the wrong size', async () => {
    const store = await copyFixture('compressed_imageseries.nwb.zarr');
    const chunk = path.join(store, 'acquisition/CompressedSeries/data/0.0.0');
    const bytes = await readFile(chunk);
    await writeFile(chunk, bytes.subarray(0, bytes.length >> 1));
    let reader = await openZarr(store);
    const at = '/acquisition/CompressedSeries/data';
    await expect(reader.readData(at, wholeHyperslab([64, 48, 40]))).rejects.toSatisfy(tagged('InvalidFileError'));
    const { gzipSync } = await import('node:zlib');
    await writeFile(chunk, gzipSync(new Uint8Array(100)));
    reader = await openZarr(store);
    await expect(reader.readData(at, wholeHyperslab([64, 48, 40]))).rejects.toSatisfy(tagged('InvalidFileError'));
  });

  it('a reference to a missing object, and unsafe link paths', async () => {
    const store = await copyFixture('tutorial_images.jsonrefs.nwb.zarr');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(store, 'stimulus/templates/raccoons/gs_face'), { recursive: true });
    const reader = await openZarr(store);
    await expect(reader.readData('/stimulus/templates/raccoons/order_of_images', wholeHyperslab([2]))).rejects.toSatisfy(tagged('NotFoundError'));
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
});
